"""Sign up, sign in, sign out, sessions, CSRF and the sign-in rate limit, over real HTTP."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select, update

from interview_coach.auth.web_sessions import hash_token
from interview_coach.db.base import utcnow
from interview_coach.db.models import User, WebSession
from interview_coach.resources import Resources
from interview_coach.web.deps import SESSION_COOKIE
from interview_coach.web.routes.auth_pages import WRONG_CREDENTIALS, safe_next

from .conftest import PASSWORD, Browser, BrowserFactory, UserFactory


async def _user_count(resources: Resources) -> int:
    async with resources.sessions() as session:
        return len((await session.scalars(select(User))).all())


# ---------------------------------------------------------------- sign up


async def test_sign_up_creates_account_and_signs_in(anonymous: Browser) -> None:
    """A valid sign-up redirects to the dashboard, already signed in."""
    response = await anonymous.post_form(
        "/signup", {"email": "New.Person@Example.com", "password": PASSWORD, "name": "Ann"}
    )
    assert response.status_code == 303
    assert response.headers["location"] == "/"
    dashboard = await anonymous.http.get("/")
    assert dashboard.status_code == 200
    assert 'data-empty="interviews"' in dashboard.text
    assert ">Ann<" in dashboard.text


async def test_sign_up_stores_email_lower_case(anonymous: Browser, resources: Resources) -> None:
    """Emails are kept lower-cased so they compare case-insensitively."""
    await anonymous.post_form("/signup", {"email": "Mixed@Example.COM", "password": PASSWORD})
    async with resources.sessions() as session:
        emails = (await session.scalars(select(User.email))).all()
    assert emails == ["mixed@example.com"]


async def test_sign_up_invalid_email_shows_inline_error(
    anonymous: Browser, resources: Resources
) -> None:
    """An invalid email re-renders the form with a field error and keeps what was typed."""
    response = await anonymous.post_form(
        "/signup", {"email": "not-an-email", "password": PASSWORD, "name": "Ann"}
    )
    assert response.status_code == 422
    assert 'data-error="email"' in response.text
    assert "Enter a valid email address" in response.text
    assert 'value="not-an-email"' in response.text
    assert 'value="Ann"' in response.text
    assert await _user_count(resources) == 0


async def test_sign_up_short_password_shows_inline_error(
    anonymous: Browser, resources: Resources
) -> None:
    """A password under 8 characters is refused with a message saying the minimum."""
    response = await anonymous.post_form(
        "/signup", {"email": "ann@example.com", "password": "short"}
    )
    assert response.status_code == 422
    assert 'data-error="password"' in response.text
    assert "at least 8 characters" in response.text
    assert 'aria-invalid="true" aria-describedby="password-error"' in response.text
    assert await _user_count(resources) == 0


async def test_sign_up_duplicate_email_any_case_is_refused(
    anonymous: Browser, make_account: UserFactory, resources: Resources
) -> None:
    """An email that exists in another letter case is a duplicate, with a way forward."""
    await make_account("taken@example.com")
    response = await anonymous.post_form(
        "/signup", {"email": "TAKEN@example.com", "password": PASSWORD}
    )
    assert response.status_code == 422
    assert "already exists. Sign in instead." in response.text
    assert await _user_count(resources) == 1
    assert SESSION_COOKIE not in anonymous.http.cookies


# ---------------------------------------------------------------- sign in


async def test_sign_in_with_right_password(anonymous: Browser, make_account: UserFactory) -> None:
    """Correct credentials open a session cookie and go to the dashboard."""
    user = await make_account("ann@example.com")
    response = await anonymous.sign_in("ANN@example.com")
    assert response.status_code == 303
    assert response.headers["location"] == "/"
    cookie = response.headers["set-cookie"]
    assert cookie.startswith(f"{SESSION_COOKIE}=")
    assert "HttpOnly" in cookie
    assert "SameSite=lax" in cookie
    assert "Secure" not in cookie  # plain http in tests
    dashboard = await anonymous.http.get("/")
    assert user.email in dashboard.text


async def test_wrong_password_and_unknown_email_read_the_same(
    anonymous: Browser, make_account: UserFactory
) -> None:
    """The error never reveals whether the email has an account."""
    await make_account("ann@example.com")
    wrong_password = await anonymous.sign_in("ann@example.com", "not the password")
    unknown_email = await anonymous.sign_in("nobody@example.com", "not the password")
    assert wrong_password.status_code == unknown_email.status_code == 401
    assert WRONG_CREDENTIALS in wrong_password.text
    assert WRONG_CREDENTIALS in unknown_email.text
    assert 'value="ann@example.com"' in wrong_password.text
    assert SESSION_COOKIE not in anonymous.http.cookies


async def test_session_table_keeps_only_the_token_hash(
    alice: Browser, resources: Resources
) -> None:
    """The raw cookie token is nowhere in the database, only its hash."""
    token = alice.http.cookies[SESSION_COOKIE]
    async with resources.sessions() as session:
        rows = (await session.scalars(select(WebSession))).all()
    assert [row.token_hash for row in rows] == [hash_token(token)]
    assert token not in {row.token_hash for row in rows}


async def test_cookies_are_secure_under_https(
    new_browser: BrowserFactory, make_account: UserFactory
) -> None:
    """Over https both the session and the CSRF cookie are marked Secure."""
    browser = await new_browser(scheme="https")
    user = await make_account()
    response = await browser.sign_in(user.email)
    assert response.status_code == 303
    cookies = response.headers.get_list("set-cookie")
    assert cookies and all("Secure" in cookie for cookie in cookies)
    first_page = await (await new_browser(scheme="https")).http.get("/signin")
    assert "Secure" in first_page.headers["set-cookie"]


# ---------------------------------------------------------------- sign out and expiry


async def test_sign_out_revokes_the_server_side_session(
    alice: Browser, new_browser: BrowserFactory
) -> None:
    """After sign-out the old cookie no longer works, even replayed from elsewhere."""
    stolen = alice.http.cookies[SESSION_COOKIE]
    response = await alice.post_form("/signout", {})
    assert response.status_code == 303
    assert response.headers["location"] == "/signin"
    replay = await new_browser()
    replay.http.cookies.set(SESSION_COOKIE, stolen)
    assert (await replay.http.get("/api/interviews/current")).status_code == 401
    page = await replay.http.get("/")
    assert page.status_code == 303
    assert page.headers["location"] == "/signin"


async def test_expired_session_is_signed_out(alice: Browser, resources: Resources) -> None:
    """A session past its expiry no longer identifies the user."""
    assert (await alice.http.get("/api/interviews/current")).status_code == 200
    async with resources.sessions() as session:
        await session.execute(update(WebSession).values(expires_at=utcnow() - timedelta(seconds=1)))
        await session.commit()
    assert (await alice.http.get("/api/interviews/current")).status_code == 401


async def test_signing_in_again_revokes_the_previous_session(
    alice: Browser, resources: Resources
) -> None:
    """A new sign-in in the same browser leaves only one live session."""
    assert alice.user is not None
    first = alice.http.cookies[SESSION_COOKIE]
    await alice.sign_in(alice.user.email)
    async with resources.sessions() as session:
        row = await session.scalar(
            select(WebSession).where(WebSession.token_hash == hash_token(first))
        )
    assert row is not None
    assert row.revoked_at is not None


# ---------------------------------------------------------------- CSRF


@pytest.mark.parametrize(
    ("path", "data"),
    [
        ("/signup", {"email": "ann@example.com", "password": PASSWORD}),
        ("/signin", {"email": "ann@example.com", "password": PASSWORD}),
        ("/signout", {}),
        ("/interviews/new", {"job_title": "Engineer"}),
    ],
)
async def test_every_form_post_without_csrf_token_is_refused(
    alice: Browser, resources: Resources, path: str, data: dict[str, str]
) -> None:
    """A form post without the token gets 403 and changes nothing."""
    users_before = await _user_count(resources)
    response = await alice.http.post(path, data=data)
    assert response.status_code == 403
    assert "This form expired. Reload the page and try again." in response.text
    assert await _user_count(resources) == users_before
    assert (await alice.http.get("/api/interviews")).json() == []  # still signed in, nothing made


async def test_form_post_with_a_wrong_csrf_token_is_refused(alice: Browser) -> None:
    """A token that does not match the cookie is refused."""
    response = await alice.http.post(
        "/interviews/new", data={"csrf_token": "forged", "job_title": "Engineer"}
    )
    assert response.status_code == 403


async def test_form_post_from_a_browser_without_the_csrf_cookie_is_refused(
    alice: Browser, new_browser: BrowserFactory
) -> None:
    """Another browser's token is worthless without its cookie (the cross-site case)."""
    token = await alice.csrf_token()
    attacker = await new_browser()
    attacker.http.cookies.set(SESSION_COOKIE, alice.http.cookies[SESSION_COOKIE])
    response = await attacker.http.post(
        "/interviews/new", data={"csrf_token": token, "job_title": "Engineer"}
    )
    assert response.status_code == 403


# ---------------------------------------------------------------- rate limit


async def test_repeated_failures_are_rate_limited_with_retry_after(
    anonymous: Browser, make_account: UserFactory, resources: Resources
) -> None:
    """After the allowed failures even the right password gets 429 and when to retry."""
    user = await make_account()
    for _ in range(resources.settings.login_max_failures):
        assert (await anonymous.sign_in(user.email, "wrong password")).status_code == 401
    blocked = await anonymous.sign_in(user.email)
    assert blocked.status_code == 429
    retry_after = int(blocked.headers["retry-after"])
    assert 0 < retry_after <= resources.settings.login_window_seconds
    assert "Too many failed sign-in attempts. Wait 15 minutes, then try again." in blocked.text
    assert f'value="{user.email}"' in blocked.text
    assert SESSION_COOKIE not in anonymous.http.cookies


async def test_failures_below_the_limit_still_allow_sign_in(
    anonymous: Browser, make_account: UserFactory, resources: Resources
) -> None:
    """One failure short of the limit, the right password still works."""
    user = await make_account()
    for _ in range(resources.settings.login_max_failures - 1):
        await anonymous.sign_in(user.email, "wrong password")
    assert (await anonymous.sign_in(user.email)).status_code == 303


# ---------------------------------------------------------------- next=


async def test_sign_in_returns_to_the_page_asked_for(
    anonymous: Browser, make_account: UserFactory
) -> None:
    """An anonymous page request goes to sign-in and comes back after it."""
    user = await make_account()
    redirect = await anonymous.http.get("/interviews/new")
    assert redirect.status_code == 303
    assert redirect.headers["location"] == "/signin?next=%2Finterviews%2Fnew"
    form = await anonymous.http.get(redirect.headers["location"])
    assert 'name="next" value="/interviews/new"' in form.text
    response = await anonymous.post_form(
        "/signin", {"email": user.email, "password": PASSWORD, "next": "/interviews/new"}
    )
    assert response.headers["location"] == "/interviews/new"


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example/",
        "//evil.example/",
        "/\\evil.example/",
        "\\\\evil.example",
        "/\t/evil.example",
        "javascript:alert(1)",
        "evil.example",
        "",
    ],
)
async def test_next_never_leaves_the_site(
    anonymous: Browser, make_account: UserFactory, target: str
) -> None:
    """Off-site, scheme and backslash targets all land on the dashboard instead."""
    user = await make_account()
    response = await anonymous.post_form(
        "/signin", {"email": user.email, "password": PASSWORD, "next": target}
    )
    assert response.status_code == 303
    assert response.headers["location"] == "/"


def test_safe_next_keeps_same_site_paths_with_query() -> None:
    """A same-site path with a query string is kept as it is."""
    assert safe_next("/interview/abc/session?x=1") == "/interview/abc/session?x=1"
