from __future__ import annotations

import json

import pytest

from dfpn_detectors import (
    ENTRY_POINT_GROUP,
    Analysis,
    Detection,
    GuardedDetector,
    Media,
    MediaError,
    Modality,
    Region,
    Verdict,
    available_detectors,
    check_model_id,
    combine,
    load_detectors,
)
from dfpn_detectors.media import sniff

REFERENCE_IDS = {"c2pa-provenance", "ai-metadata-rules", "sd-watermark-dwtdct", "jpeg-ghost", "ela",
                 "blazeface-consistency", "video-frames", "voice-spectral", "onnx-classifier", "copy-move",
                 "noise-residual", "spectral-upsampling", "jpeg-dq"}


def a(verdict: Verdict, confidence: int, model_id: str = "m", **kw: object) -> Analysis:
    return Analysis(model_id=model_id, verdict=verdict, confidence=confidence, **kw)  # type: ignore[arg-type]


def test_modality_and_verdict_names_match_the_protocol() -> None:
    assert [m.value for m in Modality] == ["ImageAuthenticity", "FaceManipulation", "AiGeneratedImage",
                                          "VideoAuthenticity", "VoiceCloning"]
    assert [m.bit for m in Modality] == [1, 2, 4, 8, 16]
    assert {v.value for v in Verdict} == {"Authentic", "Manipulated", "Inconclusive"}


def test_detection_dump_is_the_report_json_format() -> None:
    d = Detection(type="jpeg_ghost", confidence=0.8, region=Region(x=1, y=2, w=3, h=4))
    assert d.model_dump(exclude_none=True) == {"type": "jpeg_ghost", "region": {"x": 1, "y": 2, "w": 3, "h": 4},
                                               "confidence": 0.8}
    assert list(d.model_dump(exclude_none=True)) == ["type", "region", "confidence"]
    assert Detection(type="t", confidence=0.5).model_dump(exclude_none=True) == {"type": "t", "confidence": 0.5}
    assert json.loads(a(Verdict.MANIPULATED, 90, detections=(d,)).model_dump_json())["detections"][0]["type"] == \
        "jpeg_ghost"


def test_models_are_frozen_and_validated() -> None:
    d = Detection(type="t", confidence=0.5)
    with pytest.raises(Exception, match="frozen"):
        d.confidence = 0.6  # type: ignore[misc]
    with pytest.raises(ValueError, match="less than or equal"):
        Detection(type="t", confidence=1.5)
    with pytest.raises(ValueError, match="less than or equal"):
        a(Verdict.AUTHENTIC, 101)
    with pytest.raises(ValueError, match="greater than or equal"):
        Region(x=-1, y=0, w=1, h=1)


def test_model_ids_follow_the_on_chain_rule() -> None:
    assert check_model_id("c2pa-provenance") == "c2pa-provenance"
    for bad in ("", "x" * 33, "has space", "é"):
        with pytest.raises(ValueError, match="model id"):
            check_model_id(bad)
    for name in REFERENCE_IDS:
        check_model_id(name)


@pytest.mark.parametrize(("data", "kind", "mime"), [
    (b"\xff\xd8\xff\xe0rest", "image", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\nrest", "image", "image/png"),
    (b"RIFF\x00\x00\x00\x00WEBPVP8 ", "image", "image/webp"),
    (b"RIFF\x00\x00\x00\x00WAVEfmt ", "audio", "audio/wav"),
    (b"\x00\x00\x00\x20ftypisom\x00\x00\x02\x00", "video", "video/mp4"),
    (b"\x00\x00\x00\x20ftypM4A \x00\x00\x02\x00", "audio", "audio/mp4"),
    (b"\x00\x00\x00\x1cftypavif\x00\x00\x00\x00", "image", "image/avif"),
    (b"\x1a\x45\xdf\xa3\x9fB\x86\x81\x01webm", "video", "video/webm"),
    (b"ID3\x04\x00", "audio", "audio/mpeg"),
    (b"fLaC\x00", "audio", "audio/flac"),
    (b"GIF89a", "image", "image/gif"),
    (b"hello world, not media", "unknown", None),
    (b"", "unknown", None),
])
def test_kind_is_sniffed_from_content(data: bytes, kind: str, mime: str | None) -> None:
    assert sniff(data) == (kind, mime)
    m = Media(data=data, name="misleading.mp3", mime_type="audio/mpeg")
    assert (m.kind, m.sniffed_mime) == (kind, mime)


def test_media_from_path_and_size_refusal(tmp_path) -> None:  # type: ignore[no-untyped-def]
    p = tmp_path / "x.bin"
    p.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 100)
    m = Media.from_path(p)
    assert (m.kind, m.mime_type, m.name) == ("image", "image/png", "x.bin")
    assert "108 bytes" in repr(m)
    with pytest.raises(MediaError) as err:
        Media.from_path(p, max_bytes=10)
    assert err.value.code == "media_too_large"


def test_combine_rules() -> None:
    m90, m60 = a(Verdict.MANIPULATED, 90, "x"), a(Verdict.MANIPULATED, 60, "y")
    au80, inc = a(Verdict.AUTHENTIC, 80, "z"), a(Verdict.INCONCLUSIVE, 0, "w", notes="nothing")
    assert combine([]).verdict == Verdict.INCONCLUSIVE
    assert combine([inc, inc]).verdict == Verdict.INCONCLUSIVE
    r = combine([inc, m60, m90])
    assert (r.verdict, r.confidence, r.model_id) == (Verdict.MANIPULATED, 90, "combined")
    assert combine([inc, au80]).verdict == Verdict.AUTHENTIC
    r = combine([m90, au80, inc])
    assert (r.verdict, r.confidence) == (Verdict.INCONCLUSIVE, 0)
    assert "conflicting" in r.notes
    assert combine([m90], model_id="mine").model_id == "mine"
    assert combine([a(Verdict.MANIPULATED, 5, "x")], min_confidence=10).verdict == Verdict.INCONCLUSIVE
    d = Detection(type="t", confidence=0.1)
    r = combine([a(Verdict.INCONCLUSIVE, 0, "x", detections=(d,), latency_ms=2.0),
                 a(Verdict.MANIPULATED, 70, "x", latency_ms=3.0)])
    assert (r.detections, r.latency_ms, r.model_id) == ((d,), 5.0, "x")


def test_entry_points_name_every_reference_detector() -> None:
    assert set(available_detectors()) >= REFERENCE_IDS


def test_load_detectors_by_name_and_errors() -> None:
    dets = load_detectors(["ela", "jpeg-ghost"])
    assert [d.model_id for d in dets] == ["ela", "jpeg-ghost"]
    assert all(Modality.IMAGE_AUTHENTICITY in d.modalities for d in dets)
    with pytest.raises(KeyError, match="no detector named"):
        load_detectors(["nope"])
    with pytest.raises(ValueError, match="config file"):
        load_detectors(["onnx-classifier"])  # named: its failure raises
    everything = load_detectors()  # unnamed: onnx-classifier without a config is skipped
    assert {d.model_id for d in everything} == REFERENCE_IDS - {"onnx-classifier"}
    assert ENTRY_POINT_GROUP == "dfpn.detectors"


def test_guarded_detector_turns_errors_into_inconclusive() -> None:
    class Broken(GuardedDetector):
        model_id = "broken"
        modalities = frozenset({Modality.IMAGE_AUTHENTICITY})
        media_kinds = frozenset({"image"})

        def _analyze(self, media: Media) -> Analysis:
            raise ZeroDivisionError("boom")

    class Refuses(Broken):
        def _analyze(self, media: Media) -> Analysis:
            raise MediaError("media_too_large", "too big")

    png = Media(data=b"\x89PNG\r\n\x1a\n")
    r = Broken().analyze(png)
    assert (r.verdict, r.detections[0].type, r.model_id) == (Verdict.INCONCLUSIVE, "detector_error", "broken")
    assert "boom" in r.notes and r.latency_ms > 0
    r = Refuses().analyze(png)
    assert (r.verdict, r.detections[0].type, r.notes) == (Verdict.INCONCLUSIVE, "media_too_large", "too big")
    r = Broken().analyze(Media(data=b"RIFF\x00\x00\x00\x00WAVE"))
    assert r.detections[0].type == "unsupported_media"


def test_a_third_party_plugin_is_found_by_its_entry_point(tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """What a model developer ships: a package whose dfpn.detectors entry point is named with its model id."""
    (tmp_path / "acme_plugin.py").write_text(
        "from dfpn_detectors import Analysis, GuardedDetector, Modality, decide\n"
        "class Acme(GuardedDetector):\n"
        "    model_id = 'acme-test-v1'\n"
        "    modalities = frozenset({Modality.FACE_MANIPULATION})\n"
        "    media_kinds = frozenset({'image'})\n"
        "    def __init__(self, config=None):\n"
        "        self.threshold = (config or {}).get('threshold', 0.5)\n"
        "    def _analyze(self, media):\n"
        "        return decide(self.model_id, 0.9, manipulated_at=self.threshold)\n"
        "class Liar(Acme):\n"
        "    model_id = 'someone-else'\n"
    )
    info = tmp_path / "acme_plugin-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: acme-plugin\nVersion: 1.0\n")
    (info / "entry_points.txt").write_text(
        "[dfpn.detectors]\nacme-test-v1 = acme_plugin:Acme\nimpostor = acme_plugin:Liar\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    assert "acme-test-v1" in available_detectors()
    (det,) = load_detectors(["acme-test-v1"], {"acme-test-v1": {"threshold": 0.95}})
    assert det.model_id == "acme-test-v1" and det.threshold == 0.95  # type: ignore[attr-defined]
    r = det.analyze(Media(data=b"\x89PNG\r\n\x1a\n"))
    assert (r.verdict, r.model_id) == (Verdict.INCONCLUSIVE, "acme-test-v1")
    with pytest.raises(ValueError, match="made a detector with model id"):
        load_detectors(["impostor"])
    assert "impostor" not in {d.model_id for d in load_detectors()}
