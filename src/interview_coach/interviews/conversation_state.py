"""The spoken interviewer's place in the interview, stored on the interview row.

The interviewer engine owns the contents (a JSON object); the domain only stores and hands
it back, so a rejoin, a restart or another node goes on from the same question.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from interview_coach.db.models import Interview


async def save(db: AsyncSession, interview_id: str, state: Mapping[str, Any]) -> None:
    await db.execute(
        update(Interview).where(Interview.id == interview_id).values(interviewer_state=dict(state))
    )
    await db.commit()
