"""What a running process shares between its parts: settings, database and ticket signer."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from interview_coach.auth.tickets import TicketSigner
from interview_coach.config import Settings
from interview_coach.db.base import make_engine, make_sessionmaker


@dataclass
class Resources:
    settings: Settings
    engine: AsyncEngine
    sessions: async_sessionmaker[AsyncSession]
    tickets: TicketSigner

    @classmethod
    def from_settings(cls, settings: Settings) -> Resources:
        engine = make_engine(
            settings.resolved_database_url(),
            pool_size=settings.database_pool_size,
            max_overflow=settings.database_max_overflow,
        )
        return cls(
            settings=settings,
            engine=engine,
            sessions=make_sessionmaker(engine),
            tickets=TicketSigner(settings.signing_key(), settings.ticket_seconds),
        )

    async def close(self) -> None:
        await self.engine.dispose()
