"""Accounts: validation, case-insensitive emails, credential checks."""

from __future__ import annotations

import pytest

from interview_coach.auth.passwords import hash_password, verify_password
from interview_coach.auth.users import authenticate, create_user, get_by_email
from interview_coach.errors import ValidationFailed
from interview_coach.resources import Resources


async def test_create_user_hashes_the_password(resources: Resources) -> None:
    """The stored hash is argon2id and never the password itself."""
    async with resources.sessions() as session:
        user = await create_user(session, "ann@example.com", "a long password", "Ann")
    assert user.password_hash.startswith("$argon2id$")
    assert "a long password" not in user.password_hash


@pytest.mark.parametrize(
    ("email", "password", "name", "field"),
    [
        ("no-at-sign", "long enough", "", "email"),
        ("a@b", "long enough", "", "email"),
        ("a b@example.com", "long enough", "", "email"),
        ("x" * 320 + "@example.com", "long enough", "", "email"),
        ("ann@example.com", "short", "", "password"),
        ("ann@example.com", "x" * 257, "", "password"),
        ("ann@example.com", "long enough", "n" * 201, "name"),
    ],
)
async def test_invalid_sign_up_names_the_field(
    resources: Resources, email: str, password: str, name: str, field: str
) -> None:
    """Each kind of bad input is reported on its own field."""
    async with resources.sessions() as session:
        with pytest.raises(ValidationFailed) as failure:
            await create_user(session, email, password, name)
    assert set(failure.value.errors) == {field}


async def test_duplicate_email_in_any_case_is_refused(resources: Resources) -> None:
    """The unique index sees emails lower-cased, so case variants collide."""
    async with resources.sessions() as session:
        await create_user(session, "Ann@Example.com", "a long password")
        with pytest.raises(ValidationFailed) as failure:
            await create_user(session, "ann@EXAMPLE.com", "a long password")
    assert "already exists" in failure.value.errors["email"]


async def test_authenticate_matches_case_insensitively(resources: Resources) -> None:
    """Sign-in works whatever case the email is typed in."""
    async with resources.sessions() as session:
        user = await create_user(session, "ann@example.com", "a long password")
        found = await authenticate(session, "  ANN@example.COM ", "a long password")
    assert found is not None and found.id == user.id


async def test_authenticate_wrong_password_and_unknown_email_both_none(
    resources: Resources,
) -> None:
    """Both failures look identical to the caller."""
    async with resources.sessions() as session:
        await create_user(session, "ann@example.com", "a long password")
        assert await authenticate(session, "ann@example.com", "wrong password") is None
        assert await authenticate(session, "bob@example.com", "a long password") is None
        assert await get_by_email(session, "bob@example.com") is None


def test_verify_password_never_raises_on_a_bad_hash() -> None:
    """A corrupt or missing hash is simply a mismatch."""
    assert verify_password("not a hash", "pw") is False
    assert verify_password(None, "pw") is False
    assert verify_password(hash_password("pw"), "pw") is True
