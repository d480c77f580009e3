"""Events from transaction logs: `Program data: <base64>` lines written while the DFPN program was executing."""

from __future__ import annotations

import base64
import binascii
import logging
from collections.abc import Iterable

from solders.pubkey import Pubkey

from dfpn.borsh import BorshError
from dfpn.generated import PROGRAM_ID
from dfpn.generated.events import Event, decode_event

logger = logging.getLogger(__name__)

_DATA = "Program data: "


def parse_logs(logs: Iterable[str], program_id: Pubkey = PROGRAM_ID) -> list[Event]:
    """Decode every DFPN event in a transaction's logs, in order.

    Only `Program data:` lines logged while `program_id` is the innermost running program count, so events of
    other programs (or forged data lines of programs invoked by CPI) are ignored.
    """
    pid = str(program_id)
    stack: list[str] = []
    events: list[Event] = []
    for line in logs:
        if line.startswith("Program ") and " invoke [" in line:
            stack.append(line.split(" ")[1])
        elif line.startswith("Program ") and (line.endswith(" success") or " failed" in line):
            if stack and line.split(" ")[1] == stack[-1]:
                stack.pop()
        elif line.startswith(_DATA) and stack and stack[-1] == pid:
            try:
                payload = base64.b64decode(line[len(_DATA) :].strip(), validate=True)
                event = decode_event(payload)
            except (binascii.Error, BorshError) as e:
                logger.warning("undecodable program data line %r: %s", line, e)
                continue
            if event is not None:
                events.append(event)
    return events


__all__ = ["Event", "parse_logs"]
