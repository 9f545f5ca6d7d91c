"""The README stays true: its settings table is the settings model, its quick start two commands."""

from __future__ import annotations

import re
from pathlib import Path

from interview_coach.config import Settings, settings_table

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")
TABLE = re.compile(r"<!-- settings-table:start -->\n(.*?)\n<!-- settings-table:end -->", re.S)


def test_readme_settings_table_matches_the_model() -> None:
    """Regenerate with `interview-coach settings` and paste between the markers."""
    match = TABLE.search(README)
    assert match, "README.md lost its settings-table markers"
    assert match.group(1) == settings_table()


def test_every_setting_is_documented() -> None:
    """A setting without a description would leave a blank in the README."""
    missing = [name for name, field in Settings.model_fields.items() if not field.description]
    assert missing == []


def test_quick_start_is_two_commands() -> None:
    """The quick start is exactly `make run` and `make test`."""
    section = README.split("## Quick start", 1)[1].split("```sh\n", 1)[1].split("```", 1)[0]
    commands = [line.split("#", 1)[0].strip() for line in section.splitlines()]
    assert commands == ["make run", "make test"]


def test_architecture_doc_has_its_sections() -> None:
    """docs/architecture.md covers folders, processes, data and auth."""
    text = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    headings = set(re.findall(r"^## (.+)$", text, re.M))
    assert {
        "Folders and dependency direction",
        "Processes",
        "Data model",
        "Sign-in, CSRF and tickets",
    } <= headings
