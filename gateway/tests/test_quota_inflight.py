"""Issue #16: submissions that fail after taking a quota reservation must not make valid ones get 429.

Ten uploads hold their reservations while their media is being pinned to an IPFS endpoint (a real socket server
that reads each upload and answers only when told to, then with HTTP 500); meanwhile ten valid submissions (media
already stored, `media_uri`) arrive for a key with a quota of 10. The valid ones wait for the failing ones to give
their reservations back, and all ten are accepted. The control: with `quota_wait_seconds=0` (refuse at once, the
old behaviour) the same valid submissions get 429 while the failing ones are in flight."""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from dfpn import AsyncDFPNClient
from dfpn_gateway.store import Store

from helpers import PNG, Database, Key, eventually, make_settings, new_key, running


@dataclass
class HeldIpfs:
    """An IPFS RPC endpoint that reads each `add` request whole, holds it until `release` is set, then fails it."""

    url: str = ""
    held: int = 0
    release: asyncio.Event = field(default_factory=asyncio.Event)


@contextlib.asynccontextmanager
async def held_ipfs() -> AsyncIterator[HeldIpfs]:
    ipfs = HeldIpfs()

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        head = await reader.readuntil(b"\r\n\r\n")
        length = next(
            (
                int(line.split(b":", 1)[1])
                for line in head.split(b"\r\n")
                if line.lower().startswith(b"content-length")
            ),
            0,
        )
        await reader.readexactly(length)
        ipfs.held += 1
        await ipfs.release.wait()
        body = b'{"Message":"datastore full","Code":0,"Type":"error"}'
        writer.write(
            b"HTTP/1.1 500 Internal Server Error\r\nContent-Type: application/json\r\n"
            + f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n".encode()
            + body
        )
        await writer.drain()
        writer.close()

    server = await asyncio.start_server(handle, "127.0.0.1", 0)
    ipfs.url = f"http://127.0.0.1:{server.sockets[0].getsockname()[1]}"
    try:
        yield ipfs
    finally:
        ipfs.release.set()
        server.close()
        await server.wait_closed()


def valid_submission(n: int) -> dict[str, object]:
    digest = hashlib.sha256(f"stored media {n}".encode()).hexdigest()
    return {
        "media_uri": f"ipfs://bafkreiquota{digest[:40]}",
        "content_hash": digest,
        "modalities": ["ImageAuthenticity"],
    }


async def _burst(
    api: httpx.AsyncClient, key: Key, ipfs: HeldIpfs, *, valid_answer_first: bool = False
) -> tuple[list[int], list[int]]:
    """Ten failing uploads take their reservations first; then ten valid submissions arrive; then the uploads
    fail (`valid_answer_first`: once the valid ones have all been answered). Returns (statuses of the valid ones,
    statuses of the failing ones)."""
    failing = [
        asyncio.create_task(
            api.post(
                "/v1/requests",
                headers=key.headers,
                data={"modalities": "ImageAuthenticity"},
                files={"file": (f"{n}.png", PNG + bytes([n]))},
            )
        )
        for n in range(10)
    ]
    await eventually(lambda: ipfs.held == 10, timeout=30)
    valid = [
        asyncio.create_task(api.post("/v1/requests", headers=key.headers, json=valid_submission(n)))
        for n in range(10)
    ]
    if valid_answer_first:
        await asyncio.wait(valid, timeout=30)
    else:
        await asyncio.sleep(0.5)  # the valid ones are in, behind the held reservations
    ipfs.release.set()
    failed = [r.status_code for r in await asyncio.gather(*failing)]
    accepted = [r.status_code for r in await asyncio.gather(*valid)]
    return accepted, failed


async def test_failing_submissions_do_not_take_the_quota_of_valid_ones(
    tmp_path: Path, database: Database, sdk: AsyncDFPNClient, store: Store
) -> None:
    async with held_ipfs() as ipfs:
        settings = make_settings(tmp_path, database, storage="ipfs", ipfs_api_url=ipfs.url)
        key = new_key(store, quota=10)
        async with running(settings, sdk) as api:
            accepted, failed = await _burst(api, key, ipfs)
            # Every valid submission is accepted; every failing one failed and gave its reservation back
            assert accepted == [202] * 10
            assert failed == [502] * 10
            assert store.get_key(key.record.id).used == 10  # type: ignore[union-attr]
            # And the quota still holds: the 11th valid submission is refused
            extra = await api.post("/v1/requests", headers=key.headers, json=valid_submission(10))
            assert extra.status_code == 429 and extra.json()["error"]["code"] == "QUOTA_EXHAUSTED"


async def test_control_without_waiting_valid_submissions_get_429(
    tmp_path: Path, database: Database, sdk: AsyncDFPNClient, store: Store
) -> None:
    async with held_ipfs() as ipfs:
        settings = make_settings(
            tmp_path, database, storage="ipfs", ipfs_api_url=ipfs.url, quota_wait_seconds=0
        )
        key = new_key(store, quota=10)
        async with running(settings, sdk) as api:
            accepted, failed = await _burst(api, key, ipfs, valid_answer_first=True)
            assert accepted == [429] * 10
            assert failed == [502] * 10
            assert store.get_key(key.record.id).used == 0  # type: ignore[union-attr]


async def test_cheap_checks_come_before_the_quota(
    tmp_path: Path, database: Database, sdk: AsyncDFPNClient, store: Store
) -> None:
    """A submission the program would refuse for its deadline is answered 400 at once, without a reservation:
    it does not wait behind the quota that the held uploads fill (a valid one beside it does wait)."""
    async with held_ipfs() as ipfs:
        settings = make_settings(tmp_path, database, storage="ipfs", ipfs_api_url=ipfs.url)
        key = new_key(store, quota=10)
        async with running(settings, sdk) as api:
            held = [
                asyncio.create_task(
                    api.post(
                        "/v1/requests",
                        headers=key.headers,
                        data={"modalities": "ImageAuthenticity"},
                        files={"file": (f"{n}.png", PNG + bytes([n]))},
                    )
                )
                for n in range(10)
            ]
            await eventually(lambda: ipfs.held == 10, timeout=30)
            valid = asyncio.create_task(
                api.post("/v1/requests", headers=key.headers, json=valid_submission(0))
            )
            short = await asyncio.wait_for(
                api.post(
                    "/v1/requests", headers=key.headers, json={**valid_submission(1), "deadline_seconds": 30}
                ),
                timeout=5,
            )
            assert short.status_code == 400 and short.json()["error"]["code"] == "DEADLINE_TOO_SHORT"
            assert "minimum of 60 seconds" in short.json()["error"]["message"]
            # The valid one is still waiting for the quota
            await asyncio.sleep(0.3)
            assert not valid.done()
            ipfs.release.set()
            assert [r.status_code for r in await asyncio.gather(*held)] == [502] * 10
            assert (await valid).status_code == 202
            assert store.get_key(key.record.id).used == 1  # type: ignore[union-attr]
