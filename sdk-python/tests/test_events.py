"""Events decoded from `Program data:` log lines."""

from __future__ import annotations

import base64

from solders.keypair import Keypair

from dfpn.events import parse_logs
from dfpn.generated import PROGRAM_ID
from dfpn.generated.types import PauseSet, RequestExpired

OTHER = Keypair().pubkey()


def data_line(event: PauseSet | RequestExpired) -> str:
    return "Program data: " + base64.b64encode(event.to_event_data()).decode()


def test_parse_logs_keeps_only_this_programs_events() -> None:
    # Given logs with an event of DFPN, one logged by a program it called, and an unknown payload
    expired = RequestExpired(request=OTHER, refund=7)
    logs = [
        f"Program {PROGRAM_ID} invoke [1]",
        data_line(expired),
        f"Program {OTHER} invoke [2]",
        data_line(PauseSet(paused=True)),
        f"Program {OTHER} success",
        "Program data: " + base64.b64encode(b"\0" * 16).decode(),
        f"Program {PROGRAM_ID} consumed 100 of 200000 compute units",
        f"Program {PROGRAM_ID} success",
        data_line(PauseSet(paused=False)),
    ]
    # When parsing, Then only DFPN's own decodable event is returned
    assert parse_logs(logs) == [expired]
