"""Prometheus metrics and the `/metrics` + `/healthz` HTTP endpoint.

Each `WorkerNode` has its own `Metrics` (its own registry), so several nodes can live in one process (the
embedded-network tests run four). The endpoint is a minimal asyncio HTTP/1.1 server: `GET /metrics` (the
Prometheus text format) and `GET /healthz` (JSON; 200 when the node polled the chain successfully within its
staleness limit, else 503).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time
from collections.abc import Callable, Iterator
from typing import Any

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram
from prometheus_client.exposition import CONTENT_TYPE_LATEST, generate_latest

logger = logging.getLogger(__name__)

_LATENCY_BUCKETS = (0.01, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 120.0)
_STAGE_BUCKETS = (
    0.001,
    0.0025,
    0.005,
    0.01,
    0.025,
    0.05,
    0.1,
    0.25,
    0.5,
    1.0,
    2.5,
    5.0,
    10.0,
    30.0,
    60.0,
    120.0,
)

#: The stages of a request, each timed by `dfpn_worker_stage_seconds{stage}`: discover (one discovery poll), join
#: (accepting a drawn seat: send and confirm), fetch (media download), hash (its SHA-256 check), analyse (every
#: detector, queueing in the pool included), report (report stored), commit and reveal (send and confirm).
STAGES = ("discover", "join", "fetch", "hash", "analyse", "report", "commit", "reveal")


class Metrics:
    """The worker's counters. Names are prefixed `dfpn_worker_`."""

    def __init__(self, registry: CollectorRegistry | None = None) -> None:
        self.registry = registry or CollectorRegistry()
        r = self.registry
        self.requests_seen = Counter(
            "dfpn_worker_requests_seen",
            "Open requests this worker was drawn for (each counted once).",
            registry=r,
        )
        self.requests_skipped = Counter(
            "dfpn_worker_requests_skipped",
            "Drawn seats not accepted (declined with leave_request while allowed), by reason.",
            ["reason"],
            registry=r,
        )
        self.requests_joined = Counter(
            "dfpn_worker_requests_joined", "Drawn seats accepted (join_request).", registry=r
        )
        self.draws = Counter(
            "dfpn_worker_draws",
            "draw_seats transactions this worker sent as a crank: kind seed (a request nobody drew) or replace "
            "(seats not committed half a commit window after their draw).",
            ["kind"],
            registry=r,
        )
        self.requests_committed = Counter("dfpn_worker_requests_committed", "Commitments sent.", registry=r)
        self.requests_revealed = Counter("dfpn_worker_requests_revealed", "Reveals sent.", registry=r)
        self.requests_missed = Counter(
            "dfpn_worker_requests_missed",
            "Requests where the worker committed but did not reveal in time (slashed), or joined but could "
            "not commit before the commit phase closed.",
            ["stage"],
            registry=r,
        )
        self.requests_refused = Counter(
            "dfpn_worker_requests_refused",
            "Joined requests the worker refused to analyse, by error code (CONTENT_HASH_MISMATCH, ...).",
            ["code"],
            registry=r,
        )
        self.requests_left = Counter(
            "dfpn_worker_requests_left",
            "Seats given back with leave_request in the leave window: drawn seats declined, or accepted seats whose "
            "media or model was refused (bond released).",
            registry=r,
        )
        self.requests_finalized = Counter(
            "dfpn_worker_requests_finalized", "finalize_request transactions this worker sent.", registry=r
        )
        self.requests_expired = Counter(
            "dfpn_worker_requests_expired", "expire_request transactions this worker sent.", registry=r
        )
        self.errors = Counter(
            "dfpn_worker_errors", "Failed steps (after retries), by stage.", ["stage"], registry=r
        )
        self.retries = Counter(
            "dfpn_worker_retries", "Retried network operations, by operation.", ["operation"], registry=r
        )
        self.detector_latency = Histogram(
            "dfpn_worker_detector_latency_seconds",
            "Time of one detector on one media, measured where it runs (inside the pool worker: no queueing).",
            ["model_id"],
            buckets=_LATENCY_BUCKETS,
            registry=r,
        )
        self.stage_latency = Histogram(
            "dfpn_worker_stage_seconds",
            "Time of one stage of one request: " + ", ".join(STAGES) + ".",
            ["stage"],
            buckets=_STAGE_BUCKETS,
            registry=r,
        )
        self.detector_cpu = Counter(
            "dfpn_worker_detector_cpu_seconds",
            "CPU time (user + system) spent by the detectors, measured inside the pool worker.",
            ["model_id"],
            registry=r,
        )
        self.resubscribes = Counter(
            "dfpn_worker_log_resubscribes",
            "Times the program-log subscription was lost (then: a discovery poll and every job re-read at once).",
            registry=r,
        )
        self.verdicts = Counter(
            "dfpn_worker_verdicts", "Verdicts committed, by verdict.", ["verdict"], registry=r
        )
        self.in_flight = Gauge(
            "dfpn_worker_in_flight", "Requests joined and not yet finished, by phase.", ["phase"], registry=r
        )
        self.last_poll = Gauge(
            "dfpn_worker_last_poll_timestamp_seconds",
            "Unix time of the last successful chain poll.",
            registry=r,
        )

    def render(self) -> bytes:
        return generate_latest(self.registry)

    @contextlib.contextmanager
    def stage(self, name: str) -> Iterator[None]:
        """Time the enclosed code as one `name` stage (observed also when it raises)."""
        start = time.perf_counter()
        try:
            yield
        finally:
            self.stage_latency.labels(stage=name).observe(time.perf_counter() - start)


HealthCheck = Callable[[], tuple[bool, dict[str, Any]]]


class MetricsServer:
    """Serves `/metrics` and `/healthz` on `host:port` (port 0: a free port, see `port` after `start`)."""

    def __init__(self, metrics: Metrics, health: HealthCheck, host: str = "127.0.0.1", port: int = 0) -> None:
        self.metrics = metrics
        self.health = health
        self.host = host
        self.port = port
        self._server: asyncio.Server | None = None

    async def start(self) -> None:
        self._server = await asyncio.start_server(self._handle, self.host, self.port)
        sockets = self._server.sockets
        if sockets:
            self.port = int(sockets[0].getsockname()[1])
        logger.info("metrics and health on http://%s:%d/metrics and /healthz", self.host, self.port)

    async def stop(self) -> None:
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()
            self._server = None

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            async with asyncio.timeout(10):
                request_line = (await reader.readline()).decode("latin-1").strip()
                while (await reader.readline()).strip():  # skip the headers
                    pass
            parts = request_line.split()
            method, path = (parts[0], parts[1].split("?")[0]) if len(parts) >= 2 else ("", "")
            if method not in ("GET", "HEAD"):
                status, ctype, body = "405 Method Not Allowed", "text/plain", b"GET only\n"
            elif path == "/metrics":
                status, ctype, body = "200 OK", CONTENT_TYPE_LATEST, self.metrics.render()
            elif path in ("/healthz", "/health"):
                ok, details = self.health()
                status = "200 OK" if ok else "503 Service Unavailable"
                ctype, body = "application/json", json.dumps({"ok": ok, **details}).encode() + b"\n"
            else:
                status, ctype, body = "404 Not Found", "text/plain", b"try /metrics or /healthz\n"
            head = (
                f"HTTP/1.1 {status}\r\nContent-Type: {ctype}\r\nContent-Length: {len(body)}\r\n"
                "Connection: close\r\n\r\n"
            ).encode()
            writer.write(head + (b"" if method == "HEAD" else body))
            await writer.drain()
        except (TimeoutError, ConnectionError, UnicodeError) as e:
            logger.debug("metrics connection dropped: %s", e)
        finally:
            writer.close()
            with contextlib.suppress(ConnectionError):
                await writer.wait_closed()


__all__ = ["HealthCheck", "Metrics", "MetricsServer"]
