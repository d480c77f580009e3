"""Webhooks: signing, verifying, URL policy and the delivery loop.

Each finished request with a webhook URL gets one delivery, stored with its exact body when the request finishes
(`Store.finish_request`). The deliverer POSTs it with

- ``X-DFPN-Signature: t=<unix time>,v1=<hex HMAC-SHA256(secret, "<t>." + body)>`` — the secret is the API key's
  webhook secret (``whsec_...``, shown once by ``dfpn-gateway keys create``);
- ``X-DFPN-Delivery: dlv_...`` (the same on every attempt: receivers deduplicate with it) and
  ``X-DFPN-Event: request.finalized | request.expired | request.failed``.

A 2xx answer marks it delivered and it is never sent again. Anything else (or no answer within
`webhook_timeout`) is retried after ``min(max_delay, base × 2^attempts)``, half of it random (jitter), up to
`webhook_max_attempts`. Deliveries live in the database, so a restarted gateway resumes them; a graceful stop
waits for deliveries in flight, so they are not sent twice.

A receiver is not trusted: `webhook_timeout` is a total deadline for one attempt (connect, send, and the answer's
status line and headers), the answer's body is never read (only its status matters), and any failure of an
attempt, whatever raised it, counts as a failed attempt with its backoff, so that no delivery is retried in a loop.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import hmac
import ipaddress
import json
import logging
import random
import socket
import time
from collections.abc import Callable
from urllib.parse import urlsplit

import httpx

from dfpn_gateway import store as st
from dfpn_gateway.config import Settings
from dfpn_gateway.errors import ApiError, GatewayCode
from dfpn_gateway.redact import redact_text, redact_url

logger = logging.getLogger(__name__)

SIGNATURE_HEADER = "X-DFPN-Signature"
DELIVERY_HEADER = "X-DFPN-Delivery"
EVENT_HEADER = "X-DFPN-Event"
#: Receivers should refuse signatures older than this (seconds): replay protection.
DEFAULT_TOLERANCE = 300


def sign(secret: str, body: bytes, timestamp: int | None = None) -> str:
    """The `X-DFPN-Signature` header value for `body`."""
    t = int(time.time()) if timestamp is None else timestamp
    mac = hmac.new(secret.encode(), f"{t}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={t},v1={mac}"


def verify(
    secret: str, header: str, body: bytes, *, tolerance: int = DEFAULT_TOLERANCE, now: float | None = None
) -> bool:
    """Whether `header` is a valid signature of `body` with `secret`, made within `tolerance` seconds."""
    try:
        parts = dict(item.split("=", 1) for item in header.split(","))
        t = int(parts["t"])
    except (ValueError, KeyError):
        return False
    if abs((time.time() if now is None else now) - t) > tolerance:
        return False
    expected = hmac.new(secret.encode(), f"{t}.".encode() + body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, parts.get("v1", ""))


def _public_ip(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    return ip.is_global and not ip.is_multicast


def url_problem(url: str) -> str | None:
    """Why `url` cannot be sent as it is (control characters, spaces, or something httpx cannot parse), or
    None. Checked at submission and again before each attempt (rows stored before this check existed)."""
    if any(ch.isspace() or ord(ch) < 0x20 or ord(ch) == 0x7F for ch in url):
        return "control characters and spaces are not allowed (percent-encode them)"
    try:
        httpx.URL(url)
        parts = urlsplit(url)
        _ = parts.port
    except (httpx.InvalidURL, ValueError) as e:
        return f"not a URL ({e})"
    return None


def check_url(url: str, settings: Settings) -> str:
    """`url` when the webhook policy allows it; `ApiError(400, INVALID_WEBHOOK_URL)` otherwise."""

    def bad(why: str) -> ApiError:
        return ApiError(400, GatewayCode.INVALID_WEBHOOK_URL, f"webhook_url {url!r}: {why}")

    problem = url_problem(url)
    if problem is not None:
        raise bad(problem)
    parts = urlsplit(url)
    host = parts.hostname
    schemes = ("https",) if settings.webhook_require_https else ("https", "http")
    if parts.scheme not in schemes:
        raise bad(f"the scheme must be {' or '.join(schemes)}")
    if not host:
        raise bad("no host")
    if parts.username or parts.password:
        raise bad("credentials in the URL are not allowed; authenticate with the signature")
    if not settings.webhook_allow_private:
        if host.lower() == "localhost" or host.lower().endswith((".localhost", ".local", ".internal")):
            raise bad("private hosts are not allowed")
        try:
            if not _public_ip(host):
                raise bad("private, loopback and reserved addresses are not allowed")
        except ValueError:
            pass  # a name: its addresses are checked at delivery time
    return url


async def _resolves_public(host: str, port: int) -> bool:
    try:
        return _public_ip(host)
    except ValueError:
        pass
    infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return bool(infos) and all(_public_ip(str(info[4][0])) for info in infos)


def backoff_delay(attempts: int, settings: Settings, rand: Callable[[], float] = random.random) -> float:
    """Delay before the next attempt after `attempts` failed ones: half fixed, half jitter."""
    ceiling = min(settings.webhook_max_delay, settings.webhook_base_delay * 2 ** max(attempts - 1, 0))
    return float(ceiling / 2 + rand() * ceiling / 2)


class WebhookDeliverer:
    """Delivers due webhooks from the store until stopped. `secret_for(request_id)` gives the signing secret."""

    def __init__(
        self,
        store: st.Store,
        settings: Settings,
        secret_for: Callable[[str], str | None],
        *,
        http: httpx.AsyncClient | None = None,
        max_concurrency: int = 8,
    ) -> None:
        self.store = store
        self.settings = settings
        self.secret_for = secret_for
        self._http = http or httpx.AsyncClient(timeout=settings.webhook_timeout, follow_redirects=False)
        self._owns_http = http is None
        self._wake = asyncio.Event()
        self._inflight: dict[str, asyncio.Task[None]] = {}
        #: Deliveries whose failure could not even be recorded: not retried before this (monotonic) time.
        self._cooldown: dict[str, float] = {}
        self._slots = asyncio.Semaphore(max_concurrency)
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="webhook-deliverer")

    def wake(self) -> None:
        """A delivery was scheduled: look at the queue now."""
        self._wake.set()

    async def stop(self, grace: float | None = None) -> None:
        """Stop the loop; deliveries in flight get `grace` seconds (default: `webhook_stop_grace`, at most the
        webhook timeout) to finish, then are cancelled."""
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)
            self._task = None
        pending = list(self._inflight.values())
        if pending:
            if grace is None:
                grace = min(self.settings.webhook_stop_grace, self.settings.webhook_timeout)
            _, late = await asyncio.wait(pending, timeout=grace)
            for task in late:
                task.cancel()
            await asyncio.gather(*late, return_exceptions=True)
        if self._owns_http:
            await self._http.aclose()

    async def _run(self) -> None:
        while True:
            try:
                now = time.time()
                self._cooldown = {r: t for r, t in self._cooldown.items() if t > time.monotonic()}
                for d in self.store.due_deliveries(now):
                    if d.request_id not in self._inflight and d.request_id not in self._cooldown:
                        task = asyncio.create_task(self._deliver_guarded(d), name=f"webhook-{d.request_id}")
                        self._inflight[d.request_id] = task
                next_at = self.store.next_delivery_at()
            except Exception:
                logger.exception("webhook queue scan failed")
                next_at = None
            wait = 5.0 if next_at is None else min(max(next_at - time.time(), 0.05), 5.0)
            self._wake.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), wait)

    async def _deliver_guarded(self, d: st.Delivery) -> None:
        try:
            async with self._slots:
                await self.deliver(d)
        except Exception:
            # Not even the failure could be recorded (the database?): hold this delivery back in memory instead,
            # so that the queue scan does not pick it up again at once.
            self._cooldown[d.request_id] = time.monotonic() + backoff_delay(d.attempts + 1, self.settings)
            logger.exception("webhook delivery for %s failed unexpectedly", d.request_id)
        finally:
            self._inflight.pop(d.request_id, None)
            self._wake.set()

    async def deliver(self, d: st.Delivery) -> bool:
        """One attempt, within `webhook_timeout` in total; records the outcome. True when delivered. Whatever
        fails in the attempt counts as a failed attempt (retried after its backoff)."""
        status: int | None = None
        try:
            problem = url_problem(d.url)
            if problem is not None:
                return self._refuse(d, f"invalid webhook URL: {problem}")
            secret = self.secret_for(d.request_id)
            if secret is None:
                return self._refuse(d, "no signing secret")
            async with asyncio.timeout(self.settings.webhook_timeout):
                if not await self._host_allowed(d):
                    return False
                status = await self._post(d, secret)
            if 200 <= status < 300:
                self.store.mark_delivered(d.request_id, status)
                logger.info(
                    "webhook for %s delivered to %s (HTTP %d)", d.request_id, redact_url(d.url), status
                )
                return True
            error = f"HTTP {status}"
        except TimeoutError:
            error = f"no answer within {self.settings.webhook_timeout:g} s"
        except Exception as e:
            error = f"{type(e).__name__}: {e}"
        self._record_failure(d, status, redact_text(error))
        return False

    def _refuse(self, d: st.Delivery, why: str) -> bool:
        """A delivery that can never succeed: recorded as given up."""
        self.store.mark_failed_attempt(d.request_id, status=None, error=why, next_at=None)
        logger.warning("webhook for %s refused: %s", d.request_id, why)
        return False

    async def _host_allowed(self, d: st.Delivery) -> bool:
        """Unless private addresses are allowed, the URL's host must resolve to public addresses only (checked
        at each attempt: DNS may have changed since submission); a refusal is final."""
        parts = urlsplit(d.url)
        port = parts.port or (443 if parts.scheme == "https" else 80)
        if not self.settings.webhook_allow_private and not await _resolves_public(parts.hostname or "", port):
            self.store.mark_failed_attempt(
                d.request_id, status=None, error="the host resolves to a non-public address", next_at=None
            )
            logger.warning("webhook %s for %s refused: non-public address", redact_url(d.url), d.request_id)
            return False
        return True

    async def _post(self, d: st.Delivery, secret: str) -> int:
        """POST the signed payload; the HTTP status of the answer. Its body is not read: leaving the stream
        unread closes the connection, so an endless or trickling body costs nothing."""
        body = d.payload.encode()
        event = _event_of(d.payload)
        async with self._http.stream(
            "POST",
            d.url,
            content=body,
            headers={
                "Content-Type": "application/json",
                "User-Agent": "dfpn-gateway",
                SIGNATURE_HEADER: sign(secret, body),
                DELIVERY_HEADER: d.delivery_id,
                EVENT_HEADER: event,
            },
        ) as response:
            return response.status_code

    def _record_failure(self, d: st.Delivery, status: int | None, error: str) -> None:
        """A failed attempt: schedule the next one after the backoff, or give up after the last."""
        attempts = d.attempts + 1
        if attempts >= self.settings.webhook_max_attempts:
            self.store.mark_failed_attempt(d.request_id, status=status, error=error, next_at=None)
            logger.warning("webhook for %s gave up after %d attempts: %s", d.request_id, attempts, error)
        else:
            delay = backoff_delay(attempts, self.settings)
            self.store.mark_failed_attempt(
                d.request_id, status=status, error=error, next_at=time.time() + delay
            )
            logger.info(
                "webhook for %s attempt %d failed (%s); retry in %.1fs", d.request_id, attempts, error, delay
            )


def _event_of(payload: str) -> str:
    try:
        event = json.loads(payload).get("event")
    except (ValueError, AttributeError):
        event = None
    return event if isinstance(event, str) else "request.finished"


__all__ = [
    "DEFAULT_TOLERANCE",
    "DELIVERY_HEADER",
    "EVENT_HEADER",
    "SIGNATURE_HEADER",
    "WebhookDeliverer",
    "backoff_delay",
    "check_url",
    "sign",
    "url_problem",
    "verify",
]
