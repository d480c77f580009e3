"""jpeg-dq: a region pasted on the grid from a lower-quality JPEG is found with its box and its first quality;
pictures compressed once, or saved twice as a whole, are not accused. Every negative beside its control."""

from __future__ import annotations

import re

import numpy as np
import pytest

from dfpn_detectors import Analysis, Detector, Media, Verdict, load_detectors
from dfpn_detectors.jpeg_dq import K_RANGE, _llr_table

import synth

Box = tuple[int, int, int, int]


def box_of(r: Analysis) -> Box | None:
    regions = [d.region for d in r.detections if d.type == "double_quantization" and d.region is not None]
    return (regions[0].x, regions[0].y, regions[0].w, regions[0].h) if regions else None


def first_quality(r: Analysis) -> int:
    found = re.search(r"quantised before at ~(\d+), score", r.notes)
    assert found, r.notes
    return int(found.group(1))


@pytest.fixture(scope="module")
def det() -> Detector:
    (d,) = load_detectors(["jpeg-dq"])
    return d


def test_a_first_step_two_and_a_half_times_coarser_leaves_out_1_4_6_9() -> None:
    # Given a first step of 10 and a file step of 4 (the module docstring's example)
    # When the table of stored integers is read
    llr = _llr_table(10.0, 4.0, K_RANGE, 1.0)
    value = {k: float(llr[k + K_RANGE]) for k in range(11)}
    # Then the values a first quantisation leaves (2 or 3, 5, 7 or 8, 10) argue for it, the others against
    assert all(value[k] > 0 for k in (2, 3, 5, 7, 8, 10)), value
    assert all(value[k] < 0 for k in (1, 4, 6, 9)), value
    # and 0 (left by any first step) and the last entry ("not observed") say nothing
    assert value[0] == 0.0 and llr[-1] == 0.0
    # With a file step of 1, +-1 is within the rounding margin of 0 whatever the first step: it says nothing
    fine = _llr_table(10.0, 1.0, K_RANGE, 1.0)
    assert fine[K_RANGE + 1] == fine[K_RANGE - 1] == 0.0 and fine[K_RANGE + 5] < 0 < fine[K_RANGE + 10]


@pytest.mark.parametrize(("q0", "q1", "seed"), [(55, 92, 1), (70, 90, 2), (62, 95, 3)])
def test_an_aligned_splice_is_found_with_its_box_and_first_quality(det: Detector, q0: int, q1: int,
                                                                   seed: int) -> None:
    # Given a photograph with a rectangle pasted on its 8x8 grid from a JPEG of quality q0, saved at q1
    target, donor = synth.image("astronaut"), synth.image("coffee")
    sample = synth.splice(target, donor, np.random.default_rng(seed), q0=q0, q1=q1, aligned=True)
    # When it is analysed
    r = det.analyze(Media(data=sample.data))
    # Then it is Manipulated with the pasted rectangle and about the donor's quality
    assert r.verdict == Verdict.MANIPULATED, r.notes
    box = box_of(r)
    assert box is not None and sample.region is not None
    assert synth.iou(box, sample.region) >= 0.5, (box, sample.region)
    assert abs(first_quality(r) - q0) <= 3, r.notes
    # Control: the same photograph saved once at q1 is not accused, and the detector found nothing there
    clean = det.analyze(Media(data=synth.jpeg(target, q1)))
    assert clean.verdict == Verdict.INCONCLUSIVE and clean.clean, clean.notes


def test_a_picture_saved_twice_as_a_whole_is_a_resave_not_a_splice(det: Detector) -> None:
    # Given a photograph saved at 60 and again at 92 on the same grid
    data = synth.jpeg(synth.decode(synth.jpeg(synth.image("astronaut"), 60)), 92)
    # When it is analysed
    r = det.analyze(Media(data=data))
    # Then no region is claimed, and the note says the whole picture was quantised before at about 60
    assert r.verdict == Verdict.INCONCLUSIVE and box_of(r) is None, r.notes
    found = re.search(r"most of the picture quantised before at ~(\d+)", r.notes)
    assert found and abs(int(found.group(1)) - 60) <= 3, r.notes


def test_a_splice_into_a_picture_saved_twice_is_still_found(det: Detector) -> None:
    # Given a photograph saved at 80 (a JPEG as downloaded), a rectangle from a JPEG of quality 55 pasted on its
    # grid, and the result saved at 92: the whole picture and the rectangle each carry a first quantisation
    target = synth.decode(synth.jpeg(synth.image("motorcycle_right"), 80))
    sample = synth.splice(target, synth.image("chelsea"), np.random.default_rng(7), q0=55, q1=92, aligned=True)
    # When it is analysed
    r = det.analyze(Media(data=sample.data))
    # Then the rectangle is the one claimed, at its own first quality, not the picture's
    assert r.verdict == Verdict.MANIPULATED, r.notes
    box = box_of(r)
    assert box is not None and sample.region is not None and synth.iou(box, sample.region) >= 0.5, (box, r.notes)
    assert abs(first_quality(r) - 55) <= 3, r.notes
    # Control: the picture without the paste, saved at 92, is the re-save of the previous test
    resave = det.analyze(Media(data=synth.jpeg(target, 92)))
    assert resave.verdict == Verdict.INCONCLUSIVE and box_of(resave) is None, resave.notes


@pytest.mark.parametrize("name", ["astronaut", "coffee", "motorcycle_right", "rocket", "camera", "chelsea"])
def test_pictures_compressed_once_or_resaved_are_not_accused(det: Detector, name: str) -> None:
    # Given untouched photographs as single JPEGs, re-compressed JPEGs and enlarged JPEGs
    rng = np.random.default_rng(11)
    img = synth.image(name)
    for sample in (synth.single_jpeg(img, rng), synth.recompressed(img, rng), synth.upsampled(img, rng)):
        # When each is analysed
        r = det.analyze(Media(data=sample.data))
        # Then none is Manipulated (the positive control is the splice test above, on the same photographs)
        assert r.verdict != Verdict.MANIPULATED, (sample.kind, r.notes)


def test_a_donor_of_higher_quality_than_the_file_leaves_nothing_to_find(det: Detector) -> None:
    # Given a paste on the grid from a JPEG of quality 95 into a file saved at 85: the first steps are finer
    sample = synth.splice(synth.image("astronaut"), synth.image("coffee"), np.random.default_rng(1), q0=95, q1=85,
                          aligned=True)
    # When it is analysed, Then nothing is claimed (the same paste from quality 55 is found: the test above)
    r = det.analyze(Media(data=sample.data))
    assert r.verdict == Verdict.INCONCLUSIVE and box_of(r) is None, r.notes


def test_only_jpegs_are_read(det: Detector) -> None:
    r = det.analyze(Media(data=synth.png(synth.image("coffee"))))
    assert r.verdict == Verdict.INCONCLUSIVE and r.detections[0].type == "unsupported_media"
    # Control: a JPEG of the same picture is read (no unsupported_media)
    ok = det.analyze(Media(data=synth.jpeg(synth.image("coffee"), 90)))
    assert "unsupported_media" not in {d.type for d in ok.detections}, ok.notes
