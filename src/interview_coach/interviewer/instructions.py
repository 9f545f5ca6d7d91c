"""The system instruction the speech-to-speech providers (Gemini Live, OpenAI Realtime)
interview with. The text lives in one versioned file (``prompts/interviewer-v1.md``) so a
change to how the AI interviews is a reviewed diff; tests pin what it must contain."""

from __future__ import annotations

from functools import cache
from importlib import resources

from interview_coach.interviewer.base import InterviewContext
from interview_coach.interviewer.persona import persona_phrase

PROMPT_VERSION = "interviewer-v1"
NOT_GIVEN = "(not given)"


@cache
def _template(version: str = PROMPT_VERSION) -> str:
    return (resources.files(__package__) / "prompts" / f"{version}.md").read_text("utf-8")


def system_instruction(context: InterviewContext) -> str:
    """The interviewer's brief for one interview: job, resume, persona, length, rules."""
    return _template().format(
        persona=persona_phrase(context.persona),
        job_title=context.job_title,
        minutes=max(1, round(context.duration_seconds / 60)),
        job_description=context.job_description.strip() or NOT_GIVEN,
        resume=context.resume.strip() or NOT_GIVEN,
    )
