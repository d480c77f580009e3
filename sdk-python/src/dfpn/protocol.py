"""The program's rules, written once for Python: phases, fee, fee split, aggregation, reputation and slashing.

Each function mirrors the program's own (`programs/dfpn/src/state/request.rs`, `aggregation.rs`) and is checked
against the same cases in `tests/vectors.json` as the program and the TypeScript SDK (`sdk-ts/src/protocol.ts`),
so a rule change fails in every language at once. Numbers come from the generated constants (the IDL), never
from hand-written copies. docs/protocol.md explains each rule.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol

from dfpn.generated.constants import (
    AGREEMENT_STEP_DIVISOR,
    BPS,
    CONSENSUS_MAJORITY,
    CONSENSUS_NONE,
    CONSENSUS_SUPERMAJORITY,
    CONSENSUS_UNANIMOUS,
    FINALIZE_GRACE_SECS,
    MAJORITY_ABOVE_BPS,
    MAX_CONFIDENCE,
    MAX_SEATS,
    MIN_REVEALS_FOR_REPUTATION,
    MODELS_BPS,
    NON_REVEAL_PENALTY_FACTOR,
    REPUTATION_COIN_FLIP,
    REPUTATION_FULL_WEIGHT,
    REPUTATION_MAX,
    REQUEST_STATUS_OPEN,
    SUPERMAJORITY_BPS,
    TREASURY_BPS,
    VERDICT_COUNT,
    VERDICT_INCONCLUSIVE,
    WORKERS_BPS,
)
from dfpn.generated.types import ConfigParams


class PhaseFields(Protocol):
    """The request fields the phase rules read (a decoded `Request` has them)."""

    @property
    def status(self) -> int: ...
    @property
    def commits(self) -> int: ...
    @property
    def reveals(self) -> int: ...
    @property
    def min_workers(self) -> int: ...
    @property
    def max_workers(self) -> int: ...
    @property
    def commit_deadline(self) -> int: ...
    @property
    def deadline(self) -> int: ...


class LeaveFields(PhaseFields, Protocol):
    """The request fields the leave rule reads besides the phase fields."""

    @property
    def created_at(self) -> int: ...


class SeatFields(Protocol):
    """The seat fields the leave and replacement rules read (a decoded `Seat` has them)."""

    @property
    def drawn_at(self) -> int: ...


# ---- phases (docs/protocol.md "Phases"); a request that is not open is in none of them ----------------------


def is_open(status: int) -> bool:
    """Whether a request status still accepts joins, commits and reveals (not finalized or expired)."""
    return status == REQUEST_STATUS_OPEN


def commit_open(r: PhaseFields, now: int) -> bool:
    """Joining and committing: an open request before the commit deadline while some seat may still commit."""
    return is_open(r.status) and now < r.commit_deadline and r.commits < r.max_workers


def answer_by(r: LeaveFields, seat: SeatFields) -> int:
    """When a seat's worker must have answered its draw: half a commit window after it was drawn,
    `drawn_at + ⌊(commit_deadline − created_at) / 2⌋` (`Request::answer_by`). Before, the worker may give the seat
    back (`leave_request`); from then on a seat not committed (only drawn, or accepted and silent) may be replaced by
    anyone (`draw_seats`) and its worker forfeits the bond. A seat drawn in the second half of the commit window is
    never replaced."""
    return seat.drawn_at + (r.commit_deadline - r.created_at) // 2


def leave_open(r: LeaveFields, seat: SeatFields, now: int) -> bool:
    """Giving back an uncommitted seat, drawn or accepted (`leave_request`): the commit phase is open and the seat's
    `answer_by` is not reached; later a seat is a promise to the client."""
    return commit_open(r, now) and now < answer_by(r, seat)


def reveal_open(r: PhaseFields, now: int) -> bool:
    """Revealing: an open request whose commit phase is over with enough commitments, before the deadline."""
    return is_open(r.status) and not commit_open(r, now) and r.commits >= r.min_workers and now < r.deadline


def finalizable(r: PhaseFields, now: int) -> bool:
    """An open request with enough commitments whose deadline passed or whose committers all revealed after the
    commit phase."""
    return (
        is_open(r.status)
        and r.commits >= r.min_workers
        and (now >= r.deadline or (not commit_open(r, now) and r.reveals == r.commits))
    )


#: The largest i64: the program's timestamps are i64 and its `deadline + FINALIZE_GRACE_SECS` saturates there.
_I64_MAX = (1 << 63) - 1


def open_to_anyone_at(r: PhaseFields) -> int:
    """When finalizing opens to anyone besides the client: `deadline + FINALIZE_GRACE_SECS` (saturating, as the
    program adds). Until then only the request's client, signing, may finalize, so a challenger has time to reveal
    its label (`reveal_challenge`) first."""
    return min(r.deadline + FINALIZE_GRACE_SECS, _I64_MAX)


def finalizable_by_anyone(r: PhaseFields, now: int) -> bool:
    """Finalizable by a cranker that is not the client (a worker, a gateway, any third party): `finalizable` and
    `FINALIZE_GRACE_SECS` past the deadline (`open_to_anyone_at`). The client itself may finalize as soon as
    `finalizable`, signing as the client."""
    return finalizable(r, now) and now >= open_to_anyone_at(r)


def expirable(r: PhaseFields, now: int) -> bool:
    """An open request whose commit phase ended without enough commitments."""
    return is_open(r.status) and now >= r.commit_deadline and r.commits < r.min_workers


# ---- fees and payout (docs/protocol.md "Fees", "Payout and rounding rule") -----------------------------------


def mul_bps(value: int, bps: int) -> int:
    """`value × bps / 10 000` rounded down, as the program computes it."""
    return (value // BPS) * bps + (value % BPS) * bps // BPS


def request_fee(params: ConfigParams, modalities: int, min_workers: int) -> int:
    """The fee the program records: `base + ⌊base × (min_workers − 1) × worker_surcharge_bps / 10 000⌋`."""
    if modalities == 0 or modalities >= 1 << len(params.base_fees):
        raise ValueError(f"modalities mask {modalities}: name at least one known modality")
    if not 1 <= min_workers <= MAX_SEATS:
        raise ValueError(f"min_workers {min_workers}: must be 1..{MAX_SEATS}")
    base = sum(fee for bit, fee in enumerate(params.base_fees) if modalities & (1 << bit))
    return base + base * (min_workers - 1) * params.worker_surcharge_bps // BPS


@dataclass(frozen=True, slots=True)
class FeeSplit:
    """How a fee is divided among `paid` workers; the parts add up to the fee exactly."""

    per_worker: int
    per_model: int
    treasury: int
    #: 5 % plus every lamport of rounding dust.
    insurance: int


def split_fee(fee: int, paid: int) -> FeeSplit:
    """65 % to the workers, 20 % to their models, 10 % treasury, the rest (5 % + dust) insurance."""
    if paid < 1:
        raise ValueError("at least one paid worker")
    per_worker = mul_bps(fee, WORKERS_BPS) // paid
    per_model = mul_bps(fee, MODELS_BPS) // paid
    treasury = mul_bps(fee, TREASURY_BPS)
    return FeeSplit(per_worker, per_model, treasury, fee - per_worker * paid - per_model * paid - treasury)


def worker_share(fee: int, paid: int) -> int:
    """What each paid worker earns from a fee."""
    return split_fee(fee, paid).per_worker


def is_paid(verdict: int, *, consensus_verdict: int | None, challenge_label: int | None = None) -> bool:
    """Whether a revealed seat with `verdict` is paid at finalization. With a revealed known-answer challenge
    (`challenge_label`, the request's `challenge_label` when `challenged`), exactly the revealers of the label (the
    known answer, not the consensus); otherwise, with a consensus (`consensus_verdict`), its voters, and without one
    every revealer. Pay the `charged_fee` of the paid count with `consensus` = a consensus or a challenge."""
    if challenge_label is not None:
        return verdict == challenge_label
    return consensus_verdict is None or verdict == consensus_verdict


def charged_fee(fee: int, paid: int, consensus: bool, no_consensus_fee_bps: int) -> int:
    """The part of the fee a finalized request charges (the rest of the escrow goes back to the client): all of
    it when a consensus pays its `paid` agreeing revealers, `no_consensus_fee_bps` of it split among all revealers
    when they reached no consensus, nothing without revealers."""
    if paid == 0:
        return 0
    return fee if consensus else mul_bps(fee, no_consensus_fee_bps)


def per_seat_reward(fee: int, min_workers: int) -> int:
    """A request's per-seat reward, `⌊⌊fee × 65 %⌋ / min_workers⌋`: what each seat earns when the fee is paid out
    among `min_workers` (the unit of the seat bond and of the non-reveal slash). `ValueError` for `min_workers`
    below 1."""
    if min_workers < 1:
        raise ValueError("min_workers must be at least 1")
    return mul_bps(fee, WORKERS_BPS) // min_workers


def seat_bond(fee: int, min_workers: int, multiplier: int) -> int:
    """The bond a seat locks in its worker's stake from join to commit (forfeited to insurance by a seat that never
    commits): `multiplier × ⌊⌊fee × 65 %⌋ / min_workers⌋`, the per-seat reward of the request scaled up."""
    return per_seat_reward(fee, min_workers) * multiplier


# ---- aggregation, reputation, slashing (docs/protocol.md "Aggregation", "Reputation and slashing") -----------


@dataclass(frozen=True, slots=True)
class Vote:
    """One revealed answer as the aggregation sees it."""

    verdict: int
    confidence: int
    weight: int


@dataclass(frozen=True, slots=True)
class Outcome:
    """The aggregated result (program codes for verdict and consensus)."""

    verdict: int
    confidence: int
    consensus: int


def weight(reputation: int, max_weight_bps: int) -> int:
    """A worker's voting weight: its reputation above a coin flip (`REPUTATION_COIN_FLIP`), rescaled so that
    `REPUTATION_FULL_WEIGHT` weighs 10 000, capped at `max_weight_bps`."""
    above = max(min(reputation, REPUTATION_MAX) - REPUTATION_COIN_FLIP, 0)
    return min(above * REPUTATION_MAX // (REPUTATION_FULL_WEIGHT - REPUTATION_COIN_FLIP), max_weight_bps)


def _consensus_kind(share: int) -> int:
    if share == BPS:
        return CONSENSUS_UNANIMOUS
    if share >= SUPERMAJORITY_BPS:
        return CONSENSUS_SUPERMAJORITY
    if share > MAJORITY_ABOVE_BPS:
        return CONSENSUS_MAJORITY
    return CONSENSUS_NONE


def aggregate(votes: Sequence[Vote], min_consensus_weight: int) -> Outcome:
    """Reputation-weighted vote: the leading verdict, its consensus type and weighted confidence."""
    none = Outcome(VERDICT_INCONCLUSIVE, 0, CONSENSUS_NONE)
    weights = [0] * VERDICT_COUNT
    weighted_confidence = [0] * VERDICT_COUNT
    for v in votes:
        i = min(v.verdict, VERDICT_COUNT - 1)
        weights[i] += v.weight
        weighted_confidence[i] += min(v.weight, REPUTATION_MAX) * min(v.confidence, MAX_CONFIDENCE)
    total = sum(weights)
    if not votes or total == 0 or total < min_consensus_weight:
        return none
    leader = max(range(VERDICT_COUNT), key=lambda i: (weights[i], -i))
    if any(i != leader and weights[i] == weights[leader] for i in range(VERDICT_COUNT)):
        return none
    share = weights[leader] * BPS // total
    kind = _consensus_kind(share)
    if kind == CONSENSUS_NONE:
        return none
    confidence = (weighted_confidence[leader] // weights[leader]) * share // BPS
    return Outcome(leader, confidence, kind)


def update_reputation(reputation: int, agreed: bool, alpha_bps: int) -> int:
    """Moving average toward 10 000 (agreed with the consensus) or 0 (disagreed), by `alpha_bps`."""
    rep, alpha = min(reputation, REPUTATION_MAX), min(alpha_bps, BPS)
    return rep + (REPUTATION_MAX - rep) * alpha // BPS if agreed else rep - rep * alpha // BPS


def penalize_non_reveal(reputation: int, alpha_bps: int) -> int:
    """A committer that did not reveal (or a failed challenge) loses reputation `NON_REVEAL_PENALTY_FACTOR` times
    as fast as a passed challenge gains it."""
    return update_reputation(reputation, False, min(alpha_bps * NON_REVEAL_PENALTY_FACTOR, BPS))


class SeatOutcome(StrEnum):
    """How a seat ended, as its worker's reputation step sees it (the keys of the reputation vectors)."""

    #: Revealed the label of a revealed known-answer challenge.
    CHALLENGE_PASSED = "challenge_passed"
    #: Revealed another verdict than the label of a revealed known-answer challenge (also slashed).
    CHALLENGE_FAILED = "challenge_failed"
    #: Revealed the consensus verdict (not a challenge).
    AGREED = "agreed"
    #: Revealed a verdict other than the consensus (not a challenge).
    DISAGREED = "disagreed"
    #: Revealed, and the request ended without a consensus.
    NO_CONSENSUS = "no_consensus"
    #: Committed and did not reveal (also slashed).
    NON_REVEAL = "non_reveal"
    #: Joined (or was drawn) and never committed.
    UNCOMMITTED = "uncommitted"


def reputation_step(reputation: int, outcome: SeatOutcome, alpha_bps: int) -> int:
    """A worker's reputation after finalization. Known answers drive it: toward 10 000 by `alpha_bps` on a
    passed challenge, toward 0 twice as fast on a failed one or a missing reveal. Agreeing or disagreeing with a
    consensus moves it only `alpha_bps // AGREEMENT_STEP_DIVISOR`; never committing moves it `alpha_bps`
    toward 0; no consensus leaves it unchanged."""
    agreement_alpha = alpha_bps // AGREEMENT_STEP_DIVISOR
    match outcome:
        case SeatOutcome.CHALLENGE_PASSED:
            return update_reputation(reputation, True, alpha_bps)
        case SeatOutcome.AGREED:
            return update_reputation(reputation, True, agreement_alpha)
        case SeatOutcome.DISAGREED:
            return update_reputation(reputation, False, agreement_alpha)
        case SeatOutcome.UNCOMMITTED:
            return update_reputation(reputation, False, alpha_bps)
        case SeatOutcome.CHALLENGE_FAILED | SeatOutcome.NON_REVEAL:
            return penalize_non_reveal(reputation, alpha_bps)
        case SeatOutcome.NO_CONSENSUS:
            return reputation


def reputation_counts(reveals: int) -> bool:
    """Whether agreeing with the consensus raises reputation at finalization: only when at least
    `MIN_REVEALS_FOR_REPUTATION` workers revealed (one key answering alone cannot farm reputation)."""
    return reveals >= MIN_REVEALS_FOR_REPUTATION


def finalize_reputation(reputation: int, outcome: SeatOutcome, alpha_bps: int, reveals: int) -> int:
    """A seat's worker's reputation after `finalize_request` of a request with `reveals` revealers:
    `reputation_step`, except that agreeing leaves it unchanged below `MIN_REVEALS_FOR_REPUTATION` reveals."""
    if outcome is SeatOutcome.AGREED and not reputation_counts(reveals):
        return reputation
    return reputation_step(reputation, outcome, alpha_bps)


def non_reveal_slash(stake: int, fee: int, min_workers: int, non_reveal_slash_bps: int) -> int:
    """Stake moved to insurance from a seat that committed and did not reveal: `non_reveal_slash_bps` of the
    request's per-seat reward (`per_seat_reward`; the reference 30 000 bps is 3× the reward), at most the stake:
    `min(stake, reward × ⌊bps / 10 000⌋ + ⌊reward × (bps mod 10 000) / 10 000⌋)`, as the program's
    `aggregation::non_reveal_slash` computes it (the whole multiples and the remainder apart, each rounded down).
    A request fixes the rate at submission (`Request.non_reveal_slash_bps`); the configuration keeps it within
    `MIN_NON_REVEAL_SLASH_BPS..=MAX_NON_REVEAL_SLASH_BPS`. `ValueError` for `min_workers` below 1 or a rate
    outside a u16."""
    if not 0 <= non_reveal_slash_bps <= 0xFFFF:
        raise ValueError(f"non_reveal_slash_bps {non_reveal_slash_bps}: must be in 0..=65535")
    reward = per_seat_reward(fee, min_workers)
    whole, part = divmod(non_reveal_slash_bps, BPS)
    return min(stake, reward * whole + mul_bps(reward, part))


def challenge_slash(stake: int, challenge_slash_bps: int) -> int:
    """Stake moved to insurance from a worker that fails a revealed known-answer challenge (a verdict other than the
    challenger's label, or committed and no reveal): `challenge_slash_bps` of its stake (rounded down), on top of
    a non-reveal slash. The configuration bounds the rate by `MAX_CHALLENGE_SLASH_BPS`; `ValueError` above 100 %."""
    if not 0 <= challenge_slash_bps <= BPS:
        raise ValueError(f"challenge_slash_bps {challenge_slash_bps}: must be in 0..={BPS}")
    return mul_bps(stake, challenge_slash_bps)


__all__ = [
    "FeeSplit",
    "LeaveFields",
    "Outcome",
    "PhaseFields",
    "SeatFields",
    "SeatOutcome",
    "Vote",
    "aggregate",
    "answer_by",
    "challenge_slash",
    "charged_fee",
    "commit_open",
    "expirable",
    "finalizable",
    "finalizable_by_anyone",
    "finalize_reputation",
    "is_open",
    "is_paid",
    "leave_open",
    "mul_bps",
    "non_reveal_slash",
    "open_to_anyone_at",
    "penalize_non_reveal",
    "per_seat_reward",
    "reputation_counts",
    "reputation_step",
    "request_fee",
    "reveal_open",
    "seat_bond",
    "split_fee",
    "update_reputation",
    "weight",
    "worker_share",
]
