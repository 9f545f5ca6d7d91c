"""Shared fixtures: a migrated real database per test (SQLite, and PostgreSQL when
``TEST_DATABASE_URL`` is set), settings pointing at it, and user factories."""

from __future__ import annotations

import asyncio
import os
import secrets
import shutil
import socket
import threading
from collections.abc import AsyncIterator, Awaitable, Callable, Coroutine, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, TypeVar

import pytest
from argon2 import PasswordHasher
from sqlalchemy.engine import make_url
from support import CHROMIUM, CHROMIUM_ARGS
from voice.fixtures import voice_engines

from interview_coach.auth import passwords
from interview_coach.auth.users import create_user
from interview_coach.config import Settings, normalise_database_url
from interview_coach.db.migrate import upgrade
from interview_coach.db.models import User
from interview_coach.resources import Resources

__all__ = ["voice_engines"]  # the session-wide voice engines fixture, for every folder

T = TypeVar("T")
PG_URL = os.environ.get("TEST_DATABASE_URL")
BACKENDS = ["sqlite", "postgresql"] if PG_URL else ["sqlite"]
TEST_PASSWORD = "correct horse battery"
# Real-time spoken sessions: marked ``spoken`` (``-m 'not spoken'`` for a quick run).
SPOKEN_FOLDER = Path(__file__).parent / "conversation"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Tests in ``tests/conversation`` are ``spoken``. Tests that drive Chromium run last:
    Playwright's sync API keeps its event loop marked as running in the main thread while
    the session's browser is open, which breaks every later ``asyncio.run`` and async test
    in that thread.

    Browser tests run on SQLite only, unless marked ``all_databases``: what they add is the
    page, and every database path they use is also tested on both backends without a
    browser (``tests/realtime``, ``tests/web``, ``tests/domain``)."""
    for item in items:
        if SPOKEN_FOLDER in item.path.parents:
            item.add_marker(pytest.mark.spoken)
    items.sort(key=lambda item: "browser" in getattr(item, "fixturenames", ()))
    on_postgresql_only_by_choice = [
        item
        for item in items
        if item.get_closest_marker("browser") is not None
        and item.get_closest_marker("all_databases") is None
        and _backend_of(item) == "postgresql"
    ]
    if on_postgresql_only_by_choice:
        config.hook.pytest_deselected(items=on_postgresql_only_by_choice)
        dropped = set(map(id, on_postgresql_only_by_choice))
        items[:] = [item for item in items if id(item) not in dropped]


def _backend_of(item: pytest.Item) -> str | None:
    callspec = getattr(item, "callspec", None)
    if callspec is None:
        return None
    for name in ("database_url", "fresh_database_url"):
        if name in callspec.params:
            return str(callspec.params[name])
    return None


class Databases:
    """Empty and migrated databases on one backend. Migrating takes most of a test's setup,
    so each backend is migrated once per run into a template, and every test gets a copy:
    the file for SQLite, ``CREATE DATABASE … TEMPLATE`` for PostgreSQL."""

    def __init__(self, backend: str, folder: Path) -> None:
        self.backend = backend
        self._folder = folder
        self._template: str | None = None

    def empty(self, folder: Path) -> str:
        """A new database with no tables (for SQLite the file does not exist yet)."""
        if self.backend == "sqlite":
            return f"sqlite+aiosqlite:///{folder / 'test.db'}"
        return self._create_postgresql()

    def migrated(self, folder: Path) -> str:
        """A new database at the head revision, copied from the run's template."""
        template = self._migrated_template()
        if self.backend == "sqlite":
            path = folder / "test.db"
            shutil.copyfile(template.split(":///", 1)[1], path)
            return f"sqlite+aiosqlite:///{path}"
        return self._create_postgresql(template=make_url(template).database)

    def drop(self, url: str) -> None:
        if self.backend == "postgresql":
            _pg_execute(
                _pg_server(), f'DROP DATABASE IF EXISTS "{make_url(url).database}" WITH (FORCE)'
            )

    def close(self) -> None:
        if self._template is not None:
            self.drop(self._template)

    def _migrated_template(self) -> str:
        if self._template is None:
            url = self.empty(self._folder)
            upgrade(url)
            self._template = url
        return self._template

    def _create_postgresql(self, template: str | None = None) -> str:
        name = f"ic_test_{secrets.token_hex(6)}"
        statement = f'CREATE DATABASE "{name}"'
        if template is not None:
            statement += f' TEMPLATE "{template}"'
        _pg_execute(_pg_server(), statement)
        return make_url(_pg_server()).set(database=name).render_as_string(hide_password=False)


def _pg_server() -> str:
    assert PG_URL is not None
    return make_url(normalise_database_url(PG_URL)).render_as_string(hide_password=False)


# Argon2 at its lowest cost for the users tests make: the real cost (about 0.12 s a hash
# here, twice that on a loaded box, once to create a user and once to sign in) added minutes
# to the suite. Verification reads the cost from each stored hash, so both kinds verify.
# Tests of the hashing's cost itself keep it: @pytest.mark.real_password_hashes.
CHEAP_HASHER = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)


@pytest.fixture(autouse=True)
def _cheap_password_hashes(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    if request.node.get_closest_marker("real_password_hashes") is None:
        monkeypatch.setattr(passwords, "_hasher", CHEAP_HASHER)


@pytest.fixture(scope="session")
def databases(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Databases]]:
    """One ``Databases`` per backend for the whole run; templates dropped at the end."""
    made = {backend: Databases(backend, tmp_path_factory.mktemp(backend)) for backend in BACKENDS}
    yield made
    for each in made.values():
        each.close()


@pytest.fixture(params=BACKENDS)
def fresh_database_url(
    request: pytest.FixtureRequest, tmp_path: Path, databases: dict[str, Databases]
) -> Iterator[str]:
    """A new empty database (no tables), dropped afterwards."""
    backend = databases[request.param]
    url = backend.empty(tmp_path)
    yield url
    backend.drop(url)


@pytest.fixture(params=BACKENDS)
def database_url(
    request: pytest.FixtureRequest, tmp_path: Path, databases: dict[str, Databases]
) -> Iterator[str]:
    """A fresh database migrated to head, dropped afterwards."""
    backend = databases[request.param]
    url = backend.migrated(tmp_path)
    yield url
    backend.drop(url)


def _pg_execute(url: str, statement: str) -> None:
    """One statement on its own asyncpg connection (CREATE/DROP DATABASE cannot run in a
    transaction), in a worker thread: a test's event loop may already be running here."""
    import asyncpg

    parsed = make_url(url)

    async def run() -> None:
        connection = await asyncpg.connect(
            host=parsed.host,
            port=parsed.port,
            user=parsed.username,
            password=parsed.password,
            database=parsed.database,
        )
        try:
            await connection.execute(statement)
        finally:
            await connection.close()

    with ThreadPoolExecutor(max_workers=1) as worker:
        worker.submit(asyncio.run, run()).result()


@pytest.fixture
def settings(tmp_path: Path, database_url: str) -> Settings:
    """Settings for one test: its own data dir and database, fast interviewer timings."""
    return Settings(
        data_dir=tmp_path / "data",
        database_url=database_url,
        secret_key="test-secret-key-not-for-production",  # type: ignore[arg-type]
        interviewer_engine="mock",  # the spec's scripted interviewer; tests/voice use "offline"
        interviewer_delay_seconds=0.05,
        interviewer_word_seconds=0.005,
        interviewer_gap_seconds=0.1,
    )


@pytest.fixture
async def resources(settings: Settings) -> AsyncIterator[Resources]:
    res = Resources.from_settings(settings)
    yield res
    await res.close()


UserFactory = Callable[..., Awaitable[User]]


@pytest.fixture
def make_user(resources: Resources) -> UserFactory:
    counter = iter(range(1, 10_000))

    async def factory(
        email: str | None = None, password: str = TEST_PASSWORD, name: str = ""
    ) -> User:
        address = email or f"user{next(counter)}-{secrets.token_hex(3)}@example.com"
        async with resources.sessions() as session:
            return await create_user(session, address, password, name)

    return factory


# ---------------------------------------------------------------- live servers and browser


class LiveServer:
    """Web app and real-time server on port-0 sockets, in a thread with its own event loop."""

    def __init__(
        self,
        settings: Settings,
        *,
        with_realtime: bool = True,
        interviewer_factory: Any = None,
    ) -> None:
        self._base_settings = settings
        self._with_realtime = with_realtime
        self._interviewer_factory = interviewer_factory
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)
        self.web_url = ""
        self.realtime_url = ""
        self.realtime: Any = None

    def run(self, coroutine: Coroutine[Any, Any, T]) -> T:
        """Run a coroutine on the server's loop (e.g. a database check) and wait for it."""
        return asyncio.run_coroutine_threadsafe(coroutine, self._loop).result(timeout=30)

    def start(self) -> LiveServer:
        self._thread.start()
        self.run(self._start())
        return self

    async def _start(self) -> None:
        import uvicorn

        from interview_coach.web.app import create_app

        web_socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        web_socket.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        web_socket.bind(("127.0.0.1", 0))
        web_port = web_socket.getsockname()[1]
        self.web_url = f"http://127.0.0.1:{web_port}"
        self.settings = self._base_settings.model_copy(
            update={"public_web_url": self.web_url, "web_port": web_port}
        )
        self.resources = Resources.from_settings(self.settings)
        if self._with_realtime:
            from interview_coach.realtime.server import RealtimeServer

            self.realtime = RealtimeServer(
                self.resources, interviewer_factory=self._interviewer_factory
            )
            port = await self.realtime.start("127.0.0.1", 0)
            self.realtime_url = f"ws://127.0.0.1:{port}"
            self.settings = self.settings.model_copy(
                update={"public_realtime_url": self.realtime_url, "realtime_port": port}
            )
            self.resources.settings = self.settings
        config = uvicorn.Config(create_app(self.resources), log_level="warning", lifespan="off")
        self._web = uvicorn.Server(config)
        self._web_task = asyncio.get_running_loop().create_task(
            self._web.serve(sockets=[web_socket])
        )
        while not self._web.started:
            if self._web_task.done():
                self._web_task.result()
            await asyncio.sleep(0.01)

    async def _stop(self) -> None:
        self._web.should_exit = True
        await self._web_task
        if self.realtime is not None:
            await self.realtime.stop()
        await self.resources.close()

    def stop(self) -> None:
        self.run(self._stop())
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=10)


@pytest.fixture
def interviewer_factory() -> Any:
    """The real-time server's interviewer (None: the settings' default); tests override it."""
    return None


@pytest.fixture
def live_server(settings: Settings, interviewer_factory: Any) -> Iterator[LiveServer]:
    server = LiveServer(
        settings, with_realtime=_realtime_available(), interviewer_factory=interviewer_factory
    ).start()
    yield server
    server.stop()


def _realtime_available() -> bool:
    try:
        import interview_coach.realtime.server  # noqa: F401
    except ImportError:
        return False
    return True


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """One headless Debian Chromium for the run (Playwright cannot download its own here)."""
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium not found at {CHROMIUM}; run `make test` to install it")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield launched
        launched.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1200, "height": 900})
    context.set_default_timeout(10_000)
    tab = context.new_page()
    yield tab
    context.close()
