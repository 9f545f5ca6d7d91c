"""Sign-up and credential checks."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from interview_coach.auth.password_rules import MAX_PASSWORD, password_problem
from interview_coach.auth.passwords import hash_password, verify_password
from interview_coach.db.models import User
from interview_coach.errors import ValidationFailed
from interview_coach.inputs import control_character_problem

MAX_EMAIL = 320
MAX_NAME = 200
INVALID_EMAIL = "Enter a valid email address, like name@example.com."


def normalise_email(email: str) -> str:
    """Emails compare case-insensitively: stored and looked up lower-cased."""
    return email.strip().lower()


def is_valid_email(email: str) -> bool:
    """``local@domain.tld`` with no spaces: one pass over at most ``MAX_EMAIL`` characters.

    A regular expression for this backtracks quadratically on inputs like ``a@`` followed by
    many dots, which froze the server; this check does not.
    """
    if len(email) > MAX_EMAIL or email.count("@") != 1 or any(c.isspace() for c in email):
        return False
    local, _, domain = email.partition("@")
    return bool(local) and "." in domain[1:-1]


def validate_sign_up(email: str, password: str, name: str) -> dict[str, str]:
    errors: dict[str, str] = {}
    email_problem = control_character_problem(email, "email")
    if email_problem or not is_valid_email(normalise_email(email)):
        errors["email"] = email_problem or INVALID_EMAIL
    problem = password_problem(password, normalise_email(email))
    if problem:
        errors["password"] = problem
    if len(name) > MAX_NAME:
        errors["name"] = f"Keep your name under {MAX_NAME} characters."
    elif name_problem := control_character_problem(name, "name"):
        errors["name"] = name_problem
    return errors


async def create_user(session: AsyncSession, email: str, password: str, name: str = "") -> User:
    errors = validate_sign_up(email, password, name)
    if errors:
        raise ValidationFailed(errors)
    user = User(
        email=normalise_email(email),
        name=name.strip(),
        password_hash=await hash_password(password),
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


def _could_be_stored(email: str) -> bool:
    return len(email) <= MAX_EMAIL and control_character_problem(email, "email") is None


async def get_by_email(session: AsyncSession, email: str) -> User | None:
    """The account, or None; an email no account can have is not looked up."""
    if not _could_be_stored(email):
        return None
    statement = select(User).where(User.email == normalise_email(email))
    return (await session.scalars(statement)).first()


async def authenticate(session: AsyncSession, email: str, password: str) -> User | None:
    """The user when the credentials match; None alike for unknown email and wrong password.

    An email or password no account can have is refused before any lookup or hashing (that
    reveals nothing: no account matches either way).
    """
    if len(password) > MAX_PASSWORD or not _could_be_stored(email):
        return None
    user = await get_by_email(session, email)
    ok = await verify_password(user.password_hash if user else None, password)
    return user if ok else None
