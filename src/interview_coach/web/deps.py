"""Request-scoped dependencies: resources, a database session, the signed-in user."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.ext.asyncio import AsyncSession

from interview_coach.db.models import User
from interview_coach.errors import NotAuthenticated
from interview_coach.resources import Resources

SESSION_COOKIE = "ic_session"


def get_resources(request: Request) -> Resources:
    resources: Resources = request.app.state.resources
    return resources


async def get_db(
    resources: Annotated[Resources, Depends(get_resources)],
) -> AsyncIterator[AsyncSession]:
    async with resources.sessions() as session:
        yield session


def optional_user(request: Request) -> User | None:
    """Set by the sign-in middleware in ``web.app``."""
    user: User | None = getattr(request.state, "user", None)
    return user


def cookie_secure(request: Request) -> bool:
    """Secure cookies under https, also when a proxy terminates TLS before us."""
    public = get_resources(request).settings.public_web_url or ""
    return request.url.scheme == "https" or public.startswith("https://")


def require_user(user: Annotated[User | None, Depends(optional_user)]) -> User:
    if user is None:
        raise NotAuthenticated("Sign in to continue.")
    return user


ResourcesDep = Annotated[Resources, Depends(get_resources)]
DbDep = Annotated[AsyncSession, Depends(get_db)]
UserDep = Annotated[User, Depends(require_user)]
OptionalUserDep = Annotated[User | None, Depends(optional_user)]
