"""`DFPNError` and `ErrorCode`: every failure the SDK reports, with a message that says what to do.

Program errors (`Custom(6000..)`, names and messages from the IDL) map one-to-one onto `ErrorCode` members of the
same name in UPPER_SNAKE case; the SDK adds its own codes (`NO_WORKERS_AVAILABLE`, `CONTENT_HASH_MISMATCH`,
`TIMEOUT`, ...). Failed LiteSVM transactions and JSON-RPC error payloads are both mapped by `from_transaction_error`
and `from_rpc_error`.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping, Sequence
from enum import StrEnum
from typing import Any

from dfpn.generated.errors import PROGRAM_ERRORS, ProgramErrorCode

logger = logging.getLogger(__name__)


class ErrorCode(StrEnum):
    """What went wrong. Program errors keep the program's name; the first block is the SDK's own."""

    # ---- SDK codes --------------------------------------------------------------------------------------
    NO_WORKERS_AVAILABLE = "NO_WORKERS_AVAILABLE"
    CONTENT_HASH_MISMATCH = "CONTENT_HASH_MISMATCH"
    REPORT_HASH_MISMATCH = "REPORT_HASH_MISMATCH"
    REPORT_UNAVAILABLE = "REPORT_UNAVAILABLE"
    MEDIA_NOT_FOUND = "MEDIA_NOT_FOUND"
    CONTENT_TOO_LARGE = "CONTENT_TOO_LARGE"
    STORAGE_NOT_SUPPORTED = "STORAGE_NOT_SUPPORTED"
    STORAGE_UNAVAILABLE = "STORAGE_UNAVAILABLE"
    STORAGE_FAILED = "STORAGE_FAILED"
    NETWORK_NOT_SUPPORTED = "NETWORK_NOT_SUPPORTED"
    PROGRAM_NOT_FOUND = "PROGRAM_NOT_FOUND"
    CONFIG_NOT_FOUND = "CONFIG_NOT_FOUND"
    REQUEST_NOT_FOUND = "REQUEST_NOT_FOUND"
    INVALID_ARGUMENT = "INVALID_ARGUMENT"
    TIMEOUT = "TIMEOUT"
    RPC_ERROR = "RPC_ERROR"
    TRANSACTION_FAILED = "TRANSACTION_FAILED"
    # ---- program codes (6000..), same order and names as the IDL -----------------------------------------
    INVALID_INSTRUCTION_DATA = "INVALID_INSTRUCTION_DATA"
    NOT_ENOUGH_ACCOUNTS = "NOT_ENOUGH_ACCOUNTS"
    MISSING_SIGNATURE = "MISSING_SIGNATURE"
    ACCOUNT_NOT_WRITABLE = "ACCOUNT_NOT_WRITABLE"
    INVALID_ACCOUNT_OWNER = "INVALID_ACCOUNT_OWNER"
    INVALID_ACCOUNT_DATA = "INVALID_ACCOUNT_DATA"
    INVALID_PDA = "INVALID_PDA"
    ACCOUNT_ALREADY_INITIALIZED = "ACCOUNT_ALREADY_INITIALIZED"
    INVALID_SYSTEM_PROGRAM = "INVALID_SYSTEM_PROGRAM"
    UNAUTHORIZED = "UNAUTHORIZED"
    PAUSED = "PAUSED"
    INVALID_CONFIG = "INVALID_CONFIG"
    ARITHMETIC_OVERFLOW = "ARITHMETIC_OVERFLOW"
    INVALID_MODALITIES = "INVALID_MODALITIES"
    INVALID_MODEL_ID = "INVALID_MODEL_ID"
    MODEL_INACTIVE = "MODEL_INACTIVE"
    TOO_MANY_MODELS = "TOO_MANY_MODELS"
    INSUFFICIENT_STAKE = "INSUFFICIENT_STAKE"
    INSUFFICIENT_FUNDS = "INSUFFICIENT_FUNDS"
    WORKER_HAS_ACTIVE_COMMITMENTS = "WORKER_HAS_ACTIVE_COMMITMENTS"
    UNBONDING_NOT_READY = "UNBONDING_NOT_READY"
    WORKER_UNBONDING = "WORKER_UNBONDING"
    DEADLINE_TOO_SHORT = "DEADLINE_TOO_SHORT"
    MAX_FEE_TOO_LOW = "MAX_FEE_TOO_LOW"
    INVALID_STORAGE_URI = "INVALID_STORAGE_URI"
    INVALID_WORKER_COUNT = "INVALID_WORKER_COUNT"
    REQUEST_NOT_OPEN = "REQUEST_NOT_OPEN"
    MODALITY_NOT_SUPPORTED = "MODALITY_NOT_SUPPORTED"
    REQUEST_FULL = "REQUEST_FULL"
    ALREADY_JOINED = "ALREADY_JOINED"
    NOT_JOINED = "NOT_JOINED"
    COMMIT_PHASE_CLOSED = "COMMIT_PHASE_CLOSED"
    ALREADY_COMMITTED = "ALREADY_COMMITTED"
    REVEAL_PHASE_NOT_STARTED = "REVEAL_PHASE_NOT_STARTED"
    REVEAL_PHASE_CLOSED = "REVEAL_PHASE_CLOSED"
    NOT_COMMITTED = "NOT_COMMITTED"
    ALREADY_REVEALED = "ALREADY_REVEALED"
    COMMITMENT_MISMATCH = "COMMITMENT_MISMATCH"
    INVALID_VERDICT = "INVALID_VERDICT"
    MODEL_NOT_DECLARED = "MODEL_NOT_DECLARED"
    INVALID_REPORT_URI = "INVALID_REPORT_URI"
    FINALIZE_TOO_EARLY = "FINALIZE_TOO_EARLY"
    CANNOT_EXPIRE = "CANNOT_EXPIRE"
    REQUEST_NOT_FINISHED = "REQUEST_NOT_FINISHED"
    SEAT_ACCOUNT_MISMATCH = "SEAT_ACCOUNT_MISMATCH"
    NOTHING_TO_CLAIM = "NOTHING_TO_CLAIM"
    PAYOUT_WALLET_MISMATCH = "PAYOUT_WALLET_MISMATCH"
    INVALID_CONTENT_HASH = "INVALID_CONTENT_HASH"
    CLIENT_MISMATCH = "CLIENT_MISMATCH"
    VAULT_MISMATCH = "VAULT_MISMATCH"
    DUPLICATE_ACCOUNT = "DUPLICATE_ACCOUNT"
    INSUFFICIENT_COMMITMENTS = "INSUFFICIENT_COMMITMENTS"

    @property
    def program_code(self) -> int | None:
        """The program's `Custom` code for program errors, None for the SDK's own codes."""
        member = ProgramErrorCode.__members__.get(self.value)
        return None if member is None else int(member)

    @classmethod
    def from_program_code(cls, code: int) -> ErrorCode | None:
        """The member for a program error code (6000..), None for a code the program does not define."""
        try:
            return cls(ProgramErrorCode(code).name)
        except ValueError:
            return None


#: What to do about each failure, appended to the message of a `DFPNError`.
HINTS: Mapping[ErrorCode, str] = {
    ErrorCode.NO_WORKERS_AVAILABLE: (
        "Fewer workers than min_workers committed before the commit deadline; the escrow went back to the client. "
        "Submit again with a later deadline, fewer min_workers or modalities more workers support."
    ),
    ErrorCode.CONTENT_HASH_MISMATCH: (
        "The media bytes do not hash (SHA-256) to the recorded content hash: the file changed or the wrong file or "
        "URI was given. Do not analyse it; use the exact bytes that were submitted."
    ),
    ErrorCode.REPORT_HASH_MISMATCH: (
        "A worker's report does not hash to the report hash it committed on-chain: the report was altered or "
        "replaced after the reveal. Treat that worker's detections as untrustworthy."
    ),
    ErrorCode.REPORT_UNAVAILABLE: "A worker's report URI could not be read; check the path or URL and retry.",
    ErrorCode.MEDIA_NOT_FOUND: "The media file does not exist or cannot be read; check the path.",
    ErrorCode.CONTENT_TOO_LARGE: "The content is over the size limit for this read; it was not downloaded in full.",
    ErrorCode.STORAGE_NOT_SUPPORTED: (
        "Use a storage backend the SDK has: 'ipfs' (a Kubo daemon), 's3' (pip install 'dfpn[s3]'), or 'file' on "
        "the local network; or upload yourself and pass uri=... with content_hash=... (or media_path=...)."
    ),
    ErrorCode.STORAGE_UNAVAILABLE: (
        "The storage service is unreachable. For IPFS start a Kubo daemon (`ipfs daemon`; scripts/install-kubo.sh "
        "builds Kubo) or point DFPN_IPFS_API at one; for S3 check the endpoint URL and credentials."
    ),
    ErrorCode.STORAGE_FAILED: (
        "The storage service refused the upload or read; see the message for its answer (bucket, CID, size)."
    ),
    ErrorCode.NETWORK_NOT_SUPPORTED: (
        "This version ships only the embedded 'local' network (LiteSVM); RPC networks (devnet, localnet, URLs) "
        "come with the RPC transport."
    ),
    ErrorCode.PROGRAM_NOT_FOUND: (
        "The program binary dfpn.so was not found: run `make build` in the repository, or pass program_path=... "
        "or set DFPN_PROGRAM_SO."
    ),
    ErrorCode.CONFIG_NOT_FOUND: (
        "The network has no DFPN configuration account: the program is not deployed or not initialised there."
    ),
    ErrorCode.REQUEST_NOT_FOUND: (
        "No request account at this address: check the id (the request's address), or it was closed."
    ),
    ErrorCode.INVALID_ARGUMENT: "Fix the argument named in the message.",
    ErrorCode.TIMEOUT: "The request did not finish in time; call wait_for_result again with a longer timeout.",
    ErrorCode.RPC_ERROR: "The RPC endpoint failed or is unreachable; check the URL and retry later.",
    ErrorCode.TRANSACTION_FAILED: "The transaction failed outside the program; see the logs attached to the error.",
    ErrorCode.INVALID_INSTRUCTION_DATA: "The SDK and the deployed program disagree on the IDL; upgrade the SDK.",
    ErrorCode.NOT_ENOUGH_ACCOUNTS: "The SDK and the deployed program disagree on the IDL; upgrade the SDK.",
    ErrorCode.MISSING_SIGNATURE: "Sign with the account named in the IDL (wallet, worker or model authority).",
    ErrorCode.ACCOUNT_NOT_WRITABLE: "The SDK and the deployed program disagree on the IDL; upgrade the SDK.",
    ErrorCode.INVALID_ACCOUNT_OWNER: "An account passed is not a DFPN account (wrong address or wrong network).",
    ErrorCode.INVALID_ACCOUNT_DATA: "An account passed is not of the expected DFPN type; check the address.",
    ErrorCode.INVALID_PDA: "An address is not the expected PDA; derive it with dfpn.pda for this program id.",
    ErrorCode.ACCOUNT_ALREADY_INITIALIZED: "It already exists: use another nonce, model id or worker key.",
    ErrorCode.INVALID_SYSTEM_PROGRAM: "Pass the system program (11111111111111111111111111111111).",
    ErrorCode.UNAUTHORIZED: "Only the configuration authority may do this; sign with its key.",
    ErrorCode.PAUSED: "New requests are paused by the network authority; try again later.",
    ErrorCode.INVALID_CONFIG: "A configuration value is out of the bounds listed in docs/protocol.md.",
    ErrorCode.ARITHMETIC_OVERFLOW: "A value is too large (fee, stake or deadline); use smaller numbers.",
    ErrorCode.INVALID_MODALITIES: "Name at least one known Modality.",
    ErrorCode.INVALID_MODEL_ID: "Model ids are 1-32 printable ASCII characters, such as 'face-forensics-sbi'.",
    ErrorCode.MODEL_INACTIVE: "The model was deactivated by its developer; use another model.",
    ErrorCode.TOO_MANY_MODELS: "A worker declares at most 4 models.",
    ErrorCode.INSUFFICIENT_STAKE: "Stake at least the configured min_stake.",
    ErrorCode.INSUFFICIENT_FUNDS: (
        "The paying wallet lacks the lamports this needs (for a request: max fee + the request account's rent + "
        "the transaction fee). Fund the wallet or lower max_fee."
    ),
    ErrorCode.WORKER_HAS_ACTIVE_COMMITMENTS: "Wait until the worker's open requests are finalized or expired.",
    ErrorCode.UNBONDING_NOT_READY: "Request an unstake first, then wait for the unbonding delay to pass.",
    ErrorCode.WORKER_UNBONDING: "A worker with unbonding stake cannot take work; withdraw it first.",
    ErrorCode.DEADLINE_TOO_SHORT: (
        "The deadline must be at least the configured min_deadline_secs (60 s on the reference configuration) "
        "ahead of the cluster clock; pass a larger deadline_seconds."
    ),
    ErrorCode.MAX_FEE_TOO_LOW: "Raise max_fee to at least estimate_fee(modalities, min_workers).",
    ErrorCode.INVALID_STORAGE_URI: (
        "The storage URI must be ipfs://, s3://, https://, http:// or file://, printable ASCII without spaces, "
        "at most 200 bytes."
    ),
    ErrorCode.INVALID_WORKER_COUNT: "Use 1 <= min_workers <= max_workers <= 10.",
    ErrorCode.REQUEST_NOT_OPEN: "The request is already finalized or expired.",
    ErrorCode.MODALITY_NOT_SUPPORTED: "The worker must support every modality the request names.",
    ErrorCode.REQUEST_FULL: "Every seat of the request is taken.",
    ErrorCode.ALREADY_JOINED: "The worker already holds a seat in this request.",
    ErrorCode.NOT_JOINED: "Join the request before committing or revealing.",
    ErrorCode.COMMIT_PHASE_CLOSED: "The commit phase is over; commit earlier next time.",
    ErrorCode.ALREADY_COMMITTED: "This seat already committed.",
    ErrorCode.REVEAL_PHASE_NOT_STARTED: "Wait for the commit phase to close (all seats committed or commit deadline).",
    ErrorCode.REVEAL_PHASE_CLOSED: "The reveal phase is over.",
    ErrorCode.NOT_COMMITTED: "Commit before revealing.",
    ErrorCode.ALREADY_REVEALED: "This seat already revealed.",
    ErrorCode.COMMITMENT_MISMATCH: (
        "The revealed verdict, confidence, model, report hash or salt differ from what was committed; reveal the "
        "exact preimage (the salt is recoverable with dfpn.commitment.derive_salt)."
    ),
    ErrorCode.INVALID_VERDICT: "Verdict must be Inconclusive, Authentic or Manipulated, confidence 0-100.",
    ErrorCode.MODEL_NOT_DECLARED: "Reveal with one of the models the worker declared (update_worker).",
    ErrorCode.INVALID_REPORT_URI: "The report URI must be 1-128 bytes.",
    ErrorCode.FINALIZE_TOO_EARLY: "Wait until every committer revealed or the deadline passed.",
    ErrorCode.CANNOT_EXPIRE: "Only a request with too few commits after the commit deadline can be expired.",
    ErrorCode.REQUEST_NOT_FINISHED: "Finalize or expire the request before closing it.",
    ErrorCode.SEAT_ACCOUNT_MISMATCH: "Pass one worker PDA per seat, then one model PDA per revealed seat.",
    ErrorCode.NOTHING_TO_CLAIM: "There is nothing to withdraw or claim yet.",
    ErrorCode.PAYOUT_WALLET_MISMATCH: "Pass the model's registered payout wallet.",
    ErrorCode.INVALID_CONTENT_HASH: "The content hash must be the SHA-256 of the media, not all zeroes.",
    ErrorCode.CLIENT_MISMATCH: "Pass the request's own client account.",
    ErrorCode.VAULT_MISMATCH: "Pass the treasury and insurance vaults of the configuration.",
    ErrorCode.DUPLICATE_ACCOUNT: "Pass two different accounts where the instruction needs two.",
    ErrorCode.INSUFFICIENT_COMMITMENTS: "Too few workers committed: expire the request instead of finalizing it.",
}


class DFPNError(Exception):
    """A DFPN failure. `code` says what; `str(error)` says what happened and what to do."""

    def __init__(
        self,
        code: ErrorCode,
        message: str | None = None,
        *,
        program_code: int | None = None,
        logs: Sequence[str] = (),
        signature: str | None = None,
    ) -> None:
        self.code = code
        #: The program's `Custom` code when the program itself refused; None for runtime and SDK failures.
        self.program_code = program_code
        self.logs = list(logs)
        self.signature = signature
        base = message or _program_message(code.program_code) or code.value.replace("_", " ").capitalize()
        hint = HINTS.get(code)
        self.message = f"{base} {hint}" if hint and hint not in base else base
        super().__init__(f"[{code.value}] {self.message}")

    def __reduce__(self) -> tuple[Any, ...]:
        return (_rebuild, (self.code, self.message, self.program_code, self.logs, self.signature))


def _rebuild(
    code: ErrorCode, message: str, program_code: int | None, logs: list[str], signature: str | None
) -> DFPNError:
    err = DFPNError(code, message, program_code=program_code, logs=logs, signature=signature)
    err.message = message
    return err


def _program_message(code: int | None) -> str | None:
    info = PROGRAM_ERRORS.get(code) if code is not None else None
    return None if info is None else f"{info.name} ({info.code}): {info.msg}"


def from_program_code(
    code: int, *, logs: Sequence[str] = (), signature: str | None = None, context: str | None = None
) -> DFPNError:
    """The `DFPNError` for a program `Custom(code)`."""
    member = ErrorCode.from_program_code(code)
    if member is None:
        return DFPNError(
            ErrorCode.TRANSACTION_FAILED,
            f"{context + ': ' if context else ''}unknown custom error {code}",
            program_code=code,
            logs=logs,
            signature=signature,
        )
    message = _program_message(code)
    if context:
        message = f"{context}: {message}"
    return DFPNError(member, message, program_code=code, logs=logs, signature=signature)


#: Runtime (not program) failures that mean "the payer does not have the lamports".
#: (InsufficientFundsForFee/ForRent of the runtime, InstructionError::InsufficientFunds, an unfunded payer.)
_FUNDS_ERRORS = ("InsufficientFundsForFee", "InsufficientFundsForRent", "AccountNotFound")
#: Whole-word matches only: `ProgramAccountNotFound` is not a funding problem.
_FUNDS_RE = re.compile(r"(?<![A-Za-z])(" + "|".join(_FUNDS_ERRORS) + r")(?![A-Za-z])")
#: System program `Custom(1)` while transferring: ResultWithNegativeLamports.
_SYSTEM_INSUFFICIENT = 1


def from_transaction_error(
    err: object,
    *,
    program_index: Mapping[int, bool] | None = None,
    logs: Sequence[str] = (),
    signature: str | None = None,
    context: str | None = None,
) -> DFPNError:
    """Map a failed transaction's `TransactionError` (solders object or its JSON form) to a `DFPNError`.

    `program_index` tells, per instruction index, whether that instruction calls the DFPN program: only then is
    a `Custom(code)` a DFPN error code (a system program `Custom(1)` is "insufficient lamports").
    """
    parsed = _parse_transaction_error(err)
    prefix = f"{context}: " if context else ""
    if parsed is not None:
        index, custom, text = parsed
        if custom is not None:
            is_dfpn = True if program_index is None or index is None else program_index.get(index, True)
            if is_dfpn and custom >= 6000:
                return from_program_code(custom, logs=logs, signature=signature, context=context)
            if not is_dfpn and custom == _SYSTEM_INSUFFICIENT:
                return DFPNError(
                    ErrorCode.INSUFFICIENT_FUNDS,
                    f"{prefix}a transfer would leave an account with negative lamports.",
                    logs=logs,
                    signature=signature,
                )
        if _FUNDS_RE.search(text):
            return DFPNError(
                ErrorCode.INSUFFICIENT_FUNDS,
                f"{prefix}the fee payer cannot pay the transaction ({text}).",
                logs=logs,
                signature=signature,
            )
        return DFPNError(ErrorCode.TRANSACTION_FAILED, f"{prefix}{text}", logs=logs, signature=signature)
    return DFPNError(ErrorCode.TRANSACTION_FAILED, f"{prefix}{err}", logs=logs, signature=signature)


_CUSTOM_RE = re.compile(r"Custom\((\d+)\)|custom program error: 0x([0-9a-fA-F]+)")


def _parse_transaction_error(err: object) -> tuple[int | None, int | None, str] | None:
    """(instruction index, custom code, text) from a solders TransactionError, its JSON value or a string."""
    if err is None:
        return None
    # solders: TransactionErrorInstructionError(index, InstructionErrorCustom(code)) or a fieldless enum.
    index = getattr(err, "index", None)
    inner = getattr(err, "err", None)
    if isinstance(index, int) and inner is not None:
        code = getattr(inner, "code", None)
        return index, code if isinstance(code, int) else None, f"instruction {index}: {inner}"
    if isinstance(err, Mapping):
        ie = err.get("InstructionError")
        if isinstance(ie, Sequence) and not isinstance(ie, str) and len(ie) == 2:
            idx, detail = ie
            if isinstance(detail, Mapping) and isinstance(detail.get("Custom"), int):
                return int(idx), int(detail["Custom"]), f"instruction {idx}: Custom({detail['Custom']})"
            return int(idx), None, f"instruction {idx}: {detail}"
        return None, None, str(dict(err))
    text = str(err)
    m = _CUSTOM_RE.search(text)
    if m:
        code = int(m.group(1)) if m.group(1) else int(m.group(2), 16)
        return None, code, text
    return None, None, text


def from_rpc_error(payload: Mapping[str, Any] | str, *, context: str | None = None) -> DFPNError:
    """Map a JSON-RPC error object (`{"code": ..., "message": ..., "data": {"err": ..., "logs": [...]}}`)."""
    if isinstance(payload, str):
        parsed = _parse_transaction_error(payload)
        if parsed is not None and parsed[1] is not None and parsed[1] >= 6000:
            return from_program_code(parsed[1], context=context)
        return DFPNError(ErrorCode.RPC_ERROR, f"{context + ': ' if context else ''}{payload}")
    data = payload.get("data")
    logs: list[str] = []
    if isinstance(data, Mapping):
        raw_logs = data.get("logs")
        if isinstance(raw_logs, list):
            logs = [str(x) for x in raw_logs]
        if data.get("err") is not None:
            return from_transaction_error(data["err"], logs=logs, context=context)
    message = str(payload.get("message", payload))
    parsed = _parse_transaction_error(message)
    if parsed is not None and parsed[1] is not None and parsed[1] >= 6000:
        return from_program_code(parsed[1], logs=logs, context=context)
    if _FUNDS_RE.search(message) or "insufficient funds" in message.lower():
        return DFPNError(ErrorCode.INSUFFICIENT_FUNDS, message, logs=logs)
    return DFPNError(
        ErrorCode.RPC_ERROR,
        f"{context + ': ' if context else ''}RPC error {payload.get('code')}: {message}",
        logs=logs,
    )


__all__ = [
    "HINTS",
    "DFPNError",
    "ErrorCode",
    "from_program_code",
    "from_rpc_error",
    "from_transaction_error",
]
