"""Commitment hash and salt derivation against the shared vectors."""

from __future__ import annotations

import hashlib
from typing import Any

import pytest
from solders.keypair import Keypair
from solders.pubkey import Pubkey

from dfpn.commitment import commitment, derive_salt
from dfpn.models import Verdict

from helpers import load_vectors

V = load_vectors()
KEYS = {k["name"]: Keypair.from_seed(bytes.fromhex(k["seed"])) for k in V["keypairs"]}


def test_vector_keypairs() -> None:
    # Given the vector seeds, Then the ed25519 public keys are the vector's
    for k in V["keypairs"]:
        assert str(KEYS[k["name"]].pubkey()) == k["pubkey"]


@pytest.mark.parametrize("case", V["commitments"], ids=lambda c: c["commitment"][:8])
def test_commitment_vectors(case: dict[str, Any]) -> None:
    # Given the preimage fields of a vector, When hashing, Then the commitment is the vector's
    got = commitment(
        Pubkey.from_string(case["request"]),
        Pubkey.from_string(case["worker"]),
        case["verdict"],
        case["confidence"],
        case["model_id"],
        bytes.fromhex(case["report_hash"]),
        bytes.fromhex(case["salt"]),
    )
    assert got.hex() == case["commitment"]
    # And a Verdict enum gives the same bytes as its code
    again = commitment(
        Pubkey.from_string(case["request"]),
        Pubkey.from_string(case["worker"]),
        Verdict.from_code(case["verdict"]),
        case["confidence"],
        bytes.fromhex(case["model_id_hex"]),
        bytes.fromhex(case["report_hash"]),
        bytes.fromhex(case["salt"]),
    )
    assert again == got


@pytest.mark.parametrize("case", V["salts"], ids=lambda c: c["salt"][:8])
def test_salt_vectors(case: dict[str, Any]) -> None:
    # Given a worker key and a request address
    worker = KEYS[case["worker"]]
    request = Pubkey.from_string(case["request"])
    # When deriving the salt, Then it is sha256 of the (deterministic) ed25519 signature over the address bytes
    assert bytes(worker.sign_message(bytes(request))).hex() == case["signature"]
    assert derive_salt(worker, request).hex() == case["salt"]
    assert hashlib.sha256(bytes.fromhex(case["signature"])).hexdigest() == case["salt"]


def test_every_field_binds_the_commitment() -> None:
    # Given a commitment, When any one field changes, Then the commitment changes
    c = V["commitments"][0]
    base: list[Any] = [
        Pubkey.from_string(c["request"]),
        Pubkey.from_string(c["worker"]),
        c["verdict"],
        c["confidence"],
        c["model_id"],
        bytes.fromhex(c["report_hash"]),
        bytes.fromhex(c["salt"]),
    ]
    ref = commitment(*base)
    changes: list[Any] = [
        Pubkey.from_string(c["worker"]),
        Pubkey.from_string(c["request"]),
        (c["verdict"] + 1) % 3,
        c["confidence"] - 1,
        "other-model",
        bytes(32),
        bytes(32),
    ]
    for i, v in enumerate(changes):
        args = list(base)
        args[i] = v
        assert commitment(*args) != ref, f"field {i} does not bind"
