"""One typed settings object for the whole app; secrets never print."""

from __future__ import annotations

import ipaddress
import os
import secrets
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

SECRET_KEY_FILE = "secret_key"
# How long a Redis command waits for a free pooled connection (web and real-time alike).
REDIS_WAIT_SECONDS = 10.0


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
        default=5,
        description="Failed sign-ins for one account from one address before that pair pauses.",
    )
    login_address_max_failures: int = Field(
        default=20, description="Failed sign-ins from one address, any account, before a pause."
    )
    login_lock_addresses: int = Field(
        default=3,
        description="Different addresses whose failures it takes to pause an account for all.",
    )
    login_window_seconds: int = Field(
        default=900, description="Window in which failed sign-ins are counted."
    )
    signup_max_per_address: int = Field(
        default=10, description="Sign-ups allowed from one address in the sign-up window."
    )
    signup_window_seconds: int = Field(
        default=3600, description="Window in which sign-ups are counted."
    )
    trusted_proxies: list[str] = Field(
        default_factory=list,
        description="Proxy addresses or networks whose X-Forwarded-For is believed; default none.",
    )
    max_request_bytes: int = Field(
        default=512 * 1024, description="Largest request body the web app reads (forms, JSON)."
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
    interviewer_engine: Literal["offline", "mock", "gemini-live", "openai-realtime"] = Field(
        default="offline",
        description=(
            "Who interviews: offline (speech in and out, no network), gemini-live, "
            "openai-realtime, or the spec's mock."
        ),
    )
    realtime_transport: Literal["websockets", "picows"] = Field(
        default="picows",
        description=(
            "WebSocket library of the real-time server: picows (frames parsed in Cython, "
            "handed to the session without a task switch) or websockets (pure Python)."
        ),
    )
    realtime_workers: int | None = Field(
        default=None,
        ge=1,
        description=(
            "Real-time server processes on one port; default one per core when redis_url "
            "is set and the database is not SQLite, else 1."
        ),
    )
    redis_url: str | None = Field(
        default=None,
        repr=False,  # may carry a password
        description=(
            "Redis shared by several processes or nodes (live sessions, sign-in limits); "
            "unset: one process keeps them in memory."
        ),
    )
    redis_max_connections: int = Field(
        default=50,
        ge=2,
        description=(
            "Redis connections per process; under a burst, commands wait for a free one "
            f"(up to {REDIS_WAIT_SECONDS:g} s) instead of failing."
        ),
    )
    redis_key_prefix: str = Field(
        default="interview-coach:",
        min_length=1,
        description="Prefix of every Redis key and channel (several deployments, one Redis).",
    )
    turn_end_silence_ms: int = Field(
        default=600, description="Silence that ends the user's turn after a finished sentence."
    )
    turn_open_end_silence_ms: int = Field(
        default=1500,
        description="Silence that ends the turn when the words leave a sentence open.",
    )
    answer_wait_seconds: float = Field(
        default=12.0, description="Silence after a question before the interviewer checks in."
    )
    barge_in_ms: int = Field(
        default=400, description="Speech over the interviewer that makes it stop and listen."
    )
    echo_guard_ms: int = Field(
        default=200, description="Start of interviewer playback during which speech is ignored."
    )
    interviewer_audio_lead_ms: int = Field(
        default=250, description="How far ahead of real time interviewer audio is sent."
    )
    page_jitter_buffer_ms: int = Field(
        default=150, description="Audio the page buffers before it starts playing a line."
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
    # Voice engines (interview_coach.voice)
    stt_engine: str = Field(
        default="faster-whisper", description="Speech to text: faster-whisper or openai-http."
    )
    stt_model: str | None = Field(
        default=None,
        description="Whisper model name (e.g. base.en) or directory; default the packaged tiny.en.",
    )
    stt_language: str = Field(default="en", description="Language the user speaks.")
    tts_engine: str = Field(
        default="piper", description="Text to speech: piper, espeak-ng or openai-http."
    )
    tts_voice: Path | None = Field(
        default=None, description="Piper .onnx voice file; default the packaged en_US-joe-medium."
    )
    tts_variation: bool = Field(
        default=True,
        description=(
            "Piper draws each line's timing and tone afresh, as a person would; off, the same "
            "text is spoken the same way every time (reproducible tests and recordings)."
        ),
    )
    end_of_turn: str = Field(default="none", description="End-of-turn model: none.")
    inference_workers: int | None = Field(
        default=None, ge=1, description="Threads for speech inference; default one per core."
    )
    inference_max_queue: int = Field(
        default=16, ge=1, description="Inference jobs that may wait before new ones are refused."
    )
    # AI providers (interview_coach.interviewer and feedback); keys are never printed.
    provider_fallback: bool = Field(
        default=True,
        description="Go on with the offline interviewer when the AI provider fails or is refused.",
    )
    provider_connect_timeout_seconds: float = Field(
        default=10.0, description="Time an AI provider has to accept a connection."
    )
    provider_reply_timeout_seconds: float = Field(
        default=8.0, description="A provider reply later than this is abandoned for that turn."
    )
    provider_ca_file: Path | None = Field(
        default=None,
        description="Extra CA certificates trusted for provider connections (self-hosted servers).",
    )
    gemini_api_key: SecretStr | None = Field(default=None, description="Gemini API key.")
    gemini_model: str = Field(
        default="gemini-2.5-flash-native-audio-preview-09-2025",
        description="Gemini Live model.",
    )
    gemini_base_url: str | None = Field(
        default=None, description="Gemini API base URL; default Google's."
    )
    gemini_voice: str | None = Field(default=None, description="Gemini Live voice name.")
    openai_api_key: SecretStr | None = Field(default=None, description="OpenAI API key.")
    openai_base_url: str | None = Field(
        default=None, description="OpenAI API base URL; default OpenAI's."
    )
    openai_realtime_model: str = Field(default="gpt-realtime", description="OpenAI Realtime model.")
    openai_voice: str = Field(default="alloy", description="OpenAI Realtime voice.")
    openai_turn_detection: Literal["server_vad", "semantic_vad"] = Field(
        default="semantic_vad", description="How OpenAI Realtime decides the user's turn ended."
    )
    llm_base_url: str | None = Field(
        default=None,
        description=(
            "OpenAI-compatible chat endpoint (…/v1) that writes questions and follow-ups "
            "for the offline interviewer; unset: the built-in planner."
        ),
    )
    llm_model: str | None = Field(default=None, description="Chat model at the LLM endpoint.")
    llm_api_key: SecretStr | None = Field(default=None, description="Key for the LLM endpoint.")
    llm_timeout_seconds: float = Field(
        default=6.0, description="A chat answer later than this falls back to the planner."
    )
    feedback_engine: Literal["offline", "llm"] = Field(
        default="offline",
        description="Who writes the feedback report: offline rules, or the LLM endpoint.",
    )
    feedback_timeout_seconds: float = Field(
        default=120.0, description="A model-written report later than this shows the offline one."
    )
    speech_base_url: str | None = Field(
        default=None,
        description="OpenAI-compatible speech server (…/v1) for the openai-http STT/TTS engines.",
    )
    speech_api_key: SecretStr | None = Field(default=None, description="Key for the speech server.")
    speech_stt_model: str = Field(
        default="whisper-1", description="Model for /v1/audio/transcriptions."
    )
    speech_tts_model: str = Field(default="tts-1", description="Model for /v1/audio/speech.")
    speech_tts_voice: str = Field(default="alloy", description="Voice for /v1/audio/speech.")
    speech_tts_format: Literal["pcm", "wav"] = Field(
        default="pcm",
        description=(
            "Audio asked of /v1/audio/speech: pcm (24 kHz, as OpenAI sends it) or wav "
            "(for servers whose raw PCM is at another rate)."
        ),
    )
    database_pool_size: int = Field(
        default=10,
        ge=1,
        description=(
            "PostgreSQL connections kept open per serve command (split among its real-time "
            "workers)."
        ),
    )
    database_max_overflow: int = Field(
        default=20,
        ge=0,
        description="Extra PostgreSQL connections allowed under load (split among workers).",
    )

    @field_validator("trusted_proxies")
    @classmethod
    def _proxies_are_networks(cls, proxies: list[str]) -> list[str]:
        for proxy in proxies:
            ipaddress.ip_network(proxy, strict=False)  # ValueError names the bad entry
        return proxies

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


def env_name(setting: str) -> str:
    """``tts_voice`` -> ``INTERVIEW_COACH_TTS_VOICE``: what messages tell the user to set."""
    prefix = str(Settings.model_config.get("env_prefix", ""))
    return f"{prefix}{setting}".upper()


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
