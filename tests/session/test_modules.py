"""The session page's pure ES modules, run in Chromium: the resampler and PCM encoder the
AudioWorklet uses, the state machine's edge cases, and server message decoding."""

from __future__ import annotations

from typing import Any

import pytest

pytestmark = pytest.mark.browser

RESAMPLE = """
async ([inputRate, frequency, seconds]) => {
  const { Resampler } = await import('/static/js/session/resampler.js');
  const resampler = new Resampler(inputRate, 16000);
  const total = Math.round(inputRate * seconds);
  const out = [];
  for (let start = 0; start < total; start += 128) {  // render-quantum sized blocks
    const block = new Float32Array(Math.min(128, total - start));
    for (let i = 0; i < block.length; i++) {
      block[i] = Math.sin(2 * Math.PI * frequency * (start + i) / inputRate);
    }
    out.push(...resampler.process(block));
  }
  const settled = out.slice(1600);  // skip the first 0.1 s (filter warm-up)
  const rms = Math.sqrt(settled.reduce((sum, x) => sum + x * x, 0) / settled.length);
  let crossings = 0;
  for (let i = 1; i < settled.length; i++) {
    if ((settled[i - 1] < 0) !== (settled[i] < 0)) crossings++;
  }
  return { length: out.length, rms, frequency: crossings / 2 / (settled.length / 16000) };
}
"""


def resample(page: Any, input_rate: int, frequency: float) -> dict[str, float]:
    result: dict[str, float] = page.evaluate(RESAMPLE, [input_rate, frequency, 1.0])
    return result


@pytest.mark.parametrize("input_rate", [48000, 44100])
def test_resampler_keeps_a_speech_band_tone(module_page: Any, input_rate: int) -> None:
    """A 1 kHz tone comes out at 16 kHz with its pitch and loudness intact."""
    result = resample(module_page, input_rate, 1000)
    assert 16000 - 40 <= result["length"] <= 16000
    assert result["rms"] == pytest.approx(0.5**0.5, rel=0.02)
    assert result["frequency"] == pytest.approx(1000, rel=0.01)


def test_resampler_filters_tones_above_8_khz(module_page: Any) -> None:
    """A 10 kHz tone (above the new Nyquist) is removed instead of aliasing to 6 kHz."""
    result = resample(module_page, 48000, 10000)
    assert result["rms"] < 0.707 * 0.01  # more than 40 dB down


def test_pcm16_is_little_endian_rounded_and_clipped(module_page: Any) -> None:
    """Samples become signed 16-bit little-endian, clipped to the valid range."""
    data = module_page.evaluate(
        """async () => {
          const { toPcm16le } = await import('/static/js/session/resampler.js');
          const bytes = toPcm16le(new Float32Array([0, 1, -1, 2, -2, 0.5]));
          return Array.from(new Uint8Array(bytes));
        }"""
    )
    samples = [
        int.from_bytes(bytes(data[i : i + 2]), "little", signed=True) for i in range(0, 12, 2)
    ]
    assert samples == [0, 32767, -32768, 32767, -32768, 16384]


RUN_STATE = """
async (events) => {
  const machine = await import('/static/js/session/state.js');
  let state = machine.initialState('iv-1', 1800);
  const seen = [];
  for (const event of events) {
    state = machine.transition(state, event);
    seen.push({ phase: state.phase, attempt: state.attempt, error: state.error,
                transcript: state.transcript, redirectTo: state.redirectTo });
  }
  return seen;
}
"""

TO_LIVE: list[dict[str, Any]] = [
    {"type": "loaded", "current": None, "permission": "prompt"},
    {"type": "startClicked"},
    {"type": "micGranted"},
    {"type": "started", "durationSeconds": 1800, "elapsedMs": 0, "resumed": False, "now": 0},
]


def run_state(page: Any, events: list[dict[str, Any]]) -> list[dict[str, Any]]:
    seen: list[dict[str, Any]] = page.evaluate(RUN_STATE, TO_LIVE + events)
    return seen[len(TO_LIVE) :]


def test_reconnect_gives_up_only_after_the_window(module_page: Any) -> None:
    """Drops keep reconnecting until 30 s after the first one, then the connection is lost."""
    seen = run_state(
        module_page,
        [
            {"type": "disconnected", "code": 1006, "now": 1_000},
            {"type": "disconnected", "code": 1006, "now": 20_000},
            {"type": "disconnected", "code": 1006, "now": 30_999},
            {"type": "disconnected", "code": 1006, "now": 31_000},
        ],
    )
    assert [(s["phase"], s["attempt"]) for s in seen[:3]] == [
        ("reconnecting", 1),
        ("reconnecting", 2),
        ("reconnecting", 3),
    ]
    assert seen[3]["phase"] == "error"
    assert seen[3]["error"]["kind"] == "connectionLost"


def test_late_partial_never_replaces_a_final_line(module_page: Any) -> None:
    """A partial arriving after the final of the same utterance leaves the final text."""
    line = {"type": "transcript", "id": "u0", "speaker": "AI", "offsetMs": 0}
    seen = run_state(
        module_page,
        [
            {**line, "text": "Hello there.", "isFinal": True},
            {**line, "text": "Hello", "isFinal": False},
        ],
    )
    assert seen[-1]["transcript"] == [
        {"id": "u0", "speaker": "AI", "text": "Hello there.", "final": True, "offsetMs": 0}
    ]


def test_interview_over_error_goes_to_feedback(module_page: Any) -> None:
    """Error 4410 (interview already over) sends the page to the feedback page."""
    seen = run_state(module_page, [{"type": "serverError", "code": 4410, "message": "Over."}])
    assert seen[-1]["redirectTo"] == "/interview/iv-1/feedback"


def test_server_fault_while_live_reconnects(module_page: Any) -> None:
    """Error 1011 while live is followed by a reconnect, not an error screen."""
    seen = run_state(
        module_page,
        [
            {"type": "serverError", "code": 1011, "message": "Reconnect to continue."},
            {"type": "disconnected", "code": 1011, "now": 5},
        ],
    )
    assert [s["phase"] for s in seen] == ["live", "reconnecting"]


def test_expired_ticket_is_retried_with_a_new_one(module_page: Any) -> None:
    """Error 4402 (ticket expired) while connecting leads to another attempt, not an error."""
    seen = run_state(
        module_page,
        [
            {"type": "disconnected", "code": 1006, "now": 10},
            {"type": "serverError", "code": 4402, "message": "Expired."},
            {"type": "disconnected", "code": 4402, "now": 600},
        ],
    )
    assert [(s["phase"], s["attempt"]) for s in seen] == [
        ("reconnecting", 1),
        ("reconnecting", 1),
        ("reconnecting", 2),
    ]


def test_retry_delay_doubles_up_to_five_seconds(module_page: Any) -> None:
    """Backoff: 0.5, 1, 2, 4 s, then 5 s at most (without jitter)."""
    delays = module_page.evaluate(
        """async () => {
          const { retryDelayMs } = await import('/static/js/session/state.js');
          return [1, 2, 3, 4, 5, 9].map((attempt) => retryDelayMs(attempt));
        }"""
    )
    assert delays == [500, 1000, 2000, 4000, 5000, 5000]


def test_decoding_handles_omitted_defaults_and_int64_strings(module_page: Any) -> None:
    """Proto3 JSON omits default values and sends int64 as strings; both decode."""
    events = module_page.evaluate(
        """async () => {
          const { decodeServerMessage } = await import('/static/js/session/socket.js');
          return [
            decodeServerMessage('{"startResponse":{}}', 7),
            decodeServerMessage('{"startResponse":{"elapsedMs":"61000","resumed":true}}', 7),
            decodeServerMessage('{"partialTranscript":{"text":"Hi","speaker":"AI"}}', 7),
            decodeServerMessage('not json', 7),
          ];
        }"""
    )
    assert events[0] == {
        "type": "started",
        "durationSeconds": 0,
        "elapsedMs": 0,
        "resumed": False,
        "now": 7,
        "aiSampleRateHertz": 0,
        "interviewerEngine": "",
    }
    assert events[1]["elapsedMs"] == 61000 and events[1]["resumed"] is True
    assert events[2] == {
        "type": "transcript",
        "id": "",
        "speaker": "AI",
        "text": "Hi",
        "isFinal": False,
        "offsetMs": 0,
    }
    assert events[3] is None
