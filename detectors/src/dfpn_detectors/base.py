"""The detector contract: media in, detections out.

Nothing here knows about the chain. A detector's ``model_id`` is the id its developer registered on-chain, and
``Detection.model_dump(exclude_none=True)`` is the protocol's report JSON for one detection
(``{"type", "region": {"x", "y", "w", "h"}, "confidence"}``).
"""

from __future__ import annotations

import logging
import time
from abc import ABC, abstractmethod
from collections.abc import Iterable, Mapping, Sequence
from enum import StrEnum
from importlib.metadata import entry_points
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

logger = logging.getLogger(__name__)

ENTRY_POINT_GROUP = "dfpn.detectors"
MAX_MODEL_ID_BYTES = 32

MediaKind = Literal["image", "video", "audio", "unknown"]
MediaErrorCode = Literal["unsupported_media", "corrupt_media", "media_too_large"]


class Modality(StrEnum):
    """What a request asks about (the protocol's modality names; on-chain they are bits of a u8)."""

    IMAGE_AUTHENTICITY = "ImageAuthenticity"
    FACE_MANIPULATION = "FaceManipulation"
    AI_GENERATED_IMAGE = "AiGeneratedImage"
    VIDEO_AUTHENTICITY = "VideoAuthenticity"
    VOICE_CLONING = "VoiceCloning"

    @property
    def bit(self) -> int:
        """The modality's bit in the protocol's ``u8`` mask."""
        return 1 << list(Modality).index(self)


class Verdict(StrEnum):
    AUTHENTIC = "Authentic"
    MANIPULATED = "Manipulated"
    INCONCLUSIVE = "Inconclusive"


class Evidence(StrEnum):
    """What a detector's answers can prove; the verdict policy (`dfpn_detectors.policy`, docs/verdicts.md) weighs
    them by it.

    - ``provenance``: a cryptographic record (C2PA). Can prove Authentic (a trusted capture) or Manipulated.
    - ``declaration``: a mark a generator leaves (metadata, watermark). Its presence proves Manipulated; its
      absence proves nothing (marks are stripped by every re-upload).
    - ``forensic``: a signal analysis. A trace proves Manipulated; having looked and found none is moderate
      evidence of authenticity.
    - ``model``: a learned classifier with its own Authentic and Manipulated thresholds.
    - ``supporting``: a signal too weak to decide anything; its regions are shown, its answer is not counted.
    """

    PROVENANCE = "provenance"
    DECLARATION = "declaration"
    FORENSIC = "forensic"
    MODEL = "model"
    SUPPORTING = "supporting"


class Region(BaseModel):
    """A rectangle in the media's stored pixel grid (before any EXIF rotation), in pixels."""

    model_config = ConfigDict(frozen=True)

    x: int = Field(ge=0)
    y: int = Field(ge=0)
    w: int = Field(ge=0)
    h: int = Field(ge=0)


class Detection(BaseModel):
    """One finding. ``confidence`` is 0..1: how strongly this signal is present, not a verdict."""

    model_config = ConfigDict(frozen=True)

    type: str
    region: Region | None = None
    confidence: float = Field(ge=0.0, le=1.0)


class MediaError(Exception):
    """Media that a caller may refuse before (or instead of) analysing it.

    ``code`` is one of ``unsupported_media``, ``corrupt_media``, ``media_too_large`` — the detection type that a
    detector reports when it meets the same problem.
    """

    def __init__(self, code: MediaErrorCode, message: str) -> None:
        super().__init__(message)
        self.code: MediaErrorCode = code
        self.message = message


class MediaTooLargeError(MediaError):
    """Media over one of the ``MediaLimits``, found from its header before decoding (or while decoding, when the
    header understated it). ``setting`` names the limit (a field of ``MediaLimits``), ``value`` is what the media
    declares or reached (``None`` when the decoder refused without saying how much), ``limit`` the limit's value,
    ``unit`` their unit. Its ``code`` is ``media_too_large``; the message reads like
    ``7000x7000 image: 49000000 pixels is over the limit of 40000000 pixels (limits.max_pixels)``."""

    def __init__(self, setting: str, value: float | None, limit: float, what: str, unit: str = "") -> None:
        self.setting = setting
        self.value = value
        self.limit = limit
        self.unit = unit
        sep = " " if unit else ""
        amount = "" if value is None else f": {_num(value)}{sep}{unit}"
        super().__init__(
            "media_too_large", f"{what}{amount} is over the limit of {_num(limit)}{sep}{unit} (limits.{setting})"
        )


def _num(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:.1f}"


class Media(BaseModel):
    """Bytes to judge. ``kind`` is sniffed from the content, never from ``name`` or ``mime_type``."""

    model_config = ConfigDict(frozen=True)

    data: bytes
    mime_type: str | None = None
    name: str | None = None

    @property
    def kind(self) -> MediaKind:
        from dfpn_detectors.media import sniff

        return sniff(self.data)[0]

    @property
    def sniffed_mime(self) -> str | None:
        """The MIME type the content looks like (``None`` when unknown)."""
        from dfpn_detectors.media import sniff

        return sniff(self.data)[1]

    @classmethod
    def from_path(cls, path: str | Path, *, max_bytes: int | None = None) -> Media:
        """Read a file. With ``max_bytes``, a larger file raises ``MediaError("media_too_large")`` unread."""
        p = Path(path)
        if max_bytes is not None and p.stat().st_size > max_bytes:
            raise MediaTooLargeError("max_bytes", p.stat().st_size, max_bytes, p.name, "bytes")
        from dfpn_detectors.media import sniff

        data = p.read_bytes()
        return cls(data=data, mime_type=sniff(data)[1], name=p.name)

    def __repr__(self) -> str:
        return f"Media({len(self.data)} bytes, mime_type={self.mime_type!r}, name={self.name!r})"

    __str__ = __repr__


class Analysis(BaseModel):
    """One detector's answer. ``confidence`` (0..100) is the confidence in ``verdict``; 0 when Inconclusive.

    ``clean`` (only with Inconclusive) says the detector looked for its trace and found none above its threshold:
    "nothing found" rather than "could not tell" (a weak trace, an error, media it could not read). The verdict
    policy counts a forensic detector's clean answer as evidence of authenticity and any other Inconclusive one
    as a reason not to answer Authentic."""

    model_config = ConfigDict(frozen=True)

    model_id: str
    verdict: Verdict
    confidence: int = Field(ge=0, le=100)
    detections: tuple[Detection, ...] = ()
    notes: str = ""
    latency_ms: float = 0.0
    clean: bool = False

    @classmethod
    def inconclusive(cls, model_id: str, notes: str, detections: Iterable[Detection] = ()) -> Analysis:
        """"Could not tell": no verdict, and no evidence of absence either."""
        return cls(model_id=model_id, verdict=Verdict.INCONCLUSIVE, confidence=0, detections=tuple(detections),
                   notes=notes)

    @classmethod
    def nothing_found(cls, model_id: str, notes: str, detections: Iterable[Detection] = ()) -> Analysis:
        """Looked for the detector's trace and found none above its threshold (``clean``)."""
        return cls(model_id=model_id, verdict=Verdict.INCONCLUSIVE, confidence=0, detections=tuple(detections),
                   notes=notes, clean=True)

    def report(self) -> dict[str, Any]:
        """The detections in the protocol's report JSON shape."""
        return {
            "model_id": self.model_id,
            "verdict": str(self.verdict),
            "confidence": self.confidence,
            "detections": [d.model_dump(exclude_none=True) for d in self.detections],
            "notes": self.notes,
        }


def check_model_id(model_id: str) -> str:
    """Return ``model_id`` if it is 1-32 bytes of printable ASCII (the on-chain rule), else raise ValueError."""
    raw = model_id.encode("utf-8")
    if not 1 <= len(raw) <= MAX_MODEL_ID_BYTES or not all(0x20 < b < 0x7F for b in raw):
        raise ValueError(f"model id must be 1-{MAX_MODEL_ID_BYTES} printable ASCII bytes: {model_id!r}")
    return model_id


class Detector(ABC):
    """A plugin. Subclasses set ``model_id`` and ``modalities`` and implement ``analyze``.

    ``analyze`` never raises on bad media: corrupt, truncated, unsupported or oversized input gives an Inconclusive
    analysis with a detection of type ``unsupported_media`` / ``corrupt_media`` / ``media_too_large`` and a note.
    """

    model_id: str
    modalities: frozenset[Modality]
    #: Media kinds (``Media.kind``) this detector reads; ``supports`` checks against it.
    media_kinds: frozenset[MediaKind] = frozenset()
    #: What its answers can prove (the verdict policy weighs them by it).
    evidence: Evidence = Evidence.FORENSIC
    #: The modalities for which this (forensic) detector's "nothing found" counts as evidence of authenticity:
    #: only where its misses have been measured rare enough (docs/verdicts.md: no miss on the labelled
    #: evaluation's manipulated classes of that modality, re-encoded and resized copies included). Empty for every
    #: reference detector today; an operator may set it with the detector's ``{"vouches": [...]}`` setting.
    vouches: frozenset[Modality] = frozenset()

    def supports(self, media: Media) -> bool:
        return media.kind in self.media_kinds

    @abstractmethod
    def analyze(self, media: Media) -> Analysis: ...

    def __repr__(self) -> str:
        return f"{type(self).__name__}(model_id={self.model_id!r})"


class GuardedDetector(Detector):
    """A Detector whose ``analyze`` checks ``supports``, times the call and turns every exception into an
    Inconclusive analysis. Subclasses implement ``_analyze``, which may raise ``MediaError``."""

    def analyze(self, media: Media) -> Analysis:
        start = time.perf_counter()
        try:
            if not self.supports(media):
                result = Analysis.inconclusive(
                    self.model_id,
                    f"{self.model_id} does not read {media.kind} media"
                    + (f" ({media.sniffed_mime})" if media.sniffed_mime else ""),
                    [Detection(type="unsupported_media", confidence=1.0)],
                )
            else:
                result = self._analyze(media)
        except MediaError as exc:
            result = Analysis.inconclusive(self.model_id, exc.message, [Detection(type=exc.code, confidence=1.0)])
        except Exception as exc:  # a detector must never take the worker down
            logger.exception("%s failed on %r", self.model_id, media)
            result = Analysis.inconclusive(
                self.model_id, f"detector error: {type(exc).__name__}: {exc}",
                [Detection(type="detector_error", confidence=1.0)],
            )
        elapsed = (time.perf_counter() - start) * 1000.0
        return result.model_copy(update={"model_id": self.model_id, "latency_ms": elapsed})

    @abstractmethod
    def _analyze(self, media: Media) -> Analysis: ...


def decide(
    model_id: str,
    score: float,
    *,
    manipulated_at: float | None,
    authentic_below: float | None = None,
    clean_below: float | None = None,
    detections: Iterable[Detection] = (),
    notes: str = "",
) -> Analysis:
    """Turn a 0..1 manipulation score into a verdict with an Inconclusive band.

    ``score >= manipulated_at`` → Manipulated, confidence rising from 50 at the threshold to 100 at score 1;
    ``score < authentic_below`` → Authentic, likewise towards score 0; ``score < clean_below`` → Inconclusive
    and ``clean`` (nothing found); anything else (or a ``None`` threshold) → Inconclusive with confidence 0.
    """
    if manipulated_at is not None and score >= manipulated_at:
        span = max(1e-9, 1.0 - manipulated_at)
        conf = 50 + 50 * min(1.0, (score - manipulated_at) / span)
        return Analysis(model_id=model_id, verdict=Verdict.MANIPULATED, confidence=round(conf),
                        detections=tuple(detections), notes=notes)
    if authentic_below is not None and score < authentic_below:
        conf = 50 + 50 * min(1.0, (authentic_below - score) / max(1e-9, authentic_below))
        return Analysis(model_id=model_id, verdict=Verdict.AUTHENTIC, confidence=round(conf),
                        detections=tuple(detections), notes=notes)
    if clean_below is not None and score < clean_below:
        return Analysis.nothing_found(model_id, notes, detections)
    return Analysis.inconclusive(model_id, notes, detections)


def combine(analyses: Sequence[Analysis], *, model_id: str | None = None, min_confidence: int = 1) -> Analysis:
    """One answer from several detectors.

    Rule: an analysis is *decisive* if its verdict is Authentic or Manipulated with confidence >= ``min_confidence``.
    - no decisive analysis → Inconclusive, confidence 0;
    - every decisive analysis agrees → that verdict, with the highest confidence among them (detectors are not
      independent, so confidences are not added up);
    - decisive analyses disagree → Inconclusive, confidence 0 (the note names both sides).
    Inconclusive analyses never outvote a decisive one. Detections are concatenated in input order, notes are
    joined as ``model_id: note`` lines and latencies summed. ``model_id`` defaults to the shared id when all
    analyses have one, else ``"combined"``.
    """
    ids = [a.model_id for a in analyses]
    if model_id is None:
        model_id = ids[0] if ids and all(i == ids[0] for i in ids) else "combined"
    detections = tuple(d for a in analyses for d in a.detections)
    notes = [f"{a.model_id}: {a.notes}" for a in analyses if a.notes]
    latency = sum(a.latency_ms for a in analyses)
    decisive = [a for a in analyses if a.verdict != Verdict.INCONCLUSIVE and a.confidence >= min_confidence]
    verdicts = {a.verdict for a in decisive}
    if len(verdicts) == 1:
        verdict = verdicts.pop()
        confidence = max(a.confidence for a in decisive)
    else:
        verdict, confidence = Verdict.INCONCLUSIVE, 0
        if len(verdicts) > 1:
            sides = ", ".join(f"{a.model_id}={a.verdict}({a.confidence})" for a in decisive)
            notes.insert(0, f"conflicting decisive signals: {sides}")
    return Analysis(model_id=model_id, verdict=verdict, confidence=confidence, detections=detections,
                    notes="\n".join(notes), latency_ms=latency)


def available_detectors() -> dict[str, str]:
    """Entry point name → ``module:attr`` for every installed detector."""
    return {ep.name: ep.value for ep in entry_points(group=ENTRY_POINT_GROUP)}


def load_detectors(
    names: Iterable[str] | None = None, config: Mapping[str, Any] | None = None
) -> list[Detector]:
    """Instantiate detectors from the ``dfpn.detectors`` entry points (entry point name = model id).

    ``config`` maps a detector name to a mapping passed to its factory as ``factory(config)`` (its ``vouches``, a
    list of modality names, sets the detector's ``vouches``, whatever the factory does with it); the key ``"*"``
    holds defaults merged under every detector's own mapping (e.g. ``{"*": {"limits": {"max_pixels": ...}}}``;
    a detector's own ``limits`` are merged key by key over the shared ones).
    A detector whose ``model_id`` differs from its entry point name is refused unless its config sets
    ``model_id`` or its class says ``configurable_id = True`` (the ONNX classifier takes its id from its file).
    With ``names``, an unknown name or a detector that fails to load raises; without, every installed detector is
    loaded and one that fails is logged and skipped.
    """
    config = config or {}
    eps = {ep.name: ep for ep in entry_points(group=ENTRY_POINT_GROUP)}
    strict = names is not None
    wanted = list(names) if names is not None else sorted(eps)
    detectors: list[Detector] = []
    for name in wanted:
        if name not in eps:
            raise KeyError(f"no detector named {name!r} in entry point group {ENTRY_POINT_GROUP!r}")
        own = dict(config.get(name) or {})
        star = dict(config.get("*") or {})
        merged = {**star, **own}
        if isinstance(star.get("limits"), Mapping) and isinstance(own.get("limits"), Mapping):
            # a detector's own limits refine the shared ones rather than replacing all of them
            merged["limits"] = {**star["limits"], **own["limits"]}
        try:
            factory = eps[name].load()
            det = factory(merged)
            if not isinstance(det, Detector):
                raise TypeError(f"{eps[name].value} did not make a Detector")
            check_model_id(det.model_id)
            if "vouches" in merged:
                det.vouches = frozenset(Modality(m) for m in merged["vouches"])
            if det.model_id != name and "model_id" not in own and not getattr(det, "configurable_id", False):
                raise ValueError(f"entry point {name!r} made a detector with model id {det.model_id!r}")
        except Exception as e:
            if strict:
                raise
            # One line, not a traceback: a detector that needs a config file (onnx-classifier) is expected here.
            logger.warning("skipping detector %s: %s", name, e)
            logger.debug("detector %s failed to load", name, exc_info=True)
            continue
        detectors.append(det)
    return detectors
