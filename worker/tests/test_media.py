"""Bad media and faulty storage: an Inconclusive report or a refusal, never a crash; network faults are retried."""

from __future__ import annotations

import asyncio
import hashlib
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from dfpn import AsyncDFPNClient, LocalNetwork
from dfpn import Modality as ChainModality
from dfpn import Verdict as ChainVerdict
from dfpn_detectors import Verdict
from dfpn_worker import Phase

from helpers import (
    PNG_MAGIC,
    BlockingDetector,
    FixedDetector,
    MediaServer,
    NodeFactory,
    RaisingDetector,
    counter,
    finish_after_grace,
    register_model,
    request_account,
    stored_report,
    wait_finished,
)

M, A = Verdict.MANIPULATED, Verdict.AUTHENTIC
FACE = [ChainModality.FACE_MANIPULATION]
#: The media servers here are on 127.0.0.1, which a worker refuses unless its operator allows it (test_ssrf.py).
LOCAL = ["127.0.0.0/8"]


async def test_media_no_detector_can_read_gets_an_inconclusive_report_and_is_still_committed(
    network: LocalNetwork, client: AsyncDFPNClient, short_dir: Path, make_node: NodeFactory
) -> None:
    # Given media that is not an image any detector supports (its hash matches: it is what the client sent)
    register_model(network, "fixed-a")
    junk = short_dir / "clip.bin"
    junk.write_bytes(b"\x00\x01garbage, truncated" * 3)
    detector = FixedDetector("fixed-a", M, 99)
    node = await make_node("w1", [detector])
    sub = await client.submit_request(junk, modalities=FACE, min_workers=1, deadline_seconds=120)
    # When the worker runs
    make_node.start(node)
    job = await finish_after_grace(network, node, sub.id)
    # Then it committed and revealed Inconclusive 0 with the reason in the report, without running the detector
    assert detector.calls == 0
    assert (job.phase, job.verdict, job.confidence, job.model_id) == (Phase.DONE, 0, 0, "fixed-a")
    report = stored_report(job.report_uri)
    assert report["verdict"] == "Inconclusive" and report["detectors"] == []
    assert "no detector supports this media" in str(report["notes"])
    assert request_account(network, sub.id).reveals == 1


async def test_a_detector_that_raises_or_hangs_counts_as_inconclusive(
    network: LocalNetwork, client: AsyncDFPNClient, media: Path, make_node: NodeFactory
) -> None:
    # Given a worker with a sound detector, one that raises and one that hangs past the time limit
    for m in ("fixed-a", "broken", "slow"):
        register_model(network, m)
    slow = BlockingDetector("slow", A, 50, seconds=3)
    detectors = [FixedDetector("fixed-a", M, 70), RaisingDetector("broken", A, 90), slow]
    node = await make_node("w1", detectors, detector_timeout=1.0)
    sub = await client.submit_request(media, modalities=FACE, min_workers=1, deadline_seconds=120)
    # When it analyses the media
    make_node.start(node)
    job = await finish_after_grace(network, node, sub.id)
    slow.release.set()
    # Then the node neither crashed nor waited: the two faulty detectors are Inconclusive 0 in the report
    report = stored_report(job.report_uri)
    summary = {d["modelId"]: (d["verdict"], d["confidence"], d["notes"]) for d in report["detectors"]}
    assert summary == {
        "fixed-a": ("Manipulated", 70, "fixed test answer"),
        "broken": ("Inconclusive", 0, "detector error: RuntimeError"),
        "slow": ("Inconclusive", 0, "timed out after 1s"),
    }
    # And the committed answer is the verdict policy's: the sound detector's decisive trace
    assert job.phase is Phase.DONE
    assert (job.verdict, job.confidence) == (ChainVerdict.MANIPULATED.code, 70)
    assert counter(node, "dfpn_worker_detector_latency_seconds_count", model_id="slow") == 1


async def test_media_over_the_size_limit_is_refused_without_analysis(
    network: LocalNetwork, client: AsyncDFPNClient, media: Path, make_node: NodeFactory
) -> None:
    # Given a worker that downloads at most 64 bytes, and a larger media
    register_model(network, "fixed-a")
    detector = FixedDetector("fixed-a", M, 90)
    node = await make_node("w1", [detector], max_media_bytes=64)
    sub = await client.submit_request(media, modalities=FACE, min_workers=1, deadline_seconds=120)
    # When it runs, Then it refuses with MEDIA_TOO_LARGE, never analyses or commits, and gives the seat back
    make_node.start(node)
    job = await wait_finished(node, sub.id)
    assert (job.phase, job.error_code, detector.calls) == (Phase.LEFT, "MEDIA_TOO_LARGE", 0)
    assert counter(node, "dfpn_worker_requests_refused_total", code="MEDIA_TOO_LARGE") == 1
    assert (request_account(network, sub.id).commits, request_account(network, sub.id).joined) == (0, 0)


# ---- media over HTTP -----------------------------------------------------------------------------------------


@pytest.fixture
async def media_server(media: Path) -> AsyncIterator[MediaServer]:
    server = MediaServer(media.read_bytes())
    listener = await asyncio.start_server(server.handle, "127.0.0.1", 0)
    server.port = int(listener.sockets[0].getsockname()[1])
    async with listener:
        yield server
        listener.close()


async def test_a_download_that_fails_at_first_is_retried_with_backoff(
    network: LocalNetwork,
    client: AsyncDFPNClient,
    media: Path,
    media_server: MediaServer,
    make_node: NodeFactory,
) -> None:
    # Given media served over HTTP by a server that answers 503 twice before serving it
    register_model(network, "fixed-a")
    media_server.failures = 2
    node = await make_node(
        "w1", [FixedDetector("fixed-a", M, 75)], download_attempts=3, media_allow_networks=LOCAL
    )
    sub = await client.submit_request(
        media, uri=media_server.url, modalities=FACE, min_workers=1, deadline_seconds=120
    )
    # When the worker runs, Then it retries, verifies the hash and completes the request
    make_node.start(node)
    job = await finish_after_grace(network, node, sub.id)
    assert job.phase is Phase.DONE and media_server.requests == 3
    assert counter(node, "dfpn_worker_retries_total", operation="download") == 2


async def test_a_download_declared_too_large_is_refused_before_it_completes(
    network: LocalNetwork,
    client: AsyncDFPNClient,
    media: Path,
    media_server: MediaServer,
    make_node: NodeFactory,
) -> None:
    # Given a server that announces (and would send) 50 MB for the media URI
    register_model(network, "fixed-a")
    media_server.declared_length = 50 * 1024 * 1024
    digest = hashlib.sha256(media.read_bytes()).digest()
    node = await make_node(
        "w1", [FixedDetector("fixed-a", M, 75)], max_media_bytes=1024 * 1024, media_allow_networks=LOCAL
    )
    sub = await client.submit_request(
        uri=media_server.url, content_hash=digest, modalities=FACE, min_workers=1, deadline_seconds=120
    )
    # When the worker runs, Then it refuses from the Content-Length, having received a small part at most
    make_node.start(node)
    job = await wait_finished(node, sub.id)
    assert (job.phase, job.error_code) == (Phase.LEFT, "MEDIA_TOO_LARGE")
    assert media_server.requests == 1  # not retried
    assert media_server.bytes_sent < 50 * 1024 * 1024


async def test_an_unreachable_media_uri_is_refused_after_bounded_retries(
    network: LocalNetwork, client: AsyncDFPNClient, media: Path, make_node: NodeFactory
) -> None:
    # Given a media URI nobody serves
    register_model(network, "fixed-a")
    digest = hashlib.sha256(PNG_MAGIC).digest()
    node = await make_node(
        "w1", [FixedDetector("fixed-a", M, 75)], download_attempts=3, media_allow_networks=LOCAL
    )
    sub = await client.submit_request(
        uri="http://127.0.0.1:9/nothing.png",
        content_hash=digest,
        modalities=FACE,
        min_workers=1,
        deadline_seconds=120,
    )
    # When the worker runs, Then after 3 attempts it refuses with MEDIA_UNAVAILABLE
    make_node.start(node)
    job = await wait_finished(node, sub.id)
    assert (job.phase, job.error_code) == (Phase.LEFT, "MEDIA_UNAVAILABLE")
    assert counter(node, "dfpn_worker_retries_total", operation="download") == 2
