"""The `interview-coach` command: admin surface in-process, servers as real subprocesses."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import update

from interview_coach.auth.tickets import TicketSigner
from interview_coach.cli import main
from interview_coach.config import Settings
from interview_coach.db.base import make_engine
from interview_coach.db.models import Interview

COMMAND = Path(sys.executable).parent / "interview-coach"
SECRET = "cli-test-secret"


@pytest.fixture
def cli_env(database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """Point the command at the test database and data dir, as an operator would."""
    env = {
        "INTERVIEW_COACH_DATABASE_URL": database_url,
        "INTERVIEW_COACH_DATA_DIR": str(tmp_path / "cli-data"),
        "INTERVIEW_COACH_SECRET_KEY": SECRET,
    }
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return env


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, Any, str]:
    """Run the command in-process; returns (exit code, parsed JSON stdout or text, stderr)."""
    code = main(list(argv))
    out, err = capsys.readouterr()
    try:
        return code, json.loads(out), err
    except json.JSONDecodeError:
        return code, out.strip(), err


@pytest.fixture
def user(cli_env: dict[str, str], capsys: pytest.CaptureFixture[str]) -> dict[str, Any]:
    """An account made with `users create --json`."""
    code, out, err = run(
        capsys,
        "users",
        "create",
        "--json",
        "--email",
        "ops@example.com",
        "--password",
        "a long password",
    )
    assert code == 0, err
    return dict(out)


@pytest.fixture
def user_email(user: dict[str, Any]) -> str:
    return str(user["email"])


def test_db_upgrade_creates_an_empty_database(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """`db upgrade` on a data dir with no database creates it at the latest revision."""
    monkeypatch.setenv("INTERVIEW_COACH_DATA_DIR", str(tmp_path / "fresh"))
    monkeypatch.delenv("INTERVIEW_COACH_DATABASE_URL", raising=False)
    code, out, _ = run(capsys, "db", "upgrade")
    assert code == 0
    assert out == "Database is at the latest revision."
    assert (tmp_path / "fresh" / "interview_coach.db").exists()


def test_users_create_prints_json(user_email: str, capsys: pytest.CaptureFixture[str]) -> None:
    """`users create --json` prints the new account (never the password)."""
    code, out, _ = run(
        capsys,
        "users",
        "create",
        "--json",
        "--email",
        "Two@Example.com",
        "--password",
        "a long password",
        "--name",
        "Two",
    )
    assert code == 0
    assert out["email"] == "two@example.com"
    assert out["name"] == "Two"
    assert isinstance(out["id"], int)
    assert "password" not in json.dumps(out)


def test_users_create_duplicate_fails_with_json_error(
    user_email: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """A duplicate email exits 2 and explains itself on stderr."""
    code, out, err = run(
        capsys,
        "users",
        "create",
        "--json",
        "--email",
        user_email.upper(),
        "--password",
        "a long password",
    )
    assert code == 2
    assert out == ""
    error = json.loads(err)["error"]
    assert error["code"] == "validation_failed"
    assert "already exists" in error["fields"]["email"]


def test_users_create_short_password_fails(
    cli_env: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    """A short password exits 2 with the rule in plain words."""
    code, _, err = run(capsys, "users", "create", "--email", "a@example.com", "--password", "x")
    assert code == 2
    assert "at least 8 characters" in err


def test_interviews_create_show_and_list(
    user_email: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Create prints the id; show and list print it back with status and timestamps."""
    description = tmp_path / "job.txt"
    description.write_text("Build and run APIs.", encoding="utf-8")
    resume = tmp_path / "cv.txt"
    resume.write_text("Ten years of Python.", encoding="utf-8")
    code, interview_id, err = run(
        capsys,
        "interviews",
        "create",
        "--email",
        user_email,
        "--job-title",
        "Backend engineer",
        "--job-description-file",
        str(description),
        "--resume-file",
        str(resume),
        "--persona",
        "a sceptical CTO",
        "--duration-minutes",
        "10",
    )
    assert code == 0, err
    assert isinstance(interview_id, str) and len(interview_id) == 22

    code, shown, _ = run(capsys, "interviews", "show", "--json", interview_id)
    assert code == 0
    assert shown["id"] == interview_id
    assert shown["status"] == "PENDING"
    assert shown["job_description"] == "Build and run APIs."
    assert shown["resume"] == "Ten years of Python."
    assert (shown["persona"], shown["duration_minutes"]) == ("a sceptical CTO", 10)
    assert shown["created_at"] and shown["updated_at"]
    assert shown["started_at"] is None and shown["ended_at"] is None

    code, text, _ = run(capsys, "interviews", "show", interview_id)
    assert "status: PENDING" in text
    assert "resume: (20 characters)" in text

    code, listed, _ = run(capsys, "interviews", "list", "--json", "--email", user_email)
    assert [item["id"] for item in listed] == [interview_id]


def test_interviews_create_json_has_the_new_interview(
    user_email: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """With --json, create prints the whole interview with defaults filled in."""
    code, out, _ = run(
        capsys, "interviews", "create", "--json", "--email", user_email, "--job-title", "Designer"
    )
    assert code == 0
    assert out["status"] == "PENDING"
    assert out["duration_minutes"] == 30
    assert out["persona"] == "a professional interviewer"


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--duration-minutes", "45"], "Choose a duration of 10, 30, 60 minutes."),
        (["--job-description-file", "/no/such/file.txt"], "Cannot read /no/such/file.txt"),
    ],
)
def test_interviews_create_bad_input_exits_2(
    user_email: str, capsys: pytest.CaptureFixture[str], extra: list[str], message: str
) -> None:
    """Bad input is a one-line error and exit code 2, and nothing is created."""
    code, _, err = run(
        capsys, "interviews", "create", "--email", user_email, "--job-title", "X", *extra
    )
    assert code == 2
    assert message in err
    assert "Traceback" not in err
    _, listed, _ = run(capsys, "interviews", "list", "--json", "--email", user_email)
    assert listed == []


def test_unknown_user_and_interview_exit_2(
    cli_env: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    """Unknown emails and ids are reported, not tracebacks."""
    code, _, err = run(capsys, "interviews", "list", "--email", "nobody@example.com")
    assert (code, err.strip()) == (
        2,
        "error: No user with email nobody@example.com. Create one with `users create`.",
    )
    code, _, err = run(capsys, "interviews", "show", "missing-id")
    assert (code, err.strip()) == (2, "error: No interview with id missing-id.")
    code, _, err = run(capsys, "tickets", "issue", "--interview", "missing-id")
    assert code == 2


def test_tickets_issue_verifies_for_the_owner(
    user: dict[str, Any], capsys: pytest.CaptureFixture[str]
) -> None:
    """The printed token is a real ticket for the interview's owner, signed with the key."""
    _, interview_id, _ = run(
        capsys, "interviews", "create", "--email", user["email"], "--job-title", "X"
    )
    code, out, _ = run(capsys, "tickets", "issue", "--json", "--interview", interview_id)
    assert code == 0
    assert out["expires_in"] == 120
    assert out["interview_id"] == interview_id
    ticket = TicketSigner(SECRET, 120).verify(out["token"])
    assert (ticket.user_id, ticket.interview_id) == (user["id"], interview_id)
    code, plain, _ = run(capsys, "tickets", "issue", "--interview", interview_id)
    assert TicketSigner(SECRET, 120).verify(plain).interview_id == interview_id


def test_tickets_issue_accepts_an_id_starting_with_a_dash(
    user: dict[str, Any], database_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """Ids made before the fix may start with ``-``: ``--interview=ID`` still reaches them."""
    _, interview_id, _ = run(
        capsys, "interviews", "create", "--email", user["email"], "--job-title", "X"
    )
    legacy = "-" + interview_id[1:]
    asyncio.run(_rename_interview(database_url, interview_id, legacy))
    code, out, _ = run(capsys, "tickets", "issue", "--json", f"--interview={legacy}")
    assert (code, out["interview_id"]) == (0, legacy)


async def _rename_interview(url: str, old: str, new: str) -> None:
    engine = make_engine(url)
    try:
        async with engine.begin() as connection:
            await connection.execute(update(Interview).where(Interview.id == old).values(id=new))
    finally:
        await engine.dispose()


def test_help_lists_every_command(capsys: pytest.CaptureFixture[str]) -> None:
    """`--help` names all the commands the issue asks for."""
    with pytest.raises(SystemExit) as exit_info:
        main(["--help"])
    assert exit_info.value.code == 0
    out = capsys.readouterr().out
    for name in ("serve", "serve-web", "serve-realtime", "db", "users", "interviews", "tickets"):
        assert name in out


# ---------------------------------------------------------------- servers (subprocesses)


@pytest.fixture
def spawn(cli_env: dict[str, str]) -> Iterator[Any]:
    """Start `interview-coach ...` as a real process; stopped and reaped afterwards."""
    processes: list[subprocess.Popen[str]] = []

    def start(*argv: str, env: dict[str, str] | None = None) -> subprocess.Popen[str]:
        process = subprocess.Popen(
            [str(COMMAND), *argv],
            env={**os.environ, **cli_env, **(env or {})},
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
        )
        processes.append(process)
        return process

    yield start
    for process in processes:
        if process.poll() is None:
            process.kill()
        process.wait()


def _announced(process: subprocess.Popen[str], count: int) -> dict[str, str]:
    """The URLs a server prints once its sockets are bound (JSON mode)."""
    assert process.stdout is not None
    lines = [process.stdout.readline() for _ in range(count)]
    return dict(json.loads("".join(lines)))


def test_serve_web_runs_migrates_and_stops_on_sigterm(spawn: Any) -> None:
    """`serve-web` prints its real URL, serves pages, and exits 0 on SIGTERM."""
    process = spawn("serve-web", "--json", "--web-port", "0")
    urls = _announced(process, 3)
    assert set(urls) == {"web"}
    response = httpx.get(f"{urls['web']}/signin", timeout=10)
    assert response.status_code == 200
    assert "Sign in" in response.text
    process.send_signal(signal.SIGTERM)
    assert process.wait(timeout=15) == 0


def test_serve_runs_both_servers(spawn: Any) -> None:
    """`serve` prints both URLs, serves the web app, accepts sockets, exits 0 on SIGINT."""
    pytest.importorskip("interview_coach.realtime.server")
    process = spawn("serve", "--json", "--web-port", "0", "--realtime-port", "0")
    urls = _announced(process, 4)
    assert set(urls) == {"web", "realtime"}
    assert urls["realtime"].startswith("ws://127.0.0.1:")
    assert httpx.get(f"{urls['web']}/signin", timeout=10).status_code == 200
    process.send_signal(signal.SIGINT)
    assert process.wait(timeout=15) == 0


def test_serve_realtime_runs_alone(spawn: Any) -> None:
    """`serve-realtime` prints its ws:// URL, answers its health check, exits 0 on SIGTERM."""
    server = pytest.importorskip("interview_coach.realtime.server")
    process = spawn("serve-realtime", "--json", "--realtime-port", "0")
    urls = _announced(process, 3)
    assert set(urls) == {"realtime"}
    health = urls["realtime"].replace("ws://", "http://") + server.HEALTH_PATH
    assert httpx.get(health, timeout=10).status_code == 200
    process.send_signal(signal.SIGTERM)
    assert process.wait(timeout=15) == 0


def test_serve_web_and_realtime_start_together_on_a_fresh_database(
    spawn: Any, fresh_database_url: str
) -> None:
    """Both servers started at once on an empty database both migrate (in turn, under the
    lock) and come up; ``serve --only realtime`` is the same command as ``serve-realtime``."""
    pytest.importorskip("interview_coach.realtime.server")
    fresh = {"INTERVIEW_COACH_DATABASE_URL": fresh_database_url}
    web = spawn("serve-web", "--json", "--web-port", "0", env=fresh)
    realtime = spawn("serve", "--only", "realtime", "--json", "--realtime-port", "0", env=fresh)
    assert set(_announced(web, 3)) == {"web"}
    assert set(_announced(realtime, 3)) == {"realtime"}
    for process in (web, realtime):
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=15) == 0


def test_settings_defaults_match_the_issue() -> None:
    """Out of the box: 127.0.0.1, web on 3000, real-time on 3001."""
    defaults = Settings.model_fields
    assert defaults["host"].default == "127.0.0.1"
    assert defaults["web_port"].default == 3000
    assert defaults["realtime_port"].default == 3001


def test_serve_with_a_missing_model_fails_at_start_naming_the_setting(
    cli_env: dict[str, str], tmp_path: Path
) -> None:
    """A broken voice setting stops `serve` before it listens, never mid-interview."""
    env = {**os.environ, **cli_env, "INTERVIEW_COACH_STT_MODEL": str(tmp_path / "no-model")}
    done = subprocess.run(
        [str(COMMAND), "serve", "--web-port", "0", "--realtime-port", "0"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2
    assert "INTERVIEW_COACH_STT_MODEL" in done.stderr
    assert "http://" not in done.stdout, "nothing was served"
