"""What every response and every write request goes through: headers, body limit, token.

Plain ASGI middleware rather than Starlette's BaseHTTPMiddleware, so the body limit can
stop a stream while it arrives (a chunked upload has no Content-Length to check).
"""

from __future__ import annotations

import hmac
import json
import logging
import threading
import time
from collections import OrderedDict, deque
from collections.abc import Callable, MutableMapping
from typing import Any

from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

# No inline script or style anywhere: article text that slipped through escaping still could
# not run. 'self' only; images may be data: URIs (the API docs use them for icons).
CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; font-src 'self'; form-action 'self'; base-uri 'none'; "
    "frame-ancestors 'none'"
)
HEADERS = [
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"no-referrer"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"permissions-policy", b"camera=(), microphone=(), geolocation=()"),
]


log = logging.getLogger("newsfuse.web")
DRAIN_LIMIT = 256 * 1024 * 1024


def envelope(status: int, message: str) -> bytes:
    """The one shape of every error the server sends."""
    return json.dumps({"ok": False, "error": message, "status": status}).encode()


class TooLarge(HTTPException):
    """An HTTPException, so that FastAPI's body parsing passes it on as a 413 (any other
    error while reading a body becomes its generic 400)."""

    def __init__(self, limit: int) -> None:
        super().__init__(413, f"request body is larger than the limit of {limit} bytes")


class Guard:
    """Adds the security headers, refuses bodies over `max_body` bytes with a 413, and turns
    any unexpected exception into a plain 500 (logged here, never shown).

    The 500 is answered here rather than by the framework's own handler, because that one sits
    outside every middleware and its responses would go out without the headers.
    """

    def __init__(self, app: ASGIApp, max_body: int) -> None:
        self.app = app
        self.max_body = max_body

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def send_with_headers(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                names = {k.lower() for k, _ in message.get("headers", [])}
                extra = [(k, v) for k, v in HEADERS if k not in names]
                message["headers"] = [*message.get("headers", []), *extra]
            await send(message)

        declared = _content_length(scope)
        if declared is not None and declared > self.max_body:
            await _drain(receive)
            await self._refuse(send_with_headers)
            return
        seen = 0

        async def counting_receive() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.max_body:
                    raise TooLarge(self.max_body)
            return message

        try:
            await self.app(scope, counting_receive, send_with_headers)
        except TooLarge:
            if started:
                raise
            await _drain(receive)
            await self._refuse(send_with_headers)
        except Exception:
            log.exception("unhandled error on %s %s", scope.get("method"), scope.get("path"))
            if started:
                raise
            await _answer(send_with_headers, 500, *_crash_body(scope))

    async def _refuse(self, send: Send) -> None:
        body = envelope(413, f"request body is larger than the limit of {self.max_body} bytes")
        await _answer(send, 413, body, b"application/json")


CRASH = "internal error; the server log has the details"
CRASH_PAGE = (
    "<!doctype html><html lang=en><meta charset=utf-8><title>Error 500 · newsfuse</title>"
    f"<h1>500</h1><p>{CRASH}</p><p><a href=/>Back to the stories</a></p></html>"
).encode()


def _crash_body(scope: Scope) -> tuple[bytes, bytes]:
    headers = dict(scope.get("headers", []))
    page = not str(scope.get("path", "")).startswith("/api")
    if page and b"text/html" in headers.get(b"accept", b""):
        return CRASH_PAGE, b"text/html; charset=utf-8"
    return envelope(500, CRASH), b"application/json"


async def _answer(send: Send, status: int, body: bytes, kind: bytes) -> None:
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", kind),
                (b"content-length", str(len(body)).encode()),
                (b"connection", b"close"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


async def _drain(receive: Receive) -> None:
    """Read (and drop) what the client still sends before answering: closing on unread data
    resets the connection, and the client would see that instead of the 413. Bounded, so a
    client that never stops sending is cut off after DRAIN_LIMIT bytes."""
    seen = 0
    while seen < DRAIN_LIMIT:
        message = await receive()
        if message["type"] != "http.request":
            return
        seen += len(message.get("body", b""))
        if not message.get("more_body", False):
            return


def _content_length(scope: MutableMapping[str, Any]) -> int | None:
    for key, value in scope.get("headers", []):
        if key == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None


def token_matches(expected: str | None, authorization: str | None) -> bool:
    """Bearer-token check in constant time; with no token configured nothing matches."""
    if not expected or not authorization:
        return False
    scheme, _, given = authorization.partition(" ")
    if scheme.lower() != "bearer":
        return False
    return hmac.compare_digest(given.strip().encode(), expected.encode())


class Attempts:
    """Wrong tokens per client address: who keeps guessing is refused (429) for a while.

    A sliding window of the last `limit` failure times per address; the table of addresses is
    bounded too, so a flood from many addresses costs memory only up to MAX_CLIENTS entries.
    """

    MAX_CLIENTS = 10_000

    def __init__(
        self, limit: int, window: float = 60.0, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.limit = limit
        self.window = window
        self._clock = clock
        self._lock = threading.Lock()
        self._failures: OrderedDict[str, deque[float]] = OrderedDict()

    def _recent(self, client: str, now: float) -> deque[float]:
        times = self._failures.get(client)
        if times is None:
            times = deque(maxlen=self.limit)
            self._failures[client] = times
            while len(self._failures) > self.MAX_CLIENTS:
                self._failures.popitem(last=False)
        while times and now - times[0] >= self.window:
            times.popleft()
        return times

    def wait(self, client: str) -> float:
        """Seconds until `client` may try again; 0 when it may now."""
        with self._lock:
            now = self._clock()
            times = self._recent(client, now)
            if len(times) < self.limit:
                return 0.0
            return max(self.window - (now - times[0]), 0.001)

    def failed(self, client: str) -> None:
        with self._lock:
            now = self._clock()
            self._recent(client, now).append(now)
            self._failures.move_to_end(client)
