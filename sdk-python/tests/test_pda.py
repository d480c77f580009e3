"""PDA derivation against the shared vectors and the IDL's seed declarations."""

from __future__ import annotations

from typing import Any

import pytest
from solders.pubkey import Pubkey

from dfpn import pda
from dfpn.generated import PROGRAM_ID
from dfpn.generated.instructions import INSTRUCTIONS

from helpers import load_vectors

V = load_vectors()


def test_singleton_pdas_match_vectors() -> None:
    # Given the program id of the vectors, Then config, treasury and insurance derive to the vector addresses
    assert str(PROGRAM_ID) == V["program_id"]
    assert str(pda.config_address()) == V["pdas"]["config"]["address"]
    assert str(pda.treasury_address()) == V["pdas"]["treasury"]["address"]
    assert str(pda.insurance_address()) == V["pdas"]["insurance"]["address"]
    assert pda.find([b"config"])[1] == V["pdas"]["config"]["bump"]


@pytest.mark.parametrize("case", V["pdas"]["models"], ids=lambda c: c["model_id"])
def test_model_pda(case: dict[str, Any]) -> None:
    # Given a developer and a model id, When deriving its PDA, Then it is ["model", developer, zero-padded id]
    developer = Pubkey.from_string(case["developer"])
    address = pda.model_address(developer, case["model_id"])
    assert (str(address), pda.find([b"model", bytes(developer), pda.encode_model_id(case["model_id"])])[1]) == (
        case["address"],
        case["bump"],
    )
    assert address == pda.model_address(developer, pda.encode_model_id(case["model_id"]))
    # And the same id registered by another developer is another model
    assert pda.model_address(Pubkey.default(), case["model_id"]) != address


def test_program_data_pda() -> None:
    # Given the program id, Then its ProgramData account is the upgradeable loader's PDA of the program id
    assert str(pda.BPF_LOADER_UPGRADEABLE_ID) == "BPFLoaderUpgradeab1e11111111111111111111111"
    expected = Pubkey.find_program_address([bytes(PROGRAM_ID)], pda.BPF_LOADER_UPGRADEABLE_ID)[0]
    assert pda.program_data_address() == expected
    # And the IDL declares initialize_config's program_data account with exactly those seeds and that program
    spec = next(a for a in INSTRUCTIONS["initialize_config"].accounts if a.name == "program_data")
    assert [s.value for s in spec.seeds] == [bytes(PROGRAM_ID)]
    assert spec.program is not None and spec.program.value == bytes(pda.BPF_LOADER_UPGRADEABLE_ID)


@pytest.mark.parametrize("case", V["pdas"]["workers"], ids=lambda c: c["authority"][:8])
def test_worker_pda(case: dict[str, Any]) -> None:
    assert str(pda.worker_address(Pubkey.from_string(case["authority"]))) == case["address"]


@pytest.mark.parametrize("case", V["pdas"]["requests"], ids=lambda c: str(c["nonce"]))
def test_request_pda_and_canonical_bump(case: dict[str, Any]) -> None:
    # Given a client and a nonce (u64 LE in the seeds)
    client = Pubkey.from_string(case["client"])
    # When deriving the request PDA
    address, bump = pda.request_address_and_bump(client, case["nonce"])
    # Then address and canonical bump are the vector's, and the bump recreates the address
    assert (str(address), bump) == (case["address"], case["bump"])
    seeds = [b"request", bytes(client), case["nonce"].to_bytes(8, "little"), bytes([bump])]
    assert Pubkey.create_program_address(seeds, PROGRAM_ID) == address


def test_idl_seed_constants_are_the_sdk_seeds() -> None:
    # Given the IDL's declared const seeds, Then the SDK uses the same ones
    consts = {
        bytes(s.value)  # type: ignore[arg-type]
        for spec in INSTRUCTIONS.values()
        for a in spec.accounts
        for s in a.seeds
        if s.kind == "const" and a.program is None  # (PDAs of this program)
    }
    assert consts == {b"config", b"treasury", b"insurance", b"model", b"worker", b"request", b"challenger"}


def test_challenger_pda() -> None:
    # Given a key, Then its challenger account is ["challenger", key], what register_challenger creates
    key = Pubkey.from_bytes(bytes(range(32)))
    assert pda.challenger_address(key) == Pubkey.find_program_address([b"challenger", bytes(key)], PROGRAM_ID)[0]
    # And another key's is another account
    assert pda.challenger_address(key) != pda.challenger_address(Pubkey.from_bytes(bytes(32)))


@pytest.mark.parametrize("bad", ["", "has space", "x" * 33, "naïve"])
def test_invalid_model_ids_are_refused(bad: str) -> None:
    with pytest.raises(ValueError, match="model id"):
        pda.encode_model_id(bad)
