"""The README stays true: its settings table is the settings model, its quick start two commands."""

from __future__ import annotations

import re
import subprocess
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


def _make_dry_run(*argv: str) -> str:
    """What ``make`` would run, without running it (``-n``: nothing is built or installed)."""
    done = subprocess.run(
        ["make", "--no-print-directory", "-n", *argv],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout


def test_readme_lists_the_prerequisites() -> None:
    """A first-time reader learns what to install and that `make test` may run apt-get."""
    section = README.split("## Prerequisites", 1)[1].split("\n## ", 1)[0]
    for needed in ("Python 3.11", "Chromium", "espeak-ng", "sox", "haproxy", "apt-get"):
        assert needed in section


def test_system_deps_checks_every_tool_the_tests_need() -> None:
    """`make system-deps` covers chromium, espeak-ng and sox (the speech tests need sox) and
    haproxy (the load balancer in front of two real-time nodes)."""
    script = _make_dry_run("system-deps")
    loop = re.search(r"for package in ([^;]*);", script)
    assert loop is not None
    assert set(loop.group(1).split()) == {"chromium", "espeak-ng", "sox", "haproxy"}


def test_make_run_takes_ports() -> None:
    """`make run PORT=… REALTIME_PORT=…` passes them to `serve`; the README says so."""
    command = _make_dry_run("run", "PORT=8080", "REALTIME_PORT=8081").splitlines()[-1]
    assert command.endswith("interview-coach serve --web-port 8080 --realtime-port 8081")
    assert _make_dry_run("run").splitlines()[-1].split()[-1] == "serve"
    assert "make run PORT=8080" in README
    assert "INTERVIEW_COACH_WEB_PORT" in README.split("## Quick start", 1)[1].split("\n## ", 1)[0]
