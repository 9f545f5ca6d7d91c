"""What the server holds at start leaves the garbage collector's later walks."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest

from interview_coach.heap import freeze_startup_objects


@pytest.fixture
def unfrozen() -> Iterator[None]:
    gc.unfreeze()
    yield
    gc.unfreeze()


def test_objects_alive_at_start_are_skipped_by_later_collections(unfrozen: None) -> None:
    held_for_the_process = [[index] for index in range(10_000)]
    frozen = freeze_startup_objects()
    assert frozen == gc.get_freeze_count() >= len(held_for_the_process)
    walked = {id(o) for generation in range(3) for o in gc.get_objects(generation)}
    assert not any(id(o) in walked for o in held_for_the_process)
    made_later: list[int] = [1]
    assert id(made_later) in {id(o) for o in gc.get_objects(0)}
