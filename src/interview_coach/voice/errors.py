"""The voice package's errors; they live in the one tree in ``interview_coach.errors``."""

from __future__ import annotations

from interview_coach.errors import ConfigurationError, PoolSaturated

__all__ = ["ConfigurationError", "PoolSaturated"]
