"""Remote analysis: run the detectors on another machine (a GPU box, a worker operator's node) and stream samples
to it over one websocket.

Wire format (one websocket, ``Authorization: Bearer <api key>``):

- request, binary: 4-byte big-endian header length, the JSON header ``{"id", "kind", "participant_id",
  "track_id", "mime_type", "timestamp_ms"}``, then the sample bytes (JPEG or WAV);
- answer, text: ``{"id": n, "result": <SampleResult JSON>}`` or ``{"id": n, "error": "..."}``.

`RemoteBackend` keeps the connection up: when it drops (or cannot be made) it retries after an exponential
backoff with jitter between ``backoff_initial`` (1 s) and ``backoff_max`` (10 s); samples that arrive while it is
down are answered "inconclusive" at once instead of waiting, so the media path never stalls. `RemoteServer` (and
``dfpn-realtime serve``) is the other end: any `AnalysisBackend`, usually the local detectors.
"""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import itertools
import json
import logging
import random
import struct
from typing import Any

from websockets.asyncio.client import ClientConnection, connect
from websockets.asyncio.server import Server, ServerConnection, serve
from websockets.datastructures import Headers
from websockets.exceptions import ConnectionClosed, InvalidHandshake, InvalidStatus
from websockets.http11 import Request, Response

from dfpn_realtime.backends import AnalysisBackend, Sample, SampleResult
from dfpn_realtime.clock import Clock, SystemClock
from dfpn_realtime.config import ConfigError

logger = logging.getLogger(__name__)

_HEADER = struct.Struct(">I")
MAX_MESSAGE = 16 * 1024 * 1024


class Backoff:
    """Exponential backoff with jitter: the n-th delay is ``min(maximum, initial · 2ⁿ)`` scaled by a random factor
    in [0.8, 1.0], and never below `initial` nor above `maximum` (1 s … 10 s by default)."""

    def __init__(
        self, initial: float = 1.0, maximum: float = 10.0, *, rng: random.Random | None = None
    ) -> None:
        if not 0 < initial <= maximum:
            raise ValueError("need 0 < initial <= maximum")
        self.initial = initial
        self.maximum = maximum
        self.attempt = 0
        self._rng = rng or random.Random()

    def next(self) -> float:
        base = min(self.maximum, self.initial * 2.0**self.attempt)
        self.attempt += 1
        return max(self.initial, min(self.maximum, base * self._rng.uniform(0.8, 1.0)))

    def reset(self) -> None:
        self.attempt = 0


def encode_request(request_id: int, sample: Sample) -> bytes:
    header = json.dumps(
        {
            "id": request_id,
            "kind": sample.kind,
            "participant_id": sample.participant_id,
            "track_id": sample.track_id,
            "mime_type": sample.mime_type,
            "timestamp_ms": sample.timestamp_ms,
        }
    ).encode()
    return _HEADER.pack(len(header)) + header + sample.data


def decode_request(message: bytes, now: float) -> tuple[int, Sample]:
    if len(message) < _HEADER.size:
        raise ValueError("short message")
    (n,) = _HEADER.unpack_from(message)
    header = json.loads(message[_HEADER.size : _HEADER.size + n])
    kind = header["kind"]
    if kind not in ("video", "audio"):
        raise ValueError(f"unknown kind {kind!r}")
    sample = Sample(
        kind=kind,
        participant_id=str(header["participant_id"]),
        track_id=str(header["track_id"]),
        data=bytes(message[_HEADER.size + n :]),
        mime_type=str(header["mime_type"]),
        captured_at=now,
        timestamp_ms=int(header["timestamp_ms"]),
    )
    return int(header["id"]), sample


class RemoteBackend(AnalysisBackend):
    """Analysis on a `RemoteServer`, over a websocket that reconnects with backoff and jitter."""

    name = "remote"

    def __init__(
        self,
        url: str,
        api_key: str | None,
        *,
        backoff_initial: float = 1.0,
        backoff_max: float = 10.0,
        timeout: float = 10.0,
        clock: Clock | None = None,
        rng: random.Random | None = None,
    ) -> None:
        self.url = url
        self.api_key = api_key
        self.timeout = timeout
        self.clock = clock or SystemClock()
        self.backoff = Backoff(backoff_initial, backoff_max, rng=rng)
        self._ws: ClientConnection | None = None
        self._task: asyncio.Task[None] | None = None
        self._pending: dict[int, asyncio.Future[SampleResult]] = {}
        self._ids = itertools.count(1)
        self.connected = asyncio.Event()
        #: Seconds waited before each reconnection attempt, in order.
        self.delays: list[float] = []
        self.connections = 0
        self.last_error: str | None = None

    async def start(self) -> None:
        if not self.url.startswith(("ws://", "wss://")):
            raise ConfigError(
                f"remote analysis URL must be ws:// or wss://, not {self.url!r} (DFPN_RT_REMOTE_URL)"
            )
        if not self.api_key:
            raise ConfigError(
                f"remote analysis at {self.url} needs an API key: set DFPN_RT_API_KEY (or remote.api_key)"
            )
        if self._task is None:
            self._task = asyncio.create_task(self._run(), name="dfpn-rt-remote")

    async def close(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        if self._ws is not None:
            await self._ws.close()
            self._ws = None
        self._fail_pending("closed")

    def _fail_pending(self, reason: str) -> None:
        for fut in self._pending.values():
            if not fut.done():
                fut.set_result(SampleResult.unavailable(self.name, reason))
        self._pending.clear()

    async def _run(self) -> None:
        while True:
            try:
                async with connect(
                    self.url,
                    additional_headers={"Authorization": f"Bearer {self.api_key}"},
                    max_size=MAX_MESSAGE,
                    open_timeout=self.timeout,
                ) as ws:
                    self._ws = ws
                    self.connections += 1
                    self.backoff.reset()
                    self.connected.set()
                    logger.info("remote analysis connected: %s", self.url)
                    async for message in ws:
                        self._on_message(message)
                    self.last_error = "connection closed by the server"
            except InvalidStatus as e:
                status = e.response.status_code
                self.last_error = f"HTTP {status}"
                if status in (401, 403):
                    logger.error("remote analysis at %s refused the API key (HTTP %d)", self.url, status)
                else:
                    logger.warning("remote analysis at %s: HTTP %d", self.url, status)
            except (TimeoutError, OSError, InvalidHandshake, ConnectionClosed) as e:
                self.last_error = f"{type(e).__name__}: {e}"
                logger.warning("remote analysis at %s unavailable: %s", self.url, self.last_error)
            self._ws = None
            self.connected.clear()
            self._fail_pending(self.last_error or "disconnected")
            delay = self.backoff.next()
            self.delays.append(delay)
            logger.info("remote analysis: reconnecting in %.1f s", delay)
            await self.clock.sleep(delay)

    def _on_message(self, message: str | bytes) -> None:
        try:
            data = json.loads(message)
            fut = self._pending.pop(int(data["id"]), None)
        except (ValueError, KeyError, TypeError):
            logger.warning("remote analysis: unreadable answer dropped")
            return
        if fut is None or fut.done():
            return
        if "result" in data:
            try:
                fut.set_result(SampleResult.model_validate(data["result"]))
                return
            except ValueError as e:
                data["error"] = f"bad result: {e}"
        fut.set_result(SampleResult.unavailable(self.name, str(data.get("error", "no result"))))

    async def analyze(self, sample: Sample) -> SampleResult:
        ws = self._ws
        if ws is None:
            return SampleResult.unavailable(self.name, f"remote analysis not connected ({self.last_error})")
        request_id = next(self._ids)
        fut: asyncio.Future[SampleResult] = asyncio.get_running_loop().create_future()
        self._pending[request_id] = fut
        try:
            await ws.send(encode_request(request_id, sample))
            async with asyncio.timeout(self.timeout):  # not wait_for: on 3.11 it can swallow a cancellation
                return await fut
        except (ConnectionClosed, OSError) as e:
            return SampleResult.unavailable(self.name, f"remote analysis connection lost: {e}")
        except TimeoutError:
            return SampleResult.unavailable(self.name, f"remote analysis took longer than {self.timeout:g} s")
        finally:
            self._pending.pop(request_id, None)


class RemoteServer:
    """Serve a backend to `RemoteBackend` clients. Every connection must present ``Bearer <api_key>``."""

    def __init__(
        self, backend: AnalysisBackend, api_key: str, *, host: str = "127.0.0.1", port: int = 8765
    ) -> None:
        if not api_key:
            raise ConfigError("the remote analysis server needs an API key (DFPN_RT_API_KEY or --api-key)")
        self.backend = backend
        self.api_key = api_key
        self.host = host
        self.port = port
        self._server: Server | None = None
        self.served = 0

    def _check(self, connection: ServerConnection, request: Request) -> Response | None:
        given = request.headers.get("Authorization", "")
        if hmac.compare_digest(given.encode(), f"Bearer {self.api_key}".encode()):
            return None
        return Response(401, "Unauthorized", Headers({"Content-Type": "text/plain"}), b"bad API key\n")

    async def start(self) -> None:
        await self.backend.start()
        self._server = await serve(
            self._handle, self.host, self.port, process_request=self._check, max_size=MAX_MESSAGE
        )
        sock = next(iter(self._server.sockets))
        self.port = int(sock.getsockname()[1])
        logger.info("remote analysis server on ws://%s:%d", self.host, self.port)

    @property
    def url(self) -> str:
        return f"ws://{self.host}:{self.port}"

    async def close(self) -> None:
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()
            self._server = None
        await self.backend.close()

    async def _handle(self, ws: ServerConnection) -> None:
        tasks: set[asyncio.Task[None]] = set()
        loop = asyncio.get_running_loop()
        async for message in ws:
            if isinstance(message, str):
                continue
            try:
                request_id, sample = decode_request(message, loop.time())
            except (ValueError, KeyError, TypeError) as e:
                await ws.send(json.dumps({"id": -1, "error": f"bad request: {e}"}))
                continue
            task = asyncio.create_task(self._answer(ws, request_id, sample))
            tasks.add(task)
            task.add_done_callback(tasks.discard)

    async def _answer(self, ws: ServerConnection, request_id: int, sample: Sample) -> None:
        answer: dict[str, Any]
        try:
            result = await self.backend.analyze(sample)
            answer = {"id": request_id, "result": result.model_dump(mode="json")}
        except Exception as e:  # one bad sample must not end the connection
            logger.exception("remote analysis of a %s sample failed", sample.kind)
            answer = {"id": request_id, "error": f"{type(e).__name__}: {e}"}
        self.served += 1
        with contextlib.suppress(ConnectionClosed):
            await ws.send(json.dumps(answer))


__all__ = ["Backoff", "RemoteBackend", "RemoteServer", "decode_request", "encode_request"]
