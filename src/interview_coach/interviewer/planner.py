"""What the offline interviewer asks: a plan built from the posting, the resume and the length.

Pure and deterministic: terms come from :mod:`.terms` (rules, no language model), phrasing
variants are chosen by a stable hash of the inputs (never ``random``), and the number of
questions is what fits the chosen length at typical answer lengths (see the ``*_SECONDS``
budget below, which :mod:`.dialogue` uses too to keep the interview on time).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from enum import StrEnum
from itertools import zip_longest
from typing import Any

from interview_coach.errors import ValidationFailed
from interview_coach.interviewer.persona import Style, Tone, persona_phrase, pick, style_for
from interview_coach.interviewer.terms import (
    PostingTerms,
    Project,
    ResumeTerms,
    posting_terms,
    resume_terms,
    speakable,
)

# The time budget: interviewer speech at 150 words a minute, answers of about 1:45 (inside
# the report's 0:30-2:00 range), one follow-up of about 55 s, and the wrap-up: asking for
# the candidate's questions, a minute of them, and the close.
SPEECH_WORDS_PER_SECOND = 2.5
TYPICAL_ANSWER_SECONDS = 105.0
FOLLOW_UP_SECONDS = 55.0
WRAP_UP_SECONDS = 75.0
MIN_RESERVE = 3
MAX_TITLE_WORDS = 10


class QuestionKind(StrEnum):
    OPENER = "OPENER"
    RESUME = "RESUME"
    POSTING = "POSTING"
    BEHAVIOURAL = "BEHAVIOURAL"
    CANDIDATE_QUESTIONS = "CANDIDATE_QUESTIONS"
    CLOSE = "CLOSE"


FOLLOWED_UP = frozenset({QuestionKind.RESUME, QuestionKind.POSTING, QuestionKind.BEHAVIOURAL})


@dataclass(frozen=True)
class Question:
    kind: QuestionKind
    text: str
    topic: str = ""  # the resume or posting term it is drawn from

    def to_dict(self) -> dict[str, str]:
        return {"kind": self.kind.value, "text": self.text, "topic": self.topic}


@dataclass(frozen=True)
class Plan:
    greeting: str  # hello, who I am, how this works: persona-phrased
    questions: tuple[Question, ...]  # opener first, CANDIDATE_QUESTIONS then CLOSE last
    reserve: tuple[Question, ...]  # asked only if time is left over

    def to_dict(self) -> dict[str, Any]:
        return {
            "greeting": self.greeting,
            "questions": [q.to_dict() for q in self.questions],
            "reserve": [q.to_dict() for q in self.reserve],
        }

    @classmethod
    def from_dict(cls, data: Any) -> Plan:
        """A stored plan; anything malformed is a ``ValidationFailed`` naming the field."""
        if not isinstance(data, dict) or not isinstance(data.get("greeting"), str):
            raise ValidationFailed({"plan": "The stored interview plan has no greeting."})
        questions = _questions_from(data.get("questions"), "questions")
        kinds = [q.kind for q in questions]
        if (
            len(kinds) < 3
            or kinds[0] is not QuestionKind.OPENER
            or kinds[-2:]
            != [
                QuestionKind.CANDIDATE_QUESTIONS,
                QuestionKind.CLOSE,
            ]
        ):
            raise ValidationFailed(
                {"plan": "A stored plan must start with the opener and end with the close."}
            )
        return cls(data["greeting"], questions, _questions_from(data.get("reserve"), "reserve"))


def _questions_from(items: Any, field: str) -> tuple[Question, ...]:
    if not isinstance(items, list):
        raise ValidationFailed({field: f"The stored plan's {field} must be a list."})
    try:
        return tuple(
            Question(QuestionKind(item["kind"]), str(item["text"]), str(item.get("topic", "")))
            for item in items
        )
    except (KeyError, TypeError, ValueError) as error:
        raise ValidationFailed({field: f"A stored question in {field} is malformed."}) from error


def speaking_seconds(text: str) -> float:
    return len(text.split()) / SPEECH_WORDS_PER_SECOND


def expected_seconds(question: Question, *, with_follow_up: bool = True) -> float:
    """How long asking and answering a question takes at typical answer lengths."""
    follow_up = FOLLOW_UP_SECONDS if with_follow_up and question.kind in FOLLOWED_UP else 0.0
    return speaking_seconds(question.text) + TYPICAL_ANSWER_SECONDS + follow_up


@dataclass(frozen=True)
class _Role:
    """The job title in the forms sentences need."""

    title: str

    @property
    def the_role(self) -> str:
        return f"the {self.title} role" if self.title else "this role"

    @property
    def as_one(self) -> str:
        if not self.title:
            return "in this role"
        article = "an" if self.title[0].lower() in "aeiou" else "a"
        return f"as {article} {self.title}"


def _duration_words(duration_seconds: float) -> str:
    minutes = max(1, round(duration_seconds / 60))
    named = {10: "ten minutes", 15: "fifteen minutes", 30: "thirty minutes", 60: "an hour"}
    return named.get(minutes, "one minute" if minutes == 1 else f"{minutes} minutes")


def _greeting(style: Style, persona: str, role: _Role, duration_seconds: float, seed: str) -> str:
    hello = pick(style.hello, seed, "hello")
    who = persona_phrase(persona)
    return (
        f"{hello} I am {who}, and I will be interviewing you for {role.the_role} today. "
        f"We have about {_duration_words(duration_seconds)}. I will ask about your experience, "
        f"the role and how you work, and at the end there is time for your questions. "
        f"Take your time with each answer. You can ask me to repeat a question at any time."
    )


OPENERS = {
    Tone.WARM: (
        "To start, I'd love to hear about you. Could you walk me through your background "
        "and what draws you to {the_role}?",
    ),
    Tone.NEUTRAL: (
        "To start, could you walk me through your background and what draws you to {the_role}?",
        "Let's begin with you. Tell me about your background and why {the_role} interests you.",
    ),
    Tone.DIRECT: ("Let's start. Give me a quick summary of your background, and why {the_role}?",),
}
CANDIDATE_QUESTIONS = {
    Tone.WARM: "That's all my questions. What would you like to ask me about the role or the team?",
    Tone.NEUTRAL: "That is all from my side. What questions do you have for me about the role?",
    Tone.DIRECT: "That's my questions done. What do you want to ask me?",
}
CLOSES = {
    Tone.WARM: "Thank you so much for your time today. That brings us to the end. "
    "Your feedback will be ready shortly. Goodbye, and good luck.",
    Tone.NEUTRAL: "Thank you for your time. That brings us to the end of the interview. "
    "Your feedback will be ready shortly. Goodbye.",
    Tone.DIRECT: "That's time. Thanks for your answers. Your feedback will be ready shortly. "
    "Goodbye.",
}

BEHAVIOURAL = (
    ("conflict", "Tell me about a time you disagreed with a colleague. How did you resolve it?"),
    ("mistake", "Describe a time you made a mistake at work. What did you do next?"),
    ("deadline", "Tell me about a time you had to deliver under a tight deadline."),
    ("initiative", "Give me an example of a time you took the lead without being asked."),
    ("feedback", "Tell me about a time you got difficult feedback. What did you do with it?"),
    ("learning", "Describe a situation where you had to learn something new quickly."),
    ("persuasion", "Tell me about a time you had to win over someone who disagreed with you."),
    ("priorities", "Describe a time you had too much to do. How did you decide what came first?"),
    ("failure", "Tell me about a project that went badly. What did you learn from it?"),
    ("teamwork", "Give me an example of a time you helped a teammate succeed."),
    ("ambiguity", "Tell me about a time you had to decide without all the information."),
    ("improvement", "Describe a time you improved a process that others had simply accepted."),
    ("stakeholders", "Tell me about a time you worked with a difficult customer or stakeholder."),
    ("explaining", "Describe a time you explained something complex to a non-expert."),
    ("changing course", "Tell me about a time you changed your mind because of new evidence."),
    ("goals", "Tell me about a goal you set yourself at work, and how you reached it."),
)
ROLE_QUESTIONS = (
    "What do you think makes someone great {as_one}?",
    "Which part of {the_role} would you find hardest, and how would you prepare for it?",
    "How would you spend your first ninety days {as_one}?",
    "What skill have you built recently that would help you {as_one}?",
    "Tell me about the work you have done that is closest to {the_role}.",
    "How do you keep your skills up to date for {the_role}?",
    "What kind of team do you do your best work in, and why?",
    "Tell me about a decision at work you would make differently now.",
)
PROJECT_QUESTIONS = (
    "Your resume mentions {name}{at}. What was your part in it, and how did it go?",
    "Your resume says you {clause}{at}. Walk me through what you did and how it turned out.",
    "Tell me about the time you {clause}{at}. What was the hardest part?",
)
SKILL_QUESTIONS = (
    "Your resume lists {term}. Tell me about the hardest problem you solved with it.",
    "Your resume lists {term}. Where did you use it most recently, and what came of it?",
)
OVERLAP_QUESTIONS = (
    "The role uses {term}, and your resume lists it too. What is the most demanding thing "
    "you have done with it?",
)
EMPLOYER_QUESTIONS = (
    "You worked at {term}. What is the piece of work from there you are proudest of?",
)
REQUIREMENT_QUESTIONS = (
    "The role asks for {term}. Tell me about a time you needed exactly that.",
    "This job needs {term}. Tell me about a time you showed it.",
)
DUTY_QUESTIONS = (
    "In this role you would {term}. Tell me about a time you did something similar.",
    "A big part of this job is to {term}. How have you done that before?",
)
TECH_QUESTIONS = (
    "The role works with {term}. Tell me about something you built or ran with it.",
    "How have you used {term} in your recent work? Pick one specific example.",
)


class _Phraser:
    """Fills templates with a variant chosen by the plan's seed and the question's slot."""

    def __init__(self, seed: str, role: _Role) -> None:
        self.seed = seed
        self.role = role

    def ask(
        self, kind: QuestionKind, templates: tuple[str, ...], topic: str, **fields: str
    ) -> Question:
        template = pick(templates, self.seed, kind, topic)
        text = template.format(
            term=topic, the_role=self.role.the_role, as_one=self.role.as_one, **fields
        )
        return Question(kind, text, topic)


def _project_question(phraser: _Phraser, project: Project) -> Question:
    at = f" at {project.employer}" if project.employer else ""
    has_article = project.name.split(" ", 1)[0].lower() in ("the", "a", "an", "our", "my")
    templates = PROJECT_QUESTIONS if has_article else PROJECT_QUESTIONS[1:]
    return phraser.ask(
        QuestionKind.RESUME,
        templates,
        project.name,
        name=project.name,
        clause=project.clause,
        at=at,
    )


def _resume_questions(phraser: _Phraser, resume: ResumeTerms, posting_text: str) -> list[Question]:
    questions = [_project_question(phraser, project) for project in resume.projects]
    with_projects = {project.employer for project in resume.projects}
    questions += [
        phraser.ask(QuestionKind.RESUME, EMPLOYER_QUESTIONS, employer)
        for employer in resume.employers
        if employer not in with_projects
    ]
    questions += [
        phraser.ask(QuestionKind.RESUME, SKILL_QUESTIONS, skill)
        for skill in resume.skills
        if skill.lower() not in posting_text
    ]
    return questions


def _posting_questions(
    phraser: _Phraser, posting: PostingTerms, resume: ResumeTerms
) -> list[Question]:
    posting_words = " ".join(
        posting.technologies + posting.requirements + posting.responsibilities
    ).lower()
    overlap = [skill for skill in resume.skills if skill.lower() in posting_words]
    ask = phraser.ask
    requirements = [
        ask(QuestionKind.POSTING, REQUIREMENT_QUESTIONS, r) for r in posting.requirements
    ]
    duties = [ask(QuestionKind.POSTING, DUTY_QUESTIONS, d) for d in posting.responsibilities]
    return (
        [ask(QuestionKind.POSTING, OVERLAP_QUESTIONS, skill) for skill in overlap[:1]]
        + [q for pair in zip_longest(requirements, duties) for q in pair if q is not None]
        + [ask(QuestionKind.POSTING, OVERLAP_QUESTIONS, skill) for skill in overlap[1:2]]
        + [ask(QuestionKind.POSTING, TECH_QUESTIONS, t) for t in posting.technologies]
        + [  # about the job title alone: what an empty posting still gives
            Question(
                QuestionKind.POSTING,
                template.format(the_role=phraser.role.the_role, as_one=phraser.role.as_one),
            )
            for template in _rotated(ROLE_QUESTIONS, phraser.seed, "role")
        ]
    )


def _rotated(items: tuple[Any, ...], seed: str, name: str) -> list[Any]:
    start = int(hashlib.sha256(f"{seed}\x1f{name}".encode()).hexdigest()[:8], 16) % len(items)
    return list(items[start:] + items[:start])


def _interleaved(*queues: list[Question]) -> Iterator[Question]:
    """Resume, posting and behavioural questions in turn, each without repeating a topic."""
    asked: set[str] = set()
    for group in zip_longest(*queues):
        for question in group:
            if question is None:
                continue
            key = question.topic.lower()
            if key and (key in asked or any(key in seen for seen in asked)):
                continue
            asked.add(key)
            yield question


def build_plan(
    job_title: str, job_description: str, resume: str, persona: str, duration_seconds: float
) -> Plan:
    """The interview for these inputs; the same inputs always give the same plan."""
    seed = hashlib.sha256(
        "\x1f".join(
            (job_title, job_description, resume, persona, f"{duration_seconds:.0f}")
        ).encode("utf-8", "replace")
    ).hexdigest()
    style = style_for(persona)
    role = _Role(" ".join(speakable(job_title).split()[:MAX_TITLE_WORDS]))
    phraser = _Phraser(seed, role)
    posting, resume_found = posting_terms(job_description), resume_terms(resume)
    candidates = _interleaved(
        _resume_questions(phraser, resume_found, job_description.lower()),
        _posting_questions(phraser, posting, resume_found),
        [
            Question(QuestionKind.BEHAVIOURAL, text, topic)
            for topic, text in _rotated(BEHAVIOURAL, seed, "behavioural")
        ],
    )
    greeting = _greeting(style, persona, role, duration_seconds, seed)
    opener = Question(
        QuestionKind.OPENER,
        pick(OPENERS[style.tone], seed, "opener").format(the_role=role.the_role),
    )
    return fitted(greeting, opener, candidates, persona, duration_seconds)


def fitted(
    greeting: str,
    opener: Question,
    candidates: Iterable[Question],
    persona: str,
    duration_seconds: float,
) -> Plan:
    """A plan of as many ``candidates`` as fit the length at typical answer lengths, the
    next ones in reserve, and the persona's wrap-up: the planner's own questions and a
    language model's are fitted alike."""
    style = style_for(persona)
    queue = iter(candidates)
    budget = duration_seconds - speaking_seconds(greeting) - expected_seconds(opener)
    budget -= WRAP_UP_SECONDS
    main: list[Question] = []
    for question in queue:
        if expected_seconds(question) > budget:
            reserve = [question]
            break
        budget -= expected_seconds(question)
        main.append(question)
    else:
        reserve = []
    wanted = max(MIN_RESERVE, len(main) // 3) - len(reserve)
    reserve += [question for _, question in zip(range(wanted), queue, strict=False)]
    closing = (
        Question(QuestionKind.CANDIDATE_QUESTIONS, CANDIDATE_QUESTIONS[style.tone]),
        Question(QuestionKind.CLOSE, CLOSES[style.tone]),
    )
    return Plan(greeting, (opener, *main, *closing), tuple(reserve))
