"""The commit-reveal commitment and the worker's recoverable salt (docs/protocol.md, "Commitment").

`commitment = sha256("dfpn-commit-v2" ‖ request (32) ‖ worker authority (32) ‖ verdict (1) ‖ confidence (1) ‖
model (32: the model's PDA address, `dfpn.pda.model_address(developer, model_id)`) ‖ report_hash (32) ‖
salt (32))`; `salt = sha256(ed25519_sign(worker key, request address))`.
Ed25519 signatures are deterministic, so a worker that lost its disk derives the same salt from its key.
"""

from __future__ import annotations

import hashlib
import logging

from solders.keypair import Keypair
from solders.pubkey import Pubkey

from dfpn.errors import DFPNError, ErrorCode
from dfpn.generated.constants import COMMIT_DOMAIN, MAX_CONFIDENCE
from dfpn.models import Verdict

logger = logging.getLogger(__name__)

DOMAIN = COMMIT_DOMAIN


def _b32(name: str, value: bytes) -> bytes:
    if len(value) != 32:
        raise ValueError(f"{name} must be 32 bytes, got {len(value)}")
    return bytes(value)


def answer_codes(verdict: Verdict | int, confidence: int) -> tuple[int, int]:
    """The verdict byte and confidence of an answer the program accepts; `INVALID_ARGUMENT` naming the field for
    an unknown verdict or a confidence outside 0..`MAX_CONFIDENCE` (the program would refuse the reveal, and the
    worker that committed it would be slashed)."""
    if isinstance(verdict, Verdict):
        code = verdict.code
    else:
        try:
            code = Verdict.from_code(int(verdict)).code
        except (KeyError, TypeError, ValueError):
            known = ", ".join(f"{v.code} ({v.value})" for v in Verdict)
            raise DFPNError(
                ErrorCode.INVALID_ARGUMENT, f"verdict {verdict!r} is not a known verdict: {known}."
            ) from None
    in_range = (
        isinstance(confidence, int) and not isinstance(confidence, bool) and 0 <= confidence <= MAX_CONFIDENCE
    )
    if not in_range:
        raise DFPNError(
            ErrorCode.INVALID_ARGUMENT, f"confidence {confidence!r} must be an integer 0..{MAX_CONFIDENCE}."
        )
    return code, confidence


def commitment(
    *,
    request: Pubkey,
    worker: Pubkey,
    verdict: Verdict | int,
    confidence: int,
    model: Pubkey,
    report_hash: bytes,
    salt: bytes,
) -> bytes:
    """The 32-byte commitment a worker submits with `commit_result` and the program recomputes at reveal with
    the seat's model (the model address the commit named). An answer the program cannot accept (see
    `answer_codes`) is refused with `INVALID_ARGUMENT`."""
    code, confidence = answer_codes(verdict, confidence)
    if not isinstance(model, Pubkey):
        raise TypeError(f"model must be the model's address (a Pubkey), got {type(model).__name__}")
    h = hashlib.sha256(DOMAIN)
    h.update(bytes(request))
    h.update(bytes(worker))
    h.update(bytes([code, confidence]))
    h.update(bytes(model))
    h.update(_b32("report_hash", report_hash))
    h.update(_b32("salt", salt))
    return h.digest()


def derive_salt(worker: Keypair, request: Pubkey) -> bytes:
    """`sha256(ed25519 signature of the worker's key over the request address bytes)`."""
    return hashlib.sha256(bytes(worker.sign_message(bytes(request)))).digest()


__all__ = ["DOMAIN", "answer_codes", "commitment", "derive_salt"]
