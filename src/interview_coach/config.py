"""One typed settings object for the whole app; secrets never print."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

SECRET_KEY_FILE = "secret_key"


class Settings(BaseSettings):
    """Read from the environment with the prefix ``INTERVIEW_COACH_``."""

    model_config = SettingsConfigDict(env_prefix="INTERVIEW_COACH_", extra="ignore")

    data_dir: Path = Field(default=Path(".data"), description="Where SQLite and the key live.")
    database_url: str | None = Field(
        default=None,
        repr=False,  # may carry a password
        description="SQLAlchemy async URL; default is SQLite in the data dir.",
    )
    secret_key: SecretStr | None = Field(
        default=None, description="Signs tickets; generated into the data dir when unset."
    )
    host: str = Field(default="127.0.0.1", description="Address both servers listen on.")
    web_port: int = Field(default=3000, description="Port of the web app and JSON API.")
    realtime_port: int = Field(default=3001, description="Port of the real-time WebSocket server.")
    public_web_url: str | None = Field(
        default=None, description="Origin users reach the web app at; derived when unset."
    )
    public_realtime_url: str | None = Field(
        default=None, description="ws(s):// URL the page connects to; derived when unset."
    )
    allowed_origins: list[str] = Field(
        default_factory=list,
        description="Origins allowed to open the real-time socket; default the web origin.",
    )
    session_days: int = Field(default=14, description="Web sign-in lifetime.")
    ticket_seconds: int = Field(default=120, description="Real-time ticket lifetime.")
    login_max_failures: int = Field(
        default=5, description="Failed sign-ins per email or address before a pause."
    )
    login_window_seconds: int = Field(
        default=900, description="Window in which failed sign-ins are counted."
    )

    # Real-time server
    start_timeout_seconds: float = Field(
        default=5.0, description="Time a new socket has to send its StartRequest."
    )
    rejoin_grace_seconds: float = Field(
        default=600.0, description="How long a dropped interview waits to be rejoined."
    )
    max_frame_bytes: int = Field(default=64 * 1024, description="Largest accepted frame.")
    audio_rate_factor: float = Field(
        default=2.0,
        description="Audio sent may total at most this many times the time since going live.",
    )
    audio_burst_seconds: float = Field(
        default=2.0, description="Audio a client may send on top of that (seconds of audio)."
    )
    ping_interval_seconds: float = Field(
        default=20.0, description="WebSocket keepalive ping interval (and pong timeout)."
    )
    interviewer_delay_seconds: float = Field(
        default=3.0, description="Mock interviewer: pause before its first question."
    )
    interviewer_word_seconds: float = Field(
        default=0.12, description="Mock interviewer: time between streamed words."
    )
    interviewer_gap_seconds: float = Field(
        default=12.0, description="Mock interviewer: pause between its utterances."
    )
    interviewer_audio_sample_rate: int = Field(
        default=24000, description="Sample rate of the interviewer's audio, in hertz."
    )
    interview_seconds_per_minute: float = Field(
        default=60.0,
        description="Length of one interview minute for the duration timeout; tests shrink it.",
    )
    touch_interval_seconds: float = Field(
        default=30.0,
        description="How often a live session records last_seen_at; keep well under the grace.",
    )
    sweep_interval_seconds: float = Field(
        default=30.0,
        description="How often the server completes interviews left without a connection.",
    )
    audio_queue_chunks: int = Field(
        default=256,
        description=(
            "Per-session queue of audio chunks waiting for processors "
            "(10 s of 40 ms chunks: audio piled up by a server stall is not dropped)."
        ),
    )
    database_pool_size: int = Field(
        default=20, description="PostgreSQL connections kept open per process."
    )
    database_max_overflow: int = Field(
        default=40, description="Extra PostgreSQL connections allowed under load."
    )

    def resolved_database_url(self) -> str:
        if self.database_url:
            return normalise_database_url(self.database_url)
        return f"sqlite+aiosqlite:///{(self.data_dir / 'interview_coach.db').resolve()}"

    def web_origin(self) -> str:
        if self.public_web_url:
            return self.public_web_url.rstrip("/")
        return f"http://{self.host}:{self.web_port}"

    def realtime_url(self) -> str:
        if self.public_realtime_url:
            return self.public_realtime_url
        return f"ws://{self.host}:{self.realtime_port}"

    def origins(self) -> list[str]:
        if self.allowed_origins:
            return self.allowed_origins
        origin = self.web_origin()
        alias = origin.replace("127.0.0.1", "localhost")
        return sorted({origin, alias})

    def signing_key(self) -> str:
        """The configured key, or one generated once and kept in the data dir (mode 0600)."""
        if self.secret_key is not None:
            return self.secret_key.get_secret_value()
        return load_or_create_key(self.data_dir / SECRET_KEY_FILE)


def normalise_database_url(url: str) -> str:
    """Accept plain ``postgresql://`` and ``sqlite://`` URLs and pick the async driver."""
    if url.startswith("postgresql://") or url.startswith("postgres://"):
        return "postgresql+asyncpg://" + url.split("://", 1)[1]
    if url.startswith("sqlite:///"):
        return "sqlite+aiosqlite:///" + url.split(":///", 1)[1]
    return url


def load_or_create_key(path: Path) -> str:
    """Read the key, or create it atomically: racing processes all end up with the same one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        key = path.read_text().strip()
    except FileNotFoundError:
        key = ""
    if key:
        return key
    draft = path.with_name(f".{path.name}.{secrets.token_hex(8)}")
    fd = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(secrets.token_urlsafe(48))
    try:
        os.link(draft, path)  # fails if another process won the race
    except FileExistsError:
        pass
    finally:
        draft.unlink()
    key = path.read_text().strip()
    if not key:
        raise RuntimeError(f"{path} is empty; delete it or set INTERVIEW_COACH_SECRET_KEY")
    return key


def settings_rows() -> list[dict[str, str]]:
    """Every setting: its environment variable, default and meaning, from the model itself."""
    prefix = str(Settings.model_config.get("env_prefix", ""))
    rows = []
    for name, field in Settings.model_fields.items():
        default = field.get_default(call_default_factory=True)
        if default is None:
            shown = "unset"
        elif isinstance(default, list):
            shown = ", ".join(default) or "empty"
        else:
            shown = str(default)
        rows.append(
            {"env": f"{prefix}{name}".upper(), "default": shown, "meaning": field.description or ""}
        )
    return rows


def settings_table() -> str:
    """The Markdown table the README carries (a test keeps the two equal)."""
    lines = ["| Environment variable | Default | Meaning |", "| --- | --- | --- |"]
    lines += [f"| `{r['env']}` | `{r['default']}` | {r['meaning']} |" for r in settings_rows()]
    return "\n".join(lines)
