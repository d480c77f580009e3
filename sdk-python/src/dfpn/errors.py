"""`DFPNError` and `ErrorCode`: every failure the SDK reports, with a message that says what to do.

Program errors (`Custom(6000..)`, names and messages from the IDL) map one-to-one onto `ErrorCode` members of the
same name in UPPER_SNAKE case; the SDK adds its own codes (`NO_WORKERS_AVAILABLE`, `CONTENT_HASH_MISMATCH`,
`TIMEOUT`, ...). `ErrorCode` and the hints are generated from idl/errors.catalogue.json (the one place to change
an error's SDK name or hint); this module keeps the error class and the mapping of failures to codes. Failed
LiteSVM transactions and JSON-RPC error payloads are both mapped by `from_transaction_error` and `from_rpc_error`.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping, Sequence
from typing import Any

from dfpn.generated.errors import ERROR_HINTS, PROGRAM_ERRORS, SDK_ERROR_MESSAGES, ErrorCode

logger = logging.getLogger(__name__)


#: What to do about each failure, appended to the message of a `DFPNError` (from idl/errors.catalogue.json).
HINTS: Mapping[ErrorCode, str] = ERROR_HINTS


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
        base = message or _program_message(code.program_code) or SDK_ERROR_MESSAGES.get(code, code.value)
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
