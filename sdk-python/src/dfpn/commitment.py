"""The commit-reveal commitment and the worker's recoverable salt (docs/protocol.md, "Commitment").

`commitment = sha256("dfpn-commit-v2" ‖ request (32) ‖ worker authority (32) ‖ verdict (1) ‖ confidence (1) ‖
model (32: the model's PDA address, `dfpn.pda.model_address(developer, model_id)`) ‖ report_hash (32) ‖
salt (32))`; `salt = sha256(ed25519_sign(worker key, request address))`.
Ed25519 signatures are deterministic, so a worker that lost its disk derives the same salt from its key.

The client's side of a request commits too: every `submit_request` carries a 32-byte attestation, random for an
ordinary request (`random_attestation`) and, for a known-answer challenge by a registered challenger,
`challenge_attestation(request=..., label=..., salt=...)` = `sha256("dfpn-challenge-v1" ‖ request (32) ‖ label (1)
‖ salt (32))`, which the challenger opens with `reveal_challenge` after the reveals. Nobody can tell the two apart
before that.
"""

from __future__ import annotations

import hashlib
import logging
import os
from dataclasses import dataclass, field

from solders.keypair import Keypair
from solders.pubkey import Pubkey

from dfpn.errors import DFPNError, ErrorCode
from dfpn.generated.constants import CHALLENGE_DOMAIN, COMMIT_DOMAIN, MAX_CONFIDENCE
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


#: The verdicts a challenge label may be: a known answer is definite (Inconclusive is refused by the program).
CHALLENGE_LABELS = (Verdict.AUTHENTIC, Verdict.MANIPULATED)


def challenge_label(label: Verdict | int) -> int:
    """The label byte of a known-answer challenge: Authentic or Manipulated (`INVALID_ARGUMENT` otherwise, as the
    program refuses any other label with `INVALID_VERDICT`)."""
    try:
        code = label.code if isinstance(label, Verdict) else Verdict.from_code(int(label)).code
    except (KeyError, TypeError, ValueError):
        code = None
    if code not in {v.code for v in CHALLENGE_LABELS}:
        raise DFPNError(
            ErrorCode.INVALID_ARGUMENT,
            f"challenge label {label!r}: a known answer is Authentic or Manipulated.",
        )
    assert code is not None
    return code


def challenge_attestation(*, request: Pubkey, label: Verdict | int, salt: bytes) -> bytes:
    """The attestation of a known-answer challenge on `request` (its address: choose the nonce first,
    `dfpn.pda.request_address(client, nonce)`): `sha256(CHALLENGE_DOMAIN ‖ request ‖ label ‖ salt)`, passed as
    `submit_request(..., attestation=...)` and opened after the reveals with `reveal_challenge(label, salt)`.
    Keep `salt` (32 secret random bytes, e.g. `new_challenge_salt()`) until then."""
    h = hashlib.sha256(CHALLENGE_DOMAIN)
    h.update(bytes(request))
    h.update(bytes([challenge_label(label)]))
    h.update(_b32("salt", salt))
    return h.digest()


def new_challenge_salt() -> bytes:
    """32 random bytes from the OS: a challenge's secret salt."""
    return os.urandom(32)


@dataclass(frozen=True, slots=True)
class Challenge:
    """A known-answer challenge's secret: the `label` (the media's true verdict) and the `salt`. The challenger
    submits `attestation(request)` and, after the reveals, opens it with `reveal_challenge(label, salt)`
    (`AsyncDFPNClient.wait_for_result(..., challenge=...)` does this before it finalizes)."""

    label: Verdict
    salt: bytes = field(default_factory=lambda: new_challenge_salt(), repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "label", Verdict.from_code(challenge_label(self.label)))
        object.__setattr__(self, "salt", _b32("salt", self.salt))

    def attestation(self, request: Pubkey) -> bytes:
        """`challenge_attestation` of this label and salt for the request at address `request`."""
        return challenge_attestation(request=request, label=self.label, salt=self.salt)


def random_attestation() -> bytes:
    """An ordinary request's attestation: 32 random bytes from the OS, indistinguishable from a challenge's."""
    return os.urandom(32)


__all__ = [
    "CHALLENGE_LABELS",
    "DOMAIN",
    "Challenge",
    "answer_codes",
    "challenge_attestation",
    "challenge_label",
    "commitment",
    "derive_salt",
    "new_challenge_salt",
    "random_attestation",
]
