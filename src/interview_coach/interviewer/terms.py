"""Terms a job posting and a resume name, found with rules, not a language model. Pure.

The posting gives technologies (capitalised or known tech names), requirements ("experience
with X", bullets under a requirements heading) and responsibilities (bullets under a
responsibilities heading). The resume gives projects (achievement bullets, with the employer
they were under), employers and skills. Every term comes back speakable: no bullets, markdown
or parentheses, a few words long, so the planner can put it into a sentence read aloud.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

MAX_INPUT_CHARS = 20_000  # longer text is cut here, so extraction stays fast on any input
MAX_TERMS = 12  # per kind: more than an hour-long interview can ask about
MAX_PHRASE_WORDS = 12

BULLET = re.compile(r"^\s*(?:[-*•·▪●◦‣–—+>]|\d{1,2}[.)])\s+")
HEADING_END = re.compile(r"[:：]\s*$")
YEAR = re.compile(r"\b(?:19|20)\d\d\b|\bpresent\b|\bcurrent\b|\bnow\b", re.I)
WORD = re.compile(r"[^\W_][\w+#.'’/-]*[\w+#]|[^\W_]", re.U)
CLAUSE_END = re.compile(r"[;:]|,\s|\.\s|\.$|\s[-–—]\s")
UNSPEAKABLE = re.compile(r"[*_`#<>\[\]{}|~^=\\•·▪●◦‣]+")
PARENTHESES = re.compile(r"\s*[(（]([^()（）]*)[)）]")

SECTION_WORDS: dict[str, tuple[str, ...]] = {
    "ignore": (
        "benefit", "perks", "about us", "who we are", "what we offer", "why join", "salary",
        "compensation", "equal opportunit", "how to apply", "education", "interests",
        "hobbies", "references", "languages spoken", "certification",
    ),
    "responsibilities": (
        "responsibilit", "what you'll do", "what you will do", "what you’ll do", "duties",
        "day to day", "day-to-day", "the role", "your role", "in this role", "you will",
        "your impact", "mission",
    ),
    "requirements": (
        "requirement", "qualification", "what you bring", "looking for", "must have",
        "nice to have", "bonus", "preferred", "about you", "you have", "who you are",
        "what we need", "you should",
    ),
    "skills": ("skill", "technologies", "tech stack", "tools", "stack", "languages"),
    "projects": ("project", "portfolio", "side work", "open source"),
    "experience": ("experience", "employment", "work history", "career", "professional"),
}  # fmt: skip

# Known technology names, lower-cased, matched as whole words in any case.
TECH_LEXICON = frozenset(
    """python java javascript typescript go golang rust ruby php kotlin swift scala elixir
    haskell c++ c# sql nosql graphql rest grpc html css react vue angular svelte django
    flask fastapi rails spring node.js node nodejs .net express kubernetes docker terraform
    ansible helm aws gcp azure linux unix postgresql postgres mysql sqlite mongodb redis
    kafka rabbitmq spark hadoop airflow dbt snowflake bigquery elasticsearch pandas numpy
    pytorch tensorflow scikit-learn jenkins github gitlab git ci/cd prometheus grafana
    datadog nginx tableau excel figma jira salesforce sap android ios webrtc websockets
    microservices serverless lambda s3 ec2 openapi oauth llm nlp""".split()
)
# Capitalised words that are ordinary English or job-ad boilerplate, not technologies.
NOT_TECH = frozenset(
    """a an and are as at be but by for from has have i if in is it its of on or our so
    that the their there these this to we what when where which who why will with you your
    they he she us about all also any both can could each every first more most must new
    nice no not one other own plus should some such than then them us very well would
    strong solid excellent good great proven deep hands experience knowledge skills team
    teams role job work working company customers customer product products design
    engineering engineer engineers senior junior lead manager management business data
    remote hybrid office monday friday january february march april may june july august
    september october november december ability ideally bonus preferred required
    requirements responsibilities qualifications benefits perks salary join apply help
    build own drive make ensure support develop collaborate partner maintain create
    deliver improve communicate write mentor understanding familiarity proficiency
    equal opportunity employer ltd inc gmbh llc corp co api apis""".split()
)
# Non-technical acronyms that a job ad or resume uses.
NOT_TECH_ACRONYMS = frozenset(
    "USA US UK EU CEO CTO CFO COO VP HR PTO ASAP FAQ TBD EOE OK BA BSC MSC MBA PHD GPA".split()
)
ROLE_WORDS = re.compile(
    r"\b(engineer|developer|manager|analyst|designer|lead|intern|scientist|consultant|"
    r"director|architect|specialist|administrator|officer|head|associate|coordinator|"
    r"programmer|technician|founder|owner|assistant|researcher|student|contractor|"
    r"freelance|freelancer|vp|cto|ceo|nurse|teacher|clerk|chef|accountant|agent|"
    r"representative|advisor|adviser|writer|editor|operator|supervisor|worker|therapist|"
    r"doctor|physician|pharmacist|lawyer|attorney|paralegal|recruiter|marketer|cashier|"
    r"driver|mechanic|electrician|technologist|tester|sre|devops|staff)\b",
    re.I,
)
COMPANY_WORDS = re.compile(
    r"\b(inc|ltd|llc|gmbh|plc|corp|corporation|company|co|group|labs?|technologies|systems|"
    r"hospital|clinic|bank|agency|studio|partners|foundation|trust|council|ministry)\b\.?",
    re.I,
)
DEGREE_WORDS = re.compile(
    r"\b(bsc|msc|ba|ma|phd|mba|bachelor|master|degree|university|college|school|diploma)\b", re.I
)
REQUIREMENT = re.compile(
    r"\b(?:experience|expertise|background|proficiency|fluency|familiarity|knowledge|"
    r"track record|comfort|skills?)\s+(?:with|in|of|using|building|running|operating|"
    r"designing|working with)\s+(?P<term>[^.;:,()]+)",
    re.I,
)
EMPLOYER_AFTER_AT = re.compile(
    r"(?:\bat|@)\s+(?P<name>[A-Z0-9][\w&.'’-]*(?:\s+(?:&\s+)?[A-Z0-9][\w&.'’-]*){0,3})"
)
SKILLS_LINE = re.compile(
    r"^\s*(?:technical\s+|core\s+|key\s+)?(?:skills|technologies|tech stack|tools|stack|"
    r"languages|frameworks)\s*[:\-–—]\s*(?P<list>.+)$",
    re.I,
)
PROJECT_LINE = re.compile(r"^(?P<name>[^:–—]{2,40}?)\s*(?::|\s[-–—]\s)\s*(?P<rest>\S.*)$")
YOU_WILL = re.compile(r"^(?:you will|you'll|you’ll|we need you to|you are going to)\s+", re.I)
ACHIEVEMENT_VERBS = frozenset(
    """led built designed migrated launched created developed implemented ran owned shipped
    introduced automated rewrote scaled reduced improved managed delivered architected drove
    founded organised organized wrote set mentored cut grew increased optimised optimized
    established coordinated maintained deployed integrated refactored replaced trained
    headed spearheaded negotiated analysed analyzed researched redesigned streamlined
    consolidated modernised modernized standardised standardized won saved raised""".split()
)
BASE_VERBS = frozenset(
    """design build own run lead develop maintain operate write ship work partner collaborate
    drive manage improve create deliver support mentor define scale deploy test review
    monitor analyse analyze plan coordinate help ensure architect implement automate
    integrate research present communicate establish grow hire train manage translate
    investigate troubleshoot debug optimise optimize shape set champion contribute
    participate""".split()
)
OBJECT_STOP = re.compile(
    r"\s(?:from|to|for|with|using|by|in|on|at|across|into|that|which|while|so|and cut|"
    r"resulting|reducing|cutting|saving|increasing|improving)\s",
    re.I,
)


LISTING_SECTIONS = frozenset({"requirements", "responsibilities", "skills"})


@dataclass(frozen=True)
class Project:
    """An achievement from the resume: what the candidate did, its short name, and where."""

    clause: str  # "led the billing migration from MySQL to PostgreSQL"
    name: str  # "the billing migration"
    employer: str = ""


@dataclass(frozen=True)
class PostingTerms:
    technologies: tuple[str, ...] = ()
    requirements: tuple[str, ...] = ()  # "experience with Kubernetes in production"
    responsibilities: tuple[str, ...] = ()  # "design and operate our payment APIs"


@dataclass(frozen=True)
class ResumeTerms:
    projects: tuple[Project, ...] = ()
    employers: tuple[str, ...] = ()
    skills: tuple[str, ...] = ()


def speakable(text: str) -> str:
    """Text fit for text-to-speech: no markdown, bullets or parentheses, one line."""
    text = unicodedata.normalize("NFC", text).replace("’", "'")
    text = PARENTHESES.sub(lambda m: f", {m.group(1)}," if m.group(1).strip() else "", text)
    text = text.replace("%", " percent").replace("&", " and ").replace("+", " plus ")
    text = text.replace("C plus  plus", "C plus plus")
    text = UNSPEAKABLE.sub(" ", text)
    text = re.sub(r"\s*,\s*(?:,\s*)+", ", ", text)
    text = re.sub(r"\s+([,.?!])", r"\1", re.sub(r"\s+", " ", text))
    return text.strip(" ,;:-–—")


def _short(phrase: str, max_words: int = MAX_PHRASE_WORDS) -> str:
    """The phrase up to its first clause break, at most ``max_words`` words."""
    phrase = speakable(phrase)
    head = CLAUSE_END.split(phrase, maxsplit=1)[0].strip()
    words = (head or phrase).split()
    return " ".join(words[:max_words]).rstrip(",;:.")


def _lines(text: str) -> list[str]:
    text = unicodedata.normalize("NFC", text[:MAX_INPUT_CHARS]).replace("\r", "\n")
    return [line.rstrip() for line in text.split("\n") if line.strip()]


def _section_of(line: str) -> str | None:
    """The section a heading line opens, or None when the line is not a heading."""
    bare = UNSPEAKABLE.sub(" ", line).strip().rstrip(":：").strip().lower()
    words = bare.split()
    is_heading = HEADING_END.search(line) is not None or (
        0 < len(words) <= 5 and not bare.endswith((".", ",")) and not BULLET.match(line)
    )
    if not is_heading or len(words) > 8:
        return None
    for section, cues in SECTION_WORDS.items():
        if any(cue in bare for cue in cues):
            return section
    return "other" if HEADING_END.search(line) else None


def _sectioned(text: str) -> list[tuple[str, str, bool]]:
    """(section, line without its bullet, was a bullet) for every line that is not a heading."""
    section = "other"
    found = []
    for line in _lines(text):
        heading = _section_of(line)
        if heading is not None:
            section = heading
            continue
        bullet = BULLET.match(line)
        found.append((section, line[bullet.end() :] if bullet else line.strip(), bool(bullet)))
    return found


def _unique(items: list[str], limit: int = MAX_TERMS) -> tuple[str, ...]:
    seen: set[str] = set()
    kept = []
    for item in items:
        key = item.lower()
        if item and key not in seen:
            seen.add(key)
            kept.append(item)
    return tuple(kept[:limit])


def _is_tech_word(word: str, capitalised_counts: bool) -> bool:
    lower = word.lower().rstrip(".")
    if lower in TECH_LEXICON:
        return True
    if lower in NOT_TECH or word.upper() in NOT_TECH_ACRONYMS or len(word) < 2:
        return False
    inner_capital = any(c.isupper() for c in word[1:]) and any(c.islower() for c in word)
    acronym = word.isupper() and 2 <= len(word) <= 6 and word.isalpha()
    symbol = any(c.isdigit() or c in "+#." for c in word) and word[0].isalpha()
    return inner_capital or acronym or symbol or (capitalised_counts and word[0].isupper())


def technologies(text: str, *, capitalised: bool = False) -> list[str]:
    """Tech names in reading order: known names, CamelCase, acronyms and, with
    ``capitalised`` (lines known to list requirements), capitalised words mid-sentence."""
    found = []
    for sentence in re.split(r"(?<=[.!?])\s+|\n", text[:MAX_INPUT_CHARS]):
        words = [m.group(0) for m in WORD.finditer(BULLET.sub("", sentence))]
        run: list[str] = []
        for i, word in enumerate(words):
            after_at = i > 0 and words[i - 1].lower() in ("at", "join", "@")
            if _is_tech_word(word, capitalised and i > 0) and not after_at:
                run.append(word.rstrip("."))
                continue
            if run:
                found.append(" ".join(run[:3]))
            run = []
        if run:
            found.append(" ".join(run[:3]))
    return [speakable(term) for term in found]


def _lower_first(phrase: str) -> str:
    """Lower-case the first word unless it is a name or an acronym ("NMC", "Python")."""
    first = phrase.split(" ", 1)[0]
    if not first or first.lower() in TECH_LEXICON or any(c.isupper() for c in first[1:]):
        return phrase
    return phrase[0].lower() + phrase[1:]


def _requirement_phrases(line: str) -> list[str]:
    return [
        _lower_first(_short(f"{m.group(0)[: m.start('term') - m.start()]}{m.group('term')}", 8))
        for m in REQUIREMENT.finditer(line)
    ]


def _responsibility(line: str) -> str:
    """A responsibility as a verb phrase after "you would", or "" when it is not one."""
    phrase = _short(YOU_WILL.sub("", line.strip()))
    words = phrase.split()
    if len(words) < 2:
        return ""
    first = words[0].lower()
    if first in BASE_VERBS:
        return " ".join([first, *words[1:]])
    if first.endswith("s") and first[:-1] in BASE_VERBS | {"manage", "analyse", "analyze"}:
        return " ".join([first[:-1], *words[1:]])
    if first.endswith("es") and first[:-2] in BASE_VERBS:
        return " ".join([first[:-2], *words[1:]])
    return ""


def posting_terms(job_description: str) -> PostingTerms:
    """Technologies, requirements and responsibilities of a job posting."""
    techs: list[str] = []
    requirements: list[str] = []
    responsibilities: list[str] = []
    for section, line, is_bullet in _sectioned(job_description):
        if section == "ignore":
            continue
        requirements.extend(_requirement_phrases(line))
        techs.extend(technologies(line, capitalised=section in LISTING_SECTIONS))
        if section == "responsibilities" and (is_bullet or len(line.split()) <= 16):
            duty = _responsibility(line)
            if duty:
                responsibilities.append(duty)
        elif section == "requirements" and is_bullet and not REQUIREMENT.search(line):
            phrase = _short(line, 8)
            if len(phrase.split()) >= 2 and not YEAR.search(phrase):
                requirements.append(_lower_first(phrase))
    return PostingTerms(
        technologies=_unique(techs),
        requirements=_unique(requirements),
        responsibilities=_unique(responsibilities),
    )


def _employer_of(line: str) -> str:
    """The employer a job header line names ("Engineer, Acme Corp, 2019–2023"), or ""."""
    at = EMPLOYER_AFTER_AT.search(line)
    if at:
        return speakable(at.group("name"))
    if not YEAR.search(line) or DEGREE_WORDS.search(line):
        return ""
    parts = [part.strip() for part in re.split(r",|\||\s[-–—]\s|[()]|\t", line)]
    named = [p for p in parts if p and p[0].isupper() and not YEAR.search(p)]
    companies = [p for p in named if COMPANY_WORDS.search(p)]
    others = [p for p in named if not ROLE_WORDS.search(p) and len(p.split()) <= 4]
    return speakable((companies or others or [""])[0])


def _project_of(line: str, employer: str) -> Project | None:
    """An achievement bullet as a project: "Led the billing migration …" at its employer."""
    clause = _short(line, 14)
    words = clause.split()
    if len(words) < 2:
        return None
    verb = words[0].lower()
    if verb not in ACHIEVEMENT_VERBS and not (verb.endswith("ed") and len(verb) > 4):
        if verb != "responsible" or len(words) < 3:
            return None
        clause = "were " + clause[0].lower() + clause[1:]
        return Project(clause=clause, name=" ".join(words[2:7]), employer=employer)
    rest = " ".join(words[1:])
    name = OBJECT_STOP.split(f" {rest} ", maxsplit=1)[0].strip()
    kept = []
    for i, word in enumerate(name.split()[:6]):
        if i >= 2 and word.lower().endswith("ed"):
            break  # "a checklist adopted across wards": the participle starts a new clause
        kept.append(word)
    name = " ".join(kept)
    return Project(clause=verb + " " + rest, name=name or rest, employer=employer)


def resume_terms(resume: str) -> ResumeTerms:
    """Projects (with their employer), employers and skills of a resume."""
    projects: list[Project] = []
    employers: list[str] = []
    skills: list[str] = []
    employer = ""
    for section, line, is_bullet in _sectioned(resume):
        if section == "ignore":
            continue
        listed = SKILLS_LINE.match(line)
        if listed or (section == "skills" and not is_bullet and "," in line):
            items = re.split(r"[,;/|•·]", listed.group("list") if listed else line)
            skills.extend(_short(item, 4) for item in items if item.strip())
            continue
        if section == "skills":
            skills.extend(_short(item, 4) for item in re.split(r"[,;/|]", line) if item.strip())
            continue
        if not is_bullet:
            named = _employer_of(line)
            if named:
                employer = named
                employers.append(named)
                continue
            if section == "projects":
                titled = PROJECT_LINE.match(line)
                if titled:
                    name = _short(titled.group("name"), 5)
                    projects.append(Project(clause=f"built {name}", name=name))
                    continue
        project = _project_of(line, employer if section != "projects" else "")
        if project:
            projects.append(project)
        skills.extend(t for t in technologies(line) if t.lower() in TECH_LEXICON)
    unique_projects = {p.name.lower(): p for p in reversed(projects)}
    ordered = [p for p in projects if unique_projects.get(p.name.lower()) is p]
    return ResumeTerms(
        projects=tuple(ordered[:MAX_TERMS]),
        employers=_unique(employers),
        skills=_unique([s for s in skills if s]),
    )
