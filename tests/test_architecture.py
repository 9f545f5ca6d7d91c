"""The dependency direction in docs/architecture.md, checked on the source."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "src" / "interview_coach"


def _imports(folder: str) -> set[tuple[str, str]]:
    """(file, imported module) for every interview_coach import under a folder."""
    found = set()
    for path in (PACKAGE / folder).rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module:
                found.add((path.name, node.module))
            elif isinstance(node, ast.Import):
                found.update((path.name, alias.name) for alias in node.names)
    return {(file, module) for file, module in found if module.startswith("interview_coach")}


@pytest.mark.parametrize(
    ("folder", "forbidden"),
    [
        ("web", "interview_coach.realtime"),
        ("realtime", "interview_coach.web"),
        ("interviews", "interview_coach.web"),
        ("interviews", "interview_coach.realtime"),
        ("auth", "interview_coach.web"),
        ("auth", "interview_coach.realtime"),
        ("interviewer", "interview_coach.web"),
        ("interviewer", "interview_coach.realtime"),
        ("interviewer", "interview_coach.feedback"),
    ],
)
def test_folder_does_not_import(folder: str, forbidden: str) -> None:
    """Web and real-time meet only in the domain; the domain imports neither."""
    wrong = sorted(
        f"{file} imports {module}"
        for file, module in _imports(folder)
        if module == forbidden or module.startswith(forbidden + ".")
    )
    assert wrong == []


def test_voice_imports_only_config_errors_and_http() -> None:
    """The speech engines know nothing of sessions, the database or the servers (the speech
    server's engines share the providers' HTTP client)."""
    allowed = (
        "interview_coach.config",
        "interview_coach.errors",
        "interview_coach.http_client",
        "interview_coach.voice",
    )
    wrong = sorted(
        f"{file} imports {module}"
        for file, module in _imports("voice")
        if not any(module == name or module.startswith(name + ".") for name in allowed)
    )
    assert wrong == []


# What each folder may import of ours (docs/architecture.md, "Folders and dependency
# direction"); a name allows the module and everything under it.
ALLOWED: dict[str, set[str]] = {
    "db": {"db", "interviews.enums", "feedback.status"},
    "auth": {"auth", "db", "errors", "inputs"},
    "interviews": {"interviews", "db", "errors", "inputs", "resources"},
    "feedback": {"feedback", "interviews", "db", "errors", "llm", "config"},
    "interviewer": {"interviewer", "interviews", "voice", "config", "errors", "llm"},
    "llm": {"llm", "config", "errors", "http_client"},
    # `providers check` runs what the engines run: a check of an interviewer engine (Gemini
    # Live, OpenAI Realtime) adds "interviewer" here.
    "providers": {"providers", "config", "errors", "http_client", "voice", "llm", "interviewer"},
}


def _allowed(module: str, allowed: set[str]) -> bool:
    name = module.removeprefix("interview_coach.")
    return any(name == each or name.startswith(each + ".") for each in allowed)


@pytest.mark.parametrize("folder", sorted(ALLOWED))
def test_folder_imports_only_what_the_architecture_allows(folder: str) -> None:
    """db/, auth/, interviews/, feedback/, interviewer/, llm/ and providers/ import only
    what they may."""
    wrong = sorted(
        f"{file} imports {module}"
        for file, module in _imports(folder)
        if not _allowed(module, ALLOWED[folder])
    )
    assert wrong == []


def test_cli_does_not_import_web_routes() -> None:
    """The CLI gets interview shapes and tickets from the domain, not from the JSON API."""
    tree = ast.parse((PACKAGE / "cli.py").read_text(encoding="utf-8"))
    modules = {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
    assert sorted(m for m in modules if m and m.startswith("interview_coach.web.routes")) == []


# The admission rules: a ticket's scope, one interview in progress, "interview over".
ADMISSION_CALLS = {("lifecycle", "start"), ("service", "get_current")}
ADMISSION_ERRORS = {"InterviewOver", "OtherInterviewInProgress", "InvalidTicket"}


def test_realtime_keeps_no_admission_rules() -> None:
    """Who may go live is decided in the domain (interviews.admission, auth.tickets); the
    real-time server only maps the domain's errors to close codes (realtime/errors.py)."""
    found = []
    for path in (PACKAGE / "realtime").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Attribute)
                and isinstance(node.value, ast.Name)
                and (node.value.id, node.attr) in ADMISSION_CALLS
            ):
                found.append(f"{path.name} calls {node.value.id}.{node.attr}")
            if (
                isinstance(node, ast.Raise)
                and isinstance(node.exc, ast.Call)
                and isinstance(node.exc.func, ast.Name)
                and node.exc.func.id in ADMISSION_ERRORS
            ):
                found.append(f"{path.name} raises {node.exc.func.id}")
    assert found == []
