"""Screenshots of every session page state for docs/screenshots (not part of the suite).

Run explicitly: ``.venv/bin/pytest tests/session/screenshots_session.py``. It drives the same
fake socket as the tests and writes ``docs/screenshots/session-<state>.png``; look at them.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from session_driver import PENDING_PROMPT, SessionPage, permission_is, reject_microphone

from interview_coach.interviews.enums import Speaker
from interview_coach.web.deps import SESSION_COOKIE

pytestmark = pytest.mark.browser

OUT = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
NOW = datetime(2030, 1, 1, 9, 0, 0, tzinfo=UTC)


def line(uid: str, speaker: str, text: str, final: bool = True) -> dict[str, Any]:
    return {
        "partialTranscript": {
            "utteranceId": uid,
            "speaker": speaker,
            "text": text,
            "isFinal": final,
        }
    }


CONVERSATION = [
    line(
        "u0",
        "AI",
        "Hello, and thank you for joining. I will be interviewing you today for the "
        "Backend engineer role, as a professional interviewer.",
    ),
    line(
        "u1",
        "USER",
        "Thanks for having me. I have spent six years building APIs and data pipelines.",
    ),
    line(
        "u2",
        "AI",
        "To start, could you walk me through your background and what draws you to the "
        "Backend engineer position?",
    ),
    line("u3", "USER", "Sure. I started out in support, which taught me", final=False),
]


def shoot(session: SessionPage, name: str) -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    session.page.mouse.move(0, 0)
    session.page.screenshot(path=str(OUT / f"session-{name}.png"), full_page=True)


def live_with_conversation(session: SessionPage, **start: Any) -> None:
    session.page.clock.set_fixed_time(NOW)
    session.go_live(session.create_interview(), elapsedMs="754000", **start)
    for message in CONVERSATION:
        session.deliver(message)
    session.deliver({"interviewerStatus": {"state": "LISTENING"}})


Scene = Callable[[SessionPage], None]


def scene_initializing(s: SessionPage) -> None:
    s.page.route("**/api/interviews/current", lambda route: None)  # never answers
    s.open(s.create_interview())


def scene_ready(s: SessionPage) -> None:
    s.open(s.create_interview())
    s.wait_phase("ready")


SAVED = [
    (Speaker.AI, str(CONVERSATION[0]["partialTranscript"]["text"]), 1_000),
    (Speaker.USER, str(CONVERSATION[1]["partialTranscript"]["text"]), 9_000),
    (Speaker.AI, str(CONVERSATION[2]["partialTranscript"]["text"]), 16_000),
]


def scene_ready_rejoin(s: SessionPage) -> None:
    """A reload mid-interview, microphone not yet allowed: transcript and clock at once."""
    s.page.add_init_script(permission_is("prompt"))
    interview_id = s.create_interview()
    s.started_with_lines(interview_id, SAVED, minutes_ago=12)
    s.open(interview_id)
    s.wait_phase("ready")


def scene_open_elsewhere(s: SessionPage) -> None:
    """The interview is live in another tab of this browser."""
    first = SessionPage(s.server, s.page.context.new_page(), s.account)
    first.fake_socket()
    interview_id = s.create_interview()
    first.go_live(interview_id)
    s.mark_in_progress(interview_id)
    s.open(interview_id)
    s.wait_phase("ready")


def phone(scene: Scene) -> Scene:
    """The same scene 390 px wide."""

    def on_a_phone(s: SessionPage) -> None:
        s.page.set_viewport_size({"width": 390, "height": 844})
        scene(s)

    return on_a_phone


def scene_other_interview(s: SessionPage) -> None:
    other = s.create_interview("Data analyst")
    s.mark_in_progress(other)
    s.open(s.create_interview())
    s.wait_phase("otherInterview")


def scene_requesting_permissions(s: SessionPage) -> None:
    s.page.add_init_script(PENDING_PROMPT)
    s.open(s.create_interview())
    s.page.locator("[data-action=start]").click()
    s.wait_phase("requestingPermissions")


def mic_error(name: str) -> Scene:
    def scene(s: SessionPage) -> None:
        s.page.add_init_script(reject_microphone(name))
        s.open(s.create_interview())
        s.page.locator("[data-action=start]").click()
        s.page.locator("[data-page=session]:not([data-phase=requestingPermissions])").wait_for()

    return scene


def scene_timeout(s: SessionPage) -> None:
    s.page.clock.install()
    s.page.add_init_script(PENDING_PROMPT)
    s.open(s.create_interview())
    s.page.locator("[data-action=start]").click()
    s.wait_phase("requestingPermissions")
    s.page.clock.fast_forward(31_000)
    s.wait_phase("microphoneError")


def scene_connecting(s: SessionPage) -> None:
    s.open(s.create_interview())
    s.start()
    s.page.wait_for_function(
        "() => parseFloat(document.querySelector('[data-level-bar]').style.transform.slice(7))"
        " > 0.5"
    )


def scene_live(s: SessionPage) -> None:
    live_with_conversation(s)
    s.deliver({"interviewerStatus": {"state": "SPEAKING"}})
    s.deliver(line("u4", "AI", "And what drew you to", final=False))


def scene_live_listening(s: SessionPage) -> None:
    live_with_conversation(s)


def scene_muted(s: SessionPage) -> None:
    live_with_conversation(s)
    s.page.locator("[data-action=mute]").click()


def scene_transcript_hidden(s: SessionPage) -> None:
    live_with_conversation(s)
    s.page.locator("[data-action=toggle-transcript]").click()


def scene_jump(s: SessionPage) -> None:
    live_with_conversation(s)
    for i in range(5, 25):
        s.deliver(line(f"u{i}", "AI" if i % 2 else "USER", f"Line number {i} of a long talk."))
    s.page.locator("[data-transcript-scroll]").evaluate("el => { el.scrollTop = 200; }")
    s.deliver(line("u99", "AI", "Newest line."))
    s.page.get_by_role("button", name="Jump to latest").wait_for()


def scene_time_warning(s: SessionPage) -> None:
    s.page.clock.set_fixed_time(NOW)
    s.go_live(s.create_interview(minutes=10), durationSeconds=600, elapsedMs="512000")
    for message in CONVERSATION[:3]:
        s.deliver(message)


def scene_reconnecting(s: SessionPage) -> None:
    live_with_conversation(s)
    s.server_close(1006)
    s.wait_phase("reconnecting")
    s.page.evaluate("window.__fakeSocketMode = 'refuse'")


def scene_ending(s: SessionPage) -> None:
    live_with_conversation(s)
    s.page.locator("[data-action=end]").click()
    s.wait_phase("ending")


def scene_error_server(s: SessionPage) -> None:
    live_with_conversation(s)
    s.deliver({"error": {"code": 4429, "message": "Audio arrived faster than real time."}})
    s.server_close(4429)
    s.wait_phase("error")


def scene_error_refused(s: SessionPage) -> None:
    s.open(s.create_interview())
    s.start()
    s.deliver({"error": {"code": 4404, "message": "Interview not found."}})
    s.server_close(4404)
    s.wait_phase("error")


def scene_connection_lost(s: SessionPage) -> None:
    s.page.clock.install()
    s.page.clock.set_fixed_time(NOW)
    s.go_live(s.create_interview())
    for message in CONVERSATION[:3]:
        s.deliver(message)
    s.page.evaluate("window.__fakeSocketMode = 'refuse'")
    s.server_close(1006)
    s.wait_phase("reconnecting")
    s.page.clock.set_fixed_time(datetime(2030, 1, 1, 9, 1, 0, tzinfo=UTC))
    for _ in range(40):
        if s.phase() == "error":
            break
        s.page.clock.fast_forward(2_000)
    s.wait_phase("error")


def scene_connect_failed(s: SessionPage) -> None:
    s.open(s.create_interview())
    s.page.evaluate("window.__fakeSocketMode = 'refuse'")
    s.page.locator("[data-action=start]").click()
    s.wait_phase("error")


def scene_replaced(s: SessionPage) -> None:
    live_with_conversation(s)
    s.deliver({"sessionEnded": {"reason": "REPLACED", "message": "Opened elsewhere."}})
    s.wait_phase("error")


def scene_signed_out(s: SessionPage) -> None:
    s.open(s.create_interview())
    s.page.context.clear_cookies(name=SESSION_COOKIE)
    s.page.locator("[data-action=start]").click()
    s.wait_phase("error")


SCENES: dict[str, Scene] = {
    "initializing": scene_initializing,
    "ready": scene_ready,
    "ready-phone": phone(scene_ready),
    "ready-rejoin": scene_ready_rejoin,
    "ready-rejoin-phone": phone(scene_ready_rejoin),
    "open-in-another-tab": scene_open_elsewhere,
    "other-interview": scene_other_interview,
    "requesting-permissions": scene_requesting_permissions,
    "permissions-denied": mic_error("NotAllowedError"),
    "microphone-not-found": mic_error("NotFoundError"),
    "microphone-busy": mic_error("NotReadableError"),
    "microphone-timeout": scene_timeout,
    "connecting": scene_connecting,
    "live": scene_live,
    "live-listening": scene_live_listening,
    "live-muted": scene_muted,
    "transcript-hidden": scene_transcript_hidden,
    "transcript-hidden-phone": phone(scene_transcript_hidden),
    "jump-to-latest": scene_jump,
    "time-warning": scene_time_warning,
    "reconnecting": scene_reconnecting,
    "ending": scene_ending,
    "error-server": scene_error_server,
    "error-refused": scene_error_refused,
    "connection-lost": scene_connection_lost,
    "connect-failed": scene_connect_failed,
    "replaced": scene_replaced,
    "signed-out": scene_signed_out,
}
DARK = {"live", "permissions-denied", "reconnecting", "connection-lost"}


@pytest.mark.parametrize("name", list(SCENES))
def test_screenshot(session: SessionPage, name: str) -> None:
    """Capture one state (light, and dark for a few)."""
    session.fake_socket()
    session.page.emulate_media(color_scheme="light", reduced_motion="reduce")
    SCENES[name](session)
    shoot(session, name)
    if name in DARK:
        session.page.emulate_media(color_scheme="dark", reduced_motion="reduce")
        shoot(session, f"{name}-dark")
