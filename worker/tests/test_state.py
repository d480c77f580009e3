"""The durable state store."""

from __future__ import annotations

import sqlite3
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from dfpn_worker.state import DB_NAME, Job, Phase, StateError, StateStore


def _job(request: str = "req1", **changes: object) -> Job:
    return Job(request=request, phase=Phase.JOINED, commit_deadline=100, deadline=120).replace(**changes)


def test_a_prepared_job_survives_reopening_byte_for_byte(tmp_path: Path) -> None:
    # Given a job with its preimage and salt put in phase prepared
    with StateStore(tmp_path, "worker-a") as store:
        job = store.put(
            _job(
                phase=Phase.PREPARED,
                verdict=2,
                confidence=77,
                model_id="fixed-a",
                model="Bz8EhrsssfozpCqanfgYRneaKeN17ribVTgXhZz2pY42",
                report_hash=b"\x01" * 32,
                report_uri="file:///r/x.json",
                salt=b"\x02" * 32,
                commitment=b"\x03" * 32,
            )
        )
    # When the store is opened again (a new process)
    with StateStore(tmp_path, "worker-a") as store:
        again = store.get("req1")
        # Then everything is there, and it is a job to resume
        assert again == job and again.has_preimage
        assert [j.request for j in store.unfinished()] == ["req1"]
    # And only the worker can read it (salts must stay secret until the reveal)
    assert (tmp_path / DB_NAME).stat().st_mode & 0o777 == 0o600


def test_a_schema_1_database_gains_the_model_address_column(tmp_path: Path) -> None:
    # Given a database written by a worker of schema 1 (no model address: model ids were global before #14)
    db = sqlite3.connect(tmp_path / DB_NAME)
    db.executescript(
        "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);"
        "INSERT INTO meta VALUES ('worker', 'worker-a'), ('schema', '1');"
        "CREATE TABLE jobs (request TEXT PRIMARY KEY, phase TEXT NOT NULL, commit_deadline INTEGER NOT NULL,"
        " deadline INTEGER NOT NULL, verdict INTEGER, confidence INTEGER, model_id TEXT, report_hash BLOB,"
        " report_uri TEXT, salt BLOB, commitment BLOB, finished INTEGER NOT NULL DEFAULT 0, error_code TEXT,"
        " error TEXT, outcome TEXT, join_tx TEXT, commit_tx TEXT, reveal_tx TEXT, finalize_tx TEXT,"
        " updated_at REAL NOT NULL);"
        "INSERT INTO jobs (request, phase, commit_deadline, deadline, finished, updated_at)"
        " VALUES ('old', 'done', 1, 2, 1, 0);"
    )
    db.close()
    # When the store opens it, Then the old rows read back (no model address) and new ones keep theirs
    with StateStore(tmp_path, "worker-a") as store:
        old = store.get("old")
        assert old is not None and (old.phase, old.model) == (Phase.DONE, None)
        store.put(_job("new", model="Bz8EhrsssfozpCqanfgYRneaKeN17ribVTgXhZz2pY42"))
        new = store.get("new")
        assert new is not None and new.model == "Bz8EhrsssfozpCqanfgYRneaKeN17ribVTgXhZz2pY42"
        assert store._meta("schema") == "2"


def test_the_store_is_written_through_before_put_returns(tmp_path: Path) -> None:
    # Given a store, When a job is put, Then another connection sees it at once (committed, not buffered)
    with StateStore(tmp_path, "worker-a") as store:
        store.put(_job(phase=Phase.COMMITTED))
        other = sqlite3.connect(tmp_path / DB_NAME)
        assert other.execute("SELECT phase FROM jobs").fetchall() == [("committed",)]
        other.close()
        assert store._db.execute("PRAGMA synchronous").fetchone() == (2,)  # FULL


def test_finished_jobs_are_not_resumed_and_counts_are_per_phase(tmp_path: Path) -> None:
    with StateStore(tmp_path, "worker-a") as store:
        store.put(_job("a", phase=Phase.DONE, finished=True))
        store.put(_job("b", phase=Phase.REFUSED, error_code="CONTENT_HASH_MISMATCH"))
        store.put(_job("c", phase=Phase.COMMITTED))
        assert [j.request for j in store.unfinished()] == ["b", "c"]
        assert store.counts() == {"done": 1, "refused": 1, "committed": 1}
        assert [j.request for j in store.recent(2)] == ["c", "b"]


def test_a_state_directory_belongs_to_one_worker_key(tmp_path: Path) -> None:
    StateStore(tmp_path, "worker-a").close()
    with pytest.raises(StateError, match="worker-a"):
        StateStore(tmp_path, "worker-b")


def test_processes_opening_a_new_state_directory_together_all_open_it(tmp_path: Path) -> None:
    # Given six openings of a new state directory at once (a node starting while `dfpn-worker status` runs), a
    # hundred times over: SQLite refuses the switch to WAL at once ("database is locked", no busy wait) while
    # another fresh connection holds its read lock
    def open_together(state_dir: Path) -> str:
        start = threading.Barrier(6)

        def open_one(_n: int) -> None:
            start.wait()
            StateStore(state_dir, "W1").close()

        with ThreadPoolExecutor(6) as pool:
            list(pool.map(open_one, range(6)))
        db = sqlite3.connect(state_dir / DB_NAME)
        try:
            return str(db.execute("PRAGMA journal_mode").fetchone()[0])
        finally:
            db.close()

    # When each opens it, Then every one opens it, and the file is in WAL mode
    for round_ in range(100):
        assert open_together(tmp_path / f"round{round_}") == "wal"


def test_of_two_keys_opening_a_new_state_directory_together_one_owns_it(tmp_path: Path) -> None:
    # Given two worker keys opening the same new state directory at once, fifty times over
    def open_together(state_dir: Path) -> list[str]:
        start = threading.Barrier(2)

        def open_as(worker: str) -> str:
            start.wait()
            try:
                StateStore(state_dir, worker).close()
            except StateError:
                return "refused"
            return worker

        with ThreadPoolExecutor(2) as pool:
            return sorted(pool.map(open_as, ["W1", "W2"]))

    for round_ in range(50):
        state_dir = tmp_path / f"round{round_}"
        # When each opens it, Then one owns it and the other is refused
        opened = open_together(state_dir)
        assert opened in (["W1", "refused"], ["W2", "refused"]), opened
        # And the owner is the one that opened it (control: it opens it again, the other key still cannot)
        StateStore(state_dir, opened[0]).close()
        with pytest.raises(StateError, match="holds the state of worker"):
            StateStore(state_dir, "W2" if opened[0] == "W1" else "W1")
