"""`dfpn.protocol` against every case of tests/vectors.json — the same cases the program's own functions are
checked against (`programs/dfpn/tests/vectors.rs`) and the TypeScript SDK's `protocol.ts`."""

from __future__ import annotations

from dataclasses import replace
from types import SimpleNamespace
from typing import Any

import pytest

from dfpn import REFERENCE_PARAMS, protocol
from dfpn.generated.constants import FINALIZE_GRACE_SECS, MAX_CHALLENGE_SLASH_BPS, MIN_REVEALS_FOR_REPUTATION
from dfpn.protocol import FeeSplit, Outcome, SeatOutcome, Vote

from helpers import load_vectors

V = load_vectors()


def cases(section: str) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = V[section]["cases"]
    assert found, f"{section}: no cases"
    return found


@pytest.mark.parametrize("case", cases("phases"))
def test_phases(case: dict[str, Any]) -> None:
    r = SimpleNamespace(**case["request"])
    now = case["now"]
    got = [protocol.commit_open(r, now), protocol.reveal_open(r, now), protocol.finalizable(r, now)]
    got.append(protocol.expirable(r, now))
    assert got == [case["commit_open"], case["reveal_open"], case["finalizable"], case["expirable"]]


@pytest.mark.parametrize("case", cases("phases"))
@pytest.mark.parametrize("drawn_after", [0, 30, 70])
def test_a_seat_may_be_left_for_half_a_commit_window_after_its_draw(
    case: dict[str, Any], drawn_after: int
) -> None:
    # Given a request of the phase vectors, created 100 s before its commit deadline, and a seat drawn some time
    # after its creation
    fields = dict(case["request"])
    r = SimpleNamespace(**fields, created_at=fields["commit_deadline"] - 100)
    seat = SimpleNamespace(drawn_at=r.created_at + drawn_after)
    # Then the seat must be answered half a commit window (50 s) after its draw
    answer_by = seat.drawn_at + 50
    assert protocol.answer_by(r, seat) == answer_by
    # And it may be given back while the commit phase is open and that time has not come
    for now in (r.created_at, answer_by - 1, answer_by, r.commit_deadline):
        assert protocol.leave_open(r, seat, now) == (protocol.commit_open(r, now) and now < answer_by), now


@pytest.mark.parametrize("case", cases("payouts"))
def test_payouts(case: dict[str, Any]) -> None:
    want = FeeSplit(case["per_worker"], case["per_model"], case["treasury"], case["insurance"])
    assert protocol.split_fee(case["fee"], case["paid"]) == want
    assert protocol.worker_share(case["fee"], case["paid"]) == case["per_worker"]


@pytest.mark.parametrize("case", cases("aggregation"))
def test_aggregation(case: dict[str, Any]) -> None:
    votes = [Vote(v["verdict"], v["confidence"], v["weight"]) for v in case["votes"]]
    got = protocol.aggregate(votes, case["min_consensus_weight"])
    assert got == Outcome(case["verdict"], case["confidence"], case["consensus"])


@pytest.mark.parametrize("case", cases("reputation"))
def test_reputation(case: dict[str, Any]) -> None:
    rep, alpha = case["reputation"], case["alpha_bps"]
    for outcome in SeatOutcome:
        assert protocol.reputation_step(rep, outcome, alpha) == case[outcome.value], outcome
    assert protocol.update_reputation(rep, True, alpha) == case["challenge_passed"]
    assert protocol.update_reputation(rep, False, alpha) == case["uncommitted"]
    assert protocol.penalize_non_reveal(rep, alpha) == case["non_reveal"]


@pytest.mark.parametrize("case", cases("reputation"))
def test_agreeing_raises_reputation_only_with_enough_reveals(case: dict[str, Any]) -> None:
    # Given a seat's outcome at finalization and the number of revealers
    rep, alpha = case["reputation"], case["alpha_bps"]
    enough = MIN_REVEALS_FOR_REPUTATION
    for outcome in SeatOutcome:
        # Then with enough revealers every outcome steps as the vectors say
        assert protocol.finalize_reputation(rep, outcome, alpha, enough) == case[outcome.value], outcome
        # And with fewer, agreeing leaves reputation unchanged while every other outcome still steps
        want = rep if outcome is SeatOutcome.AGREED else case[outcome.value]
        assert protocol.finalize_reputation(rep, outcome, alpha, enough - 1) == want, outcome
    assert protocol.reputation_counts(enough) and not protocol.reputation_counts(enough - 1)


@pytest.mark.parametrize("case", cases("charges"))
def test_charges(case: dict[str, Any]) -> None:
    got = protocol.charged_fee(case["fee"], case["paid"], case["consensus"], case["no_consensus_fee_bps"])
    assert got == case["charged"]


@pytest.mark.parametrize("case", cases("seat_bonds"))
def test_seat_bonds(case: dict[str, Any]) -> None:
    assert protocol.seat_bond(case["fee"], case["min_workers"], case["multiplier"]) == case["bond"]


def test_seat_bond_refuses_zero_min_workers() -> None:
    with pytest.raises(ValueError, match="min_workers"):
        protocol.seat_bond(10_000, 0, 10)


@pytest.mark.parametrize("case", cases("slashing"))
def test_non_reveal_slash(case: dict[str, Any]) -> None:
    # Given a committed seat that did not reveal, Then it loses non_reveal_slash_bps of the per-seat reward, at
    # most its stake, exactly as the program's aggregation::non_reveal_slash
    got = protocol.non_reveal_slash(
        case["stake"], case["fee"], case["min_workers"], case["non_reveal_slash_bps"]
    )
    assert got == case["slashed"]


def test_the_non_reveal_slash_is_sized_to_the_per_seat_reward() -> None:
    # Given a 3-worker request of 3 000 000 lamports: each seat's reward is ⌊⌊3 000 000 × 65 %⌋ / 3⌋ = 650 000
    assert protocol.per_seat_reward(3_000_000, 3) == 650_000
    assert protocol.seat_bond(3_000_000, 3, 10) == 10 * protocol.per_seat_reward(3_000_000, 3)
    # Then the reference rate (3x) slashes 1 950 000, 1.5x 975 000, and never more than the stake
    assert protocol.non_reveal_slash(10**9, 3_000_000, 3, REFERENCE_PARAMS.non_reveal_slash_bps) == 1_950_000
    assert protocol.non_reveal_slash(10**9, 3_000_000, 3, 15_000) == 975_000
    assert protocol.non_reveal_slash(1_000_000, 3_000_000, 3, 30_000) == 1_000_000
    # And the rate's whole multiples and remainder are rounded apart: 1.5 × 7 = 10 (not ⌊10.5⌋ of a whole product)
    assert protocol.non_reveal_slash(10**9, 10_000, 1, 15_000) == 6_500 + 3_250
    assert protocol.per_seat_reward(11, 1) == 7 and protocol.non_reveal_slash(100, 11, 1, 15_000) == 7 + 3


@pytest.mark.parametrize(
    ("call", "match"),
    [
        (lambda: protocol.per_seat_reward(10_000, 0), "min_workers"),
        (lambda: protocol.non_reveal_slash(10**9, 10_000, 0, 30_000), "min_workers"),
        (lambda: protocol.non_reveal_slash(10**9, 10_000, 1, 65_536), "non_reveal_slash_bps"),
        (lambda: protocol.non_reveal_slash(10**9, 10_000, 1, -1), "non_reveal_slash_bps"),
        (lambda: protocol.challenge_slash(10**9, 10_001), "challenge_slash_bps"),
    ],
)
def test_slash_arguments_outside_the_programs_ranges_are_refused(call: Any, match: str) -> None:
    # Positive controls: the same calls with valid arguments answer (above and below)
    assert protocol.per_seat_reward(10_000, 1) == 6_500
    assert protocol.non_reveal_slash(10**9, 10_000, 1, 65_535) == 6_500 * 6 + 6_500 * 5_535 // 10_000
    with pytest.raises(ValueError, match=match):
        call()


def test_challenge_slash_is_a_share_of_the_stake() -> None:
    # Given the reference challenge rate, 200 bps: 2 % of the stake, rounded down
    assert REFERENCE_PARAMS.challenge_slash_bps == 200
    assert protocol.challenge_slash(1_000_000_000, 200) == 20_000_000
    assert protocol.challenge_slash(149, 200) == 2 and protocol.challenge_slash(0, 200) == 0
    # And the configuration's upper bound is 5 %
    assert protocol.challenge_slash(1_000_000_000, MAX_CHALLENGE_SLASH_BPS) == 50_000_000


def test_weights() -> None:
    for case in cases("weights"):
        assert protocol.weight(case["reputation"], case["max_weight_bps"]) == case["weight"], case


@pytest.mark.parametrize("case", cases("phases"))
def test_only_the_client_finalizes_until_the_grace_period_ends(case: dict[str, Any]) -> None:
    # Given a request of the phase vectors
    r = SimpleNamespace(**case["request"])
    opens = r.deadline + FINALIZE_GRACE_SECS
    assert protocol.open_to_anyone_at(r) == opens
    # Then anyone may finalize it exactly when the client may and the grace period after the deadline is over
    for now in (case["now"], r.deadline, opens - 1, opens, opens + 1):
        assert protocol.finalizable_by_anyone(r, now) == (protocol.finalizable(r, now) and now >= opens), now
    # And the vector's own instant is never open to anyone while only the client may finalize
    if case["finalizable"] and case["now"] < opens:
        assert not protocol.finalizable_by_anyone(r, case["now"])


def test_the_grace_period_saturates_like_the_program() -> None:
    # Given a deadline within the grace period of the i64 maximum, Then the opening saturates there
    top = (1 << 63) - 1
    r = SimpleNamespace(status=0, commits=1, reveals=1, min_workers=1, max_workers=1, commit_deadline=0,
                        deadline=top - 1)  # fmt: skip
    assert protocol.open_to_anyone_at(r) == top
    assert protocol.finalizable_by_anyone(r, top) and not protocol.finalizable_by_anyone(r, top - 1)


@pytest.mark.parametrize(
    ("verdict", "consensus", "label", "paid"),
    [
        (2, 2, None, True),  # agreed with the consensus
        (1, 2, None, False),  # disagreed with it
        (1, None, None, True),  # no consensus: every revealer is paid
        (1, 2, 1, True),  # a challenge pays its label, against the consensus
        (2, 2, 1, False),  # and not the consensus
        (2, None, 1, False),  # with or without one
    ],
)
def test_who_is_paid(verdict: int, consensus: int | None, label: int | None, paid: bool) -> None:
    assert protocol.is_paid(verdict, consensus_verdict=consensus, challenge_label=label) is paid


@pytest.mark.parametrize("case", V["fees"]["cases"])
def test_fee_estimates(case: dict[str, Any]) -> None:
    params = replace(
        REFERENCE_PARAMS,
        base_fees=tuple(V["fees"]["base_fees"]),
        worker_surcharge_bps=V["fees"]["worker_surcharge_bps"],
    )
    assert protocol.request_fee(params, case["modalities"], case["min_workers"]) == case["fee"]


def test_split_refuses_zero_paid_workers() -> None:
    with pytest.raises(ValueError, match="at least one paid worker"):
        protocol.split_fee(100, 0)
