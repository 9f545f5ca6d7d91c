"""The outermost layer of the web app: security headers, body size cap and HEAD requests.

It wraps everything, Starlette's error middleware and static files included, so 500 pages
and static files carry the same headers as pages, and no parser ever sees a body larger
than the cap.
"""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from interview_coach.config import Settings
from interview_coach.errors import PayloadTooLarge


def security_headers(settings: Settings) -> list[tuple[bytes, bytes]]:
    """Headers for every response. The CSP allows only this origin's scripts and styles (no
    inline code) and sockets to the real-time URL the page is given."""
    realtime = settings.realtime_url().rstrip("/")
    policy = "; ".join(
        (
            "default-src 'self'",
            "script-src 'self'",
            "style-src 'self'",
            "img-src 'self'",
            f"connect-src 'self' {realtime}",
            "object-src 'none'",
            "base-uri 'none'",
            "form-action 'self'",
            "frame-ancestors 'none'",
        )
    )
    headers = {
        "Content-Security-Policy": policy,
        "Permissions-Policy": "microphone=(self), camera=(), geolocation=(), payment=(), usb=()",
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "same-origin",
        "X-Frame-Options": "DENY",
    }
    if settings.web_origin().startswith("https://"):
        headers["Strict-Transport-Security"] = "max-age=31536000; includeSubDomains"
    return [(name.lower().encode(), value.encode()) for name, value in headers.items()]


class Protection:
    def __init__(self, app: ASGIApp, settings: Settings) -> None:
        self.app = app
        self.headers = security_headers(settings)
        self.max_body = settings.max_request_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        head = scope["method"] == "HEAD"
        if head:  # answer HEAD wherever GET works: run GET, send no body
            scope = {**scope, "method": "GET"}
        declared = _content_length(scope)
        if declared is not None and declared > self.max_body:
            await self._too_large(send)
            return
        await self.app(scope, self._capped(receive), self._send_with_headers(send, head))

    def _capped(self, receive: Receive) -> Receive:
        """Refuse a body that grows past the cap while it streams in (no Content-Length)."""
        seen = 0

        async def capped() -> Message:
            nonlocal seen
            message = await receive()
            seen += len(message.get("body", b""))
            if seen > self.max_body:
                raise PayloadTooLarge(too_large_message(self.max_body))
            return message

        return capped

    def _send_with_headers(self, send: Send, head: bool) -> Send:
        async def sending(message: Message) -> None:
            if message["type"] == "http.response.start":
                present = {name for name, _ in message.get("headers", [])}
                extra = [(name, value) for name, value in self.headers if name not in present]
                message = {**message, "headers": [*message.get("headers", []), *extra]}
            elif message["type"] == "http.response.body" and head:
                if message.get("more_body", False):
                    return
                message = {**message, "body": b""}
            await send(message)

        return sending

    async def _too_large(self, send: Send) -> None:
        body = too_large_message(self.max_body).encode()
        headers = [
            (b"content-type", b"text/plain; charset=utf-8"),
            (b"content-length", str(len(body)).encode()),
            *self.headers,
        ]
        await send({"type": "http.response.start", "status": 413, "headers": headers})
        await send({"type": "http.response.body", "body": body})


def too_large_message(limit: int) -> str:
    return f"This request is larger than {limit // 1024:,} KB. Send less text and try again."


def _content_length(scope: Scope) -> int | None:
    for name, value in scope.get("headers", []):
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None
