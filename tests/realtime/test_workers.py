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
