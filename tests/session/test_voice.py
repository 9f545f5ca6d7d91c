"""The interviewer's voice in Chromium, through the real web app, real-time server and
database: real espeak-ng speech streamed at 24 kHz in real time by a test interviewer
(voice_interviewer.py), played by the page's AudioWorklet, counted at its output."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect
from session_driver import LiveServer, SessionPage
from voice_interviewer import RATE, SENTENCES, VoiceControl, make_speech

from interview_coach.db.models import Interview
from interview_coach.interviewer.base import NoticeKind
from interview_coach.interviews.enums import EndReason, InterviewStatus

pytestmark = pytest.mark.browser

# Records, the moment sentence 2 first shows (caption or transcript), how many samples the
# player had played: the caption must not run ahead of the voice.
WATCH_SENTENCE_TWO = """
(() => {
  window.__seen = {};
  window.__playbackLog = [];
  new MutationObserver(() => {
    const root = document.querySelector('[data-page=session]');
    if (!root) return;
    const played = Number(root.dataset.interviewerPlayed || 0);
    const caption = document.querySelector('[data-caption]')?.textContent || '';
    const line = document.querySelector('[data-transcript-scroll]')?.textContent || '';
    if (caption.includes('proud') && !('caption' in window.__seen)) window.__seen.caption = played;
    if (line.includes('proud') && !('line' in window.__seen)) window.__seen.line = played;
  }).observe(document, { subtree: true, childList: true, characterData: true });
})();
"""


@pytest.fixture(scope="module")
def speech_audio() -> tuple[bytes, ...]:
    return make_speech()


@pytest.fixture
def control(speech_audio: tuple[bytes, ...]) -> VoiceControl:
    return VoiceControl(audio=speech_audio)


@pytest.fixture
def interviewer_factory(control: VoiceControl) -> Any:
    """The test interviewer in place of the mock."""
    return control.factory


@pytest.fixture
def session(session: SessionPage, control: VoiceControl) -> SessionPage:
    control.server = session.server
    return session


def samples(pcm: bytes) -> int:
    return len(pcm) // 2


def counter(session: SessionPage, name: str) -> int:
    value = session.page.locator("[data-page=session]").get_attribute(f"data-interviewer-{name}")
    return int(value or 0)


def go_live(session: SessionPage) -> str:
    interview_id = session.create_interview()
    session.page.add_init_script(WATCH_SENTENCE_TWO)
    session.open(interview_id)
    session.page.locator("[data-action=start]").click()
    session.wait_phase("live")
    return interview_id


def wait_counter_above(session: SessionPage, name: str, value: int) -> None:
    session.page.wait_for_function(
        "([n, v]) => Number(document.querySelector('[data-page=session]')"
        ".dataset['interviewer' + n] || 0) > v",
        arg=[name.capitalize(), value],
        timeout=15_000,
    )


def test_voice_plays_and_the_caption_follows_it(
    session: SessionPage, control: VoiceControl
) -> None:
    """Audio reaches the output; sentence 2's caption waits for sentence 2's audio; the
    status says Speaking while it plays; the finished line is shown once."""
    go_live(session)
    expect(session.page.locator("[data-engine]")).to_have_text(
        "Interviewer: offline voice", use_inner_text=True
    )
    control.do(control.speak())
    caption = session.page.locator("[data-caption]")
    expect(caption).to_have_text(SENTENCES[0])
    expect(session.page.locator("[data-ai-status-text]")).to_have_text("Speaking")
    expect(caption).to_have_text(SENTENCES[1], timeout=15_000)
    first = samples(control.audio[0])
    seen = session.page.evaluate("window.__seen")
    assert seen["caption"] > first, seen
    assert seen["line"] > first, seen
    assert counter(session, "audible") > RATE  # over a second of non-silent output
    final = session.page.locator("[data-transcript-log] [data-speaker=AI]")
    expect(final).to_have_count(1, timeout=15_000)
    expect(final).to_have_text(f"Interviewer: {SENTENCES[0]} {SENTENCES[1]}")
    total = samples(control.audio[0]) + samples(control.audio[1])
    assert counter(session, "played") >= total  # the line had played out before its final
    expect(session.page.locator("[data-ai-status-text]")).to_have_text("Listening")


def test_volume_zero_and_mute_silence_the_output_not_the_captions(
    session: SessionPage, control: VoiceControl
) -> None:
    """At volume 0, then muted, the playback clock runs and captions advance while every
    sample reaching the output is silent; the volume is remembered."""
    go_live(session)
    volume = session.page.get_by_label("Interviewer volume")
    volume.focus()
    session.page.keyboard.press("Home")
    expect(volume).to_have_value("0")
    control.do(control.speak())
    expect(session.page.locator("[data-caption]")).to_have_text(SENTENCES[1], timeout=15_000)
    assert counter(session, "played") > samples(control.audio[0])
    expect(session.page.locator("[data-ai-status-text]")).to_have_text("Listening", timeout=15_000)
    assert counter(session, "audible") == 0

    session.page.keyboard.press("End")
    expect(volume).to_have_value("100")
    mute = session.page.locator("[data-action=interviewer-mute]")
    mute.click()
    expect(mute).to_have_accessible_name("Unmute interviewer")
    expect(mute).to_have_attribute("aria-pressed", "true")
    played = counter(session, "played")
    control.do(control.speak())
    wait_counter_above(session, "played", played + RATE)
    assert counter(session, "audible") == 0
    stored = session.page.evaluate("localStorage.getItem('interview-coach.interviewer-voice')")
    assert stored == '{"volume":100,"muted":true}'
    session.page.reload()
    expect(session.page.locator("[data-action=interviewer-mute]")).to_have_attribute(
        "aria-pressed", "true"
    )


def test_barge_in_stops_the_voice_and_user_lines_show_once(
    session: SessionPage, control: VoiceControl
) -> None:
    """PlaybackCleared silences the output within 100 ms and later chunks of that line
    never play; the user's growing line is provisional, then final, once, also after a
    rejoin."""
    go_live(session)
    control.do(control.speak(cut_after_ms=1000, late_ms=1000))
    cut = session.page.locator("[data-transcript-log] [data-speaker=AI]")
    expect(cut).to_have_text("Interviewer: Hello, and thank you", timeout=15_000)
    session.page.wait_for_timeout(1200)  # what late chunks would take to play: none may
    log: list[dict[str, Any]] = session.page.evaluate("window.__playbackLog")
    cleared = next(entry for entry in log if entry.get("cleared"))
    acknowledged = next(entry for entry in log if entry.get("acknowledged"))
    assert acknowledged["t"] - cleared["t"] <= 100  # the worklet dropped it within 100 ms
    at_cut = acknowledged["played"]
    assert max(entry["played"] for entry in log if "played" in entry) == at_cut
    assert max(entry["audible"] for entry in log if "audible" in entry) == acknowledged["audible"]
    assert at_cut < samples(control.audio[0])  # it really was cut mid-sentence
    expect(session.page.locator("[data-caption]")).to_have_text(SENTENCES[0])

    control.do(control.user_line("I worked on", "I worked on a billing system."))
    partial = session.page.locator("[data-speaker=USER][data-final=false] .utterance-text")
    expect(partial).to_have_text("I worked on")
    assert partial.evaluate("e => getComputedStyle(e).fontStyle") == "italic"
    user = session.page.locator("[data-speaker=USER]")
    expect(session.page.locator("[data-transcript-log] [data-speaker=USER]")).to_have_text(
        "You: I worked on a billing system."
    )
    expect(user).to_have_count(1)

    session.page.reload()  # in progress, microphone allowed: the page rejoins by itself
    session.wait_phase("live")
    expect(session.page.locator("[data-transcript-log] [data-speaker=USER]")).to_have_count(1)
    expect(session.page.locator("[data-transcript-log] [data-speaker=AI]")).to_have_count(1)


def test_notices_show_and_go(session: SessionPage, control: VoiceControl) -> None:
    """The delayed-transcript notice appears, calm, and goes when recognition catches up;
    a fallback notice shows the server's words."""
    go_live(session)
    delayed = session.page.locator("[data-notice=transcript-delayed]")
    expect(delayed).to_be_hidden()
    control.do(control.notice(NoticeKind.TRANSCRIPT_DELAYED))
    expect(delayed).to_have_text(
        "Your words are taking a little longer to appear \u2013 keep going, nothing is lost."
    )
    control.do(control.notice(NoticeKind.TRANSCRIPT_CAUGHT_UP))
    expect(delayed).to_be_hidden()
    control.do(control.notice(NoticeKind.ENGINE_FALLBACK, "The voice is unavailable: text only."))
    expect(session.page.locator("[data-notice=fallback]")).to_have_text(
        "The voice is unavailable: text only."
    )


def test_end_while_the_interviewer_speaks(
    session: SessionPage, control: VoiceControl, live_server: LiveServer
) -> None:
    """End works mid-speech: playback stops and the interview is completed by the user."""
    interview_id = go_live(session)
    control.do(control.speak())
    wait_counter_above(session, "audible", RATE // 2)
    session.page.get_by_role("button", name="End interview").click()
    session.page.wait_for_url(f"**/interview/{interview_id}/feedback")

    async def stored() -> Interview | None:
        async with live_server.resources.sessions() as db:
            return await db.get(Interview, interview_id)

    interview = live_server.run(stored())
    assert interview is not None
    assert interview.status is InterviewStatus.COMPLETED
    assert interview.end_reason is EndReason.USER_INITIATED
