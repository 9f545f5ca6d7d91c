"""Run Alembic programmatically, so `serve` and `db upgrade` share one path.

Migrations run under a lock, so processes starting together on a fresh database (say
``serve-web`` and ``serve-realtime``) take turns instead of both creating the tables: on
PostgreSQL a transaction-level advisory lock taken on the migrating connection itself, on
SQLite an exclusive ``flock`` on a file next to the database. Whoever comes second finds
the schema at head and has nothing to do.
"""

from __future__ import annotations

import asyncio
import fcntl
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import text
from sqlalchemy.engine import Connection

from interview_coach.db.base import make_engine

MIGRATIONS_DIR = Path(__file__).parent / "migrations"
# Any constant 64-bit key works; this one spells "ic-migr" so it is easy to spot in pg_locks.
ADVISORY_LOCK_KEY = 0x69632D6D696772


def alembic_config(url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("sqlalchemy.url", url)
    return config


def upgrade(url: str, revision: str = "head") -> None:
    """Blocking; safe to call where an event loop already runs (env.py uses asyncio.run)."""
    with ThreadPoolExecutor(max_workers=1) as worker:
        worker.submit(_upgrade_locked, url, revision).result()


def _upgrade_locked(url: str, revision: str) -> None:
    if url.startswith("postgresql"):
        asyncio.run(_upgrade_postgresql(url, revision))
        return
    path = sqlite_path(url)
    if path is None:  # in memory: nobody else can see it
        command.upgrade(alembic_config(url), revision)
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    with _file_lock(path.with_name(path.name + ".migrate-lock")):
        command.upgrade(alembic_config(url), revision)


async def _upgrade_postgresql(url: str, revision: str) -> None:
    """Lock and migrate in one transaction: the lock is released by the commit itself."""
    engine = make_engine(url, pool_size=1, max_overflow=0)
    try:
        async with engine.connect() as connection:
            await connection.execute(
                text("SELECT pg_advisory_xact_lock(:key)"), {"key": ADVISORY_LOCK_KEY}
            )
            await connection.run_sync(_upgrade_on, url, revision)
            await connection.commit()
    finally:
        await engine.dispose()


def _upgrade_on(connection: Connection, url: str, revision: str) -> None:
    """Alembic on a connection already in a transaction (env.py uses it and does not commit)."""
    config = alembic_config(url)
    config.attributes["connection"] = connection
    command.upgrade(config, revision)


@contextmanager
def _file_lock(path: Path) -> Iterator[None]:
    """An exclusive lock between processes and threads (each open is its own lock holder)."""
    with path.open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def sqlite_path(url: str) -> Path | None:
    """The database file of a SQLite URL, or None for an in-memory database."""
    if not url.startswith("sqlite") or ":///" not in url:
        return None
    path = url.split(":///", 1)[1]
    if not path or path == ":memory:":
        return None
    return Path(path)
