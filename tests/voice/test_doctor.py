"""`interview-coach doctor`: speaks and hears one line (exit 0), or names the bad setting (2)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from wer import word_error_rate

from interview_coach.cli import main
from interview_coach.voice.doctor import CHECK_LINE, engine_rows
from interview_coach.voice.engines import VoiceEngines


def test_doctor_speaks_and_hears_a_line(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """End to end through the command; espeak-ng keeps it quick (Piper is loaded elsewhere)."""
    monkeypatch.setenv("INTERVIEW_COACH_TTS_ENGINE", "espeak-ng")
    assert main(["doctor", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    names = {row["role"]: row["name"] for row in report["engines"]}
    assert names == {"stt": "faster-whisper", "tts": "espeak-ng", "end_of_turn": "none"}
    assert word_error_rate(CHECK_LINE, report["heard"]) <= 0.25
    assert report["audio_seconds"] > 1
    assert report["load_seconds"] > 0 and report["transcription_seconds"] > 0


def test_doctor_names_models_and_licences(voice_engines: VoiceEngines) -> None:
    rows = {row["role"]: row for row in engine_rows(voice_engines)}
    assert "MIT" in rows["stt"]["licence"] and "CC0" in rows["tts"]["licence"]
    assert (Path(rows["stt"]["model"]) / "model.bin").is_file()
    assert rows["tts"]["model"].endswith("en_US-joe-medium.onnx")
    assert rows["end_of_turn"]["name"] == "none"


@pytest.mark.parametrize("as_json", [False, True])
def test_doctor_names_the_setting_to_fix(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    as_json: bool,
) -> None:
    monkeypatch.setenv("INTERVIEW_COACH_TTS_VOICE", str(tmp_path / "missing.onnx"))
    assert main(["doctor", *(["--json"] if as_json else [])]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    if as_json:
        error = json.loads(captured.err)["error"]
        assert error["code"] == "configuration_error"
        assert "INTERVIEW_COACH_TTS_VOICE" in error["message"]
    else:
        assert captured.err.startswith("error: INTERVIEW_COACH_TTS_VOICE: ")
