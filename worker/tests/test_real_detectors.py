"""The installed detectors (dfpn-detectors entry points) inside the worker: bad media never crashes the node.

Skipped when no detector is installed (the package is optional for the chain-logic tests).
"""

from __future__ import annotations

import json
import struct
import zlib
from pathlib import Path

import pytest

from dfpn import AsyncDFPNClient, LocalNetwork
from dfpn import Modality as ChainModality
from dfpn import storage as store
from dfpn_worker import Phase, WorkerConfig
from dfpn_worker.analysis import modality_mask
from dfpn_worker.cli import load_worker_detectors

from helpers import NodeFactory, finish_after_grace, register_model


def _installed() -> list[str]:
    try:
        detectors = load_worker_detectors(WorkerConfig(metrics_port=None))
    except Exception:
        return []
    image = int(ChainModality.IMAGE_AUTHENTICITY) | int(ChainModality.AI_GENERATED_IMAGE)
    return [d.model_id for d in detectors if modality_mask([d]) & image][:4]


IMAGE_DETECTORS = _installed()
pytestmark = pytest.mark.skipif(
    not IMAGE_DETECTORS, reason="no image detector from dfpn-detectors is installed"
)


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def _png(width: int, height: int, rows: bytes) -> bytes:
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", ihdr)
        + _chunk(b"IDAT", zlib.compress(rows))
        + _chunk(b"IEND", b"")
    )


def _good_png() -> bytes:
    rows = b"".join(b"\x00" + bytes((x * 7 + y * 3) % 256 for x in range(3 * 32)) for y in range(32))
    return _png(32, 32, rows)


BAD_MEDIA = {
    "truncated.png": _good_png()[:60],
    "corrupt.png": _good_png()[:40] + b"\xff" * 200,
    # A decompression bomb as decoders see it: 60000 × 60000 pixels declared (3.6 G), a few bytes of data.
    "bomb.png": _png(60_000, 60_000, b"\x00" * 1024),
    "truncated.jpg": b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00\xff\xdb",
    "notes.txt": b"just some text, not media at all\n" * 10,
    "random.bin": bytes(range(256)) * 8,
}


@pytest.mark.parametrize("name", sorted(BAD_MEDIA))
async def test_bad_media_gives_an_inconclusive_commitment_never_a_crash(
    network: LocalNetwork, client: AsyncDFPNClient, short_dir: Path, make_node: NodeFactory, name: str
) -> None:
    # Given a worker with the installed image detectors and a request for bad media
    for model_id in IMAGE_DETECTORS:
        register_model(network, model_id)
    path = short_dir / name
    path.write_bytes(BAD_MEDIA[name])
    detectors = load_worker_detectors(WorkerConfig(detectors=IMAGE_DETECTORS, metrics_port=None))
    node = await make_node("w1", detectors, detector_timeout=60)
    sub = await client.submit_request(
        path, modalities=[ChainModality.IMAGE_AUTHENTICITY], min_workers=1, deadline_seconds=300
    )
    # When it works the request
    make_node.start(node)
    job = await finish_after_grace(network, node, sub.id, timeout=90)
    # Then it answered Inconclusive (committed and revealed), and the node is still running
    assert (job.phase, job.verdict) == (Phase.DONE, 0), job
    assert node.in_flight == [] and node.state.counts() == {"done": 1}


async def test_a_real_image_is_analysed_by_the_installed_detectors_and_reported(
    network: LocalNetwork, client: AsyncDFPNClient, short_dir: Path, make_node: NodeFactory
) -> None:
    # Given a worker with the installed image detectors and a small, valid JPEG photo-like image
    import io

    from PIL import Image

    for model_id in IMAGE_DETECTORS:
        register_model(network, model_id)
    buffer = io.BytesIO()
    pixels = bytes((x * 5 + y * 3 + (x * y) % 17) % 256 for y in range(96) for x in range(128 * 3))
    Image.frombytes("RGB", (128, 96), pixels).save(buffer, "JPEG", quality=90)
    path = short_dir / "photo.jpg"
    path.write_bytes(buffer.getvalue())
    detectors = load_worker_detectors(WorkerConfig(detectors=IMAGE_DETECTORS, metrics_port=None))
    node = await make_node("w1", detectors, detector_timeout=60)
    sub = await client.submit_request(
        path, modalities=[ChainModality.IMAGE_AUTHENTICITY], min_workers=1, deadline_seconds=300
    )
    # When it works the request
    make_node.start(node)
    job = await finish_after_grace(network, node, sub.id, timeout=90)
    # Then every detector that reads JPEG images ran, and the report carries their analyses
    assert job.phase is Phase.DONE and job.model_id in IMAGE_DETECTORS
    report = json.loads(store.path_from_file_uri(job.report_uri or "").read_bytes())
    ran = [d["modelId"] for d in report["detectors"]]
    assert ran and set(ran) <= set(IMAGE_DETECTORS)
    assert report["verdict"] in ("Authentic", "Manipulated", "Inconclusive")
    assert (
        node.metrics.registry.get_sample_value(
            "dfpn_worker_detector_latency_seconds_count", {"model_id": ran[0]}
        )
        == 1
    )
