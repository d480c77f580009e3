"""The hysteresis state machine and its events."""

from __future__ import annotations

import pytest

from dfpn_realtime import AlertEvent, Level, StateMachine, StateParams
from dfpn_realtime.state import NO_SIGNAL_SCORE, EventType, Signal, score_from_verdicts

HI, LO, MID = 0.95, 0.05, 0.5


def feed(m: StateMachine, scores: list[float | None]) -> list[Level]:
    return [lvl for s in scores if (lvl := m.update(s)) is not None]


def test_one_noisy_frame_does_not_flap() -> None:
    # Given a CLEAR track, When a single positive frame arrives among clean ones
    m = StateMachine()
    changes = feed(m, [LO, LO, HI, LO, LO, LO, LO, LO])
    # Then nothing changes
    assert changes == [] and m.level is Level.CLEAR


def test_clear_suspicious_alert_clear() -> None:
    m = StateMachine()
    # Given two positives in the window, Then SUSPICIOUS
    assert feed(m, [HI, LO, HI]) == [Level.SUSPICIOUS]
    # And a third one, Then ALERT
    assert feed(m, [HI]) == [Level.ALERT]
    # When clean frames come back, one clean frame (or four) does not end the ALERT
    assert feed(m, [LO, LO, LO, LO]) == [] and m.level is Level.ALERT
    # And a positive in between restarts the count of clean frames
    assert feed(m, [HI, LO, LO, LO, LO]) == []
    # Then the fifth consecutive clean frame clears it
    assert feed(m, [LO]) == [Level.CLEAR]


def test_suspicious_clears_after_three_clean_frames() -> None:
    m = StateMachine()
    feed(m, [HI, HI])
    assert m.level is Level.SUSPICIOUS
    assert feed(m, [LO, LO]) == [] and feed(m, [LO]) == [Level.CLEAR]
    # And evidence from before the all-clear does not count toward the next episode
    assert feed(m, [HI]) == [] and m.level is Level.CLEAR


def test_neutral_and_inconclusive_samples_are_ignored() -> None:
    m = StateMachine()
    feed(m, [HI, HI])
    # When only undecided (0.4..0.6) and inconclusive samples arrive, Then the state holds
    assert feed(m, [MID, None, 0.45, None, MID, MID]) == [] and m.level is Level.SUSPICIOUS
    snap = m.snapshot()
    assert (snap.positives, snap.consecutive_negatives) == (2, 0)


def test_straight_to_alert_with_custom_params() -> None:
    # Given suspicious after 1 and alert after 2 (of 3)
    m = StateMachine(
        StateParams(window=3, suspicious_after=1, alert_after=2, clear_after=1, alert_clear_after=2)
    )
    assert feed(m, [HI, HI, LO, LO]) == [Level.SUSPICIOUS, Level.ALERT, Level.CLEAR]


def test_inconsistent_params_are_refused() -> None:
    with pytest.raises(ValueError, match="alert_after"):
        StateParams(suspicious_after=4, alert_after=3)


#: The JSON payload of the realtime plug-in specifications (the Pipecat one's "Example default log output").
SPEC_PAYLOAD_KEYS = {"type", "level", "participant_id", "track_id", "message", "timestamp_ms"}


def test_event_carries_the_specifications_fields_and_ours() -> None:
    # Given an ALERT event, with the signal that ran
    e = AlertEvent(
        level=Level.ALERT,
        previous_level=Level.SUSPICIOUS,
        participant_id="p1",
        track_id="t1",
        message="m",
        timestamp_ms=17,
        kind="audio",
        score=0.9,
        signals=(Signal(detector="voice-prosody", verdict="Manipulated", confidence=80),),
    )
    # Then as a callback event it answers the specification's test: event.type == EventType.ALERT
    assert e.type == EventType.ALERT and e.type != EventType.CLEAR
    # And its JSON is the specification's payload ("type": "deepfake_alert", level, ids, message, time) ...
    wire = e.model_dump(mode="json")
    assert {k: wire[k] for k in SPEC_PAYLOAD_KEYS} == {
        "type": "deepfake_alert",
        "level": "alert",
        "participant_id": "p1",
        "track_id": "t1",
        "message": "m",
        "timestamp_ms": 17,
    }
    # ... with ours beside it
    assert set(wire) - SPEC_PAYLOAD_KEYS == {"previous_level", "kind", "score", "signals"}
    assert wire["signals"] == [{"detector": "voice-prosody", "verdict": "Manipulated", "confidence": 80}]
    # And the JSON reads back into the same event
    assert AlertEvent.model_validate(wire) == e
    assert AlertEvent.model_validate_json(e.model_dump_json()) == e


def test_event_type_and_level_cannot_disagree() -> None:
    # Given a type that contradicts the level, Then it is refused (control: agreeing ones are accepted above)
    with pytest.raises(ValueError, match="same level"):
        AlertEvent(
            type=EventType.CLEAR,
            level=Level.ALERT,
            participant_id="p",
            track_id="t",
            message="",
            timestamp_ms=0,
        )
    ok = AlertEvent(type=EventType.ALERT, participant_id="p", track_id="t", message="", timestamp_ms=0)
    assert ok.level is Level.ALERT


@pytest.mark.parametrize(
    ("verdicts", "score"),
    [
        ([], None),
        ([("Manipulated", 100)], 1.0),
        ([("Manipulated", 50)], 0.75),
        ([("Authentic", 80)], 0.1),
        ([("Authentic", 0)], NO_SIGNAL_SCORE),
        ([("Inconclusive", 0)], NO_SIGNAL_SCORE),
        ([("Authentic", 90), ("Manipulated", 60)], 0.8),
    ],
)
def test_score_from_verdicts(verdicts: list[tuple[str, int]], score: float | None) -> None:
    assert score_from_verdicts(verdicts) == (None if score is None else pytest.approx(score))
