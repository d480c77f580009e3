"""Program-derived addresses of the DFPN program (seeds as in docs/protocol.md and the IDL)."""

from __future__ import annotations

import logging
import secrets

from solders.pubkey import Pubkey

from dfpn.generated import PROGRAM_ID
from dfpn.generated.constants import (
    MODEL_ID_LEN,
    SEEDS_CHALLENGER,
    SEEDS_CONFIG,
    SEEDS_INSURANCE,
    SEEDS_MODEL,
    SEEDS_REQUEST,
    SEEDS_TREASURY,
    SEEDS_WORKER,
)

logger = logging.getLogger(__name__)

#: The highest bump. `submit_request` checks that no bump above the given one is valid (about 1,500 CU each), so
#: a request whose canonical bump is this one costs no extra compute; about half of all nonces have it.
TOP_BUMP = 0xFF
#: Request nonces are random 63-bit numbers (they fit a JavaScript-safe signed 64-bit integer).
NONCE_BITS = 63
#: The upgradeable BPF loader (loader v3): a program's ProgramData account is its PDA of the program id.
BPF_LOADER_UPGRADEABLE_ID = Pubkey.from_string("BPFLoaderUpgradeab1e11111111111111111111111")


def encode_model_id(model_id: str | bytes) -> bytes:
    """A model id as the program stores it: 1–32 printable ASCII bytes, zero-padded to 32."""
    raw = model_id.encode("utf-8") if isinstance(model_id, str) else bytes(model_id)
    trimmed = raw.rstrip(b"\0")
    if len(raw) > MODEL_ID_LEN or not trimmed or not all(0x20 < b < 0x7F for b in trimmed):
        raise ValueError(f"model id {model_id!r}: 1-32 printable ASCII characters, no spaces")
    return trimmed.ljust(MODEL_ID_LEN, b"\0")


def decode_model_id(raw: bytes) -> str:
    """The text of a stored (zero-padded) model id."""
    return bytes(raw).rstrip(b"\0").decode("ascii", errors="replace")


def find(seeds: list[bytes], program_id: Pubkey = PROGRAM_ID) -> tuple[Pubkey, int]:
    """`find_program_address`: the PDA and its canonical bump."""
    address, bump = Pubkey.find_program_address(seeds, program_id)
    return address, bump


def config_address(program_id: Pubkey = PROGRAM_ID) -> Pubkey:
    return find([SEEDS_CONFIG], program_id)[0]


def treasury_address(program_id: Pubkey = PROGRAM_ID) -> Pubkey:
    return find([SEEDS_TREASURY], program_id)[0]


def insurance_address(program_id: Pubkey = PROGRAM_ID) -> Pubkey:
    return find([SEEDS_INSURANCE], program_id)[0]


def model_address(developer: Pubkey, model_id: str | bytes, program_id: Pubkey = PROGRAM_ID) -> Pubkey:
    """The model PDA `["model", developer, model_id (zero-padded)]`: ids are scoped by the developer that
    registered the model (its `registrant`; the address stays when the model is transferred)."""
    return find([SEEDS_MODEL, bytes(developer), encode_model_id(model_id)], program_id)[0]


def program_data_address(program_id: Pubkey = PROGRAM_ID) -> Pubkey:
    """The program's ProgramData account (upgradeable loader): `initialize_config` checks its upgrade authority."""
    return Pubkey.find_program_address([bytes(program_id)], BPF_LOADER_UPGRADEABLE_ID)[0]


def worker_address(authority: Pubkey, program_id: Pubkey = PROGRAM_ID) -> Pubkey:
    return find([SEEDS_WORKER, bytes(authority)], program_id)[0]


def challenger_address(key: Pubkey, program_id: Pubkey = PROGRAM_ID) -> Pubkey:
    """The challenger PDA `["challenger", key]`: exists while governance lets `key` reveal known-answer
    challenges (`register_challenger` / `remove_challenger`)."""
    return find([SEEDS_CHALLENGER, bytes(key)], program_id)[0]


def request_address_and_bump(
    client: Pubkey, nonce: int, program_id: Pubkey = PROGRAM_ID
) -> tuple[Pubkey, int]:
    """The request PDA `["request", client, nonce (u64 LE)]` and its canonical bump (`submit_request`'s last arg)."""
    return find([SEEDS_REQUEST, bytes(client), nonce.to_bytes(8, "little")], program_id)


def request_address(client: Pubkey, nonce: int, program_id: Pubkey = PROGRAM_ID) -> Pubkey:
    return request_address_and_bump(client, nonce, program_id)[0]


def random_request_nonce(client: Pubkey, program_id: Pubkey = PROGRAM_ID, *, attempts: int = 128) -> int:
    """A random request nonce whose canonical bump is `TOP_BUMP` (random nonces are tried until one is: each has
    about even odds, so `attempts` failures in a row do not happen in practice)."""
    for _ in range(attempts):
        nonce = secrets.randbits(NONCE_BITS)
        if request_address_and_bump(client, nonce, program_id)[1] == TOP_BUMP:
            return nonce
    raise RuntimeError(f"no request nonce with bump {TOP_BUMP} in {attempts} random tries")


__all__ = [
    "BPF_LOADER_UPGRADEABLE_ID",
    "MODEL_ID_LEN",
    "NONCE_BITS",
    "TOP_BUMP",
    "challenger_address",
    "config_address",
    "decode_model_id",
    "encode_model_id",
    "find",
    "insurance_address",
    "model_address",
    "program_data_address",
    "random_request_nonce",
    "request_address",
    "request_address_and_bump",
    "treasury_address",
    "worker_address",
]
