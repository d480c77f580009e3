"""The gateway's durable state in SQLite (WAL): API keys (hashed), quotas and usage, submitted requests with their
results, and webhook deliveries. Everything a restarted gateway needs to go on is here.

API keys look like ``dfpn_<key id>_<secret>``; only ``HMAC-SHA256(pepper, key)`` is stored, with the key id in
the clear so keys can be listed and revoked. The pepper is a server secret kept outside the database
(`Settings.key_pepper` or a 0600 file beside it), so a copied database alone does not let anyone check guesses.
Webhook signing secrets (``whsec_...``) are stored as they are: signing needs them.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import os
import re
import secrets
import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

logger = logging.getLogger(__name__)

_SCHEMA = """
CREATE TABLE IF NOT EXISTS api_keys (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    key_hash TEXT NOT NULL UNIQUE,
    quota INTEGER,
    used INTEGER NOT NULL DEFAULT 0,
    rate_count INTEGER NOT NULL,
    rate_seconds REAL NOT NULL,
    webhook_secret TEXT NOT NULL,
    created_at REAL NOT NULL,
    revoked_at REAL
);
CREATE TABLE IF NOT EXISTS usage (
    key_id TEXT NOT NULL REFERENCES api_keys(id),
    day TEXT NOT NULL,
    requests INTEGER NOT NULL DEFAULT 0,
    fee_lamports INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (key_id, day)
);
CREATE TABLE IF NOT EXISTS requests (
    id TEXT PRIMARY KEY,
    key_id TEXT NOT NULL REFERENCES api_keys(id),
    state TEXT NOT NULL,
    submitted TEXT NOT NULL,
    webhook_url TEXT,
    result TEXT,
    error_code TEXT,
    error_message TEXT,
    deadline INTEGER NOT NULL,
    created_at REAL NOT NULL,
    updated_at REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS requests_state ON requests(state);
CREATE TABLE IF NOT EXISTS webhooks (
    request_id TEXT PRIMARY KEY REFERENCES requests(id),
    delivery_id TEXT NOT NULL,
    url TEXT NOT NULL,
    payload TEXT NOT NULL,
    state TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_at REAL NOT NULL,
    delivered_at REAL,
    last_status INTEGER,
    last_error TEXT
);
CREATE INDEX IF NOT EXISTS webhooks_due ON webhooks(state, next_at);
"""

#: Request states. Submitting: the transaction is being sent; Open: followed by the watcher; the others are final.
SUBMITTING, OPEN, FINALIZED, EXPIRED, FAILED = "Submitting", "Open", "Finalized", "Expired", "Failed"
#: SQL LIKE pattern of the error message of a Failed request whose transaction never landed (watcher.py
#: `_not_landed`): nothing was paid and its quota was given back, so it does not count against the key's quota.
NOT_LANDED_PATTERN = "the submission of % did not land on-chain (nothing was paid)%"
#: Webhook delivery states.
PENDING, DELIVERED, GAVE_UP = "pending", "delivered", "failed"

_KEY_RE = re.compile(r"^dfpn_([0-9a-f]{12})_[A-Za-z0-9_-]{20,100}$")
_RATE_RE = re.compile(
    r"^\s*(\d+)\s*/\s*(\d*)\s*(s|sec|second|m|min|minute|h|hr|hour|d|day)s?\s*$", re.IGNORECASE
)
_UNITS = {
    "s": 1,
    "sec": 1,
    "second": 1,
    "m": 60,
    "min": 60,
    "minute": 60,
    "h": 3600,
    "hr": 3600,
    "hour": 3600,
}
_UNITS |= {"d": 86400, "day": 86400}


@dataclass(frozen=True, slots=True)
class Rate:
    """At most `count` requests per `seconds`."""

    count: int
    seconds: float

    def __str__(self) -> str:
        for unit, secs in (("day", 86400), ("hour", 3600), ("min", 60)):
            if self.seconds == secs:
                return f"{self.count}/{unit}"
        return f"{self.count}/{self.seconds:g}s"


def parse_rate(text: str) -> Rate:
    """``"10/min"``, ``"5/sec"``, ``"1000/day"``, ``"30/5min"`` → `Rate`; `ValueError` otherwise."""
    m = _RATE_RE.match(text)
    if not m:
        raise ValueError(f"rate {text!r} is not N/sec, N/min, N/hour or N/day (e.g. 10/min)")
    count, multiple, unit = int(m.group(1)), int(m.group(2) or 1), m.group(3).lower()
    if count < 1 or multiple < 1:
        raise ValueError(f"rate {text!r}: the count and the period must be positive")
    return Rate(count, float(multiple * _UNITS[unit]))


@dataclass(frozen=True, slots=True)
class ApiKey:
    """An API key as stored (never the key itself)."""

    id: str
    name: str
    quota: int | None
    used: int
    rate: Rate
    webhook_secret: str
    created_at: float
    revoked_at: float | None

    @property
    def revoked(self) -> bool:
        return self.revoked_at is not None


@dataclass(frozen=True, slots=True)
class StoredRequest:
    id: str
    key_id: str
    state: str
    submitted: str
    webhook_url: str | None
    result: str | None
    error_code: str | None
    error_message: str | None
    deadline: int
    created_at: float
    updated_at: float


@dataclass(frozen=True, slots=True)
class Delivery:
    request_id: str
    delivery_id: str
    url: str
    payload: str
    state: str
    attempts: int
    next_at: float
    delivered_at: float | None
    last_status: int | None
    last_error: str | None


def key_id_of(key: str) -> str | None:
    """The key id inside a well-formed API key, None for anything else."""
    m = _KEY_RE.match(key)
    return m.group(1) if m else None


def load_pepper(path: Path) -> bytes:
    """The pepper in `path`, created (32 random bytes, hex, mode 0600) when missing."""
    try:
        return bytes.fromhex(path.read_text().strip())
    except FileNotFoundError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    value = secrets.token_hex(32)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another process created it first
        return bytes.fromhex(path.read_text().strip())
    with os.fdopen(fd, "w") as f:
        f.write(value + "\n")
    logger.info("created the API key pepper %s", path)
    return bytes.fromhex(value)


class Store:
    """One SQLite database. Safe to share between the event loop and threads (one connection, one lock), and
    between processes (WAL, busy timeout): `dfpn-gateway keys ...` works while the server runs."""

    def __init__(self, path: Path, pepper: bytes) -> None:
        if not pepper:
            raise ValueError("the API key pepper must not be empty")
        self.path = path
        self._pepper = pepper
        path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(path, timeout=30.0, check_same_thread=False, isolation_level=None)
        self._db.row_factory = sqlite3.Row
        self._lock = threading.RLock()
        with self._lock:
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=NORMAL")
            self._db.execute("PRAGMA foreign_keys=ON")
            self._db.executescript(_SCHEMA)

    def close(self) -> None:
        with self._lock:
            self._db.close()

    @contextmanager
    def _tx(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                yield self._db
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")

    # ---- API keys --------------------------------------------------------------------------------------------

    def hash_key(self, key: str) -> str:
        return hmac.new(self._pepper, key.encode(), hashlib.sha256).hexdigest()

    def create_key(self, name: str, *, quota: int | None, rate: Rate) -> tuple[ApiKey, str]:
        """A new key: (its record, the key itself — shown once, never stored)."""
        if quota is not None and quota < 0:
            raise ValueError("quota must be >= 0")
        key_id = secrets.token_hex(6)
        key = f"dfpn_{key_id}_{secrets.token_urlsafe(32)}"
        webhook_secret = f"whsec_{secrets.token_urlsafe(32)}"
        now = time.time()
        with self._tx() as db:
            db.execute(
                "INSERT INTO api_keys (id, name, key_hash, quota, used, rate_count, rate_seconds, webhook_secret,"
                " created_at) VALUES (?, ?, ?, ?, 0, ?, ?, ?, ?)",
                (key_id, name, self.hash_key(key), quota, rate.count, rate.seconds, webhook_secret, now),
            )
        logger.info("API key %s (%s) created: quota %s, rate %s", key_id, name, quota, rate)
        record = self.get_key(key_id)
        assert record is not None
        return record, key

    @staticmethod
    def _key(row: sqlite3.Row) -> ApiKey:
        return ApiKey(
            id=row["id"],
            name=row["name"],
            quota=row["quota"],
            used=row["used"],
            rate=Rate(row["rate_count"], row["rate_seconds"]),
            webhook_secret=row["webhook_secret"],
            created_at=row["created_at"],
            revoked_at=row["revoked_at"],
        )

    def get_key(self, key_id: str) -> ApiKey | None:
        with self._lock:
            row = self._db.execute("SELECT * FROM api_keys WHERE id = ?", (key_id,)).fetchone()
        return None if row is None else self._key(row)

    def verify_key(self, key: str) -> ApiKey | None:
        """The record of `key` (revoked or not), None when it is not a key of this gateway."""
        key_id = key_id_of(key)
        if key_id is None:
            return None
        with self._lock:
            row = self._db.execute(
                "SELECT * FROM api_keys WHERE key_hash = ?", (self.hash_key(key),)
            ).fetchone()
        if row is None or not hmac.compare_digest(row["id"], key_id):
            return None
        return self._key(row)

    def list_keys(self) -> list[ApiKey]:
        with self._lock:
            rows = self._db.execute("SELECT * FROM api_keys ORDER BY created_at").fetchall()
        return [self._key(r) for r in rows]

    def revoke_key(self, key_id: str) -> bool:
        """Revoke a key; False when there is no such key or it was already revoked."""
        with self._tx() as db:
            cur = db.execute(
                "UPDATE api_keys SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL",
                (time.time(), key_id),
            )
        if cur.rowcount:
            logger.info("API key %s revoked", key_id)
        return cur.rowcount == 1

    def set_quota(self, key_id: str, quota: int | None) -> bool:
        with self._tx() as db:
            cur = db.execute("UPDATE api_keys SET quota = ? WHERE id = ?", (quota, key_id))
        return cur.rowcount == 1

    def reserve_quota(self, key_id: str) -> bool:
        """Take one request from the key's quota; False when it is used up. `used` counts recorded requests plus
        reservations in flight; `reconcile_quotas` gives back at start-up what a crash left reserved."""
        with self._tx() as db:
            cur = db.execute(
                "UPDATE api_keys SET used = used + 1 WHERE id = ? AND (quota IS NULL OR used < quota)",
                (key_id,),
            )
        return cur.rowcount == 1

    def release_quota(self, key_id: str) -> None:
        """Give back a reservation whose submission failed."""
        with self._tx() as db:
            db.execute("UPDATE api_keys SET used = used - 1 WHERE id = ? AND used > 0", (key_id,))

    def reconcile_quotas(self) -> dict[str, tuple[int, int]]:
        """Set every key's `used` to the number of its recorded requests, giving back reservations that no request
        backs (a gateway killed between reserving and recording a submission). Requests that failed because their
        transaction never landed are not counted: the watcher gave their quota back already (it marks them with
        the message `NOT_LANDED_PATTERN` matches). Only for start-up, before any submission: a reservation in
        flight is not backed yet. Returns {key id: (used before, used now)} of the keys that changed."""
        with self._tx() as db:
            rows = db.execute(
                "SELECT k.id, k.used, (SELECT COUNT(*) FROM requests r WHERE r.key_id = k.id"
                " AND NOT (r.state = ? AND r.error_message LIKE ?)) AS recorded FROM api_keys k",
                (FAILED, NOT_LANDED_PATTERN),
            ).fetchall()
            changed = {
                r["id"]: (int(r["used"]), int(r["recorded"])) for r in rows if r["used"] != r["recorded"]
            }
            for key_id, (_, recorded) in changed.items():
                db.execute("UPDATE api_keys SET used = ? WHERE id = ?", (recorded, key_id))
        for key_id, (before, now) in changed.items():
            logger.warning(
                "API key %s: quota used %d -> %d (reservations of requests never recorded)",
                key_id,
                before,
                now,
            )
        return changed

    def usage(self, key_id: str) -> list[tuple[str, int, int]]:
        """(day, requests, fee lamports) per UTC day, oldest first."""
        with self._lock:
            rows = self._db.execute(
                "SELECT day, requests, fee_lamports FROM usage WHERE key_id = ? ORDER BY day", (key_id,)
            ).fetchall()
        return [(r["day"], r["requests"], r["fee_lamports"]) for r in rows]

    # ---- requests --------------------------------------------------------------------------------------------

    def begin_request(
        self, request_id: str, key_id: str, intent_json: str, webhook_url: str | None, deadline: int
    ) -> None:
        """Record a submission about to be sent (state Submitting), so that a gateway that stops between sending
        the transaction and `confirm_request` finds out on restart what became of it."""
        now = time.time()
        with self._tx() as db:
            db.execute(
                "INSERT INTO requests (id, key_id, state, submitted, webhook_url, deadline, created_at, updated_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (request_id, key_id, SUBMITTING, intent_json, webhook_url, deadline, now, now),
            )

    def confirm_request(self, request_id: str, submitted_json: str, deadline: int, fee: int) -> None:
        """The submission landed: the request is Open (followed by the watcher) and counted in the key's usage."""
        now = time.time()
        day = time.strftime("%Y-%m-%d", time.gmtime(now))
        with self._tx() as db:
            row = db.execute(
                "UPDATE requests SET state = ?, submitted = ?, deadline = ?, updated_at = ? WHERE id = ? AND state = ?"
                " RETURNING key_id",
                (OPEN, submitted_json, deadline, now, request_id, SUBMITTING),
            ).fetchone()
            if row is None:
                return
            db.execute(
                "INSERT INTO usage (key_id, day, requests, fee_lamports) VALUES (?, ?, 1, ?)"
                " ON CONFLICT (key_id, day) DO UPDATE SET requests = requests + 1,"
                " fee_lamports = fee_lamports + excluded.fee_lamports",
                (row["key_id"], day, fee),
            )

    def drop_request(self, request_id: str) -> None:
        """Forget a submission that was refused (nothing was sent or the transaction failed)."""
        with self._tx() as db:
            db.execute("DELETE FROM requests WHERE id = ? AND state = ?", (request_id, SUBMITTING))

    def submitting_requests(self) -> list[StoredRequest]:
        with self._lock:
            rows = self._db.execute("SELECT * FROM requests WHERE state = ?", (SUBMITTING,)).fetchall()
        return [self._request(r) for r in rows]

    @staticmethod
    def _request(row: sqlite3.Row) -> StoredRequest:
        return StoredRequest(**{k: row[k] for k in row.keys()})  # noqa: SIM118 - sqlite3.Row

    def get_request(self, request_id: str) -> StoredRequest | None:
        with self._lock:
            row = self._db.execute("SELECT * FROM requests WHERE id = ?", (request_id,)).fetchone()
        return None if row is None else self._request(row)

    def open_requests(self) -> list[StoredRequest]:
        with self._lock:
            rows = self._db.execute(
                "SELECT * FROM requests WHERE state = ? ORDER BY created_at", (OPEN,)
            ).fetchall()
        return [self._request(r) for r in rows]

    def finish_request(
        self,
        request_id: str,
        state: str,
        *,
        result_json: str | None = None,
        error: tuple[str, str] | None = None,
        webhook_payload: str | None = None,
    ) -> bool:
        """Record the outcome of an open request and, in the same transaction, schedule its webhook (when it has
        a URL and `webhook_payload` is given). False when the request was not open (already finished)."""
        now = time.time()
        with self._tx() as db:
            row = db.execute("SELECT state, webhook_url FROM requests WHERE id = ?", (request_id,)).fetchone()
            if row is None or row["state"] not in (OPEN, SUBMITTING):
                return False
            db.execute(
                "UPDATE requests SET state = ?, result = ?, error_code = ?, error_message = ?, updated_at = ?"
                " WHERE id = ?",
                (
                    state,
                    result_json,
                    error[0] if error else None,
                    error[1] if error else None,
                    now,
                    request_id,
                ),
            )
            if row["webhook_url"] and webhook_payload is not None:
                db.execute(
                    "INSERT INTO webhooks (request_id, delivery_id, url, payload, state, attempts, next_at)"
                    " VALUES (?, ?, ?, ?, ?, 0, ?)",
                    (
                        request_id,
                        f"dlv_{secrets.token_hex(12)}",
                        row["webhook_url"],
                        webhook_payload,
                        PENDING,
                        now,
                    ),
                )
        logger.info("request %s: %s", request_id, state)
        return True

    def counts(self) -> dict[str, int]:
        """Open requests and pending webhook deliveries."""
        with self._lock:
            open_n = self._db.execute("SELECT COUNT(*) FROM requests WHERE state = ?", (OPEN,)).fetchone()[0]
            pending = self._db.execute(
                "SELECT COUNT(*) FROM webhooks WHERE state = ?", (PENDING,)
            ).fetchone()[0]
        return {"openRequests": int(open_n), "pendingWebhooks": int(pending)}

    # ---- webhooks --------------------------------------------------------------------------------------------

    @staticmethod
    def _delivery(row: sqlite3.Row) -> Delivery:
        return Delivery(**{k: row[k] for k in row.keys()})  # noqa: SIM118 - sqlite3.Row

    def get_delivery(self, request_id: str) -> Delivery | None:
        with self._lock:
            row = self._db.execute("SELECT * FROM webhooks WHERE request_id = ?", (request_id,)).fetchone()
        return None if row is None else self._delivery(row)

    def due_deliveries(self, now: float, limit: int = 50) -> list[Delivery]:
        with self._lock:
            rows = self._db.execute(
                "SELECT * FROM webhooks WHERE state = ? AND next_at <= ? ORDER BY next_at LIMIT ?",
                (PENDING, now, limit),
            ).fetchall()
        return [self._delivery(r) for r in rows]

    def next_delivery_at(self) -> float | None:
        with self._lock:
            row = self._db.execute("SELECT MIN(next_at) FROM webhooks WHERE state = ?", (PENDING,)).fetchone()
        return None if row[0] is None else float(row[0])

    def mark_delivered(self, request_id: str, status: int) -> None:
        with self._tx() as db:
            db.execute(
                "UPDATE webhooks SET state = ?, attempts = attempts + 1, delivered_at = ?, last_status = ?,"
                " last_error = NULL WHERE request_id = ? AND state = ?",
                (DELIVERED, time.time(), status, request_id, PENDING),
            )

    def mark_failed_attempt(
        self, request_id: str, *, status: int | None, error: str, next_at: float | None
    ) -> None:
        """Record a failed attempt; `next_at` None means no more attempts."""
        with self._tx() as db:
            db.execute(
                "UPDATE webhooks SET attempts = attempts + 1, last_status = ?, last_error = ?, state = ?,"
                " next_at = COALESCE(?, next_at) WHERE request_id = ? AND state = ?",
                (
                    status,
                    error[:500],
                    PENDING if next_at is not None else GAVE_UP,
                    next_at,
                    request_id,
                    PENDING,
                ),
            )


__all__ = [
    "DELIVERED",
    "EXPIRED",
    "FAILED",
    "FINALIZED",
    "GAVE_UP",
    "NOT_LANDED_PATTERN",
    "OPEN",
    "PENDING",
    "SUBMITTING",
    "ApiKey",
    "Delivery",
    "Rate",
    "Store",
    "StoredRequest",
    "key_id_of",
    "load_pepper",
    "parse_rate",
]
