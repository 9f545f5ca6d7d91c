"""Screenshots of the interviewer-voice states for docs/screenshots (not part of the suite).

Run explicitly: ``.venv/bin/pytest tests/session/screenshots_voice.py``. Real servers, the
test interviewer's real speech (voice_interviewer.py), desktop (1280) and phone (390)
widths; writes ``docs/screenshots/session-voice-<state>-<width>.png``. Look at them.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import test_voice
from playwright.sync_api import expect
from session_driver import SessionPage
from test_voice import go_live
from voice_interviewer import SENTENCES, VoiceControl

from interview_coach.interviewer.base import InterviewerSink, NoticeKind

pytestmark = pytest.mark.browser

# The voice tests' fixtures: the real servers with the test interviewer.
control = test_voice.control
interviewer_factory = test_voice.interviewer_factory
session = test_voice.session
speech_audio = test_voice.speech_audio

OUT = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
WIDTHS = {"desktop": (1280, 900), "phone": (390, 844)}


def shoot(session: SessionPage, name: str, width: str) -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    session.page.mouse.move(0, 0)
    session.page.screenshot(path=str(OUT / f"session-voice-{name}-{width}.png"), full_page=True)


async def answer_so_far(sink: InterviewerSink) -> None:
    await sink.user_partial("So at my last job I led the move of our billing system to", 6000)


def speaking(session: SessionPage, control: VoiceControl) -> None:
    control.do(control.speak())
    expect(session.page.locator("[data-caption]")).to_have_text(SENTENCES[1], timeout=15_000)
    expect(session.page.locator("[data-ai-status-text]")).to_have_text("Speaking")


@pytest.mark.parametrize("width", list(WIDTHS))
@pytest.mark.parametrize("scene", ["speaking", "user-partial", "delayed", "muted"])
def test_screenshot(session: SessionPage, control: VoiceControl, scene: str, width: str) -> None:
    w, h = WIDTHS[width]
    session.page.set_viewport_size({"width": w, "height": h})
    go_live(session)
    if scene == "speaking":
        speaking(session, control)
    elif scene == "user-partial":
        control.do(control.speak())
        expect(session.page.locator("[data-ai-status-text]")).to_have_text(
            "Listening", timeout=15_000
        )
        control.do(answer_so_far)
        session.page.locator("[data-speaker=USER][data-final=false]").wait_for()
    elif scene == "delayed":
        control.do(control.speak())
        expect(session.page.locator("[data-ai-status-text]")).to_have_text(
            "Listening", timeout=15_000
        )
        control.do(answer_so_far)
        control.do(control.notice(NoticeKind.TRANSCRIPT_DELAYED))
        session.page.locator("[data-notice=transcript-delayed]").wait_for()
    else:
        session.page.locator("[data-action=interviewer-mute]").click()
        speaking(session, control)
    shoot(session, scene, width)
