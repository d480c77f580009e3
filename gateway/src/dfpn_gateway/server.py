"""The HTTP server's defences against slow and greedy clients (`dfpn-gateway serve`).

uvicorn already closes idle kept-alive connections (``timeout_keep_alive``), bounds the size of a request head
(``h11_max_incomplete_event_size``) and the time a graceful shutdown waits (``timeout_graceful_shutdown``), and we
pass those. It has no deadline for a request head to arrive, none for a request body, and no cap on connections
that it enforces before a request is complete (``limit_concurrency`` answers 503 only once a request head has
arrived: half-open connections still pile up until the file descriptors run out). Two small additions fill that:

- `guarded_protocol`: uvicorn's h11 protocol with a head deadline (armed when a connection opens and after each
  answer, cleared once a complete request head is in), a global and a per-client-address connection cap enforced
  the moment a connection opens (503 and closed), and connections closed after an answer whose request body was
  never read (so a client cannot keep one by trickling an unread body).
- `BodyDeadline`: ASGI middleware that bounds each wait for a body chunk and the whole body; past either, the
  route gets `BodyTimeoutError` (answered 408, connection closed), so an aborted upload's temporary file is removed at
  once by the code reading it.

Why not a reverse proxy in front: the gateway should be safe to expose on its own; one still may be put in front
(then raise `max_connections_per_client`, since every connection comes from the proxy).
"""

from __future__ import annotations

import asyncio
import logging
import resource
from collections import Counter
from typing import Any

import h11
import uvicorn
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from uvicorn.protocols.http.h11_impl import H11Protocol

from dfpn_gateway.config import Settings

logger = logging.getLogger(__name__)

#: File descriptors kept free for everything that is not a client connection (database, logs, RPC, webhooks).
FD_RESERVE = 128
#: Largest request head accepted (request line and headers).
MAX_HEAD_BYTES = 16 * 1024
_BUSY = (
    b"HTTP/1.1 503 Service Unavailable\r\nContent-Type: text/plain\r\nConnection: close\r\n"
    b"Content-Length: 24\r\n\r\ntoo many connections now"
)


class BodyTimeoutError(Exception):
    """A request body did not arrive in time (answered 408, connection closed)."""


def connection_cap(settings: Settings) -> int:
    """`max_connections`, lowered so that every connection can hold a socket and a temporary file within the
    process's file descriptor limit."""
    soft, _ = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft == resource.RLIM_INFINITY:
        return settings.max_connections
    return max(1, min(settings.max_connections, (soft - FD_RESERVE) // 2))


def guarded_protocol(settings: Settings) -> type[H11Protocol]:
    """An h11 protocol class with the head deadline and the connection caps of `settings` (one class per server:
    it holds the per-client counts)."""
    per_client: Counter[str] = Counter()
    cap = connection_cap(settings)

    class GuardedH11Protocol(H11Protocol):
        _head_timer: asyncio.TimerHandle | None = None
        _peer: str | None = None

        def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
            super().connection_made(transport)
            peer = self.client[0] if self.client else "?"
            if len(self.connections) > cap or per_client[peer] >= settings.max_connections_per_client:
                logger.warning(
                    "connection from %s refused: %d open (%d from it)",
                    peer,
                    len(self.connections),
                    per_client[peer],
                )
                transport.write(_BUSY)
                transport.close()
                return
            self._peer = peer
            per_client[peer] += 1
            self._arm_head_timer()

        def connection_lost(self, exc: Exception | None) -> None:
            self._disarm_head_timer()
            if self._peer is not None:
                per_client[self._peer] -= 1
                if per_client[self._peer] <= 0:
                    del per_client[self._peer]
                self._peer = None
            super().connection_lost(exc)

        def data_received(self, data: bytes) -> None:
            super().data_received(data)
            if self.conn.their_state is not h11.IDLE:
                self._disarm_head_timer()  # a complete request head is in

        def on_response_complete(self) -> None:
            # Answered without reading the whole body: close rather than read what the client still trickles.
            # (Looked at before uvicorn moves on to a pipelined request.)
            unread_body = self.conn.their_state is h11.SEND_BODY
            super().on_response_complete()
            if self.transport.is_closing():
                return
            if unread_body:
                self.transport.close()
            elif self.conn.their_state is h11.IDLE:
                self._arm_head_timer()

        def _arm_head_timer(self) -> None:
            self._disarm_head_timer()
            self._head_timer = self.loop.call_later(settings.header_timeout, self._head_timed_out)

        def _disarm_head_timer(self) -> None:
            if self._head_timer is not None:
                self._head_timer.cancel()
                self._head_timer = None

        def _head_timed_out(self) -> None:
            self._head_timer = None
            if not self.transport.is_closing() and self.conn.their_state is h11.IDLE:
                self.transport.close()

    return GuardedH11Protocol


class BodyDeadline:
    """ASGI middleware: each wait for a request body chunk ends after `chunk_timeout` seconds, the whole body
    after `total_timeout`, with `BodyTimeoutError` raised to the app. Waits after the body (for a disconnect) are
    not bounded."""

    def __init__(self, app: ASGIApp, *, chunk_timeout: float, total_timeout: float) -> None:
        self.app = app
        self.chunk_timeout = chunk_timeout
        self.total_timeout = total_timeout

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.total_timeout
        body_done = False

        async def timed_receive() -> Message:
            nonlocal body_done
            if body_done:
                return await receive()
            budget = min(self.chunk_timeout, deadline - loop.time())
            try:
                async with asyncio.timeout(max(budget, 0)):
                    message = await receive()
            except TimeoutError:
                raise BodyTimeoutError(
                    f"the request body stalled (more than {self.chunk_timeout:g} s between chunks or "
                    f"{self.total_timeout:g} s in all)"
                ) from None
            if message["type"] != "http.request" or not message.get("more_body", False):
                body_done = True
            return message

        await self.app(scope, timed_receive, send)


def server_config(app: ASGIApp, settings: Settings, **options: Any) -> uvicorn.Config:
    """The uvicorn configuration of `dfpn-gateway serve`: our protocol, the keep-alive, head-size and shutdown
    limits of `settings`."""
    return uvicorn.Config(
        app,
        host=settings.host,
        port=settings.port,
        http=guarded_protocol(settings),
        timeout_keep_alive=settings.keep_alive_timeout,
        timeout_graceful_shutdown=settings.shutdown_timeout,
        h11_max_incomplete_event_size=MAX_HEAD_BYTES,
        limit_concurrency=None,  # enforced by the protocol when a connection opens
        **options,
    )


__all__ = ["BodyDeadline", "BodyTimeoutError", "connection_cap", "guarded_protocol", "server_config"]
