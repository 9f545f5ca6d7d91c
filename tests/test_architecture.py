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


def test_voice_imports_only_config_and_errors() -> None:
    """The speech engines know nothing of sessions, the database or the servers."""
    allowed = ("interview_coach.config", "interview_coach.errors", "interview_coach.voice")
    wrong = sorted(
        f"{file} imports {module}"
        for file, module in _imports("voice")
        if not any(module == name or module.startswith(name + ".") for name in allowed)
    )
    assert wrong == []
