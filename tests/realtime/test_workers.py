"""Several real-time processes need shared state: clear errors naming the setting."""

from __future__ import annotations

import pytest

from interview_coach.config import Settings
from interview_coach.realtime.workers import WorkersMisconfigured, worker_count

PG = "postgresql://127.0.0.1:5432/test"
REDIS = "redis://127.0.0.1:6379/0"


def test_several_workers_need_redis(settings: Settings) -> None:
    shared = settings.model_copy(update={"database_url": PG})
    with pytest.raises(WorkersMisconfigured, match="INTERVIEW_COACH_REDIS_URL"):
        worker_count(shared, 2)


def test_several_workers_refuse_sqlite(settings: Settings) -> None:
    sqlite = settings.model_copy(update={"database_url": "sqlite:///x.db", "redis_url": REDIS})
    with pytest.raises(WorkersMisconfigured, match="INTERVIEW_COACH_DATABASE_URL"):
        worker_count(sqlite, 2)


def test_default_is_one_without_shared_state(settings: Settings) -> None:
    alone = settings.model_copy(update={"database_url": "sqlite:///x.db", "redis_url": None})
    assert worker_count(alone, None) == 1
    assert (
        worker_count(settings.model_copy(update={"database_url": PG, "redis_url": REDIS}), 3) == 3
    )


def test_workers_share_one_process_worth_of_database_connections(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two workers with the defaults open at most what one process would (PostgreSQL's
    default limit is 100 clients; each worker taking the full pool ran past it)."""
    from interview_coach.realtime.workers import worker_env

    pooled = settings.model_copy(update={"database_pool_size": 10, "database_max_overflow": 20})
    env = worker_env(pooled, 2)
    assert env["INTERVIEW_COACH_DATABASE_POOL_SIZE"] == "5"
    assert env["INTERVIEW_COACH_DATABASE_MAX_OVERFLOW"] == "10"
    assert worker_env(pooled, 16)["INTERVIEW_COACH_DATABASE_POOL_SIZE"] == "1"
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    read_back = Settings()  # what the worker process reads from its environment
    assert (read_back.database_pool_size, read_back.database_max_overflow) == (5, 10)
