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

Several replicas share the queue: a replica claims a due delivery in the database before sending it
(`Store.claim_deliveries`, with a lease of `Settings.webhook_lease_seconds`, longer than an attempt may take), so
one replica at a time sends it. A replica that dies mid-attempt leaves its claim; the replica that finds it gone
counts that attempt as failed and the delivery is retried after the backoff (`dfpn_gateway.fleet`), with the same
``X-DFPN-Delivery`` id.

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
import secrets
import socket
import time
import unicodedata
from collections.abc import Callable
from urllib.parse import urlsplit

import httpx

from dfpn.netguard import DestinationPolicy, DestinationRefused, check_addresses, guarded_client
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


def webhook_policy(settings: Settings) -> DestinationPolicy:
    """The destinations webhooks may reach (`dfpn.netguard`): public addresses, plus `webhook_allow_networks`;
    everything with `webhook_allow_private` (tests, a gateway on a private network)."""
    if settings.webhook_allow_private:
        return DestinationPolicy.from_strings(["0.0.0.0/0", "::/0"])
    return DestinationPolicy.from_strings(settings.webhook_allow_networks)


def url_problem(url: str) -> str | None:
    """Why `url` cannot be sent as it is (control characters, spaces, or something httpx cannot parse, such as
    a full-width host), or None. Checked at submission and again before each attempt (rows stored before this
    check existed)."""
    if any(ch.isspace() or unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp") for ch in url):
        return "control characters and spaces are not allowed (percent-encode them)"
    try:
        httpx.URL(url)
        parts = urlsplit(url)
        _ = parts.port
    except (httpx.InvalidURL, ValueError) as e:
        return f"not a URL ({e})"
    return None


def _numeric_host(host: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    """The address a host written as a number stands for: a literal, or a form resolvers read as IPv4
    (``2130706433``, ``0x7f.1``, ``127.1``, ``0177.0.0.1``), else None (a name)."""
    try:
        return ipaddress.ip_address(host.strip("[]").split("%", 1)[0])
    except ValueError:
        pass
    try:
        return ipaddress.IPv4Address(socket.inet_aton(host))
    except OSError:
        return None


def check_url(url: str, settings: Settings) -> str:
    """`url` when the webhook policy allows it; `ApiError(400, INVALID_WEBHOOK_URL)` otherwise. A host given as
    an address (in any numeric form) is judged by `dfpn.netguard` here; a name is resolved and judged at each
    delivery, at connect time (`guarded_client`), so a DNS answer changed later is caught too."""

    def bad(why: str) -> ApiError:
        return ApiError(400, GatewayCode.INVALID_WEBHOOK_URL, f"webhook_url {url!r}: {why}")

    problem = url_problem(url)
    if problem is not None:
        raise bad(problem)
    parsed = httpx.URL(url)
    host = parsed.raw_host.decode("ascii")  # IDNA-encoded
    schemes = ("https",) if settings.webhook_require_https else ("https", "http")
    if parsed.scheme not in schemes:
        raise bad(f"the scheme must be {' or '.join(schemes)}")
    if not host:
        raise bad("no host")
    if parsed.userinfo:
        raise bad("credentials in the URL are not allowed; authenticate with the signature")
    if settings.webhook_allow_private:
        return url
    if host.lower().rstrip(".") == "localhost" or host.lower().rstrip(".").endswith(
        (".localhost", ".local", ".internal")
    ):
        raise bad("private hosts are not allowed")
    address = _numeric_host(host)
    if address is not None:
        try:
            check_addresses(host, [address], webhook_policy(settings))
        except DestinationRefused as e:
            raise bad(f"{e.reason}: private, loopback and reserved addresses are not allowed") from e
    return url


def backoff_delay(attempts: int, settings: Settings, rand: Callable[[], float] = random.random) -> float:
    """Delay before the next attempt after `attempts` failed ones: half fixed, half jitter."""
    ceiling = min(settings.webhook_max_delay, settings.webhook_base_delay * 2 ** max(attempts - 1, 0))
    return float(ceiling / 2 + rand() * ceiling / 2)


class WebhookDeliverer:
    """Delivers due webhooks from the store until stopped. `secret_for(request_id)` gives the signing secret;
    `owner` is the replica whose claims these deliveries are."""

    def __init__(
        self,
        store: st.Store,
        settings: Settings,
        secret_for: Callable[[str], str | None],
        *,
        http: httpx.AsyncClient | None = None,
        max_concurrency: int = 8,
        owner: str | None = None,
    ) -> None:
        self.store = store
        self.settings = settings
        self.secret_for = secret_for
        self.owner = owner or f"deliverer-{secrets.token_hex(4)}"
        self._max = max_concurrency
        # Every connection (the first and any other) goes to an address the policy allows, checked at connect
        # time; redirects are not followed (a 3xx is a failed attempt).
        self._http = http or guarded_client(
            webhook_policy(settings), timeout=settings.webhook_timeout, max_redirects=0
        )
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
        try:
            # Deliveries cancelled (or held back) here: another replica, or this one restarted, sends them at once.
            self.store.release_claims(self.owner)
        except Exception:
            logger.exception(
                "could not release the webhook claims of %s (they run out after their lease)", self.owner
            )
        if self._owns_http:
            await self._http.aclose()

    async def _run(self) -> None:
        while True:
            try:
                self._cooldown = {r: t for r, t in self._cooldown.items() if t > time.monotonic()}
                free = self._max - len(self._inflight)
                # Claim only what can be sent now: a claim waiting for a free slot could outlive its lease.
                claimed = (
                    self.store.claim_deliveries(
                        self.owner, lease_seconds=self.settings.webhook_lease_seconds, limit=free
                    )
                    if free > 0
                    else []
                )
                extra = [d.request_id for d in claimed[max(free, 0) :]]
                if extra:  # never more than asked for; if so, give the rest back to the others at once
                    self.store.release_claims(self.owner, extra)
                for d in claimed[: max(free, 0)]:
                    if d.request_id not in self._inflight and d.request_id not in self._cooldown:
                        task = asyncio.create_task(self._deliver_guarded(d), name=f"webhook-{d.request_id}")
                        self._inflight[d.request_id] = task
                next_at = self.store.next_delivery_at()
            except Exception:
                logger.exception("webhook queue scan failed")
                next_at = None
            wait = 5.0 if next_at is None else min(max(next_at - time.time(), 0.05), 5.0)
            self._wake.clear()
            # asyncio.timeout, not wait_for: on Python 3.11 wait_for swallows a cancellation that arrives as the
            # event is set (gh-86296), and stop() then waited for this loop forever (seen in CI)
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(wait):
                    await self._wake.wait()

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
                status = await self._post(d, secret)
            if 200 <= status < 300:
                self.store.mark_delivered(d.request_id, status)
                logger.info(
                    "webhook for %s delivered to %s (HTTP %d)", d.request_id, redact_url(d.url), status
                )
                return True
            error = f"HTTP {status}"
        except DestinationRefused as e:
            return self._refuse(d, f"the host is not a public address: {e.message}")
        except TimeoutError:
            error = f"no answer within {self.settings.webhook_timeout:g} s"
        except Exception as e:
            error = f"{type(e).__name__}: {e}"
        self._record_failure(d, status, redact_text(error))
        return False

    def _refuse(self, d: st.Delivery, why: str) -> bool:
        """A delivery that can never succeed: recorded as given up."""
        self.store.mark_failed_attempt(d.request_id, status=None, error=why, next_at=None, owner=self.owner)
        logger.warning("webhook for %s refused: %s", d.request_id, why)
        return False

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
            self.store.mark_failed_attempt(
                d.request_id, status=status, error=error, next_at=None, owner=self.owner
            )
            logger.warning("webhook for %s gave up after %d attempts: %s", d.request_id, attempts, error)
        else:
            delay = backoff_delay(attempts, self.settings)
            self.store.mark_failed_attempt(
                d.request_id, status=status, error=error, next_at=time.time() + delay, owner=self.owner
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
    "webhook_policy",
]
