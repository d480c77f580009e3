"""spectral-upsampling: pictures upsampled 2x/4x as a generator's last layers do (pixel replication, a
transposed-convolution checkerboard) are found, saved as PNG or JPEG 90+; photographs and their ordinary
enlargements (bicubic, bilinear, Lanczos), re-saves and heavy JPEG blocking are not. Every negative beside its
control."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from dfpn_detectors import Detector, Evidence, Media, Modality, Verdict, load_detectors
from dfpn_detectors.policy import state
from dfpn_detectors.spectral import SpectralUpsamplingDetector, upsampling_trace

import synth


def grey(data: bytes) -> np.ndarray:
    return np.asarray(cv2.cvtColor(synth.decode(data), cv2.COLOR_RGB2GRAY), np.float32)


@pytest.fixture(scope="module")
def det() -> Detector:
    (d,) = load_detectors(["spectral-upsampling"])
    return d


@pytest.mark.parametrize("factor", [2, 4])
@pytest.mark.parametrize(("mode", "kind"), [("nearest", "upsampling_replication"),
                                            ("transposed", "upsampling_checkerboard")])
@pytest.mark.parametrize("lossless", [True, False])
def test_a_generator_like_upsampling_is_found_and_the_photo_is_clean(
        det: Detector, factor: int, mode: str, kind: str, lossless: bool) -> None:
    photo = synth.image("motorcycle_left")
    # Given a picture rendered at 1/factor of its size and upsampled by a generator-like layer, PNG or JPEG 92
    sample = synth.generated_upsampled(photo, np.random.default_rng(factor), factor=factor, mode=mode,
                                       gain=0.08, lossless=lossless, quality=92)
    # When it is analysed
    r = det.analyze(Media(data=sample.data))
    # Then it is Manipulated, with a whole-image detection naming the trace
    assert r.verdict == Verdict.MANIPULATED and r.confidence >= 50, r.notes
    assert kind in {d.type for d in r.detections} and all(d.region is None for d in r.detections)
    # And (the control) the photograph it was made from, saved the same way, is "nothing found"
    clean = det.analyze(Media(data=synth.png(photo) if lossless else synth.jpeg(photo, 92)))
    assert (clean.verdict, clean.clean, clean.detections) == (Verdict.INCONCLUSIVE, True, ()), clean.notes


def test_ordinary_enlargements_and_resaves_are_not_generated(det: Detector) -> None:
    rng = np.random.default_rng(4)
    manipulated = clean = total = 0
    for name, photo in synth.natural_images():
        if name == "moon":  # itself enlarged 2x by pixel replication: see the next test
            continue
        # Given photographs as they are, JPEG 70-95, re-compressed, enlarged by 1.25-2x (bicubic), enlarged
        # exactly 2x (bilinear PNG, Lanczos JPEG 95) and reduced
        h, w = photo.shape[:2]
        for data in (synth.png(photo), synth.jpeg(photo, int(rng.integers(70, 96))),
                     synth.recompressed(photo, rng).data, synth.upsampled(photo, rng).data,
                     synth.png(cv2.resize(photo, (2 * w, 2 * h), interpolation=cv2.INTER_LINEAR)),
                     synth.jpeg(cv2.resize(photo, (2 * w, 2 * h), interpolation=cv2.INTER_LANCZOS4), 95),
                     synth.jpeg(cv2.resize(photo, (w * 7 // 10, h * 7 // 10), interpolation=cv2.INTER_AREA), 90)):
            r = det.analyze(Media(data=data))
            total += 1
            manipulated += r.verdict == Verdict.MANIPULATED
            clean += r.clean
    # Then none is called generated, and >= 90 % are "nothing found"
    assert (total, manipulated) == (112, 0)
    assert clean >= 0.9 * total, clean
    # And (the control) the same photograph enlarged 2x by pixel replication instead is found
    photo = synth.image("coffee")
    replicated = synth.png(np.ascontiguousarray(photo.repeat(2, axis=0).repeat(2, axis=1)))
    assert det.analyze(Media(data=replicated)).verdict == Verdict.MANIPULATED


def test_an_editors_pixel_replication_looks_like_a_generators(det: Detector) -> None:
    # Given scikit-image's moon photograph, which someone enlarged 2x by pixel replication (every 2x2 block equal)
    moon = synth.image("moon")
    assert (moon[::2] == moon[1::2]).all() and (moon[:, ::2] == moon[:, 1::2]).all()
    # Then it is reported like a generator's nearest-neighbour layer: the method cannot tell them apart
    r = det.analyze(Media(data=synth.png(moon)))
    assert r.verdict == Verdict.MANIPULATED and "pixel replication" in r.notes
    # And (the control) once smoothed by a bicubic resize to 1.5x, the replication is gone
    smooth = cv2.resize(moon, None, fx=1.5, fy=1.5, interpolation=cv2.INTER_CUBIC)
    assert det.analyze(Media(data=synth.png(smooth))).verdict != Verdict.MANIPULATED


def test_jpeg_block_boundaries_are_left_out(det: Detector) -> None:
    # Given photographs saved as JPEG at quality 5: blocks of 8x8 pixels with steps between them
    for name in ("coffee", "chelsea", "retina"):
        data = synth.jpeg(synth.image(name), 5)
        r = det.analyze(Media(data=data))
        # Then they are not generated: the differences across block boundaries are not counted
        assert r.verdict != Verdict.MANIPULATED, (name, r.notes)
        # and (the control) counting them would make the blocking look like a 2x/4x pattern
        assert upsampling_trace(grey(data), jpeg=False).score >= 0.5, name


def test_large_pictures_are_read_in_their_original_pixels() -> None:
    # Given 1024x1024 generator-like pictures and a limit that makes the decoder reduce them
    det = SpectralUpsamplingDetector({"limits": {"max_analysis_pixels": 300_000}})
    big = cv2.resize(synth.image("astronaut"), (1024, 1024), interpolation=cv2.INTER_AREA)
    for lossless, read in ((True, "top"), (False, "window")):
        sample = synth.generated_upsampled(big, np.random.default_rng(1), factor=2, mode="nearest",
                                           lossless=lossless, quality=95)
        r = det.analyze(Media(data=sample.data))
        # Then the trace is still found: the analysis reads original pixels (a PNG's top rows, a JPEG's window)
        assert r.verdict == Verdict.MANIPULATED and read in r.notes, r.notes
    # And (the control) the reduced copy the other detectors get has lost the trace
    reduced = cv2.resize(synth.decode(sample.data), (512, 512), interpolation=cv2.INTER_AREA)
    assert upsampling_trace(np.asarray(cv2.cvtColor(reduced, cv2.COLOR_RGB2GRAY), np.float32),
                            jpeg=False).score < 0.25


def test_a_weak_trace_is_not_clean_and_thresholds_are_configurable() -> None:
    sample = synth.generated_upsampled(synth.image("chelsea"), np.random.default_rng(0), factor=2,
                                       mode="transposed", gain=0.08, lossless=True)
    strict = SpectralUpsamplingDetector({"manipulated_at": 1.01})
    r = strict.analyze(Media(data=sample.data))
    # Given a threshold no score reaches, the checkerboard is a trace: Inconclusive, not clean, still reported
    assert (r.verdict, r.clean) == (Verdict.INCONCLUSIVE, False) and r.detections
    assert state(strict, r) == "unsure"
    # And (the control) with the defaults it is Manipulated; a photograph counts as forensic "clean" evidence
    default = SpectralUpsamplingDetector()
    assert default.analyze(Media(data=sample.data)).verdict == Verdict.MANIPULATED
    clean = default.analyze(Media(data=synth.png(synth.image("chelsea"))))
    assert default.evidence == Evidence.FORENSIC and state(default, clean) == "clean"
    assert default.modalities == frozenset({Modality.AI_GENERATED_IMAGE})


def test_corrupt_truncated_and_tiny_images(det: Detector) -> None:
    sample = synth.generated_upsampled(synth.image("coffee"), np.random.default_rng(2), factor=2,
                                       mode="nearest", lossless=False, quality=95)
    # Given a truncated JPEG: Inconclusive with corrupt_media, not clean
    r = det.analyze(Media(data=sample.data[: len(sample.data) // 2]))
    assert (r.verdict, r.clean, [d.type for d in r.detections]) == (Verdict.INCONCLUSIVE, False, ["corrupt_media"])
    # And (the control) the whole file is analysed and found
    assert det.analyze(Media(data=sample.data)).verdict == Verdict.MANIPULATED
    # Given a 40x40 picture: too small, said so, not clean
    tiny = det.analyze(Media(data=synth.png(synth.image("coffee")[:40, :40])))
    assert (tiny.verdict, tiny.clean) == (Verdict.INCONCLUSIVE, False) and "too small" in tiny.notes
    # And a 64x64 one is analysed
    assert det.analyze(Media(data=synth.png(synth.image("coffee")[:64, :64]))).clean
