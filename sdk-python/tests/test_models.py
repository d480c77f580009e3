"""User-facing models: frozen, camelCase dumps in the protocol sheet's result format."""

from __future__ import annotations

import pydantic
import pytest

from dfpn import (
    ALL_MODALITIES,
    AnalysisResult,
    Audit,
    ConsensusType,
    Detection,
    Modality,
    Region,
    Verdict,
    WorkerResult,
)


def sample() -> AnalysisResult:
    return AnalysisResult(
        request_id="R",
        verdict=Verdict.MANIPULATED,
        confidence=80,
        consensus_type=ConsensusType.UNANIMOUS,
        worker_results=[
            WorkerResult(
                worker="W",
                model="Bz8EhrsssfozpCqanfgYRneaKeN17ribVTgXhZz2pY42",
                model_id="face-forensics-sbi",
                verdict=Verdict.MANIPULATED,
                confidence=90,
                detections=[Detection(type="face_swap", region=Region(x=1, y=2, w=3, h=4), confidence=0.9)],
            )
        ],
        audit=Audit(request_tx="a", finalize_tx="b", worker_count=3, commit_count=3, reveal_count=3),
        fee_lamports=1,
    )


def test_dump_by_alias_is_camel_case() -> None:
    # Given a result, When dumped by alias, Then the keys are the protocol sheet's
    d = sample().model_dump(by_alias=True, mode="json")
    assert d["consensusType"] == "Unanimous" and d["verdict"] == "Manipulated"
    assert d["workerResults"][0]["modelId"] == "face-forensics-sbi"
    assert d["workerResults"][0]["model"] == "Bz8EhrsssfozpCqanfgYRneaKeN17ribVTgXhZz2pY42"
    assert d["workerResults"][0]["detections"][0] == {
        "type": "face_swap",
        "region": {"x": 1.0, "y": 2.0, "w": 3.0, "h": 4.0},
        "confidence": 0.9,
    }
    assert d["audit"] == {
        "requestTx": "a",
        "finalizeTx": "b",
        "workerCount": 3,
        "commitCount": 3,
        "revealCount": 3,
    }
    # And camelCase input parses back to an equal model
    assert AnalysisResult.model_validate(d) == sample()


def test_models_are_frozen() -> None:
    with pytest.raises(pydantic.ValidationError):
        sample().confidence = 1  # type: ignore[misc]


def test_enums_follow_the_program_bytes() -> None:
    assert [Verdict.from_code(i) for i in range(3)] == [
        Verdict.INCONCLUSIVE,
        Verdict.AUTHENTIC,
        Verdict.MANIPULATED,
    ]
    assert [c.code for c in ConsensusType] == [0, 1, 2, 3]
    assert [int(m) for m in Modality] == [1, 2, 4, 8, 16]
    assert Modality.mask([Modality.FACE_MANIPULATION, Modality.IMAGE_AUTHENTICITY]) == 3
    assert Modality.from_mask(ALL_MODALITIES) == list(Modality)


def test_detection_without_region() -> None:
    # Given a report detection with "region": null (whole-file findings such as metadata), Then it parses
    d = Detection.model_validate(
        {"type": "ai_generated_metadata", "region": None, "confidence": 90, "evidence": "x"}
    )
    assert d.region is None and d.confidence == 90
