"""Alembic: empty to head, head matches the models, down to base and back."""

from __future__ import annotations

import asyncio
from typing import Any

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect
from sqlalchemy.engine import Connection

from interview_coach.db.base import Base, make_engine
from interview_coach.db.migrate import alembic_config, upgrade

APP_TABLES = {"users", "web_sessions", "interviews", "transcript_entries"}


def _inspect(url: str, work: Any) -> Any:
    """Run ``work(sync_connection)`` against the database and return its result."""

    async def run() -> Any:
        engine = make_engine(url)
        try:
            async with engine.connect() as connection:
                return await connection.run_sync(work)
        finally:
            await engine.dispose()

    return asyncio.run(run())


def _tables(connection: Connection) -> set[str]:
    return set(inspect(connection).get_table_names())


def _differences(connection: Connection) -> list[Any]:
    return list(compare_metadata(MigrationContext.configure(connection), Base.metadata))


def _revision(connection: Connection) -> str | None:
    return MigrationContext.configure(connection).get_current_revision()


def test_migrations_have_a_single_head() -> None:
    """Two heads would make `db upgrade` fail: every migration extends one line."""
    script = ScriptDirectory.from_config(alembic_config("sqlite://"))
    assert len(script.get_heads()) == 1


def test_head_creates_every_table(database_url: str) -> None:
    """An empty database upgraded to head has all the app's tables, at the head revision."""
    assert _inspect(database_url, _tables) >= APP_TABLES
    head = ScriptDirectory.from_config(alembic_config(database_url)).get_current_head()
    assert _inspect(database_url, _revision) == head


def test_head_matches_the_models(database_url: str) -> None:
    """Autogenerate finds nothing to add: migrations and models agree."""
    assert _inspect(database_url, _differences) == []


def test_downgrade_to_base_and_back(database_url: str) -> None:
    """Every migration reverses cleanly, and the schema comes back identical."""
    command.downgrade(alembic_config(database_url), "base")
    assert _inspect(database_url, _tables) & APP_TABLES == set()
    assert _inspect(database_url, _revision) is None
    upgrade(database_url)
    assert _inspect(database_url, _tables) >= APP_TABLES
    assert _inspect(database_url, _differences) == []


def test_upgrade_twice_is_a_no_op(database_url: str) -> None:
    """Running `db upgrade` on an up-to-date database changes nothing and does not fail."""
    before = _inspect(database_url, _revision)
    upgrade(database_url)
    assert _inspect(database_url, _revision) == before
