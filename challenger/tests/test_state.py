"""The state file: a challenge's secret is on disk when `put` returns and comes back after a restart; one state per
challenger key; the report aggregates recorded outcomes per worker."""

from __future__ import annotations

import io
import json
import os
import stat
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from dfpn import Verdict
from dfpn_challenger import (
    ChallengeStore,
    Outcome,
    Phase,
    SeatOutcome,
    StateError,
    build_report,
    print_table,
    write_report,
)

from helpers import KEY, SALT, record


def test_a_record_survives_closing_and_reopening(short_dir: Path) -> None:
    # Given a prepared challenge put in the store
    store = ChallengeStore(short_dir / "s", KEY)
    put = store.put(record(1))
    assert put.updated_at > 0
    store.close()
    # When the store is opened again (a restart), Then the record is there, salt and all
    with ChallengeStore(short_dir / "s", KEY) as again:
        got = again.get(put.request)
        assert got == put and got is not None and got.salt == SALT
        assert [r.request for r in again.unfinished()] == [put.request]
        # And a resolved record keeps its seats
        seats = (
            SeatOutcome(worker="W1", outcome=Outcome.CORRECT, verdict=Verdict.MANIPULATED, paid_lamports=5),
            SeatOutcome(worker="W2", outcome=Outcome.NO_REVEAL, slashed_lamports=7),
        )
        done = again.put(got.replace(phase=Phase.RESOLVED, label_revealed=True, seats=seats, closed=True))
        assert again.get(put.request) == done
        assert again.unfinished() == [] and again.counts() == {"resolved": 1}


def test_a_put_is_on_disk_when_it_returns(short_dir: Path) -> None:
    # Given a process that puts a record and dies at once (os._exit: no cleanup, no close)
    script = textwrap.dedent(
        f"""
        import os, sys
        sys.path.insert(0, {str(Path(__file__).parent)!r})
        from helpers import record, KEY
        from dfpn_challenger import ChallengeStore
        store = ChallengeStore({str(short_dir / "s")!r}, KEY)
        store.put(record(5))
        os._exit(0)
        """
    )
    subprocess.run([sys.executable, "-c", script], check=True)
    # Then the next process finds the salt
    with ChallengeStore(short_dir / "s", KEY) as store:
        got = store.get(record(5).request)
    assert got is not None and got.salt == SALT and got.phase is Phase.PREPARED


def test_the_state_is_private_and_belongs_to_one_key(short_dir: Path) -> None:
    with ChallengeStore(short_dir / "s", KEY) as store:
        mode = stat.S_IMODE(os.stat(store.path).st_mode)
        assert mode == 0o600 and stat.S_IMODE(os.stat(store.dir).st_mode) == 0o700
        media = store.write_media("x.png", b"png bytes")
        assert media.read_bytes() == b"png bytes" and media.parent == store.media_dir
    with pytest.raises(StateError, match=f"holds the state of challenger {KEY}"):
        ChallengeStore(short_dir / "s", "Other111111111111111111111111111111111111111")
    # Positive control: the same key opens it; no key adopts the stored one (reports)
    ChallengeStore(short_dir / "s", KEY).close()
    with ChallengeStore(short_dir / "s", None) as reader:
        assert reader.challenger == KEY
    with pytest.raises(StateError, match="no challenger state"):
        ChallengeStore(short_dir / "empty", None)


def test_the_report_aggregates_judged_challenges_per_worker(short_dir: Path) -> None:
    def seat(worker: str, outcome: Outcome, verdict: Verdict | None = None, slashed: int = 0) -> SeatOutcome:
        return SeatOutcome(worker=worker, outcome=outcome, verdict=verdict, slashed_lamports=slashed)

    m, a = Verdict.MANIPULATED, Verdict.AUTHENTIC
    records = [
        record(
            1,
            phase=Phase.RESOLVED,
            label_revealed=True,
            seats=(
                seat("good", Outcome.CORRECT, m),
                seat("bad", Outcome.WRONG, a, 20),
                seat("mute", Outcome.NO_REVEAL, None, 20),
            ),
        ),
        record(
            2,
            label=a,
            phase=Phase.RESOLVED,
            label_revealed=True,
            seats=(
                seat("good", Outcome.CORRECT, a),
                seat("bad", Outcome.CORRECT, a),
                seat("idle", Outcome.NO_COMMIT, None, 9),
            ),
        ),
        # Finalized without its label (not judged by it), expired, still open: not in the per-worker numbers
        record(3, phase=Phase.RESOLVED, label_revealed=False, seats=(seat("bad", Outcome.WRONG, a),)),
        record(4, phase=Phase.EXPIRED),
        record(5, phase=Phase.SUBMITTED),
    ]
    report = build_report(KEY, records)
    assert (report.judged, report.unrevealed, report.labels) == (2, 1, {"Manipulated": 1, "Authentic": 1})
    assert report.phases == {"resolved": 3, "expired": 1, "submitted": 1}
    rows = {w.worker: w for w in report.workers}
    assert (rows["good"].challenges, rows["good"].correct, rows["good"].accuracy) == (2, 2, 1.0)
    assert (rows["bad"].correct, rows["bad"].wrong, rows["bad"].accuracy) == (1, 1, 0.5)
    assert (rows["bad"].false_authentic, rows["bad"].slashed_lamports) == (1, 20)
    assert (rows["mute"].no_reveal, rows["mute"].accuracy) == (1, 0.0)
    assert (rows["idle"].no_commit, rows["idle"].accuracy, rows["idle"].slashed_lamports) == (1, None, 9)
    assert [w.worker for w in report.workers] == ["mute", "bad", "good", "idle"]  # worst first, unjudged last
    # And it prints as a table and writes as JSON
    path = write_report(report, short_dir / "out" / "report.json")
    assert json.loads(path.read_text())["workers"][0]["worker"] == "mute"
    table = io.StringIO()
    print_table(report, table)
    lines = table.getvalue().splitlines()
    assert lines[2].split()[:8] == [
        "worker",
        "seats",
        "correct",
        "wrong",
        "no-reveal",
        "no-commit",
        "accuracy",
        "slashed",
    ]
    assert lines[4].split()[:7] == ["bad", "2", "1", "1", "0", "0", "0.500"]
