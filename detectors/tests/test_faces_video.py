"""BlazeFace through OpenCV, face-vs-background consistency on stills and on video."""

from __future__ import annotations

import numpy as np
import pytest

from dfpn_detectors import Detector, Media, Verdict
from dfpn_detectors.faces import FaceFinder

import synth


def test_blazeface_finds_the_faces_and_nothing_in_a_cat_free_scene() -> None:
    finder = FaceFinder.shared()
    for name, img in synth.face_images():
        faces = finder.find(img)
        assert len(faces) >= 1, name
        x, y, w, h = faces[0].box
        assert 60 <= w <= 250 and faces[0].score > 0.8, (name, faces[0])
        kx, ky = faces[0].keypoints[2]  # nose tip inside the box
        assert x < kx < x + w and y < ky < y + h
    assert finder.find(synth.image("coffee")) == []
    assert finder.find(synth.image("rocket")) == []


@pytest.mark.parametrize("seed", range(4))
def test_swapped_face_is_flagged_and_located(detectors: dict[str, Detector], seed: int) -> None:
    rng = np.random.default_rng(seed)
    name, img = synth.face_images()[seed % 2]
    noisy = synth.camera_like(synth.face_variant(img, rng), rng)
    swapped, (x, y, w, h) = synth.swap_face(noisy, rng)
    r = detectors["blazeface-consistency"].analyze(Media(data=synth.jpeg(swapped, 92)))
    assert r.verdict == Verdict.MANIPULATED, (name, r.notes)
    region = r.detections[0].region
    assert region is not None
    cx, cy = region.x + region.w / 2, region.y + region.h / 2
    assert x < cx < x + w and y < cy < y + h


@pytest.mark.parametrize("seed", range(4))
def test_real_faces_are_not_flagged(detectors: dict[str, Detector], seed: int) -> None:
    rng = np.random.default_rng(100 + seed)
    _, img = synth.face_images()[seed % 2]
    real = synth.camera_like(synth.face_variant(img, rng), rng)
    r = detectors["blazeface-consistency"].analyze(Media(data=synth.jpeg(real, int(rng.integers(80, 96)))))
    assert r.verdict == Verdict.INCONCLUSIVE, r.notes  # never Authentic: consistency is no proof


def test_no_face_is_inconclusive(detectors: dict[str, Detector]) -> None:
    r = detectors["blazeface-consistency"].analyze(Media(data=synth.jpeg(synth.image("coffee"), 90)))
    assert (r.verdict, r.notes) == (Verdict.INCONCLUSIVE, "no face found")


@pytest.mark.parametrize("manipulated", [True, False])
def test_video_clip(detectors: dict[str, Detector], manipulated: bool) -> None:
    rng = np.random.default_rng(21)
    clip = synth.face_clip(synth.image("astronaut"), rng, manipulated=manipulated, n=16)
    det = detectors["video-frames"]
    r = det.analyze(Media(data=clip))
    assert r.verdict == (Verdict.MANIPULATED if manipulated else Verdict.INCONCLUSIVE), r.notes
    assert "8 frames sampled" in r.notes
    if manipulated:
        assert r.detections[0].region is not None


def test_video_without_faces(detectors: dict[str, Detector]) -> None:
    clip = synth.encode_video([synth.image("coffee")] * 8, fps=8)
    r = detectors["video-frames"].analyze(Media(data=clip))
    assert r.verdict == Verdict.INCONCLUSIVE and "no usable face" in r.notes
