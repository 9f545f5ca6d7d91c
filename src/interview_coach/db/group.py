"""Group commit: many callers' small writes share one transaction, one writer at a time.

A thousand live sessions each storing lines and going live would otherwise each open a
transaction (a pooled connection, a ping, BEGIN, COMMIT) and, on SQLite, fight over its one
write lock with busy-polling: starts waited seconds behind a stream of line commits. Here
writes that arrive while a commit is in flight go together in the next transaction, so the
process is one writer and a write waits for at most one batch ahead of it. Writes of one
``Batched`` kind in a batch run as one call (one statement: each statement awaited in turn
cost a round trip through a loaded event loop, which serialised a burst of starts). ``run``
still returns only once its own write is committed. A batch that fails is retried write by
write, so one bad write fails only its own caller. ``drain`` waits until every write handed
in is settled (shutdown).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar, cast

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

A = TypeVar("A")
T = TypeVar("T")


@dataclass(frozen=True, eq=False)
class Batched(Generic[A, T]):
    """A write that callers share: ``write(db, [args, ...])`` returns one result per
    ``args``, in order, without committing."""

    write: Callable[[AsyncSession, Sequence[A]], Awaitable[Sequence[T]]]


@dataclass(frozen=True)
class _Pending:
    kind: Batched[Any, Any]
    args: Any
    done: asyncio.Future[Any]


class GroupTransaction:
    def __init__(self, sessions: async_sessionmaker[AsyncSession], *, max_batch: int = 500) -> None:
        self._sessions = sessions
        self._max_batch = max_batch
        self._pending: list[_Pending] = []
        self._writer: asyncio.Task[None] | None = None

    async def run(self, kind: Batched[A, T], args: A) -> T:
        """This caller's result of ``kind.write``, called once for all callers of the kind
        in a shared transaction, once committed; or what running it alone raised."""
        loop = asyncio.get_running_loop()
        pending = _Pending(kind, args, loop.create_future())
        self._pending.append(pending)
        if self._writer is None or self._writer.done():
            self._writer = loop.create_task(self._write_all())
        return cast(T, await pending.done)

    async def drain(self) -> None:
        while self._writer is not None and not self._writer.done():
            await asyncio.shield(self._writer)

    async def _write_all(self) -> None:
        while self._pending:
            batch = self._pending[: self._max_batch]
            del self._pending[: self._max_batch]
            await self._commit(batch)

    async def _commit(self, batch: list[_Pending]) -> None:
        try:
            async with self._sessions() as db:
                results = await _write_kinds(db, batch)
                await db.commit()
        except Exception as error:
            if len(batch) == 1:
                _settle(batch[0], error=error)
                return
            for pending in batch:
                await self._commit([pending])
            return
        for pending, result in zip(batch, results, strict=True):
            _settle(pending, result=result)


async def _write_kinds(db: AsyncSession, batch: list[_Pending]) -> list[Any]:
    """Each kind's writes in one call, kinds in the order they first arrived; results in
    the batch's order."""
    by_kind: dict[Batched[Any, Any], list[int]] = {}
    for index, pending in enumerate(batch):
        by_kind.setdefault(pending.kind, []).append(index)
    results: list[Any] = [None] * len(batch)
    for kind, indexes in by_kind.items():
        written = await kind.write(db, [batch[index].args for index in indexes])
        for index, result in zip(indexes, written, strict=True):
            results[index] = result
    return results


def _settle(pending: _Pending, *, result: Any = None, error: Exception | None = None) -> None:
    if pending.done.done():  # its caller was cancelled: the write stands, nobody waits
        return
    if error is None:
        pending.done.set_result(result)
    else:
        pending.done.set_exception(error)
