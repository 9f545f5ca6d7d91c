"""Server-side, revocable sign-in sessions. The cookie is the only copy of the raw token."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from interview_coach.db.base import utcnow
from interview_coach.db.models import User, WebSession


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


async def open_session(session: AsyncSession, user_id: int, lifetime: timedelta) -> str:
    """Returns the raw token for the cookie; the table keeps only its hash."""
    token = secrets.token_urlsafe(32)
    now = utcnow()
    session.add(
        WebSession(
            token_hash=hash_token(token), user_id=user_id, created_at=now, expires_at=now + lifetime
        )
    )
    await session.commit()
    return token


async def user_for_token(
    session: AsyncSession, token: str, *, now: datetime | None = None
) -> User | None:
    now = now or utcnow()
    statement = (
        select(User)
        .join(WebSession, WebSession.user_id == User.id)
        .where(
            WebSession.token_hash == hash_token(token),
            WebSession.revoked_at.is_(None),
            WebSession.expires_at > now,
        )
    )
    return (await session.scalars(statement)).first()


async def revoke(session: AsyncSession, token: str) -> None:
    statement = (
        update(WebSession)
        .where(WebSession.token_hash == hash_token(token), WebSession.revoked_at.is_(None))
        .values(revoked_at=utcnow())
    )
    await session.execute(statement)
    await session.commit()
