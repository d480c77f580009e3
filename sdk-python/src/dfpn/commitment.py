"""The commit-reveal commitment and the worker's recoverable salt (docs/protocol.md, "Commitment").

`commitment = sha256("dfpn-commit-v1" ‖ request (32) ‖ worker authority (32) ‖ verdict (1) ‖ confidence (1) ‖
model_id (32) ‖ report_hash (32) ‖ salt (32))`; `salt = sha256(ed25519_sign(worker key, request address))`.
Ed25519 signatures are deterministic, so a worker that lost its disk derives the same salt from its key.
"""

from __future__ import annotations

import hashlib
import logging

from solders.keypair import Keypair
from solders.pubkey import Pubkey

from dfpn.generated.constants import COMMIT_DOMAIN
from dfpn.models import Verdict
from dfpn.pda import encode_model_id

logger = logging.getLogger(__name__)

DOMAIN = COMMIT_DOMAIN


def _b32(name: str, value: bytes) -> bytes:
    if len(value) != 32:
        raise ValueError(f"{name} must be 32 bytes, got {len(value)}")
    return bytes(value)


def commitment(
    request: Pubkey,
    worker: Pubkey,
    verdict: Verdict | int,
    confidence: int,
    model_id: str | bytes,
    report_hash: bytes,
    salt: bytes,
) -> bytes:
    """The 32-byte commitment a worker submits with `commit_result` and the program recomputes at reveal."""
    code = verdict.code if isinstance(verdict, Verdict) else int(verdict)
    if not 0 <= code <= 255 or not 0 <= confidence <= 255:
        raise ValueError("verdict and confidence are single bytes")
    h = hashlib.sha256(DOMAIN)
    h.update(bytes(request))
    h.update(bytes(worker))
    h.update(bytes([code, confidence]))
    h.update(encode_model_id(model_id))
    h.update(_b32("report_hash", report_hash))
    h.update(_b32("salt", salt))
    return h.digest()


def derive_salt(worker: Keypair, request: Pubkey) -> bytes:
    """`sha256(ed25519 signature of the worker's key over the request address bytes)`."""
    return hashlib.sha256(bytes(worker.sign_message(bytes(request)))).digest()


__all__ = ["DOMAIN", "commitment", "derive_salt"]
