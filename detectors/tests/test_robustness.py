"""Bad media never raises: every detector answers Inconclusive with the right detection type."""

from __future__ import annotations

import struct
import zlib

import numpy as np
import pytest

from dfpn_detectors import Detector, Media, MediaLimits, Verdict
from dfpn_detectors.ela import ElaDetector

import synth

BAD_TYPES = {"unsupported_media", "corrupt_media", "media_too_large"}


def png_header_only(width: int, height: int) -> bytes:
    """A PNG whose header claims width x height with almost no data: a decompression bomb's shape."""
    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"\x00" * 64)) + \
        chunk(b"IEND", b"")


def bad_media() -> dict[str, bytes]:
    rng = np.random.default_rng(7)
    img = synth.image("astronaut")
    jpg = synth.jpeg(img, 90)
    pngb = synth.png(img)
    wavb = synth.wav(synth.speech_like(1.0, rng), 16000)
    mp4 = synth.encode_video([img] * 4, fps=4)
    return {
        "empty": b"",
        "text": b"just some text, not media at all",
        "random": rng.bytes(4096),
        "jpeg_magic_then_noise": b"\xff\xd8\xff\xe0" + rng.bytes(2000),
        "truncated_jpeg": jpg[: len(jpg) // 3],
        "truncated_png": pngb[: len(pngb) // 3],
        "png_bomb_header": png_header_only(100_000, 100_000),
        "png_large_header": png_header_only(12_000, 12_000),
        "truncated_wav": wavb[:30],
        "wav_header_only": wavb[:44],
        "truncated_mp4": mp4[: len(mp4) // 4],
        "mp4_magic_then_noise": mp4[:32] + rng.bytes(3000),
    }


@pytest.mark.parametrize("name", list(bad_media()))
def test_every_detector_survives_bad_media(detectors: dict[str, Detector], name: str) -> None:
    data = bad_media()[name]
    for det in detectors.values():
        r = det.analyze(Media(data=data))
        assert r.verdict == Verdict.INCONCLUSIVE, (det.model_id, name, r)
        assert r.confidence == 0
        types = {d.type for d in r.detections}
        if not det.supports(Media(data=data)):
            assert "unsupported_media" in types, (det.model_id, name, r)
        else:
            # a truncated but partly decodable file may still be analysed; otherwise a bad-media type
            assert (types & BAD_TYPES) or r.notes, (det.model_id, name, r)
        assert "detector_error" not in types, (det.model_id, name, r.notes)


def test_limits_refuse_before_decoding() -> None:
    r = ElaDetector({"limits": {"max_pixels": 1000}}).analyze(Media(data=synth.png(synth.image("coffee"))))
    assert r.detections[0].type == "media_too_large"
    r = ElaDetector().analyze(Media(data=png_header_only(12_000, 12_000)))
    assert r.detections[0].type == "media_too_large"
    r = ElaDetector({"limits": {"max_bytes": 100}}).analyze(Media(data=synth.jpeg(synth.image("coffee"), 80)))
    assert r.detections[0].type == "media_too_large"
    assert MediaLimits().max_pixels == 40_000_000


def test_video_duration_limit(detectors: dict[str, Detector]) -> None:
    from dfpn_detectors.video import VideoFramesDetector

    clip = synth.encode_video([synth.image("coffee")] * 30, fps=10)
    r = VideoFramesDetector({"limits": {"max_video_seconds": 1}}).analyze(Media(data=clip))
    assert r.detections[0].type == "media_too_large"


def test_audio_duration_limit() -> None:
    from dfpn_detectors.voice import VoiceSpectralDetector

    rng = np.random.default_rng(1)
    r = VoiceSpectralDetector({"limits": {"max_audio_seconds": 1}}).analyze(
        Media(data=synth.wav(synth.speech_like(3.0, rng), 16000)))
    assert r.detections[0].type == "media_too_large"


def test_missing_model_files_degrade_to_inconclusive(monkeypatch: pytest.MonkeyPatch) -> None:
    from dfpn_detectors.face_consistency import FaceConsistencyDetector
    from dfpn_detectors.faces import FaceFinder
    from dfpn_detectors.voice import VoiceSpectralDetector

    monkeypatch.setenv("DFPN_BLAZEFACE_TFLITE", "/nonexistent/face.tflite")
    monkeypatch.setenv("DFPN_SILERO_VAD_ONNX", "/nonexistent/vad.onnx")
    monkeypatch.setattr(FaceFinder, "_shared", None)
    r = FaceConsistencyDetector().analyze(Media(data=synth.jpeg(synth.image("astronaut"), 90)))
    assert (r.verdict, r.detections[0].type) == (Verdict.INCONCLUSIVE, "model_unavailable")
    rng = np.random.default_rng(3)
    r = VoiceSpectralDetector().analyze(Media(data=synth.wav(synth.speech_like(1.0, rng), 16000)))
    assert r.verdict == Verdict.INCONCLUSIVE and "VAD unavailable" in r.notes


def test_heic_without_a_decoder_is_unsupported(detectors: dict[str, Detector]) -> None:
    heic = b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic" + b"\x00" * 64
    r = detectors["ela"].analyze(Media(data=heic))
    assert r.detections[0].type == "unsupported_media" and "pillow-heif" in r.notes
