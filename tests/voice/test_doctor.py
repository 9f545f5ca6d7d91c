"""`interview-coach doctor`: speaks and hears one line (exit 0), or names the bad setting (2)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from wer import word_error_rate

from interview_coach.cli import main
from interview_coach.voice.doctor import CHECK_LINE


def test_doctor_reports_engines_and_timings(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["doctor", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    names = {row["role"]: row["name"] for row in report["engines"]}
    assert names == {"stt": "faster-whisper", "tts": "piper", "end_of_turn": "none"}
    licences = {row["role"]: row["licence"] for row in report["engines"]}
    assert "MIT" in licences["stt"] and "CC0" in licences["tts"]
    assert all(Path(row["model"]).exists() for row in report["engines"][:2])
    assert word_error_rate(CHECK_LINE, report["heard"]) <= 0.25
    assert report["audio_seconds"] > 1
    assert report["load_seconds"] > 0 and report["transcription_seconds"] > 0


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
