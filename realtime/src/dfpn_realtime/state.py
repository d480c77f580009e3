"""The per-track state machine CLEAR → SUSPICIOUS → ALERT → CLEAR with hysteresis, and the events it emits.

Each analysed sample gives a manipulation *score* in 0..1 (or None when the detectors are inconclusive). A score
>= ``positive_score`` is a positive, < ``negative_score`` a negative, anything between (and None) is neutral and
ignored. Over the last ``window`` decisive samples:

- CLEAR → SUSPICIOUS when ``suspicious_after`` of them are positive (default 2 of 5);
- CLEAR or SUSPICIOUS → ALERT when ``alert_after`` are positive (default 3 of 5);
- SUSPICIOUS → CLEAR after ``clear_after`` consecutive negatives (default 3);
- ALERT → CLEAR after ``alert_clear_after`` consecutive negatives (default 5).

So one noisy frame never changes the state, and a single clean frame in the middle of an attack does not end an
ALERT. Every transition gives one `AlertEvent`.
"""

from __future__ import annotations

import collections
from collections.abc import Sequence
from enum import StrEnum
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_serializer, model_validator

from dfpn_realtime.config import StateParams


class Level(StrEnum):
    CLEAR = "clear"
    SUSPICIOUS = "suspicious"
    ALERT = "alert"


#: The realtime plug-in specifications' name for the levels: their callbacks test ``event.type == EventType.ALERT``.
EventType = Level

#: A wire ``type`` of alert events: the specifications' JSON payload says ``"type": "deepfake_alert"``.
ALERT_WIRE_TYPE = "deepfake_alert"


class Signal(BaseModel):
    """One detector that ran on the sample behind an event, and what it answered."""

    model_config = ConfigDict(frozen=True)

    detector: str
    verdict: str
    confidence: int = Field(ge=0, le=100)


class AlertEvent(BaseModel):
    """A state transition of one participant's track.

    The fields of both realtime plug-in specifications are here under their names: the callback event's ``type``
    (the new level as an `EventType`, so ``event.type == EventType.ALERT`` works), ``participant_id``,
    ``track_id``, ``timestamp_ms``, and the JSON payload's ``level`` and ``message``. ``model_dump()`` is the
    payload the specifications publish, with ``"type": "deepfake_alert"``, and ours beside it::

        {"type": "deepfake_alert", "level": "alert", "participant_id": "...", "track_id": "...",
         "message": "...", "timestamp_ms": 1730123456789,
         "previous_level": "suspicious", "kind": "video", "score": 0.95,
         "signals": [{"detector": "blazeface-consistency", "verdict": "Manipulated", "confidence": 90}]}

    ``previous_level`` is the level before the transition, ``kind`` the track's media ("video" or "audio"),
    ``score`` the manipulation score (0..1) of the sample that caused it, ``signals`` the detectors that ran on
    that sample. `model_validate` reads the JSON form back.
    """

    model_config = ConfigDict(frozen=True)

    type: EventType
    level: Level
    participant_id: str
    track_id: str
    message: str
    timestamp_ms: int
    previous_level: Level = Level.CLEAR
    kind: Literal["video", "audio"] = "video"
    score: float | None = None
    signals: tuple[Signal, ...] = ()

    @model_validator(mode="before")
    @classmethod
    def _type_is_the_level(cls, data: Any) -> Any:
        if isinstance(data, dict):
            level, kind = data.get("level"), data.get("type")
            if kind is None or kind == ALERT_WIRE_TYPE:
                data = {**data, "type": level}
            elif level is None:
                data = {**data, "level": kind}
        return data

    @model_validator(mode="after")
    def _consistent(self) -> AlertEvent:
        if self.type is not self.level:
            raise ValueError(f"type ({self.type}) and level ({self.level}) must be the same level")
        return self

    @field_serializer("type")
    def _wire_type(self, value: Level) -> str:
        return ALERT_WIRE_TYPE


class VerificationEvent(BaseModel):
    """The DFPN network's verified verdict on an escalated sample, with its audit trail (``type`` is
    ``"deepfake_verification"``). ``status`` is "verified", or "failed" with the reason in ``message``."""

    model_config = ConfigDict(frozen=True)

    type: Literal["deepfake_verification"] = "deepfake_verification"
    status: Literal["verified", "failed"]
    participant_id: str
    track_id: str
    message: str
    timestamp_ms: int
    request_id: str | None = None
    verdict: str | None = None
    confidence: int | None = None
    consensus_type: str | None = None
    worker_count: int | None = None
    request_tx: str | None = None
    finalize_tx: str | None = None
    error_code: str | None = None
    #: Where the escalated sample was stored (the storage the user chose).
    storage_uri: str | None = None


Event = AlertEvent | VerificationEvent


class TrackState(BaseModel):
    """A snapshot of one track's state machine."""

    model_config = ConfigDict(frozen=True)

    level: Level
    positives: int = Field(description="positives among the last `window` decisive samples")
    consecutive_negatives: int
    last_score: float | None


class StateMachine:
    """The hysteresis state machine of one (participant, track)."""

    def __init__(self, params: StateParams | None = None) -> None:
        self.params = params or StateParams()
        self.level = Level.CLEAR
        self._window: collections.deque[bool] = collections.deque(maxlen=self.params.window)
        self._negatives = 0
        self.last_score: float | None = None

    def snapshot(self) -> TrackState:
        return TrackState(
            level=self.level,
            positives=sum(self._window),
            consecutive_negatives=self._negatives,
            last_score=self.last_score,
        )

    def update(self, score: float | None) -> Level | None:
        """Feed one analysed sample's score; returns the new level when it changed, else None."""
        p = self.params
        self.last_score = score
        if score is None or p.negative_score <= score < p.positive_score:
            return None
        positive = score >= p.positive_score
        self._window.append(positive)
        self._negatives = 0 if positive else self._negatives + 1
        positives = sum(self._window)
        new = self.level
        if self.level is Level.CLEAR:
            if positives >= p.alert_after:
                new = Level.ALERT
            elif positives >= p.suspicious_after:
                new = Level.SUSPICIOUS
        elif self.level is Level.SUSPICIOUS:
            if positives >= p.alert_after:
                new = Level.ALERT
            elif self._negatives >= p.clear_after:
                new = Level.CLEAR
        elif self._negatives >= p.alert_clear_after:
            new = Level.CLEAR
        if new is self.level:
            return None
        self.level = new
        if new is Level.CLEAR:
            # Evidence from before the all-clear does not count toward the next episode.
            self._window.clear()
        return new

    def reset(self) -> None:
        self.level = Level.CLEAR
        self._window.clear()
        self._negatives = 0
        self.last_score = None


def message_for(level: Level, participant_id: str, kind: str = "video") -> str:
    what = "voice" if kind == "audio" else "video"
    if level is Level.ALERT:
        return f"High likelihood of manipulation detected in the {what} of {participant_id}."
    if level is Level.SUSPICIOUS:
        return f"Possible manipulation in the {what} of {participant_id}; sampling faster to verify."
    return f"No manipulation detected in the {what} of {participant_id}."


#: The score of a detector that ran on the sample and saw nothing either way (Inconclusive): a weak negative, so
#: that a track whose detectors stop seeing manipulation returns to CLEAR.
NO_SIGNAL_SCORE = 0.3


def score_from_verdicts(verdicts: Sequence[tuple[str, int]]) -> float | None:
    """A manipulation score in 0..1 from the (verdict, confidence 0..100) pairs of the detectors that ran on a
    sample (detectors that could not read it are left out by the caller).

    Manipulated with confidence c scores 0.5 + c/200 (0.75 at c = 50, 1.0 at c = 100), Authentic scores
    min(0.5 - c/200, 0.3), Inconclusive scores `NO_SIGNAL_SCORE` (0.3). The sample's score is the highest: one
    detector that sees manipulation is evidence for that sample (the state machine asks for several samples).
    None when no detector ran.
    """
    scores: list[float] = []
    for verdict, confidence in verdicts:
        c = max(0, min(100, confidence))
        if verdict == "Manipulated" and c > 0:
            scores.append(0.5 + c / 200)
        elif verdict == "Authentic":
            scores.append(min(0.5 - c / 200, NO_SIGNAL_SCORE))
        else:
            scores.append(NO_SIGNAL_SCORE)
    return max(scores) if scores else None


__all__ = [
    "ALERT_WIRE_TYPE",
    "NO_SIGNAL_SCORE",
    "AlertEvent",
    "Event",
    "EventType",
    "Level",
    "Signal",
    "StateMachine",
    "TrackState",
    "VerificationEvent",
    "message_for",
    "score_from_verdicts",
]
