"""Shared fixtures: a migrated real database per test (SQLite, and PostgreSQL when
``TEST_DATABASE_URL`` is set), settings pointing at it, and user factories."""

from __future__ import annotations

import os
import secrets
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from interview_coach.auth.users import create_user
from interview_coach.config import Settings, normalise_database_url
from interview_coach.db.migrate import upgrade
from interview_coach.db.models import User
from interview_coach.resources import Resources

PG_URL = os.environ.get("TEST_DATABASE_URL")
BACKENDS = ["sqlite", "postgresql"] if PG_URL else ["sqlite"]
TEST_PASSWORD = "correct horse battery"


@pytest.fixture(params=BACKENDS)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh database migrated to head, dropped afterwards."""
    if request.param == "sqlite":
        url = f"sqlite+aiosqlite:///{tmp_path / 'test.db'}"
        upgrade(url)
        yield url
        return
    assert PG_URL is not None
    name = f"ic_test_{secrets.token_hex(6)}"
    base = make_url(normalise_database_url(PG_URL))
    _pg_execute(base.render_as_string(hide_password=False), f'CREATE DATABASE "{name}"')
    url = base.set(database=name).render_as_string(hide_password=False)
    try:
        upgrade(url)
        yield url
    finally:
        _pg_execute(
            base.render_as_string(hide_password=False),
            f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)',
        )


def _pg_execute(url: str, statement: str) -> None:
    import asyncio

    import asyncpg

    parsed = make_url(url)

    async def run() -> None:
        connection = await asyncpg.connect(
            host=parsed.host,
            port=parsed.port,
            user=parsed.username,
            password=parsed.password,
            database=parsed.database,
        )
        try:
            await connection.execute(statement)
        finally:
            await connection.close()

    asyncio.run(run())


@pytest.fixture
def settings(tmp_path: Path, database_url: str) -> Settings:
    """Settings for one test: its own data dir and database, fast interviewer timings."""
    return Settings(
        data_dir=tmp_path / "data",
        database_url=database_url,
        secret_key="test-secret-key-not-for-production",  # type: ignore[arg-type]
        interviewer_delay_seconds=0.05,
        interviewer_word_seconds=0.005,
        interviewer_gap_seconds=0.1,
    )


@pytest.fixture
async def resources(settings: Settings) -> AsyncIterator[Resources]:
    res = Resources.from_settings(settings)
    yield res
    await res.close()


UserFactory = Callable[..., Awaitable[User]]


@pytest.fixture
def make_user(resources: Resources) -> UserFactory:
    counter = iter(range(1, 10_000))

    async def factory(
        email: str | None = None, password: str = TEST_PASSWORD, name: str = ""
    ) -> User:
        address = email or f"user{next(counter)}-{secrets.token_hex(3)}@example.com"
        async with resources.sessions() as session:
            return await create_user(session, address, password, name)

    return factory
