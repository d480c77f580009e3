"""SSRF through workers: a client chooses a request's media URI, so it must not make a worker fetch from inside
its operator's network. A worker on the embedded network is given media URIs on a real HTTP server on
127.0.0.1 (with the right content hash): by default it refuses them without contacting the server, commits
nothing and gives its seat back; with 127.0.0.0/8 (and ::1) allowed it answers the same request."""

from __future__ import annotations

import asyncio
import hashlib
import logging
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from dfpn import AsyncDFPNClient, LocalNetwork
from dfpn import Modality as ChainModality
from dfpn.netguard import DestinationPolicy
from dfpn_detectors import Verdict
from dfpn_worker import Phase
from dfpn_worker.config import WorkerConfig, load_config, render_toml

from helpers import (
    FixedDetector,
    MediaServer,
    NodeFactory,
    counter,
    finish_after_grace,
    job_of,
    register_model,
    request_account,
    wait_finished,
    worker_account,
)

FACE = [ChainModality.FACE_MANIPULATION]
LOOPBACK = ["127.0.0.0/8", "::1/128"]
HOSTS = ["127.0.0.1", "localhost", "[::ffff:127.0.0.1]"]


@pytest.fixture
async def media_server(media: Path) -> AsyncIterator[MediaServer]:
    server = MediaServer(media.read_bytes())
    listener = await asyncio.start_server(server.handle, "127.0.0.1", 0)
    server.port = int(listener.sockets[0].getsockname()[1])
    async with listener:
        yield server
        listener.close()


def _uri(server: MediaServer, host: str) -> str:
    return f"http://{host}:{server.port}/media/photo.png"


@pytest.mark.parametrize("host", HOSTS)
async def test_media_on_the_workers_own_network_is_refused_and_the_seat_given_back(
    network: LocalNetwork,
    client: AsyncDFPNClient,
    media: Path,
    media_server: MediaServer,
    make_node: NodeFactory,
    caplog: pytest.LogCaptureFixture,
    host: str,
) -> None:
    # Given a worker with the default policy and a request whose media is served on 127.0.0.1 (right hash)
    register_model(network, "fixed-a")
    detector = FixedDetector("fixed-a", Verdict.MANIPULATED, 90)
    node = await make_node("w1", [detector])
    assert node.config.media_allow_networks == []
    sub = await client.submit_request(
        uri=_uri(media_server, host),
        content_hash=hashlib.sha256(media.read_bytes()).digest(),
        modalities=FACE,
        min_workers=1,
        deadline_seconds=120,
    )
    stake = worker_account(network, node.authority).stake
    # When the worker runs
    caplog.set_level(logging.INFO, logger="dfpn_worker")
    make_node.start(node)
    job = await wait_finished(node, sub.id)
    # Then the server saw no request, nothing was analysed or committed, and the seat was given back
    assert media_server.requests == 0 and detector.calls == 0
    assert (job.phase, job.error_code, job.commitment) == (Phase.LEFT, "DESTINATION_REFUSED", None)
    assert job.error is not None and "loopback" in job.error
    r = request_account(network, sub.id)
    assert (r.joined, r.commits) == (0, 0)
    w = worker_account(network, node.authority)
    assert (w.bonded, w.active_seats, w.stake) == (0, 0, stake)
    # And the refusal is logged (with its reason) and counted, without retries
    refusal = [rec for rec in caplog.records if getattr(rec, "event", None) == "refused"]
    assert refusal and getattr(refusal[0], "code", None) == "DESTINATION_REFUSED"
    assert "127.0.0.1" in refusal[0].getMessage() and "loopback" in refusal[0].getMessage()
    assert counter(node, "dfpn_worker_requests_refused_total", code="DESTINATION_REFUSED") == 1
    assert counter(node, "dfpn_worker_retries_total", operation="download") == 0
    # And drawn into the request again, it declines at once (the reason holds for good), still without a fetch
    again = await client.draw_seats(sub.id)
    assert again.drawn == [str(node.authority)]
    await node.poll_once()
    declined = job_of(node, sub.id)
    assert (declined.phase, declined.error_code) == (Phase.LEFT, "DESTINATION_REFUSED")
    assert request_account(network, sub.id).joined == 0 and media_server.requests == 0


@pytest.mark.parametrize("host", HOSTS)
async def test_media_on_an_allowed_network_is_answered(
    network: LocalNetwork,
    client: AsyncDFPNClient,
    media: Path,
    media_server: MediaServer,
    make_node: NodeFactory,
    host: str,
) -> None:
    # Given the same request, and a worker whose operator allows loopback (as the local network does)
    register_model(network, "fixed-a")
    detector = FixedDetector("fixed-a", Verdict.MANIPULATED, 90)
    node = await make_node("w1", [detector], media_allow_networks=LOOPBACK)
    sub = await client.submit_request(
        uri=_uri(media_server, host),
        content_hash=hashlib.sha256(media.read_bytes()).digest(),
        modalities=FACE,
        min_workers=1,
        deadline_seconds=120,
    )
    # When the worker runs, Then it downloads, analyses, commits and reveals
    make_node.start(node)
    job = await finish_after_grace(network, node, sub.id)
    assert job.phase is Phase.DONE and media_server.requests == 1 and detector.calls == 1
    assert request_account(network, sub.id).reveals == 1


async def test_a_redirect_to_the_workers_network_is_refused_at_the_hop(
    network: LocalNetwork,
    client: AsyncDFPNClient,
    media: Path,
    media_server: MediaServer,
    make_node: NodeFactory,
) -> None:
    # Given an allowed server (127.0.0.2 only) that redirects to the media on 127.0.0.1
    async def redirect(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        while (await reader.readline()).strip():
            pass
        location = _uri(media_server, "127.0.0.1")
        writer.write(f"HTTP/1.1 302 Found\r\nLocation: {location}\r\nContent-Length: 0\r\n\r\n".encode())
        await writer.drain()
        writer.close()

    listener = await asyncio.start_server(redirect, "127.0.0.2", 0)
    port = int(listener.sockets[0].getsockname()[1])
    register_model(network, "fixed-a")
    node = await make_node(
        "w1", [FixedDetector("fixed-a", Verdict.MANIPULATED, 90)], media_allow_networks=["127.0.0.2/32"]
    )
    async with listener:
        sub = await client.submit_request(
            uri=f"http://127.0.0.2:{port}/media/photo.png",
            content_hash=hashlib.sha256(media.read_bytes()).digest(),
            modalities=FACE,
            min_workers=1,
            deadline_seconds=120,
        )
        make_node.start(node)
        job = await wait_finished(node, sub.id)
    # Then the hop to 127.0.0.1 is refused: no request reached it, nothing committed
    assert (job.phase, job.error_code) == (Phase.LEFT, "DESTINATION_REFUSED")
    assert media_server.requests == 0 and request_account(network, sub.id).commits == 0


# ---- configuration -------------------------------------------------------------------------------------------


def test_media_allow_networks_from_the_environment_and_the_file(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    # Default: nothing but public addresses
    assert WorkerConfig(metrics_port=None).media_policy == DestinationPolicy()
    # From the environment, comma-separated (a bare address is one host)
    monkeypatch.setenv("DFPN_WORKER_MEDIA_ALLOW_NETWORKS", "127.0.0.0/8, ::1, 10.1.2.0/24")
    monkeypatch.setenv("DFPN_WORKER_MEDIA_MAX_REDIRECTS", "2")
    config = WorkerConfig(metrics_port=None)
    assert config.media_allow_networks == ["127.0.0.0/8", "::1/128", "10.1.2.0/24"]
    assert config.media_max_redirects == 2
    assert (
        config.media_policy.refusal("10.1.2.3") is None
        and config.media_policy.refusal("10.1.3.1") is not None
    )
    monkeypatch.delenv("DFPN_WORKER_MEDIA_ALLOW_NETWORKS")
    monkeypatch.delenv("DFPN_WORKER_MEDIA_MAX_REDIRECTS")
    # Written by `init` and read back from the file
    path = tmp_path / "worker.toml"
    path.write_text(render_toml(config))
    assert load_config(path).media_allow_networks == ["127.0.0.0/8", "::1/128", "10.1.2.0/24"]


@pytest.mark.parametrize("bad", ["localhost", "10.0.0.1/8", "127.0.0.0/33"])
def test_a_bad_allowed_network_is_a_clear_config_error(monkeypatch: pytest.MonkeyPatch, bad: str) -> None:
    monkeypatch.setenv("DFPN_WORKER_MEDIA_ALLOW_NETWORKS", f"127.0.0.0/8,{bad}")
    with pytest.raises(ValueError, match="media_allow_networks") as error:
        WorkerConfig(metrics_port=None)
    assert repr(bad) in str(error.value)
