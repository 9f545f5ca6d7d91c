"""The voice engines, loaded once per test session and shared by every folder's tests.

``tests/conftest.py`` imports ``voice_engines``, so any test can ask for it; loading Whisper and
Piper costs seconds of CPU, so nothing else should load them again.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from interview_coach.config import Settings
from interview_coach.voice.engines import VoiceEngines, load_voice_engines

# The defaults, spelled out so an operator's environment cannot change what the tests load;
# except that Piper speaks each text the same way every time, so what the recogniser hears
# back (word error rates asserted throughout) does not change from run to run.
VOICE_SETTINGS = {
    "stt_engine": "faster-whisper",
    "stt_model": None,
    "stt_language": "en",
    "tts_engine": "piper",
    "tts_voice": None,
    "tts_variation": False,
    "end_of_turn": "none",
    "inference_workers": 2,
    "inference_max_queue": 16,
}


@pytest.fixture(scope="session")
def voice_engines() -> Iterator[VoiceEngines]:
    """Whisper tiny.en, the packaged Piper voice and a two-worker pool."""
    engines = load_voice_engines(Settings(**VOICE_SETTINGS))  # type: ignore[arg-type]
    yield engines
    engines.close()
