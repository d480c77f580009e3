"""The verdict policy: how the analyses of the detectors that apply to a request become one verdict and one
confidence. The rules, with their reasons, are in docs/verdicts.md; `tests/test_policy.py` holds one test per rule.

In short, over the requested modalities and the detectors that cover one of them and read the media:

1. **Manipulated** when a counted detector answers Manipulated with confidence >= 50, with the highest such
   confidence, unless a provenance detector proves the opposite (a trusted capture whose content still matches
   its signature): that conflict is Inconclusive.
2. **Authentic** only when, for every requested modality, every detector covering it ran and answered Authentic
   or "nothing found", and at least one of them can show absence: a provenance or model detector's Authentic
   (its confidence), or forensic detectors that found nothing and *vouch* for the modality (their misses measured
   rare: `Detector.vouches`; moderate: 55 for one, +5 for each further one, at most 75). A detector that could
   not run, or saw a trace below its threshold, blocks Authentic; a trusted capture overrides the latter, never
   the former.
3. Otherwise **Inconclusive**, confidence 0, with the reasons.

``supporting`` detectors (ELA) are never counted; their detections are still reported.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Literal

from pydantic import BaseModel, ConfigDict

from dfpn_detectors.base import Analysis, Detection, Detector, Evidence, MediaKind, Modality, Verdict

#: The specification's bands: 80-100 high, 50-79 moderate, below 50 treated as inconclusive.
DECISIVE_CONFIDENCE = 50
#: Authentic from forensic detectors alone: one that found nothing, plus a step for each further one, capped.
FORENSIC_AUTHENTIC_BASE = 55
FORENSIC_AUTHENTIC_STEP = 5
FORENSIC_AUTHENTIC_MAX = 75

#: Detection types that mean the detector could not do its job on this media.
FAILURE_TYPES = frozenset({
    "detector_error", "corrupt_media", "unsupported_media", "media_too_large", "model_unavailable",
    "model_output_mismatch", "timeout",
})

#: The modalities a request about this kind of media asks by default (`dfpn-detectors analyze` without
#: ``--modality``).
MODALITIES_BY_KIND: dict[MediaKind, tuple[Modality, ...]] = {
    "image": (Modality.IMAGE_AUTHENTICITY, Modality.FACE_MANIPULATION, Modality.AI_GENERATED_IMAGE),
    "video": (Modality.VIDEO_AUTHENTICITY, Modality.FACE_MANIPULATION),
    "audio": (Modality.VOICE_CLONING,),
    "unknown": (),
}

State = Literal["failed", "manipulated", "authentic", "clean", "unsure"]


class Assessment(BaseModel):
    """The policy's answer. ``decided_by``: the model ids whose answers gave the verdict, strongest first (a
    worker credits the first one it declared). ``reasons``: one line per fact that shaped the verdict.
    ``coverage``: per requested modality, the confidence it allows Authentic (0: it does not)."""

    model_config = ConfigDict(frozen=True)

    verdict: Verdict
    confidence: int
    decided_by: tuple[str, ...] = ()
    detections: tuple[Detection, ...] = ()
    reasons: tuple[str, ...] = ()
    coverage: tuple[tuple[Modality, int], ...] = ()


def state(detector: Detector, analysis: Analysis) -> State:
    """How the policy reads one answer."""
    if any(d.type in FAILURE_TYPES for d in analysis.detections):
        return "failed"
    decisive = analysis.confidence >= DECISIVE_CONFIDENCE
    if analysis.verdict == Verdict.MANIPULATED:
        return "manipulated" if decisive else "unsure"
    if analysis.verdict == Verdict.AUTHENTIC:
        if not decisive:
            return "unsure"
        # Only a record or a trained model can vouch; a heuristic's "authentic" means it found nothing.
        return "authentic" if detector.evidence in (Evidence.PROVENANCE, Evidence.MODEL) else "clean"
    return "clean" if analysis.clean else "unsure"


def applicable(detectors: Iterable[Detector], modalities: Iterable[Modality]) -> list[Detector]:
    """The detectors that cover at least one of the modalities (whether they read the media is theirs to say)."""
    wanted = set(modalities)
    return [d for d in detectors if d.modalities & wanted]


def assess(results: Sequence[tuple[Detector, Analysis]], modalities: Iterable[Modality]) -> Assessment:
    """The verdict for a request about ``modalities`` from the answers of the detectors that ran on the media.

    ``results`` holds each detector that applies and read the media with its analysis; detectors that cover none
    of the modalities are ignored.
    """
    wanted = tuple(sorted(set(modalities), key=list(Modality).index))
    ran = [(d, a) for d, a in results if d.modalities & set(wanted)]
    detections = tuple(x for _, a in ran for x in a.detections)
    counted = [(d, a, state(d, a)) for d, a in ran if d.evidence != Evidence.SUPPORTING]
    if not wanted:
        return Assessment(verdict=Verdict.INCONCLUSIVE, confidence=0, detections=detections,
                          reasons=("no modality requested",))

    manipulated = sorted(((d, a) for d, a, s in counted if s == "manipulated"), key=lambda p: -p[1].confidence)
    proofs = [(d, a) for d, a, s in counted if s == "authentic" and d.evidence == Evidence.PROVENANCE]
    if manipulated and proofs:
        sides = ", ".join(f"{a.model_id}={a.verdict}({a.confidence})" for _, a in [*manipulated, *proofs])
        return Assessment(verdict=Verdict.INCONCLUSIVE, confidence=0, detections=detections,
                          reasons=(f"conflicting decisive answers: {sides}",))
    if manipulated:
        top = manipulated[0][1]
        return Assessment(
            verdict=Verdict.MANIPULATED, confidence=top.confidence,
            decided_by=tuple(a.model_id for _, a in manipulated), detections=detections,
            reasons=tuple(f"{a.model_id}: Manipulated ({a.confidence})" for _, a in manipulated),
        )

    coverage: list[tuple[Modality, int]] = []
    reasons: list[str] = []
    deciders: list[tuple[int, str]] = []
    for m in wanted:
        conf, why, by = _modality_confidence(m, [(d, a, s) for d, a, s in counted if m in d.modalities])
        coverage.append((m, conf))
        reasons.append(f"{m}: {why}")
        deciders += [(conf, i) for i in by]
    if all(conf > 0 for _, conf in coverage):
        confidence = min(conf for _, conf in coverage)
        order = [i for _, i in sorted(deciders, key=lambda p: -p[0])]
        return Assessment(verdict=Verdict.AUTHENTIC, confidence=confidence, decided_by=tuple(dict.fromkeys(order)),
                          detections=detections, reasons=tuple(reasons), coverage=tuple(coverage))
    return Assessment(verdict=Verdict.INCONCLUSIVE, confidence=0, detections=detections, reasons=tuple(reasons),
                      coverage=tuple(coverage))


def _modality_confidence(
    modality: Modality, cover: list[tuple[Detector, Analysis, State]]
) -> tuple[int, str, list[str]]:
    """(confidence Authentic may have for one modality, why, the detectors that vouch); 0 when it may not."""
    if not cover:
        return 0, "no detector that reads this media covers it", []
    failed = [a.model_id for _, a, s in cover if s == "failed"]
    if failed:
        return 0, f"could not run: {', '.join(failed)}", []
    proofs = sorted((a for d, a, s in cover if s == "authentic"), key=lambda a: -a.confidence)
    unsure = [a.model_id for _, a, s in cover if s == "unsure"]
    if proofs and (not unsure or any(d.evidence == Evidence.PROVENANCE for d, _, s in cover if s == "authentic")):
        return proofs[0].confidence, f"Authentic by {proofs[0].model_id} ({proofs[0].confidence})", [
            a.model_id for a in proofs]
    if unsure:
        return 0, f"a trace below the threshold, or no answer: {', '.join(unsure)}", []
    found_nothing = [d for d, _, s in cover if s == "clean" and d.evidence == Evidence.FORENSIC]
    clean = [d.model_id for d in found_nothing if modality in d.vouches]
    if not clean and found_nothing:
        names = ", ".join(d.model_id for d in found_nothing)
        return 0, f"nothing found by {names}, but none of them vouches for it (their misses are not rare enough)", []
    if not clean:
        return 0, "nothing found, but no forensic detector looked (absent marks prove nothing)", []
    conf = min(FORENSIC_AUTHENTIC_MAX, FORENSIC_AUTHENTIC_BASE + FORENSIC_AUTHENTIC_STEP * (len(clean) - 1))
    return conf, f"nothing found by {', '.join(clean)}", clean
