"""Alembic: empty to head, head matches the models, down to base and back."""

from __future__ import annotations

import asyncio
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
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


def test_head_creates_every_table(fresh_database_url: str) -> None:
    """An empty database upgraded to head has all the app's tables, at the head revision."""
    upgrade(fresh_database_url)
    _assert_at_head(fresh_database_url)


def _assert_at_head(url: str) -> None:
    assert _inspect(url, _tables) >= APP_TABLES
    head = ScriptDirectory.from_config(alembic_config(url)).get_current_head()
    assert _inspect(url, _revision) == head
    assert _inspect(url, _differences) == []


RACERS = 4
# Each racer waits for this moment after its imports, so the upgrades start together.
_RACER = """
import sys, time
from interview_coach.db.migrate import upgrade
time.sleep(max(0.0, float(sys.argv[2]) - time.time()))
upgrade(sys.argv[1])
"""


def test_processes_migrating_one_fresh_database_all_succeed(fresh_database_url: str) -> None:
    """`serve-web` and `serve-realtime` started together on a fresh database: every
    process's migration succeeds (they take turns on the lock) and the schema is at head."""
    start_at = str(time.time() + 3.0)  # after the interpreters have imported everything
    racers = [
        subprocess.Popen(
            [sys.executable, "-c", _RACER, fresh_database_url, start_at],
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(RACERS)
    ]
    failures = [racer.communicate(timeout=120)[1] for racer in racers if racer.wait(120)]
    assert failures == []
    _assert_at_head(fresh_database_url)


def test_threads_migrating_one_fresh_database_all_succeed(fresh_database_url: str) -> None:
    """The same race between threads of one process (each holds the lock on its own)."""
    barrier = threading.Barrier(RACERS)

    def race() -> None:
        barrier.wait()
        upgrade(fresh_database_url)

    with ThreadPoolExecutor(max_workers=RACERS) as pool:
        results = [pool.submit(race) for _ in range(RACERS)]
    assert [result.exception() for result in results] == [None] * RACERS
    _assert_at_head(fresh_database_url)


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
