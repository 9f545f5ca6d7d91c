"""Screenshots of a real spoken session for docs/screenshots (not part of the suite).

Run explicitly: ``.venv/bin/pytest tests/session/screenshots_spoken.py``. The real offline
interviewer and Chromium's fake microphone playing a Piper answer (test_spoken_browser.py),
desktop (1280) and phone (390) widths; writes ``docs/screenshots/session-spoken-<state>-<width>
.png`` and ``feedback-spoken-<width>.png``. Look at them before committing.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import test_spoken_browser
from test_spoken_browser import SpokenInterview

pytestmark = [pytest.mark.browser, pytest.mark.timeout(240)]

# The spoken tests' fixtures: their browser with the microphone file, the real interviewer.
microphone = test_spoken_browser.microphone
spoken_browser = test_spoken_browser.spoken_browser
page = test_spoken_browser.page
interviewer_factory = test_spoken_browser.interviewer_factory
interview = test_spoken_browser.interview

OUT = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
WIDTHS = {"desktop": (1280, 900), "phone": (390, 844)}


@pytest.fixture(params=list(WIDTHS))
def width(request: pytest.FixtureRequest) -> str:
    name: str = request.param
    return name


@pytest.fixture
def viewport(width: str) -> dict[str, int]:
    w, h = WIDTHS[width]
    return {"width": w, "height": h}


def shoot(interview: SpokenInterview, name: str) -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    interview.page.mouse.move(0, 0)
    interview.page.screenshot(path=str(OUT / f"{name}.png"), full_page=True)


def test_screenshots(interview: SpokenInterview, width: str) -> None:
    interview.open()
    interview.start()
    interview.wait_caption(1)
    shoot(interview, f"session-spoken-speaking-{width}")
    interview.wait_user_partial(words=12)
    shoot(interview, f"session-spoken-user-partial-{width}")
    interview.wait_user_final()
    interview.wait_next_line()
    interview.end()
    shoot(interview, f"feedback-spoken-{width}")
