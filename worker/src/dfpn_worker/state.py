"""Durable per-request state: what the worker joined, the commitment's preimage and salt, and how far it got.

One SQLite database per worker (`<state_dir>/worker.sqlite3`, directory mode 0700) in WAL mode. Every write is
made by one writer thread (`put_async`; the event loop never waits on the disk) and is one transaction:

- `synchronous=NORMAL` for ordinary writes: in WAL mode a committed transaction survives the process being killed
  at any instant (it is in the WAL file, handed to the OS); only a power loss or kernel crash can lose the last
  few, and every one of them can be re-read from the chain: a lost JOINED row is recovered from the accepted seat,
  a lost COMMITTED row from the PREPARED one and the on-chain commitment, a lost finished row by the next step's
  read of the request.
- `synchronous=FULL` for the write of the preimage and salt (`durable=True`, phase `prepared`): the WAL is fsynced
  before `put` returns, so they survive a power loss too.

The crash-safety rule the node follows: the preimage (verdict, confidence, model id and address, report hash,
report URI) and the salt are `put` durably in phase `prepared` **before** `commit_result` is sent. Whatever
happens next (the commit landed or not, the process or the machine died before or after it), a restart finds the
row, asks the chain which it was, and commits or reveals exactly that preimage.

Reads (`get`, `unfinished`, ...) use a second connection on the caller's thread: WAL readers never wait for the
writer.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import os
import sqlite3
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from types import TracebackType
from typing import Any

logger = logging.getLogger(__name__)

DB_NAME = "worker.sqlite3"
#: 2: `jobs.model`, the address of the committed model (model ids are scoped by developer since #14).
SCHEMA_VERSION = 2
#: Seconds a connection waits for another process's lock on the state file (a CLI command beside the node).
LOCK_WAIT = 30.0


class Phase(StrEnum):
    """Where a request stands for this worker. Transitions only move forward."""

    #: Seat taken; nothing committed, so no stake at risk.
    JOINED = "joined"
    #: Preimage and salt are durable; `commit_result` is about to be (or was) sent.
    PREPARED = "prepared"
    #: The commitment is on-chain: the worker must reveal before the deadline.
    COMMITTED = "committed"
    #: Revealed; waiting for finalization: by the client (at once), or by anyone, this worker included, from
    #: `FINALIZE_GRACE_SECS` after the deadline.
    REVEALED = "revealed"
    #: The request is finalized or expired after this worker revealed (or expired before it committed).
    DONE = "done"
    #: Joined, then could not serve the request (content hash mismatch, media too large or unreadable, no model
    #: the program accepts); never committed. The seat is given back while the leave window is open (LEFT);
    #: otherwise it is held to the end and its bond forfeited.
    REFUSED = "refused"
    #: Refused, and gave the seat back with `leave_request` in the leave window: bond released (finished).
    LEFT = "left"
    #: Committed but the reveal phase ended before the reveal (slashed), or the commit phase closed first.
    MISSED = "missed"
    #: Something the worker cannot recover from (see `error`).
    FAILED = "failed"


@dataclass(frozen=True, slots=True)
class Job:
    """One request this worker joined."""

    request: str
    phase: Phase
    commit_deadline: int
    deadline: int
    verdict: int | None = None
    confidence: int | None = None
    model_id: str | None = None
    #: The address of the model committed with (the commitment hashes it; `commit_result` names it).
    model: str | None = None
    report_hash: bytes | None = None
    report_uri: str | None = None
    salt: bytes | None = None
    commitment: bytes | None = None
    #: Nothing left to do (the request is finished, or the worker gave up on it).
    finished: bool = False
    #: An ErrorCode value for refusals and failures (e.g. CONTENT_HASH_MISMATCH).
    error_code: str | None = None
    error: str | None = None
    outcome: str | None = None
    join_tx: str | None = None
    commit_tx: str | None = None
    reveal_tx: str | None = None
    finalize_tx: str | None = None
    updated_at: float = 0.0

    def replace(self, **changes: object) -> Job:
        return dataclasses.replace(self, **changes)  # type: ignore[arg-type]

    @property
    def has_preimage(self) -> bool:
        return None not in (
            self.verdict,
            self.confidence,
            self.model_id,
            self.model,
            self.report_hash,
            self.report_uri,
            self.salt,
            self.commitment,
        )


_COLUMNS = [f.name for f in dataclasses.fields(Job)]
_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS jobs (
    request TEXT PRIMARY KEY,
    phase TEXT NOT NULL,
    commit_deadline INTEGER NOT NULL,
    deadline INTEGER NOT NULL,
    verdict INTEGER,
    confidence INTEGER,
    model_id TEXT,
    model TEXT,
    report_hash BLOB,
    report_uri TEXT,
    salt BLOB,
    commitment BLOB,
    finished INTEGER NOT NULL DEFAULT 0,
    error_code TEXT,
    error TEXT,
    outcome TEXT,
    join_tx TEXT,
    commit_tx TEXT,
    reveal_tx TEXT,
    finalize_tx TEXT,
    updated_at REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS jobs_unfinished ON jobs (finished);
"""


def _enter_wal(db: sqlite3.Connection) -> None:
    """Switch the file to WAL (persistent: a no-op once done). SQLite answers "database is locked" at once, without
    waiting, when two fresh connections both hold a read lock and try to switch; a node and `dfpn-worker status`
    opening a new state directory together do that, so the switch is retried for up to `LOCK_WAIT` seconds."""
    give_up = time.monotonic() + LOCK_WAIT
    while True:
        try:
            db.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as e:
            if "locked" not in str(e) or time.monotonic() >= give_up:
                raise
            # a random pause: two openers retrying in step would collide again
            time.sleep(0.01 + 0.04 * os.urandom(1)[0] / 255)


class StateError(Exception):
    """The state directory cannot be used (another worker's state, an unreadable database)."""


class StateStore:
    """The worker's durable state. Use one store per worker key; `open` refuses another key's directory."""

    def __init__(self, state_dir: str | os.PathLike[str], worker: str) -> None:
        self.dir = Path(state_dir)
        self.dir.mkdir(parents=True, exist_ok=True, mode=0o700)
        self.path = self.dir / DB_NAME
        try:
            # The writer: used only by the writer thread (one at a time), hence check_same_thread=False.
            self._writer = sqlite3.connect(
                self.path, timeout=LOCK_WAIT, isolation_level=None, check_same_thread=False
            )
            _enter_wal(self._writer)
            self._writer.execute("PRAGMA synchronous=NORMAL")
            self._writer.executescript(_SCHEMA)
            _migrate(self._writer)
            self._db = sqlite3.connect(self.path, timeout=LOCK_WAIT, isolation_level=None)
        except sqlite3.Error as e:
            raise StateError(f"cannot open the worker state {self.path}: {e}") from e
        for path in (self.path, *(self.path.with_name(self.path.name + x) for x in ("-wal", "-shm"))):
            if path.exists():
                os.chmod(path, 0o600)
        self._thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="dfpn-state")
        #: Writes so far, and those made with an fsync (`durable`): the benchmark reports them.
        self.writes = 0
        self.durable_writes = 0
        owner = self._claim(worker)
        if owner != worker:
            self.close()
            raise StateError(
                f"{self.path} holds the state of worker {owner}, not {worker}: use another state_dir per key."
            )
        self.worker = worker

    def _meta(self, key: str) -> str | None:
        row = self._db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return None if row is None else str(row[0])

    def _claim(self, worker: str) -> str | None:
        """Record `worker` as the directory's owner unless one is recorded; return the owner. One transaction: of
        two keys opening a new directory together, one owns it and the other is refused."""

        def write() -> None:
            with self._writer:
                self._writer.execute("BEGIN IMMEDIATE")
                self._writer.executemany(
                    "INSERT OR IGNORE INTO meta (key, value) VALUES (?, ?)",
                    [("worker", worker), ("schema", str(SCHEMA_VERSION))],
                )

        self._thread.submit(write).result()
        return self._meta("worker")

    def put(self, job: Job, *, durable: bool = False) -> Job:
        """Insert or replace `job` (with `updated_at` set) and return it once committed: surviving a crash of the
        process, and with `durable` (the preimage and salt) fsynced, surviving a power loss. Blocks the caller:
        the node uses `put_async`."""
        return self._thread.submit(self._write, job.replace(updated_at=time.time()), durable).result()

    async def put_async(self, job: Job, *, durable: bool = False) -> Job:
        """`put` in the writer thread: the event loop goes on while the disk works."""
        future = self._thread.submit(self._write, job.replace(updated_at=time.time()), durable)
        return await asyncio.wrap_future(future)

    def _write(self, job: Job, durable: bool) -> Job:
        values = [getattr(job, c) for c in _COLUMNS]
        values = [v.value if isinstance(v, Phase) else int(v) if isinstance(v, bool) else v for v in values]
        placeholders = ", ".join("?" for _ in _COLUMNS)
        db = self._writer
        if durable:  # FULL in WAL mode: the WAL is fsynced at this transaction's commit
            db.execute("PRAGMA synchronous=FULL")
        try:
            with db:
                db.execute("BEGIN IMMEDIATE")
                db.execute(
                    f"INSERT OR REPLACE INTO jobs ({', '.join(_COLUMNS)}) VALUES ({placeholders})", values
                )
        finally:
            if durable:
                db.execute("PRAGMA synchronous=NORMAL")
        self.writes += 1
        self.durable_writes += durable
        return job

    def get(self, request: str) -> Job | None:
        row = self._db.execute(
            f"SELECT {', '.join(_COLUMNS)} FROM jobs WHERE request = ?", (request,)
        ).fetchone()
        return None if row is None else _job(row)

    def unfinished(self) -> list[Job]:
        """Jobs with work left, oldest first: what a restarted worker resumes."""
        rows = self._db.execute(
            f"SELECT {', '.join(_COLUMNS)} FROM jobs WHERE finished = 0 ORDER BY updated_at"
        ).fetchall()
        return [_job(r) for r in rows]

    def recent(self, limit: int = 20) -> list[Job]:
        rows = self._db.execute(
            f"SELECT {', '.join(_COLUMNS)} FROM jobs ORDER BY updated_at DESC LIMIT ?", (limit,)
        ).fetchall()
        return [_job(r) for r in rows]

    def counts(self) -> dict[str, int]:
        """Number of jobs per phase."""
        rows = self._db.execute("SELECT phase, COUNT(*) FROM jobs GROUP BY phase").fetchall()
        return {str(p): int(n) for p, n in rows}

    def close(self) -> None:
        """Finish the writes queued so far, then close (idempotent)."""
        if getattr(self, "_closed", False):
            return
        self._closed = True
        self._thread.submit(self._writer.close).result()
        self._thread.shutdown(wait=True)
        self._db.close()

    def __enter__(self) -> StateStore:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()


def _migrate(db: sqlite3.Connection) -> None:
    """Bring a database of an older schema up to this one (columns are only ever added)."""
    columns = {str(row[1]) for row in db.execute("PRAGMA table_info(jobs)")}
    if "model" not in columns:  # schema 1: rows from before #14 have no model address (and cannot reveal)
        db.execute("ALTER TABLE jobs ADD COLUMN model TEXT")
    db.execute("INSERT OR REPLACE INTO meta (key, value) VALUES ('schema', ?)", (str(SCHEMA_VERSION),))


def _job(row: tuple[Any, ...]) -> Job:
    data: dict[str, Any] = dict(zip(_COLUMNS, row, strict=True))
    data["phase"] = Phase(str(data["phase"]))
    data["finished"] = bool(data["finished"])
    for key in ("report_hash", "salt", "commitment"):
        if data[key] is not None:
            data[key] = bytes(data[key])
    return Job(**data)


__all__ = ["DB_NAME", "Job", "Phase", "StateError", "StateStore"]
