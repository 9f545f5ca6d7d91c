"""What the HTTP wire adds to a speech call (not a test: it measures).

Loads the packaged Whisper and Piper, serves them behind the fake OpenAI-compatible speech
server of the tests (``tests/fakes/openai_speech.py``) on 127.0.0.1, then times the same
calls in process (through the pool) and through the ``openai-http`` engines: the median of
``--repeat`` transcriptions of answer 1 (16 kHz) and syntheses of answer 2 (24 kHz).

    PYTHONPATH=src .venv/bin/python benchmarks/speech_http.py --repeat 10
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from fakes.openai_speech import KEY, speech_server
from voice.fixtures import VOICE_SETTINGS
from voice.scripts import ANSWERS

from interview_coach.config import Settings
from interview_coach.voice.engines import VoiceEngines, load_voice_engines

RATE = 16_000
AI_RATE = 24_000


async def medians(engines: VoiceEngines, pcm: bytes, repeat: int) -> tuple[float, float]:
    """Median seconds of one transcription and one synthesis."""
    heard, spoken = [], []
    for _ in range(repeat):
        started = time.perf_counter()
        await engines.transcribe(pcm, RATE)
        heard.append(time.perf_counter() - started)
        started = time.perf_counter()
        await engines.synthesize(ANSWERS[1], AI_RATE)
        spoken.append(time.perf_counter() - started)
    return statistics.median(heard), statistics.median(spoken)


async def main(repeat: int) -> None:
    local = load_voice_engines(Settings(**VOICE_SETTINGS))  # type: ignore[arg-type]
    pcm = local.tts.synthesize(ANSWERS[0], RATE)
    async with speech_server(local) as (_, url):
        remote_settings = {
            **VOICE_SETTINGS,
            "stt_engine": "openai-http",
            "tts_engine": "openai-http",
            "speech_base_url": url,
            "speech_api_key": KEY,
        }
        remote = await asyncio.to_thread(load_voice_engines, Settings(**remote_settings))  # type: ignore[arg-type]
        try:
            for name, engines in (("in process (pool)", local), ("openai-http", remote)):
                stt, tts = await medians(engines, pcm, repeat)
                print(
                    f"{name:<18} STT of {len(pcm) / 2 / RATE:.1f} s: {stt * 1000:.0f} ms, "
                    f"TTS of answer 2: {tts * 1000:.0f} ms (medians of {repeat})"
                )
        finally:
            await asyncio.to_thread(remote.close)
            local.close()
    print(f"load average {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--repeat", type=int, default=10)
    asyncio.run(main(parser.parse_args().repeat))
