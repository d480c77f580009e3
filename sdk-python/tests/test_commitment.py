"""Commitment hash and salt derivation against the shared vectors."""

from __future__ import annotations

import hashlib
from typing import Any

import pytest
from solders.keypair import Keypair
from solders.pubkey import Pubkey

from dfpn.commitment import commitment, derive_salt
from dfpn.models import Verdict
from dfpn.pda import model_address

from helpers import load_vectors

V = load_vectors()
KEYS = {k["name"]: Keypair.from_seed(bytes.fromhex(k["seed"])) for k in V["keypairs"]}


def test_vector_keypairs() -> None:
    # Given the vector seeds, Then the ed25519 public keys are the vector's
    for k in V["keypairs"]:
        assert str(KEYS[k["name"]].pubkey()) == k["pubkey"]


def preimage(case: dict[str, Any]) -> dict[str, Any]:
    """`commitment`'s keyword arguments from a vector."""
    return {
        "request": Pubkey.from_string(case["request"]),
        "worker": Pubkey.from_string(case["worker"]),
        "verdict": case["verdict"],
        "confidence": case["confidence"],
        "model": Pubkey.from_string(case["model"]),
        "report_hash": bytes.fromhex(case["report_hash"]),
        "salt": bytes.fromhex(case["salt"]),
    }


@pytest.mark.parametrize("case", V["commitments"], ids=lambda c: c["commitment"][:8])
def test_commitment_vectors(case: dict[str, Any]) -> None:
    # Given the preimage fields of a vector, When hashing, Then the commitment is the vector's
    got = commitment(**preimage(case))
    assert got.hex() == case["commitment"]
    # And the model is the PDA of the vector's developer and model id
    assert str(model_address(Pubkey.from_string(case["model_developer"]), case["model_id"])) == case["model"]
    # And a Verdict enum gives the same bytes as its code
    assert commitment(**{**preimage(case), "verdict": Verdict.from_code(case["verdict"])}) == got
    # And the domain is v2 and the model enters as its 32 address bytes: the hash spelled out by hand
    fields = preimage(case)
    by_hand = hashlib.sha256(
        b"dfpn-commit-v2"
        + bytes(fields["request"])
        + bytes(fields["worker"])
        + bytes([case["verdict"], case["confidence"]])
        + bytes(fields["model"])
        + fields["report_hash"]
        + fields["salt"]
    )
    assert by_hand.hexdigest() == case["commitment"]


def test_a_model_id_instead_of_the_model_address_is_refused() -> None:
    # Given the preimage of a vector with the model's id (or its padded bytes) where its address belongs
    case = V["commitments"][0]
    for wrong in (case["model_id"], case["model_id"].encode().ljust(32, b"\0")):
        # When hashing, Then it is refused rather than hashed into a commitment the program cannot match
        with pytest.raises(TypeError, match="model's address"):
            commitment(**{**preimage(case), "model": wrong})


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
    base = preimage(c)
    ref = commitment(**base)
    other = Keypair().pubkey()
    changes: dict[str, Any] = {
        "request": Pubkey.from_string(c["worker"]),
        "worker": Pubkey.from_string(c["request"]),
        "verdict": (c["verdict"] + 1) % 3,
        "confidence": c["confidence"] - 1,
        # the same id registered by another developer is another model
        "model": model_address(other, c["model_id"]),
        "report_hash": bytes(32),
        "salt": bytes(32),
    }
    assert set(changes) == set(base)
    for name, value in changes.items():
        assert commitment(**{**base, name: value}) != ref, f"{name} does not bind"
