"""Drives the live session page in Chromium: a fake ``WebSocket`` the test controls
(records sent frames, delivers server messages and closes), microphone fakes, and a
``SessionPage`` helper. Only what a test names is fake; the page, the web app, the database,
the ticket API and Chromium's fake microphone are real."""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from interview_coach.db.base import utcnow
from interview_coach.interviews import lifecycle, service, transcripts
from interview_coach.interviews.enums import EndReason, Speaker

# tests/conftest.py's LiveServer; typed loosely because conftest modules are not importable.
LiveServer = Any
PASSWORD = "correct horse battery"

FAKE_WEBSOCKET = """
(() => {
  const sockets = [];
  window.__fakeSockets = sockets;
  // 'manual': opens, then waits for the test; 'refuse': every connection fails at once.
  window.__fakeSocketMode = 'manual';
  class FakeWebSocket extends EventTarget {
    constructor(url) {
      super();
      this.url = url;
      this.readyState = FakeWebSocket.CONNECTING;
      this.bufferedAmount = 0;
      this.sent = [];
      this.closedByClient = null;
      sockets.push(this);
      setTimeout(() => {
        if (this.readyState !== FakeWebSocket.CONNECTING) return;
        if (window.__fakeSocketMode === 'refuse') { this.serverClose(1006); return; }
        this.readyState = FakeWebSocket.OPEN;
        this.dispatchEvent(new Event('open'));
      }, 0);
    }
    send(data) {
      if (this.readyState !== FakeWebSocket.OPEN) {
        throw new DOMException('not open', 'InvalidStateError');
      }
      this.sent.push(data);
    }
    close(code = 1000, reason = '') {
      if (this.readyState >= FakeWebSocket.CLOSING) return;
      this.closedByClient = { code, reason };
      this.readyState = FakeWebSocket.CLOSED;
      this.dispatchEvent(new CloseEvent('close', { code, reason, wasClean: true }));
    }
    deliver(message) {
      const data = typeof message === 'string' ? message : JSON.stringify(message);
      this.dispatchEvent(new MessageEvent('message', { data }));
    }
    serverClose(code = 1006, reason = '') {
      if (this.readyState === FakeWebSocket.CLOSED) return;
      this.readyState = FakeWebSocket.CLOSED;
      this.dispatchEvent(new CloseEvent('close', { code, reason, wasClean: code !== 1006 }));
    }
  }
  Object.assign(FakeWebSocket, { CONNECTING: 0, OPEN: 1, CLOSING: 2, CLOSED: 3 });
  window.WebSocket = FakeWebSocket;
})();
"""

# Records every stream getUserMedia hands out, so a test can see whether tracks were stopped.
RECORD_STREAMS = """
(() => {
  window.__streams = [];
  const original = navigator.mediaDevices.getUserMedia.bind(navigator.mediaDevices);
  navigator.mediaDevices.getUserMedia = async (constraints) => {
    const stream = await original(constraints);
    window.__streams.push(stream);
    return stream;
  };
})();
"""


def reject_microphone(name: str) -> str:
    """Init script: getUserMedia rejects with a DOMException of this name."""
    return (
        "navigator.mediaDevices.getUserMedia = () => "
        f"Promise.reject(new DOMException('fake {name}', {json.dumps(name)}));"
    )


def permission_is(state: str) -> str:
    """Init script: the Permissions API says this about the microphone (Chromium with the
    fake media UI says "granted")."""
    return (
        "navigator.permissions.query = async () => "
        f"Object.assign(new EventTarget(), {{ state: {json.dumps(state)} }});"
    )


# getUserMedia that waits until the test calls window.__answerPrompt() (or forever).
PENDING_PROMPT = """
(() => {
  window.__streams = [];
  window.__promptCalls = 0;
  const original = navigator.mediaDevices.getUserMedia.bind(navigator.mediaDevices);
  navigator.mediaDevices.getUserMedia = (constraints) => {
    window.__promptCalls += 1;
    return new Promise((resolve) => {
      window.__answerPrompt = async () => {
        const stream = await original(constraints);
        window.__streams.push(stream);
        resolve(stream);
      };
    });
  };
})();
"""


@dataclass
class Account:
    user_id: int
    email: str
    cookie: str


class SessionPage:
    """Drives one browser tab on the session page and its fake sockets."""

    def __init__(self, server: LiveServer, page: Any, account: Account) -> None:
        self.server = server
        self.page = page
        self.account = account

    # -------------------------------------------------------------- set-up
    def create_interview(self, job_title: str = "Backend engineer", minutes: int = 30) -> str:
        async def create() -> str:
            async with self.server.resources.sessions() as db:
                data = service.NewInterview(job_title, duration_minutes=minutes)
                interview = await service.create_interview(db, self.account.user_id, data)
                return interview.id

        interview_id: str = self.server.run(create())
        return interview_id

    def mark_in_progress(self, interview_id: str) -> None:
        async def start() -> None:
            async with self.server.resources.sessions() as db:
                assert await lifecycle.start(db, interview_id)

        self.server.run(start())

    def started_with_lines(
        self, interview_id: str, lines: list[tuple[Speaker, str, int]], *, minutes_ago: int
    ) -> None:
        """In progress since `minutes_ago` minutes, with these saved transcript lines."""

        async def record() -> None:
            async with self.server.resources.sessions() as db:
                started = utcnow() - timedelta(minutes=minutes_ago)
                assert await lifecycle.start(db, interview_id, now=started)
                for sequence, (speaker, text, offset) in enumerate(lines):
                    line = transcripts.Line(sequence, speaker, text, offset)
                    await transcripts.append(db, interview_id, line)

        self.server.run(record())

    def complete(self, interview_id: str) -> None:
        async def end() -> None:
            async with self.server.resources.sessions() as db:
                assert await lifecycle.complete(db, interview_id, EndReason.USER_INITIATED)

        self.server.run(end())

    def fake_socket(self) -> None:
        self.page.add_init_script(FAKE_WEBSOCKET)

    def open(self, interview_id: str) -> None:
        self.page.goto(f"{self.server.web_url}/interview/{interview_id}/session")

    def phase(self) -> str:
        return str(self.page.locator("[data-page=session]").get_attribute("data-phase"))

    def wait_phase(self, phase: str) -> None:
        self.page.locator(f"[data-page=session][data-phase={phase}]").wait_for()

    def start(self) -> None:
        """Press Start and wait until the first socket exists and has sent StartRequest."""
        self.page.locator("[data-action=start]").click()
        self.wait_sent(0, 1)

    def go_live(self, interview_id: str, **start_response: Any) -> None:
        self.open(interview_id)
        self.start()
        self.deliver(
            {"startResponse": {"sessionId": "s-1", "durationSeconds": 1800, **start_response}}
        )
        self.wait_phase("live")

    # -------------------------------------------------------------- the fake sockets
    def socket_count(self) -> int:
        return int(self.page.evaluate("window.__fakeSockets.length"))

    def wait_sockets(self, count: int) -> None:
        self.page.wait_for_function("n => window.__fakeSockets.length >= n", arg=count)

    def wait_sent(self, index: int, count: int) -> None:
        self.page.wait_for_function(
            "([i, n]) => window.__fakeSockets[i] && window.__fakeSockets[i].sent.length >= n",
            arg=[index, count],
        )

    def sent(self, index: int = -1) -> list[dict[str, Any]]:
        frames = self.page.evaluate(
            "i => window.__fakeSockets.at(i).sent.filter(f => typeof f === 'string')", index
        )
        return [json.loads(frame) for frame in frames]

    def sent_of(self, kind: str, index: int = -1) -> list[dict[str, Any]]:
        return [frame[kind] for frame in self.sent(index) if kind in frame]

    def deliver(self, message: dict[str, Any] | str, index: int = -1) -> None:
        self.page.evaluate("([i, m]) => window.__fakeSockets.at(i).deliver(m)", [index, message])

    def server_close(self, code: int = 1006, index: int = -1) -> None:
        self.page.evaluate("([i, c]) => window.__fakeSockets.at(i).serverClose(c)", [index, code])

    def closed_by_client(self, index: int = -1) -> dict[str, Any] | None:
        result: dict[str, Any] | None = self.page.evaluate(
            "i => window.__fakeSockets.at(i).closedByClient", index
        )
        return result


def decode_audio(frame: dict[str, Any]) -> bytes:
    return base64.b64decode(frame["audioContent"])
