"""load_voice_engines: the right engines from the settings, and one clear ConfigurationError
naming the setting to fix when a model is missing or broken."""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any

import pytest

from interview_coach.config import Settings
from interview_coach.voice.engines import VoiceEngines, load_voice_engines, worker_count
from interview_coach.voice.errors import ConfigurationError
from interview_coach.voice.whisper_stt import packaged_model
from voice.fixtures import VOICE_SETTINGS


def _settings(**changes: Any) -> Settings:
    return Settings(**{**VOICE_SETTINGS, **changes})


def _fails_naming(setting: str, **changes: Any) -> str:
    with pytest.raises(ConfigurationError) as caught:
        load_voice_engines(_settings(**changes))
    assert setting in caught.value.message
    assert caught.value.field == setting
    return caught.value.message


def test_defaults_are_the_packaged_models(voice_engines: VoiceEngines) -> None:
    assert voice_engines.stt.name == "faster-whisper"
    assert voice_engines.tts.name == "piper"
    assert voice_engines.end_of_turn is None
    assert voice_engines.pool.workers == VOICE_SETTINGS["inference_workers"]
    assert voice_engines.pool.max_queue == VOICE_SETTINGS["inference_max_queue"]


def test_missing_stt_model_directory(tmp_path: Path) -> None:
    message = _fails_naming("INTERVIEW_COACH_STT_MODEL", stt_model=str(tmp_path / "nowhere"))
    assert "nowhere" in message and "unset it" in message


def test_broken_stt_model_file(tmp_path: Path) -> None:
    broken = tmp_path / "whisper"
    shutil.copytree(packaged_model(), broken, ignore=shutil.ignore_patterns("model.bin"))
    (broken / "model.bin").write_bytes(b"not a model" * 100)
    message = _fails_naming("INTERVIEW_COACH_STT_MODEL", stt_model=str(broken))
    assert "cannot load the Whisper model" in message


def test_missing_tts_voice(tmp_path: Path) -> None:
    _fails_naming("INTERVIEW_COACH_TTS_VOICE", tts_voice=tmp_path / "voice.onnx")


def test_tts_voice_without_its_config(tmp_path: Path) -> None:
    voice = tmp_path / "voice.onnx"
    voice.write_bytes(b"onnx")
    message = _fails_naming("INTERVIEW_COACH_TTS_VOICE", tts_voice=voice)
    assert "voice.onnx.json" in message


def test_broken_tts_voice(tmp_path: Path) -> None:
    voice = tmp_path / "voice.onnx"
    voice.write_bytes(b"not an onnx model")
    Path(f"{voice}.json").write_text("{}")
    message = _fails_naming("INTERVIEW_COACH_TTS_VOICE", tts_voice=voice)
    assert "cannot load the Piper voice" in message


@pytest.mark.parametrize(
    ("setting", "value"),
    [("stt_engine", "vosk"), ("tts_engine", "festival"), ("end_of_turn", "smart-turn")],
)
def test_unknown_engine_names_its_setting(setting: str, value: str) -> None:
    message = _fails_naming(f"INTERVIEW_COACH_{setting.upper()}", **{setting: value})
    assert repr(value) in message


def test_espeak_engine_needs_the_program(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))  # a machine without espeak-ng
    message = _fails_naming("INTERVIEW_COACH_TTS_ENGINE", tts_engine="espeak-ng")
    assert "espeak-ng program is not installed" in message


def test_workers_default_to_the_cores() -> None:
    assert worker_count(_settings(inference_workers=None)) == len(os.sched_getaffinity(0))
    assert worker_count(_settings(inference_workers=3)) == 3
