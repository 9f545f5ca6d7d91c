"""The session page for a first-time user (issue 11, items 11-13, 15, 17): Back after End,
reloading mid-interview, a second tab, the transcript's list semantics, Mute and the
question with the transcript hidden. The web app, database and Chromium are real; the
WebSocket is the test's fake (session_driver)."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect
from session_driver import SessionPage, permission_is

from interview_coach.interviews.enums import Speaker

pytestmark = [pytest.mark.browser, pytest.mark.all_databases]

SAVED = [
    (Speaker.AI, "Welcome. Tell me about yourself?", 1_000),
    (Speaker.USER, "I build payment systems.", 4_000),
    (Speaker.AI, "What is a project you are proud of?", 60_000),
]


@pytest.fixture
def fake(session: SessionPage) -> SessionPage:
    session.fake_socket()
    return session


def started_with_lines(session: SessionPage, *, minutes_ago: int) -> str:
    """An interview started `minutes_ago` minutes ago with three saved lines."""
    interview_id = session.create_interview()
    session.started_with_lines(interview_id, SAVED, minutes_ago=minutes_ago)
    return interview_id


def transcript_message(utterance_id: str, speaker: str, text: str) -> dict[str, Any]:
    return {
        "partialTranscript": {
            "text": text,
            "speaker": speaker,
            "utteranceId": utterance_id,
            "isFinal": True,
        }
    }


# ---------------------------------------------------------------- 11: Back after End


def test_session_page_is_never_cached(fake: SessionPage) -> None:
    """The session page says no-store, so Back asks the server again."""
    response = fake.page.goto(f"{fake.server.web_url}/interview/{fake.create_interview()}/session")
    assert response.headers["cache-control"] == "no-store"


def test_back_after_end_does_not_offer_a_finished_interview(fake: SessionPage) -> None:
    """End, land on the feedback, press Back: never "Ready when you are" for that interview."""
    interview_id = fake.create_interview()
    fake.page.goto(f"{fake.server.web_url}/")
    fake.go_live(interview_id)
    fake.mark_in_progress(interview_id)
    fake.complete(interview_id)
    fake.deliver({"sessionEnded": {"reason": "USER_INITIATED", "message": "You ended it."}})
    fake.page.wait_for_url(f"**/interview/{interview_id}/feedback")
    fake.page.go_back()
    fake.page.wait_for_load_state("load")
    expect(fake.page.get_by_text("Ready when you are")).to_have_count(0)
    assert not fake.page.url.endswith("/session")


def test_stale_copy_of_a_finished_interview_goes_to_its_feedback(fake: SessionPage) -> None:
    """A copy of the page from before the end (a cache, a restored tab) re-checks the status."""
    interview_id = fake.create_interview()
    fake.mark_in_progress(interview_id)
    url = f"{fake.server.web_url}/interview/{interview_id}/session"
    stale = fake.page.context.request.get(url).text()
    fake.complete(interview_id)
    fake.page.route(url, lambda route: route.fulfill(body=stale, content_type="text/html"))
    fake.page.goto(url)
    fake.page.wait_for_url(f"**/interview/{interview_id}/feedback")
    expect(fake.page.get_by_text("Ready when you are")).to_have_count(0)


# ---------------------------------------------------------------- 12: reload mid-interview


def test_reload_shows_saved_transcript_and_real_time_at_once(fake: SessionPage) -> None:
    """Before any connection, the saved lines and the time since the start are on screen."""
    fake.page.add_init_script(permission_is("prompt"))
    interview_id = started_with_lines(fake, minutes_ago=5)
    fake.open(interview_id)
    lines = fake.page.locator("[data-transcript-log] li .utterance-text")
    expect(lines).to_have_text([text for _, text, _ in SAVED])
    expect(fake.page.locator("[data-transcript-empty]")).to_be_hidden()
    elapsed = fake.page.locator("[data-elapsed]").inner_text()
    assert elapsed.startswith("05:"), elapsed
    expect(fake.page.locator("[data-time-left]")).to_contain_text("24:")
    expect(fake.page.get_by_role("button", name="Rejoin interview")).to_be_visible()
    assert fake.socket_count() == 0


def test_rejoin_is_automatic_when_the_microphone_is_allowed(fake: SessionPage) -> None:
    """Microphone already granted: the page rejoins without a click, keeping the saved lines."""
    fake.page.add_init_script(permission_is("granted"))
    interview_id = started_with_lines(fake, minutes_ago=2)
    fake.open(interview_id)
    fake.wait_sent(0, 1)
    assert fake.sent(0)[0]["startRequest"]["interviewId"] == interview_id
    fake.deliver({"startResponse": {"sessionId": "s-1", "durationSeconds": 1800, "resumed": True}})
    fake.wait_phase("live")
    for sequence, (speaker, text, _) in enumerate(SAVED):  # the server resends them
        fake.deliver(transcript_message(f"u{sequence}", speaker.value, text))
    fake.deliver(transcript_message("u3", "USER", "A billing queue."))
    expect(fake.page.locator("[data-transcript-log] li")).to_have_count(4)


# ---------------------------------------------------------------- 13: a second tab


def test_second_tab_says_it_is_open_in_another_tab(fake: SessionPage) -> None:
    """A second tab on a live interview says where it is and does not take the microphone."""
    fake.page.context.add_init_script(permission_is("granted"))
    interview_id = fake.create_interview()
    fake.go_live(interview_id)
    fake.mark_in_progress(interview_id)
    second = SessionPage(fake.server, fake.page.context.new_page(), fake.account)
    second.fake_socket()
    second.open(interview_id)
    second.wait_phase("ready")
    panel = second.page.locator("[data-panel=ready]")
    expect(panel.get_by_role("heading")).to_have_text(
        "This interview is open in another tab", use_inner_text=True
    )
    expect(panel).to_contain_text("takes the microphone from the other tab")
    expect(panel).not_to_contain_text("You left it")
    expect(second.page.get_by_role("button", name="Continue in this tab")).to_be_visible()
    assert second.socket_count() == 0


# ---------------------------------------------------------------- 15: list semantics


def test_transcript_log_is_a_container_around_a_real_list(fake: SessionPage) -> None:
    """axe's listitem rule: each <li> sits in a list whose role is still "list"."""
    fake.go_live(fake.create_interview())
    fake.deliver(transcript_message("u0", "AI", "Hello."))
    log = fake.page.get_by_role("log", name="Finished lines")
    expect(log.get_by_role("list").get_by_role("listitem")).to_have_count(1)
    bad = fake.page.evaluate(
        """() => [...document.querySelectorAll('li')].filter((li) => {
             const parent = li.parentElement;
             const role = parent.getAttribute('role');
             return !['OL', 'UL'].includes(parent.tagName) || (role && role !== 'list');
           }).length"""
    )
    assert bad == 0


# ---------------------------------------------------------------- 17: small things


def test_mute_button_says_unmute_while_muted(fake: SessionPage) -> None:
    fake.go_live(fake.create_interview())
    fake.page.get_by_role("button", name="Mute", exact=True).click()
    unmute = fake.page.get_by_role("button", name="Unmute", exact=True)
    expect(unmute).to_be_visible()
    unmute.click()
    expect(fake.page.get_by_role("button", name="Mute", exact=True)).to_be_visible()


def test_hidden_transcript_keeps_the_current_question(fake: SessionPage) -> None:
    fake.go_live(fake.create_interview())
    fake.deliver(transcript_message("u0", "AI", "What is a project you are proud of?"))
    fake.deliver(transcript_message("u1", "USER", "The billing queue."))
    fake.page.locator("[data-action=toggle-transcript]").click()
    expect(fake.page.locator("[data-transcript-log]")).to_be_hidden()
    question = fake.page.locator("[data-current-question]")
    expect(question).to_be_visible()
    expect(question).to_contain_text("What is a project you are proud of?")
    expect(question).not_to_contain_text("billing")


def test_use_this_tab_instead_takes_over_without_asking_again(fake: SessionPage) -> None:
    """Replaced here, then "Use this tab instead": the reload rejoins though the other tab
    is live, because the user already chose this tab."""
    fake.page.context.add_init_script(permission_is("granted"))
    interview_id = fake.create_interview()
    fake.go_live(interview_id)
    fake.mark_in_progress(interview_id)
    other = SessionPage(fake.server, fake.page.context.new_page(), fake.account)
    other.fake_socket()
    other.open(interview_id)
    other.page.get_by_role("button", name="Continue in this tab").click()
    other.wait_sent(0, 1)
    other.deliver({"startResponse": {"sessionId": "s-2", "durationSeconds": 1800}})
    other.wait_phase("live")
    fake.deliver({"sessionEnded": {"reason": "REPLACED", "message": "Opened elsewhere."}})
    fake.wait_phase("error")
    fake.page.get_by_role("button", name="Use this tab instead").click()
    fake.page.wait_for_load_state("load")
    fake.wait_sent(0, 1)  # rejoined by itself: no "open in another tab" question
    assert fake.sent(0)[0]["startRequest"]["interviewId"] == interview_id


# ---------------------------------------------------------------- the state machine alone

LOAD = """
async ([saved, loaded, ticks]) => {
  const machine = await import('/static/js/session/state.js');
  let state = machine.initialState('iv-1', 1800, saved);
  state = machine.transition(state, { type: 'loaded', ...loaded });
  const seen = [{ phase: state.phase, openElsewhere: state.openElsewhere,
                  redirectTo: state.redirectTo, elapsed: state.elapsedTime }];
  for (const now of ticks) {
    state = machine.transition(state, { type: 'tick', now });
    seen.push({ phase: state.phase, elapsed: state.elapsedTime });
  }
  return seen;
}
"""
SAVED_AT_0 = {"elapsedSeconds": 300, "transcript": [], "now": 0}
THIS_ONE = {"id": "iv-1", "jobTitle": "Backend engineer"}


@pytest.mark.parametrize(
    ("loaded", "phase", "elsewhere"),
    [
        ({"current": THIS_ONE, "permission": "granted"}, "requestingPermissions", False),
        ({"current": THIS_ONE, "permission": "prompt"}, "ready", False),
        ({"current": THIS_ONE, "permission": "granted", "openElsewhere": True}, "ready", True),
        ({"current": None, "permission": "granted", "status": "COMPLETED"}, "ending", False),
        ({"current": None, "permission": "granted", "status": "PENDING"}, "ready", False),
    ],
)
def test_what_a_load_leads_to(
    module_page: Any, loaded: dict[str, Any], phase: str, elsewhere: bool
) -> None:
    """Rejoin at once only with the microphone allowed and no other tab; a finished
    interview goes to its feedback; a new one waits for Start."""
    first = module_page.evaluate(LOAD, [SAVED_AT_0, loaded, []])[0]
    assert (first["phase"], first["openElsewhere"]) == (phase, elsewhere)
    feedback = "/interview/iv-1/feedback" if phase == "ending" else None
    assert first["redirectTo"] == feedback


def test_a_rejoin_clock_runs_before_connecting(module_page: Any) -> None:
    """5:00 in at load; the clock keeps counting in Ready, from the saved base."""
    loaded = {"current": THIS_ONE, "permission": "prompt"}
    seen = module_page.evaluate(LOAD, [SAVED_AT_0, loaded, [1_000, 61_500]])
    assert [(s["phase"], s["elapsed"]) for s in seen] == [
        ("ready", 300),
        ("ready", 301),
        ("ready", 361),
    ]
