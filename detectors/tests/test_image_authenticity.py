"""JPEG ghosts (splices, re-compressions) and ELA."""

from __future__ import annotations

import numpy as np
import pytest

from dfpn_detectors import Detector, Media, Verdict
from dfpn_detectors.jpeg_ghost import estimate_quality, ijg_table
from dfpn_detectors.media import MediaLimits, load_luma_jpeg

import synth


@pytest.mark.parametrize("quality", [50, 75, 85, 90, 95])
def test_quality_estimate(quality: int) -> None:
    data = synth.jpeg(synth.image("coffee"), quality)
    _, quant = load_luma_jpeg(Media(data=data), MediaLimits())
    assert estimate_quality(quant[0]) == quality
    assert ijg_table(50)[0, 0] == 16


@pytest.mark.parametrize(("aligned", "seed"), [(True, 1), (True, 2), (False, 3), (False, 4)])
def test_splice_is_found_and_located(detectors: dict[str, Detector], aligned: bool, seed: int) -> None:
    rng = np.random.default_rng(seed)
    sample = synth.splice(synth.image("astronaut"), synth.image("coffee"), rng, q0=60, q1=92, aligned=aligned)
    r = detectors["jpeg-ghost"].analyze(Media(data=sample.data))
    assert r.verdict == Verdict.MANIPULATED, r.notes
    ghost = next(d for d in r.detections if d.type == "jpeg_ghost")
    assert ghost.region is not None and sample.region is not None
    box = (ghost.region.x, ghost.region.y, ghost.region.w, ghost.region.h)
    assert synth.iou(box, sample.region) > 0.3, (box, sample.region)


@pytest.mark.parametrize("name", ["astronaut", "coffee", "motorcycle_right", "rocket"])
def test_authentic_jpegs_are_not_flagged(detectors: dict[str, Detector], name: str) -> None:
    rng = np.random.default_rng(11)
    img = synth.image(name)
    for sample in (synth.single_jpeg(img, rng), synth.recompressed(img, rng), synth.upsampled(img, rng)):
        r = detectors["jpeg-ghost"].analyze(Media(data=sample.data))
        assert r.verdict != Verdict.MANIPULATED, (sample.kind, r.notes)


def test_whole_image_resave_is_reported_as_double_compression(detectors: dict[str, Detector]) -> None:
    data = synth.jpeg(synth.decode(synth.jpeg(synth.image("astronaut"), 60)), 92)
    r = detectors["jpeg-ghost"].analyze(Media(data=data))
    assert r.verdict == Verdict.INCONCLUSIVE
    assert "double_compression" in {d.type for d in r.detections}, r.notes


def test_ghosts_need_a_jpeg(detectors: dict[str, Detector]) -> None:
    r = detectors["jpeg-ghost"].analyze(Media(data=synth.png(synth.image("coffee"))))
    assert r.detections[0].type == "unsupported_media"


def test_ela_is_only_a_supporting_signal(detectors: dict[str, Detector]) -> None:
    rng = np.random.default_rng(5)
    sample = synth.splice(synth.image("astronaut"), synth.image("coffee"), rng, q0=55, q1=92)
    for data in (sample.data, synth.jpeg(synth.image("astronaut"), 92), synth.png(synth.image("chelsea"))):
        r = detectors["ela"].analyze(Media(data=data))
        assert (r.verdict, r.confidence) == (Verdict.INCONCLUSIVE, 0)
        assert r.detections and r.detections[0].type == "ela_anomaly"
