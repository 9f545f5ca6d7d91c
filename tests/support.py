"""Plain helpers shared by the test folders (fixtures stay in the conftest files)."""

from __future__ import annotations

import asyncio
import os
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


# Chromium for the browser tests: Debian's (Playwright cannot download its own here).
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--use-fake-device-for-media-stream",
    "--use-fake-ui-for-media-stream",
    # The interviewer's voice plays without waiting for a gesture (the page still resumes
    # its AudioContext on the Start click, which real browsers require).
    "--autoplay-policy=no-user-gesture-required",
]
