"""Per-worker accuracy on known-answer challenges, from the recorded outcomes of finalized challenges.

Only challenges whose label was revealed count (the program judged those by the label); a challenge finalized
without its label (the challenger was removed, or the service was down past the grace period) and an expired one
are counted apart. For each worker: the challenge seats it held, how many it answered right (`correct`), wrong
(`wrong`: another verdict, Inconclusive included), committed without revealing (`no_reveal`) or held without
committing (`no_commit`); `accuracy = correct / (correct + wrong + no_reveal)`, the share of the seats the program
judged against the label that it got right (None when there were none); the lamports the finalizations slashed
from it and paid to it; and its wrong answers by kind (`false_authentic`: Authentic on manipulated media,
`false_manipulated`: Manipulated on authentic media).
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from pathlib import Path
from typing import TextIO

from pydantic import BaseModel, ConfigDict

from dfpn import Verdict
from dfpn_challenger.state import ChallengeRecord, Outcome, Phase


class WorkerAccuracy(BaseModel):
    """One worker's record on revealed challenges."""

    model_config = ConfigDict(frozen=True)

    worker: str
    challenges: int
    correct: int
    wrong: int
    no_reveal: int
    no_commit: int
    accuracy: float | None
    false_authentic: int
    false_manipulated: int
    slashed_lamports: int
    paid_lamports: int


class Report(BaseModel):
    """The challenger's report (`dfpn-challenger report`, `run --report`)."""

    model_config = ConfigDict(frozen=True)

    challenger: str
    generated_at: float
    #: Challenges per phase (prepared, submitted, resolved, expired, failed).
    phases: dict[str, int]
    #: Finalized with the label revealed: judged by the program.
    judged: int
    #: Finalized without the label: judged by consensus, not counted below.
    unrevealed: int
    #: Judged challenges per label.
    labels: dict[str, int]
    workers: tuple[WorkerAccuracy, ...]


def build_report(challenger: str, records: Iterable[ChallengeRecord]) -> Report:
    """Aggregate the outcomes of `records` per worker (module docstring); workers sorted by accuracy, then key."""
    records = list(records)
    phases: dict[str, int] = {}
    labels: dict[str, int] = {}
    rows: dict[str, dict[str, int]] = {}
    judged = unrevealed = 0
    for record in records:
        phases[record.phase.value] = phases.get(record.phase.value, 0) + 1
        if record.phase is not Phase.RESOLVED:
            continue
        if not record.label_revealed:
            unrevealed += 1
            continue
        judged += 1
        labels[record.label.value] = labels.get(record.label.value, 0) + 1
        for seat in record.seats:
            row = rows.setdefault(seat.worker, dict.fromkeys(_FIELDS, 0))
            row["challenges"] += 1
            row[seat.outcome.value] += 1
            row["slashed_lamports"] += seat.slashed_lamports
            row["paid_lamports"] += seat.paid_lamports
            if seat.outcome is Outcome.WRONG and seat.verdict is Verdict.AUTHENTIC:
                row["false_authentic"] += 1
            if seat.outcome is Outcome.WRONG and seat.verdict is Verdict.MANIPULATED:
                row["false_manipulated"] += 1
    workers = []
    for worker, row in rows.items():
        answered = row["correct"] + row["wrong"] + row["no_reveal"]
        workers.append(
            WorkerAccuracy(worker=worker, accuracy=row["correct"] / answered if answered else None, **row)
        )
    workers.sort(key=lambda w: (2.0 if w.accuracy is None else w.accuracy, w.worker))
    return Report(
        challenger=challenger,
        generated_at=time.time(),
        phases=phases,
        judged=judged,
        unrevealed=unrevealed,
        labels=labels,
        workers=tuple(workers),
    )


_FIELDS = (
    "challenges",
    "correct",
    "wrong",
    "no_reveal",
    "no_commit",
    "false_authentic",
    "false_manipulated",
    "slashed_lamports",
    "paid_lamports",
)


def write_report(report: Report, path: str | Path) -> Path:
    """Write the report as JSON (atomically: a temporary file renamed over `path`)."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.tmp")
    tmp.write_text(report.model_dump_json(indent=2) + "\n", "utf-8")
    tmp.replace(target)
    return target


def print_table(report: Report, out: TextIO) -> None:
    """The report as a table, one line per worker."""
    phases = ", ".join(f"{n} {p}" for p, n in sorted(report.phases.items())) or "none"
    labels = ", ".join(f"{n} {label}" for label, n in sorted(report.labels.items())) or "none"
    out.write(f"challenger {report.challenger}: challenges {phases}\n")
    out.write(
        f"judged by their label: {report.judged} ({labels}); finalized without it: {report.unrevealed}\n"
    )
    if not report.workers:
        out.write("no worker has held a seat of a judged challenge yet\n")
        return
    header = (
        f"{'worker':44}  {'seats':>5}  {'correct':>7}  {'wrong':>5}  {'no-reveal':>9}  {'no-commit':>9}  "
        f"{'accuracy':>8}  {'slashed (lamports)':>18}  {'paid (lamports)':>15}"
    )
    out.write(header + "\n")
    for w in report.workers:
        accuracy = "-" if w.accuracy is None else f"{w.accuracy:.3f}"
        out.write(
            f"{w.worker:44}  {w.challenges:>5}  {w.correct:>7}  {w.wrong:>5}  {w.no_reveal:>9}  {w.no_commit:>9}  "
            f"{accuracy:>8}  {w.slashed_lamports:>18,}  {w.paid_lamports:>15,}\n"
        )


__all__ = ["Report", "WorkerAccuracy", "build_report", "print_table", "write_report"]
