"""The verdict policy (docs/verdicts.md): one test per rule, each beside the control that flips it."""

from __future__ import annotations

import pytest

from dfpn_detectors import Analysis, Detection, Detector, Evidence, Media, Modality, Verdict, load_detectors
from dfpn_detectors.policy import assess, state

IA, AI, FACE = Modality.IMAGE_AUTHENTICITY, Modality.AI_GENERATED_IMAGE, Modality.FACE_MANIPULATION


class Fake(Detector):
    media_kinds = frozenset({"image"})

    def __init__(self, model_id: str, evidence: Evidence, *modalities: Modality, vouches: bool = True) -> None:
        self.model_id = model_id
        self.evidence = evidence
        self.modalities = frozenset(modalities)
        self.vouches = self.modalities if vouches else frozenset()

    def analyze(self, media: Media) -> Analysis:
        raise AssertionError("the policy never runs a detector")


GHOST = Fake("ghost", Evidence.FORENSIC, IA)
NOISE = Fake("noise", Evidence.FORENSIC, IA)
SPECTRAL = Fake("spectral", Evidence.FORENSIC, AI)
META = Fake("meta", Evidence.DECLARATION, AI)
C2PA = Fake("c2pa", Evidence.PROVENANCE, *Modality)
ELA = Fake("ela", Evidence.SUPPORTING, IA)
ONNX = Fake("onnx", Evidence.MODEL, FACE)


def clean(d: Detector) -> tuple[Detector, Analysis]:
    return d, Analysis.nothing_found(d.model_id, "nothing found")


def unsure(d: Detector) -> tuple[Detector, Analysis]:
    return d, Analysis.inconclusive(d.model_id, "a weak trace")


def answer(d: Detector, verdict: Verdict, confidence: int, *types: str) -> tuple[Detector, Analysis]:
    detections = tuple(Detection(type=t, confidence=1.0) for t in types)
    return d, Analysis(model_id=d.model_id, verdict=verdict, confidence=confidence, detections=detections)


def test_forensic_detectors_that_found_nothing_give_a_moderate_authentic_growing_with_their_number() -> None:
    one = assess([clean(GHOST)], [IA])
    two = assess([clean(GHOST), clean(NOISE)], [IA])
    assert (one.verdict, one.confidence, one.decided_by) == (Verdict.AUTHENTIC, 55, ("ghost",))
    assert (two.verdict, two.confidence) == (Verdict.AUTHENTIC, 60)
    many = [clean(Fake(f"f{i}", Evidence.FORENSIC, IA)) for i in range(10)]
    assert assess(many, [IA]).confidence == 75  # moderate: never in the high band


def test_only_a_detector_that_vouches_makes_nothing_found_authentic() -> None:
    # Given a forensic detector whose misses are not rare enough to vouch for the modality
    shy = Fake("shy", Evidence.FORENSIC, IA, vouches=False)
    result = assess([clean(shy)], [IA])
    # Then its "nothing found" is no evidence of authenticity
    assert result.verdict == Verdict.INCONCLUSIVE and "none of them vouches" in result.reasons[0]
    # And beside one that vouches (the control), the answer is the vouching one's moderate Authentic
    both = assess([clean(shy), clean(GHOST)], [IA])
    assert (both.verdict, both.confidence, both.decided_by) == (Verdict.AUTHENTIC, 55, ("ghost",))
    # And its trace still counts
    assert assess([answer(shy, Verdict.MANIPULATED, 70), clean(GHOST)], [IA]).verdict == Verdict.MANIPULATED


def test_an_operator_can_let_a_detector_vouch() -> None:
    # Given a reference detector, which vouches for nothing by default
    ghost = load_detectors(["jpeg-ghost"])[0]
    assert ghost.vouches == frozenset()
    # When the operator's settings say it vouches for image authenticity
    trusted = load_detectors(["jpeg-ghost"], {"jpeg-ghost": {"vouches": ["ImageAuthenticity"]}})[0]
    # Then it does, and a bad modality name is refused
    assert trusted.vouches == {IA}
    with pytest.raises(ValueError, match="Smell"):
        load_detectors(["jpeg-ghost"], {"jpeg-ghost": {"vouches": ["Smell"]}})


def test_every_requested_modality_must_be_covered() -> None:
    # the image-authenticity side is clean, but nothing that can show absence looked at AI generation
    only_ia = assess([clean(GHOST), clean(META)], [IA, AI])
    assert only_ia.verdict == Verdict.INCONCLUSIVE
    assert any("no forensic detector looked" in r for r in only_ia.reasons)
    # control: a forensic detector for the second modality
    both = assess([clean(GHOST), clean(META), clean(SPECTRAL)], [IA, AI])
    assert (both.verdict, both.confidence) == (Verdict.AUTHENTIC, 55)
    assert dict(both.coverage) == {IA: 55, AI: 55}
    # a modality no detector covers at all
    assert assess([clean(GHOST)], [IA, Modality.VOICE_CLONING]).verdict == Verdict.INCONCLUSIVE


def test_never_authentic_when_a_covering_detector_could_not_run() -> None:
    for failure in ("detector_error", "timeout", "corrupt_media", "media_too_large", "model_unavailable"):
        failed = answer(NOISE, Verdict.INCONCLUSIVE, 0, failure)
        result = assess([clean(GHOST), failed], [IA])
        assert result.verdict == Verdict.INCONCLUSIVE, failure
        assert state(*failed) == "failed"
    # even a trusted capture does not stand in for a detector that could not run
    assert assess([answer(C2PA, Verdict.AUTHENTIC, 90), answer(NOISE, Verdict.INCONCLUSIVE, 0, "timeout")],
                  [IA]).verdict == Verdict.INCONCLUSIVE


def test_a_trace_below_the_threshold_blocks_a_forensic_authentic_but_not_a_trusted_capture() -> None:
    assert assess([clean(GHOST), unsure(NOISE)], [IA]).verdict == Verdict.INCONCLUSIVE
    capture = assess([answer(C2PA, Verdict.AUTHENTIC, 90), unsure(NOISE)], [IA])
    assert (capture.verdict, capture.confidence, capture.decided_by) == (Verdict.AUTHENTIC, 90, ("c2pa",))
    # a manipulated answer below the decisive band (50) is a trace, not a verdict
    weak = answer(NOISE, Verdict.MANIPULATED, 40)
    assert (state(*weak), assess([clean(GHOST), weak], [IA]).verdict) == ("unsure", Verdict.INCONCLUSIVE)


def test_a_decisive_trace_is_manipulated_with_the_highest_confidence() -> None:
    result = assess([clean(GHOST), answer(NOISE, Verdict.MANIPULATED, 70), answer(META, Verdict.MANIPULATED, 88)],
                    [IA, AI])
    assert (result.verdict, result.confidence, result.decided_by) == (Verdict.MANIPULATED, 88, ("meta", "noise"))
    # a forensic detector's "Authentic" does not outweigh it: only a record can vouch
    heuristic = assess([answer(GHOST, Verdict.AUTHENTIC, 95), answer(NOISE, Verdict.MANIPULATED, 70)], [IA])
    assert heuristic.verdict == Verdict.MANIPULATED


def test_a_trusted_capture_against_a_decisive_trace_is_inconclusive() -> None:
    result = assess([answer(C2PA, Verdict.AUTHENTIC, 90), answer(NOISE, Verdict.MANIPULATED, 70)], [IA])
    assert result.verdict == Verdict.INCONCLUSIVE and "conflicting" in result.reasons[0]
    # control: a model's Authentic does not conflict, the trace wins
    model = assess([answer(ONNX, Verdict.AUTHENTIC, 90), answer(NOISE, Verdict.MANIPULATED, 70)], [IA, FACE])
    assert model.verdict == Verdict.MANIPULATED


def test_supporting_detectors_are_shown_but_never_counted() -> None:
    shown = Detection(type="ela_anomaly", confidence=0.9)
    ela = (ELA, Analysis(model_id="ela", verdict=Verdict.MANIPULATED, confidence=99, detections=(shown,)))
    result = assess([clean(GHOST), ela], [IA])
    assert (result.verdict, result.confidence) == (Verdict.AUTHENTIC, 55)
    assert shown in result.detections
    # control: ELA alone shows nothing, so nothing covers the modality
    assert assess([ela], [IA]).verdict == Verdict.INCONCLUSIVE


def test_detectors_outside_the_requested_modalities_are_ignored() -> None:
    result = assess([clean(GHOST), answer(ONNX, Verdict.MANIPULATED, 99)], [IA])
    assert (result.verdict, result.confidence) == (Verdict.AUTHENTIC, 55)
    assert assess([clean(GHOST), answer(ONNX, Verdict.MANIPULATED, 99)], [IA, FACE]).verdict == Verdict.MANIPULATED
    assert assess([clean(GHOST)], []).verdict == Verdict.INCONCLUSIVE
