"""The sign-in and sign-up limits over real HTTP, from clients at different addresses, and
the event loop staying responsive while argon2 works."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Callable

import httpx
import pytest
from argon2 import PasswordHasher
from fastapi import FastAPI

from interview_coach.resources import Resources
from interview_coach.web.app import create_app
from interview_coach.web.deps import SESSION_COOKIE
from interview_coach.web.routes.auth_pages import MISSING_CREDENTIALS

from .conftest import PASSWORD, Browser, UserFactory

BrowserAt = Callable[[str], Browser]


def _browser_at(app: FastAPI, address: str) -> Browser:
    transport = httpx.ASGITransport(app=app, client=(address, 40_000))
    return Browser(httpx.AsyncClient(transport=transport, base_url="http://testserver"))


@pytest.fixture
async def browser_at(app: FastAPI) -> AsyncIterator[BrowserAt]:
    """Browsers whose connections come from the given address."""
    made: list[Browser] = []

    def factory(address: str) -> Browser:
        made.append(_browser_at(app, address))
        return made[-1]

    yield factory
    for browser in made:
        await browser.http.aclose()


async def _fail(browser: Browser, email: str, times: int) -> list[int]:
    return [(await browser.sign_in(email, "not the password")).status_code for _ in range(times)]


# ---------------------------------------------------------------- sign-in


async def test_one_address_cannot_lock_the_victim_out(
    browser_at: BrowserAt, make_account: UserFactory, resources: Resources
) -> None:
    """Wrong passwords for a victim's email from one address pause only that address."""
    victim = await make_account()
    limit = resources.settings.login_max_failures
    attacker = browser_at("203.0.113.66")
    statuses = await _fail(attacker, victim.email, limit + 3)
    assert statuses == [401] * limit + [429] * 3
    blocked = await attacker.sign_in(victim.email)
    assert blocked.status_code == 429
    assert "Wait 15 minutes" in blocked.text
    assert (await browser_at("198.51.100.7").sign_in(victim.email)).status_code == 303


async def test_failures_at_one_address_do_not_block_others_there(
    browser_at: BrowserAt, make_account: UserFactory, resources: Resources
) -> None:
    """Someone behind the same address mistyping their password does not pause you."""
    ann, bob = await make_account(), await make_account()
    office = browser_at("192.0.2.10")
    await _fail(office, ann.email, resources.settings.login_max_failures)
    assert (await browser_at("192.0.2.10").sign_in(bob.email)).status_code == 303


async def test_failures_from_several_addresses_pause_the_account(
    browser_at: BrowserAt, make_account: UserFactory, resources: Resources
) -> None:
    """A spread-out attack on one account pauses it for everyone, with Retry-After."""
    victim = await make_account()
    settings = resources.settings
    per_address = -(-settings.login_max_failures // settings.login_lock_addresses)
    statuses: list[int] = []
    for n in range(settings.login_lock_addresses):
        statuses += await _fail(browser_at(f"203.0.113.{n}"), victim.email, per_address)
    assert statuses[: settings.login_max_failures] == [401] * settings.login_max_failures
    paused = await browser_at("198.51.100.7").sign_in(victim.email)
    assert paused.status_code == 429
    assert 0 < int(paused.headers["retry-after"]) <= settings.login_window_seconds


async def test_empty_submissions_are_not_failures(
    browser_at: BrowserAt, make_account: UserFactory, resources: Resources
) -> None:
    """Pressing Sign in with an empty field says what is missing and counts nothing."""
    user = await make_account()
    browser = browser_at("192.0.2.20")
    for form in ({"email": user.email, "password": ""}, {"email": " ", "password": "x"}) * 5:
        response = await browser.post_form("/signin", form)
        assert response.status_code == 422
        assert MISSING_CREDENTIALS in response.text
    assert (await browser.sign_in(user.email)).status_code == 303


@pytest.fixture
async def proxied_app(resources: Resources) -> FastAPI:
    settings = resources.settings.model_copy(update={"trusted_proxies": ["10.0.0.0/8"]})
    return create_app(Resources(settings, resources.engine, resources.sessions, resources.tickets))


async def test_x_forwarded_for_only_from_trusted_proxies(
    app: FastAPI, proxied_app: FastAPI, make_account: UserFactory, resources: Resources
) -> None:
    """Behind the proxy each client counts on its own: the proxy's address is not shared,
    and a forged left-most entry does not help a paused client. Without trusted proxies
    (the default) the header is ignored, so a client cannot dodge its pause with it."""
    user = await make_account()
    direct = _browser_at(app, "203.0.113.5")
    for n in range(resources.settings.login_max_failures + 1):
        direct.http.headers["X-Forwarded-For"] = f"10.9.9.{n}"
        last = await direct.sign_in(user.email, "not the password")
    await direct.http.aclose()
    assert last.status_code == 429

    attacker = _browser_at(proxied_app, "10.0.0.2")
    neighbour = _browser_at(proxied_app, "10.0.0.2")
    attacker.http.headers["X-Forwarded-For"] = "198.51.100.99, 203.0.113.66, 10.0.0.3"
    neighbour.http.headers["X-Forwarded-For"] = "198.51.100.7"
    try:
        await _fail(attacker, user.email, resources.settings.login_max_failures)
        assert (await attacker.sign_in(user.email)).status_code == 429
        attacker.http.headers["X-Forwarded-For"] = "198.51.100.1, 203.0.113.66"
        assert (await attacker.sign_in(user.email)).status_code == 429
        assert (await neighbour.sign_in(user.email)).status_code == 303
    finally:
        await attacker.http.aclose()
        await neighbour.http.aclose()


# ---------------------------------------------------------------- sign-up


async def test_sign_ups_are_limited_per_address(
    browser_at: BrowserAt, resources: Resources
) -> None:
    """Each sign-up costs an argon2 hash: past the limit an address waits, others do not."""
    limit = resources.settings.signup_max_per_address
    for n in range(limit):
        form = {"email": f"new{n}@example.com", "password": PASSWORD}
        assert (await browser_at("203.0.113.9").post_form("/signup", form)).status_code == 303
    form = {"email": "one.more@example.com", "password": PASSWORD, "name": "Ann"}
    refused = await browser_at("203.0.113.9").post_form("/signup", form)
    assert refused.status_code == 429
    assert "Too many new accounts from your network" in refused.text
    assert 'value="one.more@example.com"' in refused.text
    assert int(refused.headers["retry-after"]) > 0
    assert (await browser_at("198.51.100.9").post_form("/signup", form)).status_code == 303


async def test_weak_password_is_refused_with_the_reason(browser_at: BrowserAt) -> None:
    form = {"email": "ann@example.com", "password": "password"}
    response = await browser_at("192.0.2.30").post_form("/signup", form)
    assert response.status_code == 422
    assert "one of the most common passwords" in response.text
    assert SESSION_COOKIE not in response.cookies


# ---------------------------------------------------------------- event loop


async def _max_loop_lag(work: asyncio.Future[object]) -> float:
    """The longest the loop was late for a 5 ms tick while ``work`` ran."""
    worst = 0.0
    while not work.done():
        expected = time.perf_counter() + 0.005
        await asyncio.sleep(0.005)
        worst = max(worst, time.perf_counter() - expected)
    return worst


@pytest.mark.real_password_hashes
async def test_sign_ups_and_sign_ins_keep_the_event_loop_responsive(
    browser_at: BrowserAt, make_account: UserFactory
) -> None:
    """Argon2 ran on the event loop: each hash stalled every request and live interview for
    its whole duration, so these ten took ten hashes in a row (13 hashes' worth measured).
    Off the loop, the lag left is scheduling on a busy machine, well under three hashes."""
    started = time.perf_counter()
    PasswordHasher().hash("one hash, timed")
    one_hash = time.perf_counter() - started
    user = await make_account()
    sign_ups = [
        browser_at(f"203.0.113.{n}").post_form(
            "/signup", {"email": f"burst{n}@example.com", "password": PASSWORD}
        )
        for n in range(6)
    ]
    sign_ins = [browser_at(f"198.51.100.{n}").sign_in(user.email) for n in range(4)]
    work = asyncio.ensure_future(asyncio.gather(*sign_ups, *sign_ins))
    lag = await _max_loop_lag(work)
    assert {response.status_code for response in await work} == {303}
    assert lag < 3 * one_hash, (
        f"loop {lag * 1e3:.0f} ms late; one hash takes {one_hash * 1e3:.0f} ms"
    )
