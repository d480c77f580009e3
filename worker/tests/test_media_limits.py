"""Media over the worker's `media_limits` (#18 point 5): answered Inconclusive from its header, never decoded."""

from __future__ import annotations

import struct
import zlib
from pathlib import Path

import pytest

from dfpn import AsyncDFPNClient, LocalNetwork
from dfpn import Modality as ChainModality
from dfpn_detectors import Media, MediaLimits, Verdict
from dfpn_worker import Phase, WorkerConfig
from dfpn_worker.analysis import Analyzer, over_limits
from dfpn_worker.config import load_config

from helpers import (
    FixedDetector,
    NodeFactory,
    finish_after_grace,
    register_model,
    request_account,
    stored_report,
)

FACE = [ChainModality.FACE_MANIPULATION]


def png_zeros(width: int, height: int) -> bytes:
    """A real PNG of zeros: 7000 x 7000 (49 Mpixel, 147 MB decoded) is 143 KB."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    row = b"\x00" * (width * 3 + 1)
    z = zlib.compressobj(9)
    idat = b"".join([z.compress(row) for _ in range(height)] + [z.flush()])
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


async def test_a_decompression_bomb_is_committed_inconclusive_without_being_decoded(
    network: LocalNetwork, client: AsyncDFPNClient, short_dir: Path, make_node: NodeFactory
) -> None:
    # Given a 143 KB PNG that declares 49 megapixels of zeros, and a worker whose detector would answer it
    register_model(network, "fixed-a")
    bomb = short_dir / "bomb.png"
    bomb.write_bytes(png_zeros(7000, 7000))
    detector = FixedDetector("fixed-a", Verdict.MANIPULATED, 99)
    node = await make_node("w1", [detector])
    sub = await client.submit_request(bomb, modalities=FACE, min_workers=1, deadline_seconds=120)
    # When the worker runs
    make_node.start(node)
    job = await finish_after_grace(network, node, sub.id)
    # Then it committed and revealed Inconclusive 0, with the limit in the report, and no detector ran
    assert detector.calls == 0
    assert (job.phase, job.verdict, job.confidence, job.model_id) == (Phase.DONE, 0, 0, "fixed-a")
    report = stored_report(job.report_uri)
    assert report["verdict"] == "Inconclusive" and report["detectors"] == []
    assert report["detections"] == [{"type": "media_too_large", "confidence": 1.0}]
    assert report["notes"] == (
        "media refused before analysis: 7000x7000 PNG: 49000000 pixels is over the limit of 40000000 pixels "
        "(limits.max_pixels)"
    )
    assert request_account(network, sub.id).reveals == 1


async def test_the_limits_come_from_the_config_and_normal_media_is_analysed() -> None:
    detector = FixedDetector("fixed-a", Verdict.MANIPULATED, 90)
    analyzer = Analyzer([detector])
    mask = int(ChainModality.FACE_MANIPULATION)
    bomb = Media(data=png_zeros(7000, 7000))
    # a raised limit lets it through to the detectors (which bound their own decoding)
    outcome = await analyzer.analyze(bomb, mask, limits=MediaLimits(max_pixels=50_000_000))
    assert (outcome.confidence, detector.calls) == (90, 1)
    small = Media(data=png_zeros(64, 64))
    outcome = await analyzer.analyze(small, mask, limits=MediaLimits())  # the positive control
    assert (outcome.confidence, detector.calls) == (90, 2)
    outcome = await analyzer.analyze(small, mask, limits=MediaLimits(max_pixels=1000))
    assert (outcome.confidence, detector.calls) == (0, 2)
    assert outcome.detections[0].type == "media_too_large" and "limits.max_pixels" in outcome.notes
    refused = over_limits(small, MediaLimits(max_bytes=10))
    assert refused is not None and refused.setting == "max_bytes"
    assert (
        over_limits(Media(data=b"\x89PNG\r\n\x1a\n corrupt"), MediaLimits()) is None
    )  # the detectors' to report


def test_media_limits_in_the_config_file_and_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert WorkerConfig(metrics_port=None).media_limits == MediaLimits()
    path = tmp_path / "config.toml"
    path.write_text(
        '[media_limits]\nmax_pixels = 20000000\nmax_audio_seconds = 600\n\n[detector_config."*".limits]\n'
        "max_analysis_pixels = 8000000\n"
    )
    config = load_config(path)
    assert (config.media_limits.max_pixels, config.media_limits.max_audio_seconds) == (20_000_000, 600)
    # the detectors are built with the same limits, refined by detector_config's own
    limits = config.detector_settings["*"]["limits"]
    assert (limits["max_pixels"], limits["max_analysis_pixels"], limits["max_bytes"]) == (
        20_000_000,
        8_000_000,
        MediaLimits().max_bytes,
    )
    assert MediaLimits(**limits).max_audio_seconds == 600
    monkeypatch.setenv("DFPN_WORKER_MEDIA_LIMITS", '{"max_frame_pixels": 2073600}')
    assert load_config(path).media_limits.max_frame_pixels == 2_073_600
    path.write_text("[media_limits]\nmax_pixel = 1\n")
    monkeypatch.delenv("DFPN_WORKER_MEDIA_LIMITS")
    with pytest.raises(ValueError, match="max_pixel"):
        load_config(path)


def test_the_workers_detectors_are_built_with_its_media_limits() -> None:
    from dfpn_worker.cli import load_worker_detectors

    # Given a worker whose media_limits are lower than the detectors' defaults
    config = WorkerConfig(
        metrics_port=None, detectors=["ela"], media_limits=MediaLimits(max_pixels=1_000_000)
    )
    # When its detectors are loaded, Then they carry the worker's limits (control: the defaults otherwise)
    [ela] = load_worker_detectors(config)
    assert ela.limits.max_pixels == 1_000_000  # type: ignore[attr-defined]
    [default] = load_worker_detectors(WorkerConfig(metrics_port=None, detectors=["ela"]))
    assert default.limits.max_pixels == MediaLimits().max_pixels  # type: ignore[attr-defined]
