"""Program-derived addresses of the DFPN program (seeds as in docs/protocol.md and the IDL)."""

from __future__ import annotations

import logging

from solders.pubkey import Pubkey

from dfpn.generated import PROGRAM_ID
from dfpn.generated.constants import (
    MODEL_ID_LEN,
    SEEDS_CONFIG,
    SEEDS_INSURANCE,
    SEEDS_MODEL,
    SEEDS_REQUEST,
    SEEDS_TREASURY,
    SEEDS_WORKER,
)

logger = logging.getLogger(__name__)


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


def model_address(model_id: str | bytes, program_id: Pubkey = PROGRAM_ID) -> Pubkey:
    return find([SEEDS_MODEL, encode_model_id(model_id)], program_id)[0]


def worker_address(authority: Pubkey, program_id: Pubkey = PROGRAM_ID) -> Pubkey:
    return find([SEEDS_WORKER, bytes(authority)], program_id)[0]


def request_address_and_bump(
    client: Pubkey, nonce: int, program_id: Pubkey = PROGRAM_ID
) -> tuple[Pubkey, int]:
    """The request PDA `["request", client, nonce (u64 LE)]` and its canonical bump (`submit_request`'s last arg)."""
    return find([SEEDS_REQUEST, bytes(client), nonce.to_bytes(8, "little")], program_id)


def request_address(client: Pubkey, nonce: int, program_id: Pubkey = PROGRAM_ID) -> Pubkey:
    return request_address_and_bump(client, nonce, program_id)[0]


__all__ = [
    "MODEL_ID_LEN",
    "config_address",
    "decode_model_id",
    "encode_model_id",
    "find",
    "insurance_address",
    "model_address",
    "request_address",
    "request_address_and_bump",
    "treasury_address",
    "worker_address",
]
