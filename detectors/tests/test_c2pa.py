"""C2PA provenance on assets signed at test time with a test CA made by the tests."""

from __future__ import annotations

import numpy as np
import pytest

from dfpn_detectors import Detector, Media, Verdict
from dfpn_detectors.c2pa_provenance import C2paProvenanceDetector

import synth


@pytest.fixture(scope="module")
def assets(test_ca: synth.TestCA) -> dict[str, tuple[bytes, str]]:
    rng = np.random.default_rng(3)
    img = synth.image("coffee")
    jpg, pngb = synth.jpeg(img, 90), synth.png(img)
    wavb = synth.wav(synth.speech_like(1.0, rng), 16000)
    mp4 = synth.encode_video([img] * 6, fps=6)
    return {
        "jpeg_ai": (test_ca.sign(jpg, "image/jpeg", "trainedAlgorithmicMedia"), "image/jpeg"),
        "jpeg_capture": (test_ca.sign(jpg, "image/jpeg", "digitalCapture"), "image/jpeg"),
        "jpeg_composite": (test_ca.sign(jpg, "image/jpeg", "compositeWithTrainedAlgorithmicMedia"), "image/jpeg"),
        "jpeg_edited": (test_ca.sign(jpg, "image/jpeg", "digitalCapture",
                                     [{"action": "c2pa.color_adjustments"}]), "image/jpeg"),
        "jpeg_digital_art": (test_ca.sign(jpg, "image/jpeg", "digitalCreation"), "image/jpeg"),
        "png_ai": (test_ca.sign(pngb, "image/png", "trainedAlgorithmicMedia"), "image/png"),
        "wav_ai": (test_ca.sign(wavb, "audio/wav", "trainedAlgorithmicMedia"), "audio/wav"),
        "wav_capture": (test_ca.sign(wavb, "audio/wav", "digitalCapture"), "audio/wav"),
        "mp4_ai": (test_ca.sign(mp4, "video/mp4", "trainedAlgorithmicMedia"), "video/mp4"),
        "mp4_capture": (test_ca.sign(mp4, "video/mp4", "digitalCapture"), "video/mp4"),
        "unsigned": (jpg, "image/jpeg"),
    }


@pytest.mark.parametrize(("name", "verdict", "dtype"), [
    ("jpeg_ai", Verdict.MANIPULATED, "c2pa_ai_generated"),
    ("png_ai", Verdict.MANIPULATED, "c2pa_ai_generated"),
    ("wav_ai", Verdict.MANIPULATED, "c2pa_ai_generated"),
    ("mp4_ai", Verdict.MANIPULATED, "c2pa_ai_generated"),
    ("jpeg_composite", Verdict.MANIPULATED, "c2pa_ai_composite"),
    ("jpeg_capture", Verdict.AUTHENTIC, "c2pa_capture"),
    ("wav_capture", Verdict.AUTHENTIC, "c2pa_capture"),
    ("mp4_capture", Verdict.AUTHENTIC, "c2pa_capture"),
    ("jpeg_edited", Verdict.AUTHENTIC, "c2pa_declared_edits"),
    ("jpeg_digital_art", Verdict.INCONCLUSIVE, "c2pa_present"),
    ("unsigned", Verdict.INCONCLUSIVE, None),
])
def test_trusted_reading(c2pa_trusted: C2paProvenanceDetector, assets: dict[str, tuple[bytes, str]], name: str,
                         verdict: Verdict, dtype: str | None) -> None:
    data, _ = assets[name]
    r = c2pa_trusted.analyze(Media(data=data))
    assert r.verdict == verdict, r
    if dtype:
        assert dtype in {d.type for d in r.detections}, r
    assert r.latency_ms < 500


def test_declared_edits_lower_the_confidence(c2pa_trusted: C2paProvenanceDetector,
                                             assets: dict[str, tuple[bytes, str]]) -> None:
    plain = c2pa_trusted.analyze(Media(data=assets["jpeg_capture"][0]))
    edited = c2pa_trusted.analyze(Media(data=assets["jpeg_edited"][0]))
    assert edited.confidence < plain.confidence


def test_untrusted_signer(detectors: dict[str, Detector], assets: dict[str, tuple[bytes, str]]) -> None:
    det = detectors["c2pa-provenance"]  # no trust anchors configured
    ai = det.analyze(Media(data=assets["jpeg_ai"][0]))
    assert (ai.verdict, ai.confidence) == (Verdict.MANIPULATED, 90)  # a claim of AI is believed
    cap = det.analyze(Media(data=assets["jpeg_capture"][0]))
    assert cap.verdict == Verdict.INCONCLUSIVE and "trust anchors" in cap.notes  # a claim of capture is not
    lenient = C2paProvenanceDetector({"accept_untrusted": True}).analyze(Media(data=assets["jpeg_capture"][0]))
    assert (lenient.verdict, lenient.confidence) == (Verdict.AUTHENTIC, 60)


def test_edit_after_signing_is_a_hash_mismatch(c2pa_trusted: C2paProvenanceDetector,
                                               assets: dict[str, tuple[bytes, str]]) -> None:
    rng = np.random.default_rng(0)
    tampered = synth.tamper_jpeg(assets["jpeg_capture"][0], rng)
    r = c2pa_trusted.analyze(Media(data=tampered))
    assert r.verdict == Verdict.MANIPULATED
    assert r.detections[0].type == "c2pa_hash_mismatch"
    assert "dataHash.mismatch" in r.notes


def test_trust_anchors_from_a_file(tmp_path, test_ca: synth.TestCA,  # type: ignore[no-untyped-def]
                                   assets: dict[str, tuple[bytes, str]]) -> None:
    pem = tmp_path / "anchors.pem"
    pem.write_text(test_ca.root_pem)
    r = C2paProvenanceDetector({"trust_anchors": str(pem)}).analyze(Media(data=assets["jpeg_capture"][0]))
    assert r.verdict == Verdict.AUTHENTIC


def test_other_ca_is_not_trusted(assets: dict[str, tuple[bytes, str]]) -> None:
    other = synth.TestCA()
    r = C2paProvenanceDetector({"trust_anchors": other.root_pem}).analyze(Media(data=assets["jpeg_capture"][0]))
    assert r.verdict == Verdict.INCONCLUSIVE
