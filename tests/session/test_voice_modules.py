"""The voice modules' pure parts in Chromium: the caption gate (captions.js), the state
machine's voice events and status, message decoding, and the volume curve."""

from __future__ import annotations

from typing import Any

import pytest
from test_modules import TO_LIVE

pytestmark = pytest.mark.browser

# A fake player view the script moves by hand: queued and played samples per utterance.
RUN_GATE = """
async (steps) => {
  const { CaptionGate } = await import('/static/js/session/captions.js');
  const queued = {}, played = {};
  let audible = true;
  const gate = new CaptionGate({
    queuedOf: (id) => queued[id] ?? 0, playedOf: (id) => played[id] ?? 0,
    audible: () => audible, rate: () => 1000,
  });
  const shown = [];
  const show = (events, at) => events.forEach((e) => shown.push([at, e.text, e.isFinal]));
  for (const step of steps) {
    if (step.queue !== undefined) queued.u0 = step.queue;
    if (step.play !== undefined) played.u0 = step.play;
    if (step.audible !== undefined) audible = step.audible;
    if (step.clear) gate.clear('u0');
    if (step.offer) show(gate.offer({ type: 'transcript', speaker: 'AI', id: 'u0', offsetMs: 0,
                                      isFinal: false, ...step.offer }, step.now), step.now);
    show(gate.update(step.now), step.now);
  }
  return shown;
}
"""


def run_gate(page: Any, steps: list[dict[str, Any]]) -> list[list[Any]]:
    shown: list[list[Any]] = page.evaluate(RUN_GATE, steps)
    return shown


def test_a_sentence_shows_when_its_audio_starts_playing(module_page: Any) -> None:
    """Sentence 2 waits while sentence 1 plays; it shows once the playhead passes into the
    audio queued after it; the final waits until the line has played out."""
    shown = run_gate(
        module_page,
        [
            {"now": 0, "offer": {"text": "One."}},
            {"now": 10, "queue": 500},
            {"now": 200, "play": 1},
            {"now": 300, "offer": {"text": "One. Two."}},
            {"now": 310, "queue": 800},
            {"now": 600, "play": 500},
            {"now": 610, "play": 501},
            {"now": 700, "offer": {"text": "One. Two.", "isFinal": True}},
            {"now": 800, "play": 799},
            {"now": 810, "play": 800},
        ],
    )
    assert shown == [
        [200, "One.", False],
        [610, "One. Two.", False],
        [810, "One. Two.", True],
    ]


def test_text_without_audio_shows_after_a_second(module_page: Any) -> None:
    """No audio for a partial within 1 s: it shows anyway; a final with no audio shows at
    once, and after such a line later text does not wait (a text-only engine)."""
    shown = run_gate(
        module_page,
        [
            {"now": 0, "offer": {"text": "Hello"}},
            {"now": 999},
            {"now": 1000},
            {"now": 1100, "offer": {"text": "Hello there.", "isFinal": True}},
            {"now": 1200, "offer": {"text": "Next"}},
        ],
    )
    assert shown == [[1000, "Hello", False], [1100, "Hello there.", True], [1200, "Next", False]]


def test_muted_text_is_not_held_and_cleared_text_passes(module_page: Any) -> None:
    """Inaudible playback holds nothing back; a barge-in drops held text and lets the
    utterance's final (only what was heard) through at once."""
    shown = run_gate(
        module_page,
        [
            {"now": 0, "offer": {"text": "One."}, "queue": 100},
            {"now": 5, "offer": {"text": "One. Two."}, "queue": 200},
            {"now": 10, "clear": True},
            {"now": 20, "offer": {"text": "One", "isFinal": True}},
            {"now": 30, "audible": False, "offer": {"id": "u1", "text": "x"}},
        ],
    )
    assert shown == [[20, "One", True], [30, "x", False]]


RUN_VOICE_STATE = """
async (events) => {
  const machine = await import('/static/js/session/state.js');
  let state = machine.initialState('iv-1', 1800);
  const seen = [];
  for (const event of events) {
    state = machine.transition(state, event);
    seen.push({ shown: machine.shownAiStatus(state), caption: state.caption,
                delayed: state.transcriptDelayed, fallback: state.fallbackMessage,
                volume: state.interviewerVolume, muted: state.interviewerMuted,
                engine: state.interviewerEngine });
  }
  return seen.slice(3);  // from the state after StartResponse
}
"""


def test_status_says_speaking_only_while_audio_plays(module_page: Any) -> None:
    """Server SPEAKING before any audio (text engine): Speaking; once audio has played,
    SPEAKING with nothing playing is Thinking; playing audio is Speaking whatever the
    server says."""
    seen = module_page.evaluate(
        RUN_VOICE_STATE,
        [
            *TO_LIVE,
            {"type": "interviewerStatus", "state": "SPEAKING"},
            {"type": "playback", "playing": True},
            {"type": "interviewerStatus", "state": "LISTENING"},
            {"type": "playback", "playing": False},
            {"type": "interviewerStatus", "state": "SPEAKING"},
        ],
    )
    assert [s["shown"] for s in seen[1:]] == [
        "SPEAKING",
        "SPEAKING",
        "SPEAKING",
        "LISTENING",
        "THINKING",
    ]


def test_caption_notices_volume_and_engine(module_page: Any) -> None:
    """The caption is the newest sentence; notices toggle; a fallback turns the engine label
    to offline; volume is clamped."""
    line = {"type": "transcript", "id": "u0", "speaker": "AI", "offsetMs": 0, "isFinal": False}
    start = {**TO_LIVE[-1], "interviewerEngine": "openai-realtime"}
    seen = module_page.evaluate(
        RUN_VOICE_STATE,
        [
            *TO_LIVE[:-1],
            start,
            {**line, "text": "Hello."},
            {**line, "text": "Hello. How are you?"},
            {"type": "notice", "kind": "TRANSCRIPT_DELAYED", "message": ""},
            {"type": "notice", "kind": "TRANSCRIPT_CAUGHT_UP", "message": ""},
            {"type": "notice", "kind": "ENGINE_FALLBACK", "message": "Text only."},
            {"type": "interviewerVolumeChanged", "volume": 140},
            {"type": "interviewerMuteToggled"},
        ],
    )
    assert seen[0]["engine"] == "openai-realtime"
    assert [s["caption"]["text"] for s in seen[1:3]] == ["Hello.", "How are you?"]
    assert [s["delayed"] for s in seen[3:5]] == [True, False]
    assert (seen[5]["fallback"], seen[5]["engine"]) == ("Text only.", "offline")
    assert (seen[6]["volume"], seen[7]["muted"]) == (100, True)


def test_decoding_voice_messages(module_page: Any) -> None:
    """AudioChunk, PlaybackCleared and SessionNotice become events."""
    events = module_page.evaluate(
        """async () => {
          const { decodeServerMessage } = await import('/static/js/session/socket.js');
          return [
            decodeServerMessage('{"audioChunk":{"audioContent":"AAA=","utteranceId":"u3"}}', 1),
            decodeServerMessage('{"playbackCleared":{"utteranceId":"u3","heardMs":"1200"}}', 1),
            decodeServerMessage('{"sessionNotice":{"kind":"TRANSCRIPT_DELAYED"}}', 1),
            decodeServerMessage('{"sessionNotice":{"kind":"SOMETHING_NEW"}}', 1),
          ];
        }"""
    )
    assert events == [
        {"type": "audio", "id": "u3", "audioContent": "AAA="},
        {"type": "playbackCleared", "id": "u3", "heardMs": 1200},
        {"type": "notice", "kind": "TRANSCRIPT_DELAYED", "message": ""},
        {"type": "notice", "kind": "UNKNOWN", "message": ""},
    ]


def test_volume_curve(module_page: Any) -> None:
    """Gain follows the square of the slider; muted is silent."""
    gains = module_page.evaluate(
        """async () => {
          const { gainFor } = await import('/static/js/session/player.js');
          return [gainFor(0, false), gainFor(50, false), gainFor(100, false), gainFor(100, true)];
        }"""
    )
    assert gains == [0, 0.25, 1, 0]
