"""The gateway's durable state: API keys (hashed), quotas and usage, rate limits, submitted requests with their
results, webhook deliveries, and the replicas sharing the database. Everything a restarted gateway (or another
replica) needs to go on is here.

One interface, `Store`, with two implementations: `SQLiteStore` (a file, the embedded zero-setup default; WAL) and
`PostgresStore` (a DSN; several gateway processes behind a load balancer share it). Both run the same statements,
written once in SQLAlchemy Core against `dfpn_gateway.schema`; a subclass only says how to connect, how to lock
for a migration and which dialect's upsert to use. The schema is created and upgraded by Alembic
(`dfpn_gateway.migrations`) when a store is opened (or by ``dfpn-gateway db upgrade``).

What holds across replicas, and how (every one a single conditional statement, or one transaction):

- **quotas**: `reserve_quota` is ``UPDATE api_keys SET used = used + 1 WHERE id = ? AND used < quota`` (the row
  lock makes concurrent reservations queue, and each one re-checks the condition), with a `quota_holds` row
  naming the replica in the same transaction; the hold becomes the request row (`begin_request`) or is given
  back. A dead replica's holds are given back by whichever replica reaps it (`reap_replica`).
- **rate limits**: GCRA in one conditional ``UPDATE rate_limits`` (`take_rate_token`).
- **webhooks**: a replica claims due deliveries with a lease (``UPDATE ... SET claimed_by, lease_until WHERE
  state = 'pending' AND the lease expired`` ... ``FOR UPDATE SKIP LOCKED`` on PostgreSQL): one replica at a time
  sends a delivery; a delivered one is never sent again; a dead replica's claims are released with a backoff.
- **requests**: finishing is ``UPDATE ... WHERE state = 'Open'``, so one outcome and one webhook per request;
  each open request has an `owner` replica that follows it, and the requests of a dead replica are taken over.

API keys look like ``dfpn_<key id>_<secret>``; only ``HMAC-SHA256(pepper, key)`` is stored, with the key id in
the clear so keys can be listed and revoked. The pepper is a server secret kept outside the database
(`Settings.key_pepper` or a 0600 file beside an SQLite database), so a copied database alone does not let anyone
check guesses. Webhook signing secrets (``whsec_...``) are stored as they are: signing needs them.
"""

from __future__ import annotations

import abc
import hashlib
import hmac
import logging
import os
import re
import secrets
import sqlite3
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar, Literal

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql as pg_dialect
from sqlalchemy.dialects import sqlite as sqlite_dialect

from dfpn_gateway import schema as t

logger = logging.getLogger(__name__)

#: Request states. Submitting: the transaction is being sent; Open: followed by the watcher; the others are final.
SUBMITTING, OPEN, FINALIZED, EXPIRED, FAILED = "Submitting", "Open", "Finalized", "Expired", "Failed"
FINAL_STATES = (FINALIZED, EXPIRED, FAILED)
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
    owner: str | None = None


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
    claimed_by: str | None = None
    lease_until: float | None = None


@dataclass(frozen=True, slots=True)
class ReplicaInfo:
    """A gateway process sharing the database, as registered."""

    id: str
    host: str
    pid: int
    started_at: float
    seen_at: float
    expires_at: float


@dataclass(frozen=True, slots=True)
class Reaped:
    """What `reap_replica` took back from a replica that is gone."""

    replica: str
    #: Quota reservations given back, per key.
    holds: dict[str, int] = field(default_factory=dict)
    #: Deliveries it was sending, rescheduled after a backoff (or given up after the last attempt).
    deliveries: int = 0
    #: Requests it was sending or following, now without an owner (to be taken over).
    requests: int = 0


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


def _request(row: Mapping[Any, Any]) -> StoredRequest:
    return StoredRequest(**{c.name: row[c.name] for c in t.requests.columns})


def _delivery(row: Mapping[Any, Any]) -> Delivery:
    return Delivery(**{c.name: row[c.name] for c in t.webhooks.columns})


def _key(row: Mapping[Any, Any]) -> ApiKey:
    return ApiKey(
        id=row["id"],
        name=row["name"],
        quota=row["quota"],
        used=row["used"],
        rate=Rate(int(row["rate_count"]), float(row["rate_seconds"])),
        webhook_secret=row["webhook_secret"],
        created_at=row["created_at"],
        revoked_at=row["revoked_at"],
    )


# The statements of every API call (authentication, rate, a request and its delivery), built once: building a
# statement costs about as much as running it on SQLite.
_KEY_BY_HASH = sa.select(t.api_keys).where(t.api_keys.c.key_hash == sa.bindparam("key_hash"))
_KEY_BY_ID = sa.select(t.api_keys).where(t.api_keys.c.id == sa.bindparam("key_id"))
_REQUEST_BY_ID = sa.select(t.requests).where(t.requests.c.id == sa.bindparam("request_id"))
_DELIVERY_BY_ID = sa.select(t.webhooks).where(t.webhooks.c.request_id == sa.bindparam("request_id"))
_RATE_NOW: sa.BindParameter[float] = sa.bindparam("now", type_=sa.Double())
_RATE_STEP: sa.BindParameter[float] = sa.bindparam("step", type_=sa.Double())
_RATE_PERIOD: sa.BindParameter[float] = sa.bindparam("period", type_=sa.Double())
_RATE_NEXT = sa.case((t.rate_limits.c.tat > _RATE_NOW, t.rate_limits.c.tat), else_=_RATE_NOW) + _RATE_STEP
_RATE_TAKE = (
    sa.update(t.rate_limits)
    .where(t.rate_limits.c.key_id == sa.bindparam("k"), _RATE_NEXT <= _RATE_NOW + _RATE_PERIOD)
    .values(tat=_RATE_NEXT)
)
_RATE_TAT = sa.select(t.rate_limits.c.tat).where(t.rate_limits.c.key_id == sa.bindparam("k"))


def _later(a: sa.ColumnElement[Any], b: sa.ColumnElement[Any] | float) -> sa.ColumnElement[Any]:
    """The larger of two times, written the same on every database (SQLite's max() and PostgreSQL's GREATEST()
    differ)."""
    return sa.case((a > b, a), else_=b)


class Store(abc.ABC):
    """The gateway's state in one SQL database (see the module's docstring). Safe to share between the event loop
    and threads (a connection pool) and between processes: `dfpn-gateway keys ...` works while servers run."""

    #: "sqlite" or "postgresql".
    backend: ClassVar[Literal["sqlite", "postgresql"]]

    def __init__(self, engine: sa.Engine, pepper: bytes, *, migrate: bool = True, check: bool = True) -> None:
        """`migrate`: bring the schema to the newest revision first; else (`check`) refuse a database that is not
        at it (`RuntimeError`)."""
        if not pepper:
            raise ValueError("the API key pepper must not be empty")
        self._pepper = pepper
        self.engine = engine
        self._reader = engine.execution_options(dfpn_write=False)
        self._writer = engine.execution_options(dfpn_write=True)
        try:
            if migrate:
                from dfpn_gateway.migrations import upgrade

                upgrade(self)
            elif check:
                from dfpn_gateway.migrations import check_current

                check_current(self)
        except BaseException:
            engine.dispose()
            raise

    # ---- what a backend provides -------------------------------------------------------------------------------

    @abc.abstractmethod
    def describe(self) -> str:
        """The database for logs (no password)."""

    @abc.abstractmethod
    def lock_for_migration(self, conn: sa.Connection) -> None:
        """Within `conn`'s transaction: keep other processes from migrating at the same time."""

    @abc.abstractmethod
    def _insert(self, table: sa.Table) -> Any:
        """The dialect's INSERT (with ``on_conflict_do_update`` / ``on_conflict_do_nothing``)."""

    def _lock_keys(self, conn: sa.Connection) -> None:  # noqa: B027 - optional hook
        """Within a write transaction: lock every key's row (for a recount). SQLite needs nothing: its write
        transactions (BEGIN IMMEDIATE) already exclude each other."""

    # ---- transactions ------------------------------------------------------------------------------------------

    @contextmanager
    def write(self) -> Iterator[sa.Connection]:
        """A write transaction (on SQLite BEGIN IMMEDIATE: it takes the write lock at once, so two processes never
        deadlock upgrading a read lock)."""
        with self._writer.connect() as conn, conn.begin():
            yield conn

    @contextmanager
    def read(self) -> Iterator[sa.Connection]:
        """Reads, each statement on its own (autocommit)."""
        with self._reader.connect() as conn:
            yield conn

    def close(self) -> None:
        self.engine.dispose()

    # ---- API keys --------------------------------------------------------------------------------------------

    def hash_key(self, key: str) -> str:
        return hmac.new(self._pepper, key.encode(), hashlib.sha256).hexdigest()

    def create_key(self, name: str, *, quota: int | None, rate: Rate) -> tuple[ApiKey, str]:
        """A new key: (its record, the key itself — shown once, never stored)."""
        if quota is not None and quota < 0:
            raise ValueError("quota must be >= 0")
        key_id = secrets.token_hex(6)
        key = f"dfpn_{key_id}_{secrets.token_urlsafe(32)}"
        with self.write() as db:
            db.execute(
                t.api_keys.insert().values(
                    id=key_id,
                    name=name,
                    key_hash=self.hash_key(key),
                    quota=quota,
                    used=0,
                    rate_count=rate.count,
                    rate_seconds=rate.seconds,
                    webhook_secret=f"whsec_{secrets.token_urlsafe(32)}",
                    created_at=time.time(),
                )
            )
        logger.info("API key %s (%s) created: quota %s, rate %s", key_id, name, quota, rate)
        record = self.get_key(key_id)
        assert record is not None
        return record, key

    def get_key(self, key_id: str) -> ApiKey | None:
        with self.read() as db:
            row = db.execute(_KEY_BY_ID, {"key_id": key_id}).mappings().first()
        return None if row is None else _key(row)

    def verify_key(self, key: str) -> ApiKey | None:
        """The record of `key` (revoked or not), None when it is not a key of this gateway."""
        key_id = key_id_of(key)
        if key_id is None:
            return None
        with self.read() as db:
            row = db.execute(_KEY_BY_HASH, {"key_hash": self.hash_key(key)}).mappings().first()
        if row is None or not hmac.compare_digest(row["id"], key_id):
            return None
        return _key(row)

    def list_keys(self) -> list[ApiKey]:
        with self.read() as db:
            rows = db.execute(sa.select(t.api_keys).order_by(t.api_keys.c.created_at)).mappings().all()
        return [_key(r) for r in rows]

    def revoke_key(self, key_id: str) -> bool:
        """Revoke a key; False when there is no such key or it was already revoked."""
        k = t.api_keys.c
        with self.write() as db:
            n = db.execute(
                sa.update(t.api_keys)
                .where(k.id == key_id, k.revoked_at.is_(None))
                .values(revoked_at=time.time())
            ).rowcount
        if n:
            logger.info("API key %s revoked", key_id)
        return n == 1

    def set_quota(self, key_id: str, quota: int | None) -> bool:
        with self.write() as db:
            n = db.execute(
                sa.update(t.api_keys).where(t.api_keys.c.id == key_id).values(quota=quota)
            ).rowcount
        return n == 1

    # ---- rate limits -----------------------------------------------------------------------------------------

    def take_rate_token(self, key_id: str, rate: Rate, now: float | None = None) -> float:
        """One call of the key's `rate` (`rate.count` at once, refilled evenly over `rate.seconds`), counted for
        every replica together: 0 when allowed, else the seconds until one is (nothing is taken).

        GCRA: the row holds the theoretical arrival time `tat`; a call is allowed when ``max(tat, now) + T`` is at
        most ``now + rate.seconds`` (T = rate.seconds / rate.count), and then stores that as the new `tat`: one
        conditional UPDATE, atomic on both databases."""
        now = time.time() if now is None else now
        step = rate.seconds / rate.count
        c = t.rate_limits.c
        params = {"k": key_id, "now": now, "step": step, "period": rate.seconds}
        with self.write() as db:
            # At most three rounds: on PostgreSQL a row another replica inserted after this UPDATE began is
            # invisible to it (READ COMMITTED), and is seen by the next one.
            for _ in range(3):
                if db.execute(_RATE_TAKE, params).rowcount:
                    return 0.0
                tat = db.execute(_RATE_TAT, params).scalar()
                if tat is None:
                    first = self._insert(t.rate_limits).values(key_id=key_id, tat=now + step)
                    inserted = db.execute(
                        first.on_conflict_do_nothing(index_elements=["key_id"]).returning(c.key_id)
                    ).first()
                    if inserted is not None:
                        return 0.0
                    continue
                wait = max(float(tat), now) + step - (now + rate.seconds)
                if wait > 0:
                    return wait
        return step

    # ---- quotas ----------------------------------------------------------------------------------------------

    def reserve_quota(self, key_id: str, owner: str) -> str | None:
        """Take one request from the key's quota for a submission of replica `owner`: the hold's id, or None when
        the quota is used up. `used` counts recorded requests plus holds; a hold becomes the request
        (`begin_request`) or is given back (`release_hold`, or `reap_replica` when its replica died)."""
        k = t.api_keys.c
        hold = f"hold_{secrets.token_hex(8)}"
        with self.write() as db:
            n = db.execute(
                sa.update(t.api_keys)
                .where(k.id == key_id, sa.or_(k.quota.is_(None), k.used < k.quota))
                .values(used=k.used + 1)
            ).rowcount
            if n != 1:
                return None
            db.execute(
                t.quota_holds.insert().values(id=hold, key_id=key_id, owner=owner, created_at=time.time())
            )
        return hold

    def release_hold(self, hold: str) -> bool:
        """Give back a reservation whose submission failed before it was recorded; False when the hold is gone
        already (recorded as a request, or given back by a reaper)."""
        with self.write() as db:
            key_id = db.execute(
                sa.delete(t.quota_holds).where(t.quota_holds.c.id == hold).returning(t.quota_holds.c.key_id)
            ).scalar()
            if key_id is None:
                return False
            _decrement(db, key_id, 1)
        return True

    def holds(self, key_id: str) -> int:
        """Reservations of submissions in flight for this key, on every replica."""
        with self.read() as db:
            return int(
                db.execute(
                    sa.select(sa.func.count())
                    .select_from(t.quota_holds)
                    .where(t.quota_holds.c.key_id == key_id)
                ).scalar_one()
            )

    def reconcile_quotas(self) -> dict[str, tuple[int, int]]:
        """Set every key's `used` to its recorded requests plus its holds, giving back what nothing backs (a
        database of an older gateway, which kept reservations only in `used`, killed while submitting). Requests
        that failed because their transaction never landed do not count: their quota was given back when that was
        found (they carry the message `NOT_LANDED_PATTERN` matches). Safe while other replicas submit: the keys'
        rows are locked while they are counted. Returns {key id: (used before, used now)} of those that changed."""
        r, k, h = t.requests.c, t.api_keys.c, t.quota_holds.c
        # Every request row (being submitted, open or finished) holds one, except those that never landed.
        recorded = (
            sa.select(sa.func.count())
            .where(
                r.key_id == k.id,
                ~sa.and_(r.state == FAILED, sa.func.coalesce(r.error_message, "").like(NOT_LANDED_PATTERN)),
            )
            .scalar_subquery()
        )
        held = sa.select(sa.func.count()).where(h.key_id == k.id).scalar_subquery()
        with self.write() as db:
            self._lock_keys(db)
            rows = db.execute(
                sa.select(k.id, k.used, (recorded + held).label("backed")).select_from(t.api_keys)
            ).all()
            changed = {i: (int(used), int(backed)) for i, used, backed in rows if used != backed}
            for key_id, (_, backed) in changed.items():
                db.execute(sa.update(t.api_keys).where(k.id == key_id).values(used=backed))
        for key_id, (before, now) in changed.items():
            logger.warning(
                "API key %s: quota used %d -> %d (reservations no request or submission backs)",
                key_id,
                before,
                now,
            )
        return changed

    def usage(self, key_id: str) -> list[tuple[str, int, int]]:
        """(day, requests, fee lamports) per UTC day, oldest first."""
        u = t.usage.c
        with self.read() as db:
            rows = db.execute(
                sa.select(u.day, u.requests, u.fee_lamports).where(u.key_id == key_id).order_by(u.day)
            ).all()
        return [(d, int(n), int(f)) for d, n, f in rows]

    # ---- requests --------------------------------------------------------------------------------------------

    def begin_request(
        self,
        request_id: str,
        key_id: str,
        intent_json: str,
        webhook_url: str | None,
        deadline: int,
        *,
        owner: str | None = None,
        hold: str | None = None,
    ) -> bool:
        """Record a submission about to be sent (state Submitting, owned by replica `owner`), so that a gateway that
        stops between sending the transaction and `confirm_request` is found out. The quota `hold` becomes this
        row. False (nothing recorded) when the hold was given back meanwhile (its replica was taken for dead) and
        the quota has no room left to take it again."""
        now = time.time()
        k = t.api_keys.c
        with self.write() as db:
            if hold is not None:
                gone = db.execute(sa.delete(t.quota_holds).where(t.quota_holds.c.id == hold)).rowcount == 0
                if gone and (
                    db.execute(
                        sa.update(t.api_keys)
                        .where(k.id == key_id, sa.or_(k.quota.is_(None), k.used < k.quota))
                        .values(used=k.used + 1)
                    ).rowcount
                    != 1
                ):
                    return False
            db.execute(
                t.requests.insert().values(
                    id=request_id,
                    key_id=key_id,
                    state=SUBMITTING,
                    submitted=intent_json,
                    webhook_url=webhook_url,
                    deadline=deadline,
                    created_at=now,
                    updated_at=now,
                    owner=owner,
                )
            )
        return True

    def confirm_request(self, request_id: str, submitted_json: str, deadline: int, fee: int) -> None:
        """The submission landed: the request is Open (followed by the watcher) and counted in the key's usage."""
        now = time.time()
        day = time.strftime("%Y-%m-%d", time.gmtime(now))
        r = t.requests.c
        with self.write() as db:
            key_id = db.execute(
                sa.update(t.requests)
                .where(r.id == request_id, r.state == SUBMITTING)
                .values(state=OPEN, submitted=submitted_json, deadline=deadline, updated_at=now)
                .returning(r.key_id)
            ).scalar()
            if key_id is None:
                return
            insert = self._insert(t.usage).values(key_id=key_id, day=day, requests=1, fee_lamports=fee)
            db.execute(
                insert.on_conflict_do_update(
                    index_elements=["key_id", "day"],
                    set_={
                        "requests": t.usage.c.requests + 1,
                        "fee_lamports": t.usage.c.fee_lamports + insert.excluded.fee_lamports,
                    },
                )
            )

    def drop_request(self, request_id: str) -> bool:
        """Forget a submission that was refused (nothing was sent, or the transaction failed or never landed) and
        give its quota back; False when it was not being submitted."""
        r = t.requests.c
        with self.write() as db:
            key_id = db.execute(
                sa.delete(t.requests).where(r.id == request_id, r.state == SUBMITTING).returning(r.key_id)
            ).scalar()
            if key_id is None:
                return False
            _decrement(db, key_id, 1)
        return True

    def submitting_requests(self, owner: str | None = None) -> list[StoredRequest]:
        """Submissions in flight (of replica `owner` only, when given)."""
        r = t.requests.c
        query = sa.select(t.requests).where(r.state == SUBMITTING)
        if owner is not None:
            query = query.where(r.owner == owner)
        with self.read() as db:
            return [_request(row) for row in db.execute(query).mappings()]

    def get_request(self, request_id: str) -> StoredRequest | None:
        with self.read() as db:
            row = db.execute(_REQUEST_BY_ID, {"request_id": request_id}).mappings().first()
        return None if row is None else _request(row)

    def open_requests(self, owner: str | None = None) -> list[StoredRequest]:
        """Open requests, oldest first (only those replica `owner` follows, when given)."""
        r = t.requests.c
        query = sa.select(t.requests).where(r.state == OPEN).order_by(r.created_at)
        if owner is not None:
            query = query.where(r.owner == owner)
        with self.read() as db:
            return [_request(row) for row in db.execute(query).mappings()]

    def list_requests(
        self,
        key_id: str,
        *,
        limit: int,
        before: tuple[float, str] | None = None,
        state: str | None = None,
    ) -> list[tuple[StoredRequest, Delivery | None]]:
        """A key's requests (not those still being submitted), newest first, at most `limit`, with their webhook
        deliveries; `before`: (created_at, id) of the last one of the previous page (keyset pagination: a page
        is one index range scan, however deep)."""
        r, w = t.requests.c, t.webhooks.c
        query = (
            sa.select(t.requests, *(c.label(f"w_{c.name}") for c in t.webhooks.columns))
            .select_from(t.requests.outerjoin(t.webhooks, w.request_id == r.id))
            .where(r.key_id == key_id, r.state != SUBMITTING)
            .order_by(r.created_at.desc(), r.id.desc())
            .limit(limit)
        )
        if state is not None:
            query = query.where(r.state == state)
        if before is not None:
            query = query.where(sa.tuple_(r.created_at, r.id) < sa.tuple_(before[0], before[1]))
        with self.read() as db:
            rows = db.execute(query).mappings().all()
        out: list[tuple[StoredRequest, Delivery | None]] = []
        for row in rows:
            delivery = None
            if row["w_request_id"] is not None:
                delivery = _delivery({c.name: row[f"w_{c.name}"] for c in t.webhooks.columns})
            out.append((_request(row), delivery))
        return out

    def finish_request(
        self,
        request_id: str,
        state: str,
        *,
        result_json: str | None = None,
        error: tuple[str, str] | None = None,
        webhook_payload: str | None = None,
        give_back_quota: bool = False,
    ) -> bool:
        """Record the outcome of an open request and, in the same transaction, schedule its webhook (when it has
        a URL and `webhook_payload` is given) and (`give_back_quota`: its transaction never landed) give its quota
        back. False when the request was not open (already finished, here or by another replica)."""
        now = time.time()
        r = t.requests.c
        with self.write() as db:
            row = db.execute(
                sa.update(t.requests)
                .where(r.id == request_id, r.state.in_((OPEN, SUBMITTING)))
                .values(
                    state=state,
                    result=result_json,
                    error_code=error[0] if error else None,
                    error_message=error[1] if error else None,
                    updated_at=now,
                    owner=None,
                )
                .returning(r.webhook_url, r.key_id)
            ).first()
            if row is None:
                return False
            webhook_url, key_id = row
            if webhook_url and webhook_payload is not None:
                db.execute(
                    t.webhooks.insert().values(
                        request_id=request_id,
                        delivery_id=f"dlv_{secrets.token_hex(12)}",
                        url=webhook_url,
                        payload=webhook_payload,
                        state=PENDING,
                        attempts=0,
                        next_at=now,
                    )
                )
            if give_back_quota:
                _decrement(db, key_id, 1)
        logger.info("request %s: %s", request_id, state)
        return True

    def counts(self) -> dict[str, int]:
        """Open requests and pending webhook deliveries."""
        with self.read() as db:
            open_n = db.execute(
                sa.select(sa.func.count()).select_from(t.requests).where(t.requests.c.state == OPEN)
            ).scalar_one()
            pending = db.execute(
                sa.select(sa.func.count()).select_from(t.webhooks).where(t.webhooks.c.state == PENDING)
            ).scalar_one()
        return {"openRequests": int(open_n), "pendingWebhooks": int(pending)}

    # ---- webhooks --------------------------------------------------------------------------------------------

    def get_delivery(self, request_id: str) -> Delivery | None:
        with self.read() as db:
            row = db.execute(_DELIVERY_BY_ID, {"request_id": request_id}).mappings().first()
        return None if row is None else _delivery(row)

    def claim_deliveries(
        self, owner: str, *, lease_seconds: float, limit: int = 50, now: float | None = None
    ) -> list[Delivery]:
        """Claim up to `limit` due deliveries for replica `owner` until ``now + lease_seconds``: pending, due, and
        not claimed by anyone whose lease still holds. Two replicas never claim the same delivery: the conditions
        are checked again on the row itself by the UPDATE (PostgreSQL re-reads a row another transaction changed;
        SQLite runs one write transaction at a time), and PostgreSQL skips rows another claim has locked."""
        now = time.time() if now is None else now
        w = t.webhooks.c
        claimable = sa.and_(
            w.state == PENDING, w.next_at <= now, sa.or_(w.lease_until.is_(None), w.lease_until < now)
        )
        # A CTE, evaluated once: as an IN (subquery) PostgreSQL may run the subquery again for each row it updates,
        # and with SKIP LOCKED each run finds other rows, claiming far more than `limit`.
        due = (
            sa.select(w.request_id)
            .where(claimable)
            .order_by(w.next_at)
            .limit(limit)
            .with_for_update(skip_locked=True)
            .cte("due")
        )
        with self.write() as db:
            rows = (
                db.execute(
                    sa.update(t.webhooks)
                    .where(w.request_id == due.c.request_id, claimable)
                    .values(claimed_by=owner, lease_until=now + lease_seconds)
                    .returning(*t.webhooks.columns)
                )
                .mappings()
                .all()
            )
        return sorted((_delivery(r) for r in rows), key=lambda d: d.next_at)

    def next_delivery_at(self, now: float | None = None) -> float | None:
        """When a pending delivery is next due (or its claim runs out), None when none is pending."""
        now = time.time() if now is None else now
        w = t.webhooks.c
        when = sa.case((w.lease_until > now, _later(w.lease_until, w.next_at)), else_=w.next_at)
        with self.read() as db:
            value = db.execute(sa.select(sa.func.min(when)).where(w.state == PENDING)).scalar()
        return None if value is None else float(value)

    def mark_delivered(self, request_id: str, status: int) -> None:
        """A 2xx answer: delivered, never sent again (whoever holds the claim now: it was delivered)."""
        w = t.webhooks.c
        with self.write() as db:
            db.execute(
                sa.update(t.webhooks)
                .where(w.request_id == request_id, w.state == PENDING)
                .values(
                    state=DELIVERED,
                    attempts=w.attempts + 1,
                    delivered_at=time.time(),
                    last_status=status,
                    last_error=None,
                    claimed_by=None,
                    lease_until=None,
                )
            )

    def mark_failed_attempt(
        self,
        request_id: str,
        *,
        status: int | None,
        error: str,
        next_at: float | None,
        owner: str | None = None,
    ) -> bool:
        """Record a failed attempt and end the claim; `next_at` None means no more attempts. With `owner`, only while
        that replica still holds the claim, or nobody does (after its lease ran out another replica may have taken
        over). False when nothing was recorded."""
        w = t.webhooks.c
        query = sa.update(t.webhooks).where(w.request_id == request_id, w.state == PENDING)
        if owner is not None:
            query = query.where(sa.or_(w.claimed_by == owner, w.claimed_by.is_(None)))
        with self.write() as db:
            n = db.execute(
                query.values(
                    attempts=w.attempts + 1,
                    last_status=status,
                    last_error=error[:500],
                    state=PENDING if next_at is not None else GAVE_UP,
                    next_at=sa.func.coalesce(next_at, w.next_at),
                    claimed_by=None,
                    lease_until=None,
                )
            ).rowcount
        return n == 1

    def release_claims(self, owner: str, request_ids: list[str] | None = None) -> int:
        """End `owner`'s claims (of `request_ids`, or all) without counting an attempt: a replica stopping
        cancelled them, and another may send them at once."""
        w = t.webhooks.c
        query = sa.update(t.webhooks).where(w.claimed_by == owner)
        if request_ids is not None:
            query = query.where(w.request_id.in_(request_ids))
        with self.write() as db:
            return int(db.execute(query.values(claimed_by=None, lease_until=None)).rowcount)

    # ---- replicas --------------------------------------------------------------------------------------------

    def register_replica(self, replica_id: str, *, host: str, pid: int, lease_seconds: float) -> None:
        now = time.time()
        with self.write() as db:
            db.execute(
                t.replicas.insert().values(
                    id=replica_id,
                    host=host,
                    pid=pid,
                    started_at=now,
                    seen_at=now,
                    expires_at=now + lease_seconds,
                )
            )

    def renew_replica(self, replica_id: str, *, lease_seconds: float) -> bool:
        """Extend the replica's lease; False when its row is gone (another replica took it for dead)."""
        now = time.time()
        c = t.replicas.c
        with self.write() as db:
            n = db.execute(
                sa.update(t.replicas)
                .where(c.id == replica_id)
                .values(seen_at=now, expires_at=now + lease_seconds)
            ).rowcount
        return n == 1

    def replicas(self) -> list[ReplicaInfo]:
        with self.read() as db:
            rows = db.execute(sa.select(t.replicas).order_by(t.replicas.c.started_at)).mappings().all()
        return [ReplicaInfo(**{c.name: row[c.name] for c in t.replicas.columns}) for row in rows]

    def leave(self, replica_id: str) -> None:
        """A replica stops cleanly: its requests lose their owner (another replica takes them over at its next
        heartbeat, or this one when it starts again), its quota holds (of submissions cut short) are given back, its
        claims end and its row goes."""
        r, h = t.requests.c, t.quota_holds.c
        with self.write() as db:
            db.execute(sa.update(t.requests).where(r.owner == replica_id).values(owner=None))
            for key_id, n in db.execute(
                sa.select(h.key_id, sa.func.count()).where(h.owner == replica_id).group_by(h.key_id)
            ).all():
                _decrement(db, key_id, int(n))
            db.execute(sa.delete(t.quota_holds).where(h.owner == replica_id))
            db.execute(
                sa.update(t.webhooks)
                .where(t.webhooks.c.claimed_by == replica_id)
                .values(claimed_by=None, lease_until=None)
            )
            db.execute(sa.delete(t.replicas).where(t.replicas.c.id == replica_id))

    def orphan_holds(self) -> dict[str, int]:
        """Give back quota holds whose replica is not registered (it left or was reaped while a submission of it
        was still reserving): {key id: holds given back}."""
        h = t.quota_holds.c
        orphan = h.owner.not_in(sa.select(t.replicas.c.id).scalar_subquery())
        with self.write() as db:
            holds = {
                key_id: int(n)
                for key_id, n in db.execute(
                    sa.select(h.key_id, sa.func.count()).where(orphan).group_by(h.key_id)
                ).all()
            }
            for key_id, n in holds.items():
                _decrement(db, key_id, n)
            db.execute(sa.delete(t.quota_holds).where(orphan))
        return holds

    def reap_replica(
        self,
        replica_id: str,
        *,
        expired_before: float | None,
        delivery_retry: Callable[[int], float | None],
        now: float | None = None,
    ) -> Reaped | None:
        """Take back what a replica that is gone held, in one transaction: its quota holds (given back), the
        deliveries it was sending (a failed attempt each: retried at ``now + delivery_retry(attempts)``, or given up
        when that is None) and its requests (owner cleared, for `claim_orphans`). `expired_before`: only when its
        lease ran out before then (None: it is known to be gone, e.g. its process no longer exists). Deleting its
        row first makes this happen once when several replicas try. None when it was not reaped."""
        now = time.time() if now is None else now
        c, h, w, r = t.replicas.c, t.quota_holds.c, t.webhooks.c, t.requests.c
        query = sa.delete(t.replicas).where(c.id == replica_id)
        if expired_before is not None:
            query = query.where(c.expires_at < expired_before)
        with self.write() as db:
            if db.execute(query.returning(c.id)).scalar() is None:
                return None
            holds = {
                key_id: int(n)
                for key_id, n in db.execute(
                    sa.select(h.key_id, sa.func.count()).where(h.owner == replica_id).group_by(h.key_id)
                ).all()
            }
            for key_id, n in holds.items():
                _decrement(db, key_id, n)
            db.execute(sa.delete(t.quota_holds).where(h.owner == replica_id))
            claimed = db.execute(
                sa.select(w.request_id, w.attempts).where(w.claimed_by == replica_id, w.state == PENDING)
            ).all()
            for request_id, attempts in claimed:
                retry = delivery_retry(int(attempts) + 1)
                db.execute(
                    sa.update(t.webhooks)
                    .where(w.request_id == request_id)
                    .values(
                        attempts=w.attempts + 1,
                        last_status=None,
                        last_error=f"replica {replica_id} stopped during the attempt",
                        state=PENDING if retry is not None else GAVE_UP,
                        next_at=now + retry if retry is not None else w.next_at,
                        claimed_by=None,
                        lease_until=None,
                    )
                )
            db.execute(
                sa.update(t.webhooks)
                .where(w.claimed_by == replica_id)
                .values(claimed_by=None, lease_until=None)
            )
            moved = db.execute(sa.update(t.requests).where(r.owner == replica_id).values(owner=None)).rowcount
        return Reaped(replica_id, holds, len(claimed), int(moved))

    def claim_orphans(self, owner: str) -> tuple[list[str], list[str]]:
        """Make replica `owner` the owner of every open or submitting request whose owner is not a registered
        replica (it stopped, or was reaped, or the row predates replicas): (open request ids, submitting ids) now
        its own, to follow and to recover."""
        r = t.requests.c
        with self.write() as db:
            rows = db.execute(
                sa.update(t.requests)
                .where(
                    r.state.in_((OPEN, SUBMITTING)),
                    sa.or_(r.owner.is_(None), r.owner.not_in(sa.select(t.replicas.c.id).scalar_subquery())),
                )
                .values(owner=owner)
                .returning(r.id, r.state)
            ).all()
        return [i for i, s in rows if s == OPEN], [i for i, s in rows if s == SUBMITTING]


def _decrement(db: sa.Connection, key_id: str, n: int) -> None:
    """`used` of the key less `n`, not below 0."""
    k = t.api_keys.c
    db.execute(
        sa.update(t.api_keys).where(k.id == key_id).values(used=sa.case((k.used > n, k.used - n), else_=0))
    )


def _enter_wal(cursor: Any, *, deadline: float) -> None:
    """Switch a SQLite file to WAL (persistent: a no-op once done). The switch needs the file to itself, and SQLite
    answers "database is locked" at once, without its busy handler, when two fresh connections both hold a read
    lock and try to switch (each would wait for the other). Replicas opening a new file together do exactly that,
    so the switch is retried until the deadline."""
    while True:
        try:
            cursor.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() >= deadline:
                raise
            time.sleep(0.01 + secrets.randbelow(40) / 1000)


class SQLiteStore(Store):
    """The embedded default: one SQLite file (WAL, synchronous=NORMAL). Several processes on one machine may share
    it (`dfpn-gateway keys ...` beside a server, or replicas on one host)."""

    backend = "sqlite"

    def __init__(self, path: Path, pepper: bytes, *, migrate: bool = True, check: bool = True) -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        engine = sa.create_engine(
            f"sqlite+pysqlite:///{path}",
            connect_args={"timeout": 30.0, "check_same_thread": False},
            pool_size=8,
            max_overflow=16,
        )

        @sa.event.listens_for(engine, "connect")
        def _connect(dbapi_connection: Any, _record: Any) -> None:
            # pysqlite's own transaction handling off: transactions begin exactly where `_begin` says.
            dbapi_connection.isolation_level = None
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA busy_timeout=30000")
            _enter_wal(cursor, deadline=time.monotonic() + 30.0)
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.close()

        @sa.event.listens_for(engine, "begin")
        def _begin(conn: sa.Connection) -> None:
            # Writes take the write lock at once (BEGIN IMMEDIATE): a deferred transaction that reads first and then
            # writes fails with "database is locked" when another process wrote in between, whatever the timeout.
            # Reads run each statement on its own (autocommit).
            if conn.get_execution_options().get("dfpn_write", True):
                conn.exec_driver_sql("BEGIN IMMEDIATE")

        super().__init__(engine, pepper, migrate=migrate, check=check)

    def describe(self) -> str:
        return f"sqlite:{self.path}"

    def lock_for_migration(self, conn: sa.Connection) -> None:
        pass  # the migration's transaction is BEGIN IMMEDIATE: one process migrates at a time

    def _insert(self, table: sa.Table) -> Any:
        return sqlite_dialect.insert(table)


#: pg_advisory_xact_lock key of a migration (any constant shared by every gateway: "dfpn" in ASCII).
_MIGRATION_LOCK = 0x6466706E


class PostgresStore(Store):
    """PostgreSQL (psycopg 3), given a DSN: the state of a fleet of gateway processes."""

    backend = "postgresql"

    def __init__(
        self, url: str, pepper: bytes, *, migrate: bool = True, check: bool = True, pool_size: int = 5
    ) -> None:
        self.url = sa.make_url(postgres_url(url))
        try:
            import psycopg  # noqa: F401
        except ImportError as e:
            raise RuntimeError(
                "a PostgreSQL database_url needs psycopg 3: pip install 'dfpn-gateway[postgres]'"
            ) from e
        engine = sa.create_engine(
            self.url, pool_size=pool_size, max_overflow=2 * pool_size, pool_pre_ping=True, pool_recycle=1800
        )
        # Reads: autocommit (no BEGIN/ROLLBACK round trips around a single SELECT).
        self._autocommit = engine.execution_options(isolation_level="AUTOCOMMIT")
        super().__init__(engine, pepper, migrate=migrate, check=check)

    @contextmanager
    def read(self) -> Iterator[sa.Connection]:
        with self._autocommit.connect() as conn:
            yield conn

    def describe(self) -> str:
        return self.url.render_as_string(hide_password=True)

    def lock_for_migration(self, conn: sa.Connection) -> None:
        conn.execute(sa.text("SELECT pg_advisory_xact_lock(:k)"), {"k": _MIGRATION_LOCK})

    def _insert(self, table: sa.Table) -> Any:
        return pg_dialect.insert(table)

    def _lock_keys(self, conn: sa.Connection) -> None:
        conn.execute(sa.select(t.api_keys.c.id).with_for_update())


def postgres_url(url: str) -> str:
    """A PostgreSQL DSN for SQLAlchemy with psycopg 3: ``postgres://`` and ``postgresql://`` (libpq's forms) become
    ``postgresql+psycopg://``; `ValueError` for anything that is not PostgreSQL."""
    scheme, sep, rest = url.partition("://")
    if not sep:
        raise ValueError(
            f"database URL {_hide(url)!r} is not a URL (postgresql://user:password@host:5432/dbname)"
        )
    if scheme in ("postgres", "postgresql", "postgresql+psycopg"):
        return f"postgresql+psycopg://{rest}"
    raise ValueError(
        f"database URL scheme {scheme!r} is not supported: use postgresql://user:password@host:5432/dbname "
        "(or leave the URL unset for the SQLite file at db_path)"
    )


def _hide(url: str) -> str:
    try:
        return sa.make_url(url).render_as_string(hide_password=True)
    except Exception:
        return "<unparseable>"


def open_store(
    database_url: str | None,
    db_path: Path,
    pepper: bytes,
    *,
    migrate: bool = True,
    check: bool = True,
    pool_size: int = 5,
) -> Store:
    """`PostgresStore` for a PostgreSQL URL, else `SQLiteStore` at `db_path` (or at the path of a ``sqlite:///``
    URL)."""
    if database_url is None:
        return SQLiteStore(db_path, pepper, migrate=migrate, check=check)
    if database_url.startswith("sqlite:///"):
        return SQLiteStore(
            Path(database_url.removeprefix("sqlite:///")), pepper, migrate=migrate, check=check
        )
    return PostgresStore(database_url, pepper, migrate=migrate, check=check, pool_size=pool_size)


__all__ = [
    "DELIVERED",
    "EXPIRED",
    "FAILED",
    "FINALIZED",
    "FINAL_STATES",
    "GAVE_UP",
    "NOT_LANDED_PATTERN",
    "OPEN",
    "PENDING",
    "SUBMITTING",
    "ApiKey",
    "Delivery",
    "PostgresStore",
    "Rate",
    "Reaped",
    "ReplicaInfo",
    "SQLiteStore",
    "Store",
    "StoredRequest",
    "key_id_of",
    "load_pepper",
    "open_store",
    "parse_rate",
    "postgres_url",
]
