"""Plain helpers shared by the test folders (fixtures stay in the conftest files)."""

from __future__ import annotations

import asyncio
import secrets
from collections.abc import Awaitable, Callable

from interview_coach.db.models import User
from interview_coach.resources import Resources


async def add_member(resources: Resources) -> User:
    """A user row without a password hash, for tests that never sign in (hashing is slow)."""
    async with resources.sessions() as db:
        user = User(email=f"{secrets.token_hex(6)}@example.com", password_hash="-")
        db.add(user)
        await db.commit()
        return user


async def eventually(check: Callable[[], Awaitable[bool]], within: float) -> None:
    """Poll ``check`` until it holds, for effects with no event to wait on (a database row)."""
    async with asyncio.timeout(within):
        while not await check():  # noqa: ASYNC110 (the database has no event to wait on)
            await asyncio.sleep(0.01)
