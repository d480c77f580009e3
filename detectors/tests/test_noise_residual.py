"""noise-residual: a pasted region whose noise differs from the photograph's is found with its box; untouched
photographs (as they are, JPEG 70-95, re-compressed, enlarged, with camera noise) are not accused, and content
that merely looks noisier (texture) is told apart by the coarser scale. Every negative beside its control."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from dfpn_detectors import Analysis, Detector, Evidence, Media, Verdict, load_detectors
from dfpn_detectors.noise_residual import NoiseResidualDetector, analyse_noise
from dfpn_detectors.policy import state

import synth

Box = tuple[int, int, int, int]


def located(r: Analysis, truth: Box | None) -> bool:
    assert truth is not None
    return r.verdict == Verdict.MANIPULATED and any(
        d.type == "noise_inconsistency" and d.region is not None
        and synth.iou((d.region.x, d.region.y, d.region.w, d.region.h), truth) >= 0.3 for d in r.detections)


def grey(data: bytes) -> np.ndarray:
    return np.asarray(cv2.cvtColor(synth.decode(data), cv2.COLOR_RGB2GRAY), np.float32)


@pytest.fixture(scope="module")
def det() -> Detector:
    (d,) = load_detectors(["noise-residual"])
    return d


@pytest.mark.parametrize(("name", "ratio", "lossless"), [
    ("chelsea", 0.0, True),             # a clean patch in a noisy photograph, PNG
    ("motorcycle_left", 3.0, True),     # a three times noisier patch, PNG
    ("hubble_deep_field", 3.0, False),  # the same saved as JPEG 92
    ("grace_hopper", 3.0, False),
])
def test_a_patch_with_other_noise_is_found_and_the_photo_alone_is_clean(
        det: Detector, name: str, ratio: float, lossless: bool) -> None:
    photo = synth.image(name)
    # Given a photograph with camera noise (3 grey levels) and a patch of another picture with a different noise
    sample = synth.noise_splice(photo, np.random.default_rng(3), donor=synth.image("moon"), sigma=3.0,
                                ratio=ratio, lossless=lossless, quality=92)
    # When it is analysed
    r = det.analyze(Media(data=sample.data))
    # Then it is Manipulated with a box on the patch
    assert located(r, sample.region), (r.notes, r.detections, sample.region)
    # And (the control) the same photograph with the same noise and no patch, saved the same way, is clean
    noisy = synth.camera_like(photo, np.random.default_rng(3), 3.0)
    clean = det.analyze(Media(data=synth.png(noisy) if lossless else synth.jpeg(noisy, 92)))
    assert (clean.verdict, clean.clean) == (Verdict.INCONCLUSIVE, True), clean.notes


def test_rates_on_clean_photos_and_noise_splices(det: Detector) -> None:
    rng = np.random.default_rng(5)
    clean = manipulated = total = found = splices = 0
    for _, photo in synth.natural_images():
        # Given untouched photographs handled the ordinary ways
        for data in (synth.jpeg(photo, int(rng.integers(70, 96))), synth.recompressed(photo, rng).data,
                     synth.upsampled(photo, rng).data,
                     synth.jpeg(synth.camera_like(photo, rng), int(rng.integers(85, 97))),
                     synth.png(synth.camera_like(photo, rng))):
            r = det.analyze(Media(data=data))
            total += 1
            clean += r.clean
            manipulated += r.verdict == Verdict.MANIPULATED
        # and (the control) the same photographs with a patch of another one pasted with a different noise
        sample = synth.noise_splice(photo, rng)
        splices += 1
        found += located(det.analyze(Media(data=sample.data)), sample.region)
    # Then no clean photograph is accused and >= 90 % of them are "nothing found"
    assert (total, manipulated) == (85, 0)
    assert clean >= 0.9 * total, clean
    # And some splices are found with their box (the method sees about a quarter of these: a textured or
    # similarly noisy patch shows no difference in its flattest parts)
    assert found >= 3, (found, splices)


def test_content_that_looks_noisier_is_told_apart_at_the_coarser_scale(det: Detector) -> None:
    # Given coffee.png with camera noise: the cup's textured rim has a higher residual floor than the rest
    noisy = synth.png(synth.camera_like(synth.image("coffee"), np.random.default_rng(1), 2.0))
    res = analyse_noise(grey(noisy))
    assert res is not None and res.best is not None
    best = res.best
    # Then the candidate is clear at the finest scale (about 2.5x) but grows at half resolution, as content does
    assert best.d >= 1.0 and best.d2 > best.d, best
    # so it is not reported (without the scale test its other measures would make it a finding)
    assert best.score < 0.25 and det.analyze(Media(data=noisy)).clean
    # And (the control) a really noisier patch in the same photograph fades at half resolution and is found
    sample = synth.noise_splice(synth.image("coffee"), np.random.default_rng(4), donor=synth.image("moon"),
                                sigma=2.0, ratio=3.0, lossless=True)
    spliced = analyse_noise(grey(sample.data))
    assert spliced is not None and spliced.best is not None and spliced.best.d2 < 0.9 * spliced.best.d
    assert located(det.analyze(Media(data=sample.data)), sample.region)


def test_a_picture_without_measurable_noise_is_not_judged(det: Detector) -> None:
    # Given a noise-free rendering (smooth shapes) into which a noisy patch is pasted
    rng = np.random.default_rng(2)
    yy, xx = np.mgrid[0:384, 0:384]
    smooth = (128 + 60 * np.sin(xx / 40.0) * np.cos(yy / 55.0)).astype(np.float64)
    rendering = np.repeat(np.clip(smooth + 0.5, 0, 255).astype(np.uint8)[..., None], 3, axis=2)
    sample = synth.noise_splice(rendering, rng, donor=synth.image("moon"), sigma=0.0, ratio=0.0, lossless=True)
    pasted = synth.decode(sample.data).copy()
    x, y, w, h = sample.region or (0, 0, 0, 0)
    pasted[y:y + h, x:x + w] = synth.camera_like(pasted[y:y + h, x:x + w], rng, 6.0)
    r = det.analyze(Media(data=synth.png(pasted)))
    # Then no verdict: the rest has no noise to compare with (the region is reported as a trace at most)
    assert r.verdict != Verdict.MANIPULATED, r.notes
    # And (the control) the same patch in the same rendering with camera noise of 2 grey levels is found
    noisy = synth.camera_like(rendering, rng, 2.0)
    noisy[y:y + h, x:x + w] = synth.camera_like(rendering[y:y + h, x:x + w], rng, 6.0)
    assert located(det.analyze(Media(data=synth.png(noisy))), (x, y, w, h))


def test_a_weak_trace_is_not_clean_and_thresholds_are_configurable() -> None:
    sample = synth.noise_splice(synth.image("chelsea"), np.random.default_rng(3), donor=synth.image("moon"),
                                sigma=3.0, ratio=0.0, lossless=True)
    strict = NoiseResidualDetector({"manipulated_at": 1.01})
    r = strict.analyze(Media(data=sample.data))
    # Given a threshold no score reaches, the splice is a trace: Inconclusive, not clean, region still reported
    assert (r.verdict, r.clean) == (Verdict.INCONCLUSIVE, False) and r.detections[0].region is not None
    assert state(strict, r) == "unsure"
    # And (the control) with the defaults it is Manipulated; a clean photograph counts as forensic "clean"
    default = NoiseResidualDetector()
    assert default.analyze(Media(data=sample.data)).verdict == Verdict.MANIPULATED
    clean = default.analyze(Media(data=synth.jpeg(synth.image("chelsea"), 90)))
    assert default.evidence == Evidence.FORENSIC and state(default, clean) == "clean"


def test_corrupt_truncated_and_tiny_images(det: Detector) -> None:
    sample = synth.noise_splice(synth.image("hubble_deep_field"), np.random.default_rng(3),
                                donor=synth.image("moon"), sigma=3.0, ratio=3.0, lossless=False, quality=92)
    # Given a truncated JPEG: Inconclusive with corrupt_media, not clean
    r = det.analyze(Media(data=sample.data[: len(sample.data) // 2]))
    assert (r.verdict, r.clean, [d.type for d in r.detections]) == (Verdict.INCONCLUSIVE, False, ["corrupt_media"])
    # And (the control) the whole file is analysed and the patch found
    assert located(det.analyze(Media(data=sample.data)), sample.region)
    # Given a 100x100 picture: fewer than 4x4 blocks, too small, said so
    tiny = det.analyze(Media(data=synth.png(synth.image("coffee")[:100, :100])))
    assert (tiny.verdict, tiny.clean) == (Verdict.INCONCLUSIVE, False) and "too small" in tiny.notes
    # And a 160x160 one is analysed
    assert det.analyze(Media(data=synth.png(synth.image("coffee")[:160, :160]))).clean
