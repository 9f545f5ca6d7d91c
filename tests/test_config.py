"""Settings: the generated secret key file, and secrets kept out of reprs."""

from __future__ import annotations

import stat
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from interview_coach.config import SECRET_KEY_FILE, Settings, load_or_create_key


def test_key_is_generated_once_with_mode_0600(tmp_path: Path) -> None:
    """Without a configured key, one is generated into the data dir, readable by us alone."""
    settings = Settings(data_dir=tmp_path / "data", secret_key=None)
    key = settings.signing_key()
    path = tmp_path / "data" / SECRET_KEY_FILE
    assert path.read_text() == key
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert len(key) >= 64


def test_generated_key_is_reused(tmp_path: Path) -> None:
    """A second process (new Settings) reads the same key, so tickets stay valid."""
    first = Settings(data_dir=tmp_path, secret_key=None).signing_key()
    second = Settings(data_dir=tmp_path, secret_key=None).signing_key()
    assert first == second


def test_each_data_dir_gets_its_own_random_key(tmp_path: Path) -> None:
    """The key is random, never a constant in the code."""
    one = Settings(data_dir=tmp_path / "a", secret_key=None).signing_key()
    two = Settings(data_dir=tmp_path / "b", secret_key=None).signing_key()
    assert one != two


def test_racing_processes_agree_on_one_key(tmp_path: Path) -> None:
    """Many simultaneous first runs all end up with the same key and no stray files."""
    path = tmp_path / SECRET_KEY_FILE
    with ThreadPoolExecutor(max_workers=8) as pool:
        keys = set(pool.map(lambda _: load_or_create_key(path), range(32)))
    assert len(keys) == 1
    assert [p.name for p in tmp_path.iterdir()] == [SECRET_KEY_FILE]


def test_empty_key_file_is_an_error_not_an_empty_key(tmp_path: Path) -> None:
    """A truncated key file stops start-up with a clear message instead of signing with ''."""
    (tmp_path / SECRET_KEY_FILE).write_text("")
    with pytest.raises(RuntimeError, match="is empty"):
        load_or_create_key(tmp_path / SECRET_KEY_FILE)


def test_configured_key_wins_and_writes_no_file(tmp_path: Path) -> None:
    """INTERVIEW_COACH_SECRET_KEY is used as is; nothing is written to the data dir."""
    settings = Settings(data_dir=tmp_path, secret_key="configured-key")  # type: ignore[arg-type]
    assert settings.signing_key() == "configured-key"
    assert not (tmp_path / SECRET_KEY_FILE).exists()


def test_secrets_never_appear_in_repr(monkeypatch: pytest.MonkeyPatch) -> None:
    """Neither the secret key nor a database password shows in repr or str."""
    monkeypatch.setenv("INTERVIEW_COACH_SECRET_KEY", "super-secret-signing-key")
    monkeypatch.setenv("INTERVIEW_COACH_DATABASE_URL", "postgresql://app:hunter2@db/app")
    settings = Settings()
    assert settings.signing_key() == "super-secret-signing-key"
    assert settings.resolved_database_url() == "postgresql+asyncpg://app:hunter2@db/app"
    for text in (repr(settings), str(settings)):
        assert "super-secret-signing-key" not in text
        assert "hunter2" not in text


def test_environment_prefix(monkeypatch: pytest.MonkeyPatch) -> None:
    """Settings come from INTERVIEW_COACH_* variables."""
    monkeypatch.setenv("INTERVIEW_COACH_WEB_PORT", "4100")
    assert Settings().web_port == 4100
