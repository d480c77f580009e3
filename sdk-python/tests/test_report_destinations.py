"""Report URIs are written on-chain by workers, so reading them is a request on someone else's say-so: the client
reads them only where its `report_policy` allows (public addresses; loopback only when the network runs on this
machine) and file:// only on such a network. Each worker below serves its report from a real HTTP server on
127.0.0.1."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from solders.keypair import Keypair
from solders.pubkey import Pubkey

from dfpn import AsyncDFPNClient, LocalNetwork, Modality, Verdict
from dfpn.netguard import DestinationPolicy
from dfpn.rpc import RpcTransport

from helpers import Answer, TestWorker, seated

M = Verdict.MANIPULATED


class ReportServer:
    """Serves `files` (by name) over HTTP/1.0 and counts the requests it got."""

    def __init__(self) -> None:
        self.files: dict[str, bytes] = {}
        self.requests = 0
        self.port = 0

    async def __aenter__(self) -> ReportServer:
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", 0)
        self.port = self._server.sockets[0].getsockname()[1]
        return self

    async def __aexit__(self, *exc: object) -> None:
        self._server.close()
        await self._server.wait_closed()

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.requests += 1
        line = (await reader.readline()).decode()
        while (await reader.readline()) not in (b"\r\n", b""):
            pass
        body = self.files[line.split(" ")[1].lstrip("/")]
        writer.write(b"HTTP/1.0 200 OK\r\nContent-Length: %d\r\n\r\n" % len(body) + body)
        await writer.drain()
        writer.close()


@pytest.fixture
async def server() -> AsyncIterator[ReportServer]:
    async with ReportServer() as s:
        yield s


async def _finalized_with_http_reports(
    client: AsyncDFPNClient, network: LocalNetwork, workers: list[TestWorker], media: Path, server: ReportServer
) -> str:
    """A request whose three workers revealed report URIs on `server` (the same bytes they committed to)."""
    sub = await client.submit_request(
        media, modalities=[Modality.FACE_MANIPULATION], min_workers=3, max_fee=0.01, deadline_seconds=300
    )
    request = Pubkey.from_string(sub.id)
    ws = seated(network, request, workers)
    for w in ws:
        w.join(request)
        w.commit(request, Answer(M, 90))
    for w in ws:
        answer, report_hash, salt, uri = w.answers[str(request)]
        name = uri.rsplit("/", 1)[1]
        server.files[name] = Path(uri.removeprefix("file://")).read_bytes()
        w.answers[str(request)] = (answer, report_hash, salt, f"http://127.0.0.1:{server.port}/{name}")
        w.reveal(request)
    return sub.id


async def test_reports_on_a_refused_address_are_not_fetched(
    network: LocalNetwork, workers: list[TestWorker], media: Path, server: ReportServer
) -> None:
    # Given a client that allows only public destinations
    async with AsyncDFPNClient(network, report_policy=DestinationPolicy()) as client:
        request_id = await _finalized_with_http_reports(client, network, workers, media, server)
        # When it reads the result
        result = await client.wait_for_result(request_id, timeout=10)
    # Then the verdict is there, no report was fetched from loopback, and none is marked verified
    assert result.verdict is M
    assert server.requests == 0
    assert [w.report_verified for w in result.worker_results] == [False, False, False]


async def test_reports_on_loopback_are_read_on_a_network_on_this_machine(
    client: AsyncDFPNClient, network: LocalNetwork, workers: list[TestWorker], media: Path, server: ReportServer
) -> None:
    # Given the default client of the embedded network (loopback allowed), when it reads the same kind of result
    request_id = await _finalized_with_http_reports(client, network, workers, media, server)
    result = await client.wait_for_result(request_id, timeout=10)
    # Then every report was fetched and verified against its committed hash
    assert server.requests == 3
    assert [w.report_verified for w in result.worker_results] == [True, True, True]


async def test_file_reports_are_read_only_on_a_network_on_this_machine(
    network: LocalNetwork, workers: list[TestWorker], media: Path
) -> None:
    async with AsyncDFPNClient(network) as client:
        # Given a request whose workers revealed file:// report URIs
        sub = await client.submit_request(
            media, modalities=[Modality.FACE_MANIPULATION], min_workers=3, max_fee=0.01, deadline_seconds=300
        )
        request = Pubkey.from_string(sub.id)
        ws = seated(network, request, workers)
        for w in ws:
            w.join(request)
            w.commit(request, Answer(M, 90))
        for w in ws:
            w.reveal(request)
        # Then the embedded network's client reads them (control)
        result = await client.wait_for_result(sub.id, timeout=10)
        assert [w.report_verified for w in result.worker_results] == [True, True, True]
        # And a client of a network elsewhere does not read its own disk on a worker's say-so
        client.read_local_files = False
        again = await client.wait_for_result(sub.id, timeout=10)
        assert [w.report_verified for w in again.worker_results] == [False, False, False]


@pytest.mark.parametrize(
    ("url", "loopback"),
    [
        ("http://127.0.0.1:8899", True),
        ("http://localhost:8899", True),
        ("http://[::1]:8899", True),
        ("https://api.devnet.solana.com", False),
        ("http://10.0.0.5:8899", False),
    ],
)
async def test_the_default_policy_allows_loopback_only_for_a_node_on_this_machine(
    url: str, loopback: bool
) -> None:
    async with RpcTransport(url) as rpc:
        client = AsyncDFPNClient(rpc, wallet=Keypair())
        allowed = client.report_policy.refusal("127.0.0.1") is None
        assert (allowed, client.read_local_files) == (loopback, loopback)
        assert client.report_policy.refusal("93.184.216.34") is None
