"""Durable challenger state: every challenge's secret (label, salt), its request and how far it got.

One SQLite database per challenger key (`<state_dir>/challenger.sqlite3`, directory mode 0700, file 0600) with
`PRAGMA synchronous=FULL` and the rollback journal: when `put` returns, the row is on disk (SQLite fsyncs the
journal, the database and the directory). The transformed media are written next to it (`<state_dir>/m/`) and
fsynced too.

The crash-safety rule the service follows (write-ahead): a challenge's request address, nonce, label, salt,
attestation and media are `put` in phase `prepared` **before** `submit_request` is sent. Whatever happens next (the
submission landed or not, the process died before or after it), a restart finds the row, asks the chain which it
was, and submits the same request again or follows it to its reveal: a salt is never lost, so a submitted
challenge can always be revealed.
"""

from __future__ import annotations

import json
import logging
import os
import sqlite3
import time
from enum import StrEnum
from pathlib import Path
from types import TracebackType
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from dfpn import Modality, Verdict
from dfpn_challenger.errors import StateError

logger = logging.getLogger(__name__)

DB_NAME = "challenger.sqlite3"
MEDIA_DIR = "m"
SCHEMA_VERSION = 1


class Phase(StrEnum):
    """Where a challenge stands. Transitions only move forward."""

    #: Secret, nonce and media are durable; `submit_request` is about to be (or was) sent.
    PREPARED = "prepared"
    #: The request is on-chain; the service follows it and reveals the label once the workers revealed.
    SUBMITTED = "submitted"
    #: Finalized; the seats' outcomes are recorded (`label_revealed` says whether the program applied the label).
    RESOLVED = "resolved"
    #: Expired with too few commits: the escrow came back, nothing was judged.
    EXPIRED = "expired"
    #: Something the service cannot recover from (see `error`); the request, if any, is not followed any more.
    FAILED = "failed"


#: Phases with nothing left to do but closing the request.
DONE = frozenset({Phase.RESOLVED, Phase.EXPIRED, Phase.FAILED})


class Outcome(StrEnum):
    """What a seat of a finalized challenge did."""

    #: Revealed the label: paid.
    CORRECT = "correct"
    #: Revealed another verdict (Inconclusive included): slashed `challenge_slash_bps` of its stake.
    WRONG = "wrong"
    #: Committed and never revealed: slashed like a wrong answer.
    NO_REVEAL = "no_reveal"
    #: Held the seat (drawn or accepted) and never committed: its seat bond was forfeited.
    NO_COMMIT = "no_commit"


class SeatOutcome(BaseModel):
    """One seat of a finalized challenge."""

    model_config = ConfigDict(frozen=True)

    worker: str
    outcome: Outcome
    #: The revealed verdict (None without a reveal).
    verdict: Verdict | None = None
    #: Lamports the finalization took from the worker (`WorkerSlashed`) and paid to it (`WorkerPaid`).
    slashed_lamports: int = 0
    paid_lamports: int = 0


class ChallengeRecord(BaseModel):
    """One challenge, as stored."""

    model_config = ConfigDict(frozen=True)

    request: str
    nonce: int
    label: Verdict
    salt: bytes = Field(repr=False)
    attestation: bytes
    #: The corpus file it was made from, and the transform's seed (the same seed gives the same media).
    item: str
    transform_seed: int
    original_sha256: str
    media_path: str
    media_sha256: str
    modalities: tuple[Modality, ...]
    phase: Phase
    created_at: float
    submit_tx: str | None = None
    deadline: int | None = None
    #: The consensus the request recorded, and whether the label was revealed (the program judged by it).
    verdict: Verdict | None = None
    label_revealed: bool = False
    finalize_tx: str | None = None
    seats: tuple[SeatOutcome, ...] = ()
    #: The request account was closed (rent back to the challenger).
    closed: bool = False
    error: str | None = None
    updated_at: float = 0.0

    def replace(self, **changes: Any) -> ChallengeRecord:
        return self.model_copy(update=changes)


_COLUMNS = list(ChallengeRecord.model_fields)
_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS challenges (
    request TEXT PRIMARY KEY,
    nonce INTEGER NOT NULL,
    label TEXT NOT NULL,
    salt BLOB NOT NULL,
    attestation BLOB NOT NULL,
    item TEXT NOT NULL,
    transform_seed INTEGER NOT NULL,
    original_sha256 TEXT NOT NULL,
    media_path TEXT NOT NULL,
    media_sha256 TEXT NOT NULL,
    modalities TEXT NOT NULL,
    phase TEXT NOT NULL,
    created_at REAL NOT NULL,
    submit_tx TEXT,
    deadline INTEGER,
    verdict TEXT,
    label_revealed INTEGER NOT NULL DEFAULT 0,
    finalize_tx TEXT,
    seats TEXT NOT NULL DEFAULT '[]',
    closed INTEGER NOT NULL DEFAULT 0,
    error TEXT,
    updated_at REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS challenges_phase ON challenges (phase);
"""


def _row(record: ChallengeRecord) -> list[Any]:
    data = record.model_dump()
    data["label"] = record.label.value
    data["verdict"] = None if record.verdict is None else record.verdict.value
    data["phase"] = record.phase.value
    data["modalities"] = json.dumps([m.name for m in record.modalities])
    data["seats"] = json.dumps([s.model_dump(mode="json") for s in record.seats])
    data["label_revealed"] = int(record.label_revealed)
    data["closed"] = int(record.closed)
    return [data[c] for c in _COLUMNS]


def _record(row: tuple[Any, ...]) -> ChallengeRecord:
    data: dict[str, Any] = dict(zip(_COLUMNS, row, strict=True))
    data["modalities"] = tuple(Modality[m] for m in json.loads(data["modalities"]))
    data["seats"] = tuple(SeatOutcome.model_validate(s) for s in json.loads(data["seats"]))
    data["salt"], data["attestation"] = bytes(data["salt"]), bytes(data["attestation"])
    return ChallengeRecord.model_validate(data)


class ChallengeStore:
    """The challenger's durable state. One store per challenger key: opening another key's state is refused.

    `challenger=None` opens an existing state read-only in spirit (reports): it adopts the key the state holds."""

    def __init__(self, state_dir: str | os.PathLike[str], challenger: str | None) -> None:
        self.dir = Path(state_dir)
        self.path = self.dir / DB_NAME
        if challenger is None and not self.path.is_file():
            raise StateError(f"no challenger state at {self.path}.")
        try:
            self.dir.mkdir(parents=True, exist_ok=True, mode=0o700)
            self.media_dir.mkdir(exist_ok=True, mode=0o700)
            self._db = sqlite3.connect(self.path, isolation_level=None)
            self._db.execute("PRAGMA synchronous=FULL")
            self._db.execute("PRAGMA journal_mode=DELETE")
            self._db.executescript(_SCHEMA)
            os.chmod(self.path, 0o600)
        except (OSError, sqlite3.Error) as e:
            raise StateError(f"cannot open the challenger state {self.path}: {e}") from e
        owner = self.meta("challenger")
        if owner is None:
            if challenger is None:
                self._db.close()
                raise StateError(f"{self.path} names no challenger key.")
            self.set_meta("challenger", challenger)
            self.set_meta("schema", str(SCHEMA_VERSION))
            owner = challenger
        elif challenger is not None and owner != challenger:
            self._db.close()
            raise StateError(
                f"{self.path} holds the state of challenger {owner}, not {challenger}: use one state directory "
                "per key."
            )
        self.challenger = owner

    @property
    def media_dir(self) -> Path:
        return self.dir / MEDIA_DIR

    # ---- meta --------------------------------------------------------------------------------------------------

    def meta(self, key: str) -> str | None:
        row = self._db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return None if row is None else str(row[0])

    def set_meta(self, key: str, value: str) -> None:
        with self._db:
            self._db.execute("BEGIN IMMEDIATE")
            self._db.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", (key, value))

    # ---- media -------------------------------------------------------------------------------------------------

    def write_media(self, name: str, data: bytes) -> Path:
        """Write `data` to `<state_dir>/m/<name>` durably (fsync of the file and the directory); returns the path."""
        path = self.media_dir / name
        tmp = path.with_name(f".{name}.tmp")
        try:
            with tmp.open("wb") as f:
                f.write(data)
                f.flush()
                os.fsync(f.fileno())
            tmp.replace(path)
            fd = os.open(self.media_dir, os.O_RDONLY)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)
        except OSError as e:
            raise StateError(f"cannot write {path}: {e.strerror or e}") from e
        return path

    # ---- challenges ----------------------------------------------------------------------------------------------

    def put(self, record: ChallengeRecord) -> ChallengeRecord:
        """Insert or replace `record`, durably (fsynced) before returning it (with `updated_at` set)."""
        record = record.replace(updated_at=time.time())
        placeholders = ", ".join("?" for _ in _COLUMNS)
        try:
            with self._db:
                self._db.execute("BEGIN IMMEDIATE")
                self._db.execute(
                    f"INSERT OR REPLACE INTO challenges ({', '.join(_COLUMNS)}) VALUES ({placeholders})",
                    _row(record),
                )
        except sqlite3.Error as e:
            raise StateError(f"cannot write {self.path}: {e}") from e
        return record

    def get(self, request: str) -> ChallengeRecord | None:
        row = self._db.execute(
            f"SELECT {', '.join(_COLUMNS)} FROM challenges WHERE request = ?", (request,)
        ).fetchone()
        return None if row is None else _record(row)

    def all(self) -> list[ChallengeRecord]:
        """Every challenge, oldest first."""
        rows = self._db.execute(
            f"SELECT {', '.join(_COLUMNS)} FROM challenges ORDER BY created_at"
        ).fetchall()
        return [_record(r) for r in rows]

    def unfinished(self) -> list[ChallengeRecord]:
        """Challenges with work left (prepared, submitted, or done but not yet closed), oldest first: what a
        restarted service resumes."""
        return [
            r for r in self.all() if r.phase not in DONE or (r.phase is not Phase.FAILED and not r.closed)
        ]

    def counts(self) -> dict[str, int]:
        """Number of challenges per phase."""
        rows = self._db.execute("SELECT phase, COUNT(*) FROM challenges GROUP BY phase").fetchall()
        return {str(p): int(n) for p, n in rows}

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> ChallengeStore:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()


__all__ = ["DB_NAME", "DONE", "ChallengeRecord", "ChallengeStore", "Outcome", "Phase", "SeatOutcome"]
