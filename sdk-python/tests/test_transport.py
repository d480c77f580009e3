"""Transport features shared by the clients and the worker: log push on the local network, keypair files."""

from __future__ import annotations

import asyncio
import contextlib
from pathlib import Path

import pytest

from dfpn import AsyncDFPNClient, DFPNError, ErrorCode, LocalNetwork, Modality, load_keypair, write_keypair
from dfpn.events import parse_logs
from dfpn.generated.events import RequestSubmitted


async def test_given_a_log_subscriber_when_a_request_is_submitted_then_its_logs_are_pushed(
    network: LocalNetwork, client: AsyncDFPNClient, media: Path
) -> None:
    # Given a subscriber to the program's transaction logs
    seen: list[tuple[str, list[str]]] = []

    async def follow() -> None:
        async for item in network.program_logs():
            seen.append(item)

    task = asyncio.create_task(follow())
    await asyncio.sleep(0)
    # When a request is submitted
    sub = await client.submit_request(media, modalities=[Modality.FACE_MANIPULATION], min_workers=1)
    await asyncio.sleep(0)
    # Then its transaction and RequestSubmitted event arrive
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task
    assert [sig for sig, _ in seen] == [sub.signature]
    assert any(isinstance(e, RequestSubmitted) for e in parse_logs(seen[0][1]))
    # And the subscription is gone once the consumer stops
    assert network._log_queues == []


def test_a_keypair_file_round_trips_and_is_private(tmp_path: Path) -> None:
    path = tmp_path / "keys" / "id.json"
    kp = write_keypair(path)
    assert load_keypair(path) == kp
    assert path.stat().st_mode & 0o777 == 0o600
    path.write_text("[1, 2, 3]")
    with pytest.raises(DFPNError) as bad:
        load_keypair(path)
    assert bad.value.code is ErrorCode.INVALID_ARGUMENT
    with pytest.raises(DFPNError) as missing:
        load_keypair(tmp_path / "none.json")
    assert missing.value.code is ErrorCode.INVALID_ARGUMENT and "does not exist" in str(missing.value)
    assert "solana-keygen new" in str(missing.value)  # how to make one
    # A directory (or a file without read permission) is named too, not an OSError traceback
    (tmp_path / "dir.json").mkdir()
    with pytest.raises(DFPNError) as unreadable:
        load_keypair(tmp_path / "dir.json")
    assert unreadable.value.code is ErrorCode.INVALID_ARGUMENT and "cannot be read" in str(unreadable.value)


def test_a_transport_without_a_push_channel_says_so() -> None:
    from dfpn.rpc import RpcTransport
    from dfpn.transport import Transport

    class Plain(RpcTransport):
        program_logs = Transport.program_logs  # the interface's default

    with pytest.raises(DFPNError) as err:
        Plain("localnet").program_logs()
    assert err.value.code is ErrorCode.NETWORK_NOT_SUPPORTED
