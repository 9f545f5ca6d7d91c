"""Server-side web sessions: opaque tokens, hashed at rest, expiry and revocation."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import timedelta

from interview_coach.auth import web_sessions
from interview_coach.db.base import utcnow
from interview_coach.db.models import User
from interview_coach.resources import Resources

UserFactory = Callable[..., Awaitable[User]]


async def test_token_identifies_its_user_until_expiry(
    resources: Resources, make_user: UserFactory
) -> None:
    """A session works before expires_at and not after it."""
    user = await make_user()
    async with resources.sessions() as session:
        token = await web_sessions.open_session(session, user.id, timedelta(hours=1))
        now = utcnow()
        found = await web_sessions.user_for_token(session, token, now=now)
        assert found is not None and found.id == user.id
        later = now + timedelta(hours=1, seconds=1)
        assert await web_sessions.user_for_token(session, token, now=later) is None


async def test_revoked_token_no_longer_works(resources: Resources, make_user: UserFactory) -> None:
    """Revocation is server-side: the same token is refused afterwards."""
    user = await make_user()
    async with resources.sessions() as session:
        token = await web_sessions.open_session(session, user.id, timedelta(hours=1))
        await web_sessions.revoke(session, token)
        assert await web_sessions.user_for_token(session, token) is None


async def test_revoking_one_session_keeps_the_others(
    resources: Resources, make_user: UserFactory
) -> None:
    """Signing out on one device leaves another device signed in."""
    user = await make_user()
    async with resources.sessions() as session:
        phone = await web_sessions.open_session(session, user.id, timedelta(hours=1))
        laptop = await web_sessions.open_session(session, user.id, timedelta(hours=1))
        await web_sessions.revoke(session, phone)
        assert await web_sessions.user_for_token(session, laptop) is not None


async def test_tokens_are_random_and_long(resources: Resources, make_user: UserFactory) -> None:
    """Two sessions never share a token, and tokens carry 256 bits."""
    user = await make_user()
    async with resources.sessions() as session:
        tokens = {
            await web_sessions.open_session(session, user.id, timedelta(hours=1)) for _ in range(5)
        }
    assert len(tokens) == 5
    assert all(len(token) >= 43 for token in tokens)
