"""`dfpn.protocol` against every case of tests/vectors.json — the same cases the program's own functions are
checked against (`programs/dfpn/tests/vectors.rs`) and the TypeScript SDK's `protocol.ts`."""

from __future__ import annotations

from dataclasses import replace
from types import SimpleNamespace
from typing import Any

import pytest

from dfpn import REFERENCE_PARAMS, protocol
from dfpn.generated.constants import MIN_REVEALS_FOR_REPUTATION
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
def test_leaving_is_the_first_half_of_the_commit_phase(case: dict[str, Any]) -> None:
    # Given a request of the phase vectors, created some time before its commit deadline
    fields = dict(case["request"])
    r = SimpleNamespace(**fields, created_at=fields["commit_deadline"] - 100)
    halfway = r.commit_deadline - 50
    # Then a seat may be given back while the commit phase is open and its first half not over
    for now in (r.created_at, halfway - 1, halfway, r.commit_deadline):
        assert protocol.leave_open(r, now) == (protocol.commit_open(r, now) and now < halfway), now


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
    assert protocol.update_reputation(rep, True, alpha) == case["agreed"]
    assert protocol.update_reputation(rep, False, alpha) == case["disagreed"]
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


def test_slashing_and_weights() -> None:
    for case in cases("slashing"):
        assert protocol.slash_amount(case["stake"], case["slash_bps"]) == case["slashed"], case
    for case in cases("weights"):
        assert protocol.weight(case["reputation"], case["max_weight_bps"]) == case["weight"], case


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
