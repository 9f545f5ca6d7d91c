"""The live session page against a fake WebSocket: the spec's seven frontend tests and the
issue's additions. The web app, ticket API, database and Chromium are real."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from playwright.sync_api import expect
from session_driver import (
    PENDING_PROMPT,
    RECORD_STREAMS,
    SessionPage,
    decode_audio,
    permission_is,
    reject_microphone,
)

from interview_coach.web.deps import SESSION_COOKIE

pytestmark = pytest.mark.browser

# wait_for_function predicates are written as functions: Playwright evals an expression
# string again on every poll, which the page's CSP (no 'unsafe-eval') refuses; a function is
# compiled once, when Playwright injects it.
# True once some AudioChunk sent on the first socket holds a non-zero sample.
AUDIBLE_CHUNK_SENT = """
() => window.__fakeSockets[0].sent.some((frame) => {
  const chunk = JSON.parse(frame).audioChunk;
  return chunk && [...atob(chunk.audioContent)].some((c) => c.charCodeAt(0) !== 0);
})
"""
# True once the level meter has shown a loud chunk (the fake microphone's beep).
METER_MOVED = """
() => parseFloat(
  document.querySelector('[data-level-bar]').style.transform.slice('scaleX('.length)) > 0.5
"""
# True once another socket was opened since `n` and refused (so the next retry is
# scheduled), or the page gave up.
ATTEMPT_FAILED_OR_GAVE_UP = """
(n) => (window.__fakeSockets.length > n && window.__fakeSockets.at(-1).readyState === 3)
  || document.querySelector('[data-page=session]').dataset.phase === 'error'
"""
FIXED_NOW = datetime(2030, 1, 1, 9, 0, 0, tzinfo=UTC)


@pytest.fixture
def fake(session: SessionPage) -> SessionPage:
    """The session page with the fake WebSocket installed."""
    session.fake_socket()
    return session


def transcript_message(
    utterance_id: str, speaker: str, text: str, *, final: bool = False
) -> dict[str, Any]:
    part: dict[str, Any] = {"text": text, "speaker": speaker, "utteranceId": utterance_id}
    if final:
        part["isFinal"] = True
    return {"partialTranscript": part}


# ---------------------------------------------------------------- the spec's seven


def test_shows_connecting_until_the_server_answers(fake: SessionPage) -> None:
    """After Start and while no StartResponse has come, the page says it is connecting."""
    fake.open(fake.create_interview())
    fake.start()
    expect(fake.page.get_by_role("heading", name="Connecting…")).to_be_visible()
    expect(fake.page.locator("[data-connection-text]")).to_have_text("Connecting…")
    assert fake.phase() == "connecting"


def test_denied_microphone_shows_how_to_allow_it(fake: SessionPage) -> None:
    """NotAllowedError leads to permissionsDenied with per-browser help and a retry button."""
    fake.page.add_init_script(reject_microphone("NotAllowedError"))
    fake.open(fake.create_interview())
    fake.page.locator("[data-action=start]").click()
    fake.wait_phase("permissionsDenied")
    panel = fake.page.locator("[data-panel=permissionsDenied]")
    expect(panel.get_by_role("heading", name="Microphone access is blocked")).to_be_visible()
    expect(panel).to_contain_text("Firefox")
    expect(panel).to_contain_text("Safari")
    expect(panel.get_by_role("button", name="Try again")).to_be_visible()
    assert fake.socket_count() == 0


def test_start_request_carries_interview_id_and_ticket(fake: SessionPage) -> None:
    """On open the page sends StartRequest with the interview id, a valid ticket and 16 kHz PCM."""
    interview_id = fake.create_interview()
    fake.open(interview_id)
    fake.start()
    start = fake.sent(0)[0]["startRequest"]
    assert start["interviewId"] == interview_id
    assert start["audioConfig"] == {"encoding": "LINEAR_PCM", "sampleRateHertz": 16000}
    ticket = fake.server.resources.tickets.verify(start["authToken"])
    assert (ticket.user_id, ticket.interview_id) == (fake.account.user_id, interview_id)


def test_start_response_shows_the_live_interview(fake: SessionPage) -> None:
    """StartResponse makes the page live: connected, End enabled, clock from elapsedMs."""
    fake.page.clock.set_fixed_time(FIXED_NOW)
    fake.go_live(fake.create_interview(), elapsedMs="61000")
    page = fake.page
    expect(page.locator("[data-connection-text]")).to_have_text("Connected")
    expect(page.locator("[data-action=end]")).to_be_enabled()
    expect(page.locator("[data-elapsed]")).to_have_text("01:01")
    expect(page.locator("[data-time-left]")).to_have_text("28:59")
    expect(page.locator("[data-panel=connecting]")).to_be_hidden()


def test_partial_transcripts_replace_and_finals_stay(fake: SessionPage) -> None:
    """Partials of one utterance replace each other; finals go to the log; speakers differ."""
    fake.go_live(fake.create_interview())
    page = fake.page
    fake.deliver(transcript_message("ai-0", "AI", "Tell"))
    fake.deliver(transcript_message("ai-0", "AI", "Tell me about"))
    streaming = page.locator("[data-transcript-streaming] [data-utterance-id=ai-0]")
    expect(streaming).to_contain_text("Tell me about")
    expect(page.locator("[data-transcript-log] li")).to_have_count(0)

    fake.deliver(transcript_message("ai-0", "AI", "Tell me about yourself.", final=True))
    fake.deliver(transcript_message("user-0", "USER", "I build", final=False))
    fake.deliver(transcript_message("user-0", "USER", "I build APIs.", final=True))
    log = page.locator("[data-transcript-log] li")
    expect(log).to_have_count(2)
    expect(log.nth(0)).to_have_attribute("data-speaker", "AI")
    expect(log.nth(0).locator(".utterance-speaker")).to_contain_text("Interviewer")
    expect(log.nth(0).locator(".utterance-text")).to_have_text("Tell me about yourself.")
    expect(log.nth(1).locator(".utterance-speaker")).to_contain_text("You")
    expect(log.nth(1).locator(".utterance-text")).to_have_text("I build APIs.")
    expect(page.locator("[data-transcript-streaming] > *")).to_have_count(0)
    classes = [log.nth(i).get_attribute("class") or "" for i in range(2)]
    assert "utterance-ai" in classes[0] and "utterance-user" in classes[1]


def test_end_interview_sends_end_request(fake: SessionPage) -> None:
    """Clicking End Interview sends EndRequest and disables every control."""
    fake.go_live(fake.create_interview())
    fake.page.locator("[data-action=end]").click()
    fake.wait_phase("ending")
    assert fake.sent_of("endRequest") == [{}]
    for action in ("end", "mute", "toggle-transcript"):
        expect(fake.page.locator(f"[data-action={action}]")).to_be_disabled()


def test_session_ended_goes_to_feedback(fake: SessionPage) -> None:
    """SessionEnded moves to ending and then to the interview's feedback page."""
    interview_id = fake.create_interview()
    fake.go_live(interview_id)
    fake.deliver({"sessionEnded": {"reason": "USER_INITIATED"}})
    fake.page.wait_for_url(f"**/interview/{interview_id}/feedback")
    expect(fake.page.locator("[data-page=feedback]")).to_be_visible()


# ---------------------------------------------------------------- the additions


def test_server_error_message_is_shown(fake: SessionPage) -> None:
    """An Error message puts the page in the error state showing the server's words."""
    fake.go_live(fake.create_interview())
    fake.deliver({"error": {"code": 4429, "message": "Audio arrived faster than real time."}})
    fake.server_close(4429)
    fake.wait_phase("error")
    panel = fake.page.locator("[data-panel=error]")
    expect(panel.get_by_role("heading", name="The interview stopped")).to_be_visible()
    expect(panel.locator("[data-error-message]")).to_have_text(
        "Audio arrived faster than real time."
    )
    assert fake.socket_count() == 1


def test_reconnects_after_a_drop_without_duplicate_lines(fake: SessionPage) -> None:
    """A dropped socket shows Reconnecting…, rejoins with a fresh ticket, shows no line twice."""
    interview_id = fake.create_interview()
    tickets: list[str] = []
    fake.page.on("request", lambda r: tickets.append(r.url) if r.url.endswith("/ticket") else None)
    fake.go_live(interview_id)
    fake.deliver(transcript_message("ai-0", "AI", "Tell me about yourself.", final=True))
    fake.deliver(transcript_message("user-0", "USER", "I build APIs.", final=True))
    fake.deliver(transcript_message("ai-1", "AI", "Why", final=False))
    fake.server_close(1006)
    fake.wait_phase("reconnecting")
    expect(fake.page.locator("[data-reconnecting]")).to_contain_text("Reconnecting…")
    expect(fake.page.locator("[data-connection-text]")).to_have_text("Reconnecting…")

    fake.wait_sent(1, 1)
    assert fake.sent(1)[0]["startRequest"]["interviewId"] == interview_id
    assert len(tickets) == 2
    fake.deliver({"startResponse": {"sessionId": "s-2", "durationSeconds": 1800, "resumed": True}})
    fake.deliver(transcript_message("ai-0", "AI", "Tell me about yourself.", final=True))
    fake.deliver(transcript_message("user-0", "USER", "I build APIs.", final=True))
    fake.deliver(transcript_message("ai-1", "AI", "Why this role?", final=True))
    fake.wait_phase("live")
    texts = fake.page.locator("[data-transcript-log] .utterance-text").all_inner_texts()
    assert texts == ["Tell me about yourself.", "I build APIs.", "Why this role?"]
    expect(fake.page.locator("[data-transcript-streaming] > *")).to_have_count(0)
    expect(fake.page.locator("[data-reconnecting]")).to_be_hidden()


def test_connection_lost_after_retries_run_out(fake: SessionPage) -> None:
    """When reconnecting fails for the whole window, the page says Connection lost."""
    fake.page.clock.install()
    fake.go_live(fake.create_interview())
    fake.page.evaluate("window.__fakeSocketMode = 'refuse'")
    fake.server_close(1006)
    fake.wait_phase("reconnecting")
    while fake.phase() != "error":
        count = fake.socket_count()
        fake.page.clock.fast_forward(6_000)  # past the longest backoff: one more attempt
        fake.page.wait_for_function(ATTEMPT_FAILED_OR_GAVE_UP, arg=count)
    panel = fake.page.locator("[data-panel=error]")
    expect(panel.get_by_role("heading", name="Connection lost")).to_be_visible()
    expect(panel.get_by_role("link", name="Back to your interviews")).to_be_visible()
    assert fake.socket_count() > 3


def test_no_microphone_has_its_own_message(fake: SessionPage) -> None:
    """NotFoundError says no microphone was found and offers a retry."""
    fake.page.add_init_script(reject_microphone("NotFoundError"))
    fake.open(fake.create_interview())
    fake.page.locator("[data-action=start]").click()
    fake.wait_phase("microphoneError")
    panel = fake.page.locator("[data-panel=microphoneError]")
    expect(panel.get_by_role("heading", name="No microphone found")).to_be_visible()
    expect(panel.get_by_role("button", name="Try again")).to_be_visible()


def test_busy_microphone_has_its_own_message(fake: SessionPage) -> None:
    """NotReadableError says another program is using the microphone."""
    fake.page.add_init_script(reject_microphone("NotReadableError"))
    fake.open(fake.create_interview())
    fake.page.locator("[data-action=start]").click()
    fake.wait_phase("microphoneError")
    panel = fake.page.locator("[data-panel=microphoneError]")
    expect(panel.get_by_role("heading", name="Your microphone is busy")).to_be_visible()


def test_unanswered_permission_prompt_times_out(fake: SessionPage) -> None:
    """A prompt nobody answers ends in a message after the timeout instead of hanging."""
    fake.page.clock.install()
    fake.page.add_init_script(PENDING_PROMPT)
    fake.open(fake.create_interview())
    fake.page.locator("[data-action=start]").click()
    fake.wait_phase("requestingPermissions")
    fake.page.clock.fast_forward(31_000)
    fake.wait_phase("microphoneError")
    expect(
        fake.page.get_by_role("heading", name="The microphone prompt was not answered")
    ).to_be_visible()


def test_html_in_transcript_text_is_shown_literally(fake: SessionPage) -> None:
    """Transcript text is inserted as text: markup shows as characters and never runs."""
    fake.go_live(fake.create_interview())
    markup = '<img src=x onerror="window.__injected=1"><b>bold</b>'
    fake.deliver(transcript_message("ai-0", "AI", markup, final=True))
    line = fake.page.locator("[data-transcript-log] [data-utterance-id=ai-0] .utterance-text")
    expect(line).to_have_text(markup)
    assert fake.page.locator("[data-transcript] img, [data-transcript] b").count() == 0
    assert fake.page.evaluate("window.__injected") is None


def test_replaced_session_says_so_and_does_not_reconnect(fake: SessionPage) -> None:
    """SessionEnded(REPLACED) explains another tab took over and opens no new socket."""
    fake.go_live(fake.create_interview())
    fake.deliver({"sessionEnded": {"reason": "REPLACED", "message": "Opened elsewhere."}})
    fake.server_close(1000)
    fake.wait_phase("error")
    expect(
        fake.page.get_by_role("heading", name="This interview continued in another tab")
    ).to_be_visible()
    assert fake.socket_count() == 1


def test_server_restart_during_connect_is_retried(fake: SessionPage) -> None:
    """Close code 1012 (server restarting) before StartResponse reconnects instead of failing."""
    fake.open(fake.create_interview())
    fake.start()
    fake.server_close(1012)
    fake.wait_sockets(2)
    fake.wait_sent(1, 1)
    fake.deliver({"startResponse": {"sessionId": "s-2", "durationSeconds": 1800}})
    fake.wait_phase("live")


def test_other_interview_in_progress_is_linked(fake: SessionPage) -> None:
    """With a different interview in progress, the page says so and links to it."""
    other = fake.create_interview("Data analyst")
    fake.mark_in_progress(other)
    fake.open(fake.create_interview("Backend engineer"))
    fake.wait_phase("otherInterview")
    link = fake.page.get_by_role("link", name="Go to the interview in progress")
    expect(link).to_have_attribute("href", f"/interview/{other}/session")
    expect(fake.page.locator("[data-other-title]")).to_have_text("Data analyst")


def test_interview_in_progress_is_rejoined(fake: SessionPage) -> None:
    """In progress and the microphone not yet allowed: Rejoin starts a new connection."""
    fake.page.add_init_script(permission_is("prompt"))
    interview_id = fake.create_interview()
    fake.mark_in_progress(interview_id)
    fake.open(interview_id)
    button = fake.page.get_by_role("button", name="Rejoin interview")
    expect(button).to_be_visible()
    button.click()
    fake.wait_sent(0, 1)
    assert fake.sent(0)[0]["startRequest"]["interviewId"] == interview_id


def test_completed_interview_opens_its_feedback(fake: SessionPage) -> None:
    """Opening the session of a completed interview lands on its feedback page."""
    interview_id = fake.create_interview()
    fake.mark_in_progress(interview_id)
    fake.complete(interview_id)
    fake.open(interview_id)
    fake.page.wait_for_url(f"**/interview/{interview_id}/feedback")


def test_interview_ended_elsewhere_opens_its_feedback(fake: SessionPage) -> None:
    """Start on a page whose interview was completed meanwhile goes to its feedback page."""
    interview_id = fake.create_interview()
    fake.open(interview_id)
    fake.wait_phase("ready")
    fake.mark_in_progress(interview_id)
    fake.complete(interview_id)
    fake.page.locator("[data-action=start]").click()
    fake.page.wait_for_url(f"**/interview/{interview_id}/feedback")
    assert fake.socket_count() == 0


def test_leaving_during_the_permission_prompt_releases_the_microphone(
    fake: SessionPage,
) -> None:
    """A prompt answered after the page was left stops the stream at once; no socket opens."""
    fake.page.add_init_script(PENDING_PROMPT)
    fake.open(fake.create_interview())
    fake.page.locator("[data-action=start]").click()
    fake.page.wait_for_function("() => window.__promptCalls === 1")
    fake.page.evaluate("window.dispatchEvent(new PageTransitionEvent('pagehide'))")
    fake.page.evaluate("window.__answerPrompt()")
    fake.page.wait_for_function("() => window.__streams.length === 1")
    fake.page.wait_for_function(
        "() => window.__streams[0].getTracks().every(t => t.readyState === 'ended')"
    )
    assert fake.socket_count() == 0


def test_leaving_closes_the_socket_and_the_microphone(fake: SessionPage) -> None:
    """pagehide while live closes the socket normally and stops every microphone track."""
    fake.page.add_init_script(RECORD_STREAMS)
    fake.go_live(fake.create_interview())
    fake.page.evaluate("window.dispatchEvent(new PageTransitionEvent('pagehide'))")
    assert fake.closed_by_client() == {"code": 1000, "reason": "client closed"}
    fake.page.wait_for_function(
        "() => window.__streams.every(s => s.getTracks().every(t => t.readyState === 'ended'))"
    )


def test_audio_is_sent_in_40_ms_chunks_of_16_khz_pcm(fake: SessionPage) -> None:
    """While live, microphone audio goes out as AudioChunks of 1280 bytes (40 ms at 16 kHz)."""
    fake.go_live(fake.create_interview())
    fake.page.wait_for_function(AUDIBLE_CHUNK_SENT)  # Chromium's fake microphone beeps
    chunks = [decode_audio(chunk) for chunk in fake.sent_of("audioChunk")]
    assert len(chunks) >= 2
    assert {len(chunk) for chunk in chunks} == {1280}


def test_level_meter_moves_with_the_microphone(fake: SessionPage) -> None:
    """Once the microphone is on, the level meter shows its sound (a device check)."""
    fake.open(fake.create_interview())
    fake.start()
    fake.page.wait_for_function(METER_MOVED)
    expect(fake.page.locator("[data-mic-state]")).to_contain_text("On")


def test_no_audio_is_sent_before_start_response(fake: SessionPage) -> None:
    """Microphone chunks are not sent until the server has answered StartRequest."""
    fake.open(fake.create_interview())
    fake.start()
    fake.page.wait_for_function(METER_MOVED)  # chunks are flowing from the worklet
    assert [list(frame) for frame in fake.sent(0)] == [["startRequest"]]


def test_mute_disables_the_microphone_track(fake: SessionPage) -> None:
    """Mute silences the track and says so, and becomes Unmute; pressing again unmutes."""
    fake.page.add_init_script(RECORD_STREAMS)
    fake.go_live(fake.create_interview())
    mute = fake.page.locator("[data-action=mute]")
    mute.click()
    expect(mute).to_have_text("Unmute", use_inner_text=True)
    expect(fake.page.locator("[data-mic-state]")).to_contain_text("Muted")
    assert fake.page.evaluate("window.__streams[0].getAudioTracks()[0].enabled") is False
    mute.click()
    expect(mute).to_have_text("Mute", use_inner_text=True)
    assert fake.page.evaluate("window.__streams[0].getAudioTracks()[0].enabled") is True


def test_transcript_can_be_hidden(fake: SessionPage) -> None:
    """The transcript toggle hides the lines and reports its state to assistive tech."""
    fake.go_live(fake.create_interview())
    fake.deliver(transcript_message("ai-0", "AI", "Hello.", final=True))
    toggle = fake.page.locator("[data-action=toggle-transcript]")
    toggle.click()
    expect(toggle).to_have_attribute("aria-expanded", "false")
    expect(fake.page.locator("[data-transcript-log]")).to_be_hidden()
    expect(fake.page.locator("[data-transcript-hidden-note]")).to_be_visible()
    toggle.click()
    expect(fake.page.locator("[data-transcript-log]")).to_be_visible()


def test_scrolled_up_reader_gets_jump_to_latest(fake: SessionPage) -> None:
    """New lines do not scroll a reader who scrolled up; Jump to latest brings them down."""
    fake.go_live(fake.create_interview())
    for i in range(30):
        fake.deliver(transcript_message(f"ai-{i}", "AI", f"Question number {i}?", final=True))
    scroller = fake.page.locator("[data-transcript-scroll]")
    expect(fake.page.locator("[data-transcript-log] li")).to_have_count(30)
    jump = fake.page.get_by_role("button", name="Jump to latest")
    expect(jump).to_be_hidden()
    scroller.evaluate("el => { el.scrollTop = 0; el.dispatchEvent(new Event('scroll')); }")
    fake.deliver(transcript_message("ai-30", "AI", "One more question?", final=True))
    expect(jump).to_be_visible()
    assert scroller.evaluate("el => el.scrollTop") == 0
    jump.click()
    expect(jump).to_be_hidden()
    assert scroller.evaluate("el => el.scrollHeight - el.scrollTop - el.clientHeight") < 2


def test_double_click_on_end_sends_one_request(fake: SessionPage) -> None:
    """A double click on End Interview sends exactly one EndRequest."""
    fake.go_live(fake.create_interview())
    fake.page.locator("[data-action=end]").dblclick()
    fake.wait_phase("ending")
    assert fake.sent_of("endRequest") == [{}]


def test_time_warning_before_the_end(fake: SessionPage) -> None:
    """Shortly before the duration runs out the header warns and a status line says so."""
    fake.page.clock.set_fixed_time(FIXED_NOW)
    fake.go_live(fake.create_interview(minutes=10), durationSeconds=600, elapsedMs="500000")
    expect(fake.page.locator("[data-time-left]")).to_have_text("01:40")
    expect(fake.page.locator("[data-time-left-item]")).to_have_attribute("data-warning", "true")
    expect(fake.page.locator("[data-time-warning]")).to_be_visible()
    expect(fake.page.get_by_role("status").first).to_contain_text("Less than 2 minutes left")


def test_interviewer_status_is_shown(fake: SessionPage) -> None:
    """InterviewerStatus updates the header's words and visual cue."""
    fake.go_live(fake.create_interview())
    fake.deliver({"interviewerStatus": {"state": "SPEAKING"}})
    status = fake.page.locator("[data-ai-status]")
    expect(status).to_have_attribute("data-ai-state", "speaking")
    expect(status).to_contain_text("Speaking")
    fake.deliver({"interviewerStatus": {"state": "LISTENING"}})
    expect(status).to_contain_text("Listening")


def test_signed_out_user_is_asked_to_sign_in(fake: SessionPage) -> None:
    """A ticket refused because the sign-in ended says so and links to sign in again."""
    interview_id = fake.create_interview()
    fake.open(interview_id)
    fake.page.context.clear_cookies(name=SESSION_COOKIE)
    fake.page.locator("[data-action=start]").click()
    fake.wait_phase("error")
    link = fake.page.get_by_role("link", name="Sign in")
    expect(link).to_have_attribute("href", f"/signin?next=/interview/{interview_id}/session")


def test_controls_work_from_the_keyboard_with_visible_focus(fake: SessionPage) -> None:
    """Start and End are reachable with Tab, work with Enter, and show a focus outline."""
    fake.open(fake.create_interview())
    page = fake.page
    page.locator("[data-panel=ready]").wait_for()
    for _ in range(30):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.dataset.action") == "start":
            break
    assert page.evaluate("getComputedStyle(document.activeElement).outlineStyle") != "none"
    page.keyboard.press("Enter")
    fake.wait_sent(0, 1)
    fake.deliver({"startResponse": {"sessionId": "s-1", "durationSeconds": 1800}})
    fake.wait_phase("live")
    for _ in range(30):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.dataset.action") == "end":
            break
    page.keyboard.press("Enter")
    fake.wait_phase("ending")
    assert fake.sent_of("endRequest") == [{}]


def test_blocked_permission_is_shown_before_asking(session: SessionPage) -> None:
    """When the Permissions API already says denied, the page shows the help at once."""
    session.fake_socket()
    session.page.add_init_script(permission_is("denied"))
    session.open(session.create_interview())
    session.wait_phase("permissionsDenied")
