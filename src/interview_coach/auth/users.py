"""Sign-up and credential checks."""

from __future__ import annotations

import re

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from interview_coach.auth.passwords import hash_password, verify_password
from interview_coach.db.models import User
from interview_coach.errors import ValidationFailed

MIN_PASSWORD = 8
MAX_PASSWORD = 256
EMAIL_PATTERN = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def normalise_email(email: str) -> str:
    """Emails compare case-insensitively: stored and looked up lower-cased."""
    return email.strip().lower()


def validate_sign_up(email: str, password: str, name: str) -> dict[str, str]:
    errors: dict[str, str] = {}
    if not EMAIL_PATTERN.match(normalise_email(email)) or len(email) > 320:
        errors["email"] = "Enter a valid email address, like name@example.com."
    if len(password) < MIN_PASSWORD:
        errors["password"] = f"Use at least {MIN_PASSWORD} characters for your password."
    elif len(password) > MAX_PASSWORD:
        errors["password"] = f"Use at most {MAX_PASSWORD} characters for your password."
    if len(name) > 200:
        errors["name"] = "Keep your name under 200 characters."
    return errors


async def create_user(session: AsyncSession, email: str, password: str, name: str = "") -> User:
    errors = validate_sign_up(email, password, name)
    if errors:
        raise ValidationFailed(errors)
    user = User(
        email=normalise_email(email), name=name.strip(), password_hash=hash_password(password)
    )
    session.add(user)
    try:
        await session.commit()
    except IntegrityError:
        await session.rollback()
        raise ValidationFailed(
            {"email": "An account with this email already exists. Sign in instead."}
        ) from None
    return user


async def get_by_email(session: AsyncSession, email: str) -> User | None:
    statement = select(User).where(User.email == normalise_email(email))
    return (await session.scalars(statement)).first()


async def authenticate(session: AsyncSession, email: str, password: str) -> User | None:
    """The user when the credentials match; None alike for unknown email and wrong password."""
    user = await get_by_email(session, email)
    ok = verify_password(user.password_hash if user else None, password)
    return user if ok else None
