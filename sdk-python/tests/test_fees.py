"""estimate_fee from a Config, against docs/protocol.md and the shared vectors."""

from __future__ import annotations

from typing import Any

import pytest
from solders.pubkey import Pubkey

from dfpn import REFERENCE_PARAMS, Modality
from dfpn.fees import estimate_fee, fee_from_params, sol_to_lamports
from dfpn.generated.types import Config

from helpers import load_vectors

V = load_vectors()


def test_reference_params_are_the_documented_ones() -> None:
    assert REFERENCE_PARAMS.base_fees == tuple(V["fees"]["base_fees"])
    assert REFERENCE_PARAMS.worker_surcharge_bps == V["fees"]["worker_surcharge_bps"]


def test_docs_example() -> None:
    # Given FaceManipulation + ImageAuthenticity with 3 workers (docs/protocol.md, "Fees")
    fee = fee_from_params(REFERENCE_PARAMS, [Modality.FACE_MANIPULATION, Modality.IMAGE_AUTHENTICITY], 3)
    # Then base 5 000 000 + ⌊5 000 000 × 2 × 2 500 / 10 000⌋
    assert fee == 7_500_000


@pytest.mark.parametrize("case", V["fees"]["cases"], ids=lambda c: f"m{c['modalities']}-w{c['min_workers']}")
def test_fee_vectors(case: dict[str, Any]) -> None:
    # Given a decoded Config with the reference parameters, When estimating, Then the fee is the vector's
    config = Config(
        authority=Pubkey.default(),
        treasury=Pubkey.default(),
        insurance=Pubkey.default(),
        params=REFERENCE_PARAMS,
        paused=0,
        bump=255,
        treasury_bump=255,
        insurance_bump=255,
        request_count=0,
        pending_authority=Pubkey.default(),
        insurance_withdrawn_at=0,
        worker_count=0,
        reserved=bytes(9),
    )
    assert estimate_fee(config, case["modalities"], case["min_workers"]) == case["fee"]
    assert estimate_fee(config, Modality.from_mask(case["modalities"]), case["min_workers"]) == case["fee"]


@pytest.mark.parametrize(
    ("modalities", "workers"), [([], 1), (32, 1), ([Modality.VOICE_CLONING], 0), (1, 11)]
)
def test_out_of_range_inputs_are_refused(modalities: Any, workers: int) -> None:
    with pytest.raises(ValueError, match=r"modalit|min_workers"):
        fee_from_params(REFERENCE_PARAMS, modalities, workers)


def test_sol_to_lamports_is_exact() -> None:
    assert sol_to_lamports(0.01) == 10_000_000
    assert sol_to_lamports("1.000000001") == 1_000_000_001
    # And sub-lamport amounts are refused rather than silently rounded (0.1 + 0.2 is 0.30000000000000004)
    for bad in ("0.0000000001", 0.1 + 0.2, -1):
        with pytest.raises(ValueError, match="lamports"):
            sol_to_lamports(bad)
