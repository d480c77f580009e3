"""Bounded resources (#18 point 5): decompression bombs are refused from their headers with the limit they break,
or analysed within a bound; no file takes more than 600 MB resident or 5 s of CPU in a process running every
detector. The bombs are real files made here: a PNG of zeros declaring 49 Mpixel (143 KB), a MOV whose PNG frames
are 12000x12000 (840 KB), 600 PNG frames of 4096x2304 (16 MB, 5.6 Gpixel to decode), a FLAC holding an hour of
silence (37 KB), a FLAC declaring ten hours."""

from __future__ import annotations

import fractions
import io
import json
import struct
import subprocess
import sys
import textwrap
import zlib
from pathlib import Path

import cv2
import numpy as np
import pytest
from pydantic import ValidationError

from dfpn_detectors import Detector, Media, MediaLimits, MediaTooLargeError, Verdict, load_detectors
from dfpn_detectors.face_consistency import FaceConsistencyDetector
from dfpn_detectors.jpeg_ghost import JpegGhostDetector
from dfpn_detectors.media import check_media, decode_audio, decode_image, decode_video, open_image, window
from dfpn_detectors.voice import VoiceSpectralDetector
from dfpn_detectors.watermark import SdWatermarkDetector

import synth

#: What one file may cost a worker process (issue #18): resident memory, CPU seconds.
MAX_RSS_MB = 600
MAX_CPU_S = 5.0


# --- bombs -----------------------------------------------------------------------------------------------------


def _chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def png_zeros(width: int, height: int) -> bytes:
    """A real RGB PNG of zeros (every row: filter byte 0 and zeros), compressed at level 9: ~1000:1."""
    row = b"\x00" * (width * 3 + 1)
    z = zlib.compressobj(9)
    idat = b"".join([z.compress(row) for _ in range(height)] + [z.flush()])
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", ihdr) + _chunk(b"IDAT", idat) + _chunk(b"IEND", b"")


def mov_of_png_frames(width: int, height: int, frames: int, fps: int = 10) -> bytes:
    """A QuickTime file whose video stream is ``frames`` copies of one PNG of zeros (every frame a keyframe)."""
    import av

    frame = png_zeros(width, height)
    buf = io.BytesIO()
    with av.open(buf, "w", format="mov") as out:
        stream = out.add_stream("png", rate=fps)
        stream.width, stream.height, stream.pix_fmt = width, height, "rgb24"
        tb = fractions.Fraction(1, fps)
        for i in range(frames):
            packet = av.Packet(frame)
            packet.stream, packet.pts, packet.dts, packet.duration, packet.time_base = stream, i, i, 1, tb
            packet.is_keyframe = True
            out.mux(packet)
    return buf.getvalue()


def _crc8(data: bytes) -> int:
    c = 0
    for b in data:
        c ^= b
        for _ in range(8):
            c = ((c << 1) ^ 0x07) & 0xFF if c & 0x80 else (c << 1) & 0xFF
    return c


def _crc16(data: bytes) -> int:
    c = 0
    for b in data:
        c ^= b << 8
        for _ in range(8):
            c = ((c << 1) ^ 0x8005) & 0xFFFF if c & 0x8000 else (c << 1) & 0xFFFF
    return c


def _utf8(n: int) -> bytes:
    if n < 0x80:
        return bytes([n])
    if n < 0x800:
        return bytes([0xC0 | n >> 6, 0x80 | n & 0x3F])
    return bytes([0xE0 | n >> 12, 0x80 | (n >> 6) & 0x3F, 0x80 | n & 0x3F])


def flac_silence(seconds: float, rate: int = 48000, *, declared_seconds: float | None = None) -> bytes:
    """A valid mono 16-bit FLAC of silence: frames of 65535 samples, each one CONSTANT subframe (14 bytes), so an
    hour at 48 kHz is ~37 KB. STREAMINFO declares ``declared_seconds`` (default: what the file holds)."""
    block = 65535
    total = int(seconds * rate)
    declared = int((seconds if declared_seconds is None else declared_seconds) * rate)
    info = struct.pack(">HH", block, block) + bytes(6)
    info += ((rate << 44) | (15 << 36) | declared).to_bytes(8, "big") + bytes(16)  # mono, 16 bit, no MD5
    out = [b"fLaC", bytes([0x80]) + len(info).to_bytes(3, "big"), info]
    for i in range(-(-total // block)):
        n = min(block, total - i * block)
        # sync + fixed blocking; block size: 16-bit field at the end; rate from STREAMINFO; mono, 16 bit
        header = bytes([0xFF, 0xF8, 0x70, 0x08]) + _utf8(i) + struct.pack(">H", n - 1)
        header += bytes([_crc8(header)])
        frame = header + b"\x00" + b"\x00\x00"  # subframe: CONSTANT, then the 16-bit value 0
        out.append(frame + struct.pack(">H", _crc16(frame)))
    return b"".join(out)


def wav_header(rate: int, data: bytes) -> bytes:
    fmt = struct.pack("<HHIIHH", 1, 1, rate, rate * 2, 2, 16)
    return (
        b"RIFF"
        + struct.pack("<I", 36 + len(data))
        + b"WAVE"
        + _chunk_le(b"fmt ", fmt)
        + b"data"
        + struct.pack("<I", len(data))
        + data
    )


def _chunk_le(kind: bytes, body: bytes) -> bytes:
    return kind + struct.pack("<I", len(body)) + body


def tiled_jpeg(megapixels: float) -> bytes:
    """A textured JPEG of about ``megapixels`` (a natural photograph tiled), quality 90."""
    tile = synth.image("astronaut")
    n = max(1, round((megapixels * 1e6) ** 0.5 / tile.shape[0]))
    return synth.jpeg(np.tile(tile, (n, n, 1)), 90)


# --- refused from the header -----------------------------------------------------------------------------------


def test_png_bomb_is_refused_from_its_header(detectors: dict[str, Detector]) -> None:
    bomb = png_zeros(7000, 7000)
    assert len(bomb) < 160_000  # 49 Mpixel of zeros: 147 MB decoded
    with pytest.raises(MediaTooLargeError) as err:
        check_media(Media(data=bomb), MediaLimits())
    assert (err.value.setting, err.value.value, err.value.limit) == ("max_pixels", 49_000_000, 40_000_000)
    assert err.value.code == "media_too_large"
    assert str(err.value) == (
        "7000x7000 PNG: 49000000 pixels is over the limit of 40000000 pixels (limits.max_pixels)"
    )
    for det in detectors.values():
        if det.supports(Media(data=bomb)) and det.model_id != "c2pa-provenance":
            r = det.analyze(Media(data=bomb))
            assert r.verdict == Verdict.INCONCLUSIVE
            assert [d.type for d in r.detections] == ["media_too_large"], (det.model_id, r)
            assert "limits.max_pixels" in r.notes
    # a higher limit lets it through to the decoder, which then decodes it reduced
    img = decode_image(Media(data=bomb), MediaLimits(max_pixels=50_000_000))
    assert (img.width, img.height, img.scale) == (7000, 7000, 3)
    assert img.rgb.shape == (2334, 2334, 3)


def test_video_with_huge_frames_is_refused_before_any_frame_is_decoded() -> None:
    bomb = mov_of_png_frames(12000, 12000, 2)  # each frame 432 MB decoded
    with pytest.raises(MediaTooLargeError) as err:
        check_media(Media(data=bomb), MediaLimits())
    assert err.value.setting == "max_frame_pixels"
    with pytest.raises(MediaTooLargeError):
        decode_video(Media(data=bomb), MediaLimits())


def test_video_frame_count_and_duration_from_the_header() -> None:
    clip = mov_of_png_frames(64, 64, 2000, fps=25)  # 80 s
    with pytest.raises(MediaTooLargeError) as err:
        check_media(Media(data=clip), MediaLimits(max_video_frames=1000))
    assert (err.value.setting, err.value.value) == ("max_video_frames", 2000)
    with pytest.raises(MediaTooLargeError) as err:
        decode_video(Media(data=clip), MediaLimits(max_video_seconds=60))
    assert (err.value.setting, err.value.value) == ("max_video_seconds", 80)
    check_media(Media(data=clip), MediaLimits())


def test_audio_declaring_hours_and_high_rates_is_refused() -> None:
    with pytest.raises(MediaTooLargeError) as err:
        check_media(Media(data=flac_silence(2, declared_seconds=36_000)), MediaLimits())
    assert (err.value.setting, err.value.value) == ("max_audio_seconds", 36_000)
    r = VoiceSpectralDetector().analyze(Media(data=flac_silence(2, declared_seconds=36_000)))
    assert [d.type for d in r.detections] == ["media_too_large"] and "limits.max_audio_seconds" in r.notes
    with pytest.raises(MediaTooLargeError) as err:
        check_media(Media(data=wav_header(384_000, bytes(7680))), MediaLimits())
    assert (err.value.setting, err.value.value) == ("max_audio_rate", 384_000)


def test_corrupt_media_passes_the_header_check() -> None:
    """check_media refuses only what is too large; corrupt content is the detectors' to report."""
    for data in (
        b"\x89PNG\r\n\x1a\n" + bytes(40),
        b"RIFF\x00\x00\x00\x00WAVE",
        b"\x00\x00\x00\x18ftypisom" + bytes(40),
    ):
        check_media(Media(data=data), MediaLimits())
    with pytest.raises(MediaTooLargeError) as err:
        check_media(Media(data=bytes(2000)), MediaLimits(max_bytes=1000))
    assert err.value.setting == "max_bytes"


# --- analysed within a bound -----------------------------------------------------------------------------------


def test_video_decoding_stops_at_its_budget() -> None:
    """600 frames of 4096x2304 (5.7 Gpixel): sampled by seeking, never past max_video_decode_pixels."""
    clip = mov_of_png_frames(4096, 2304, 600, fps=10)
    limits = MediaLimits()
    v = decode_video(Media(data=clip), limits, max_frames=8, max_side=960)
    assert v.method == "seeking" and len(v.frames) == 8
    assert v.decoded * 4096 * 2304 <= limits.max_video_decode_pixels
    assert v.times == sorted(v.times) and v.times[-1] > 50
    # the budget always allows one frame (frames are at most max_frame_pixels), then stops
    v = decode_video(Media(data=clip), MediaLimits(max_video_decode_pixels=1000), max_frames=8)
    assert (v.method, v.decoded, len(v.frames)) == ("budget", 2, 1)


def h264_clip(seconds: int, fps: int = 12, gop: int = 12) -> bytes:
    """An H.264 clip of a face photograph panning slowly, a keyframe every ``gop`` frames."""
    import av

    base = cv2.resize(synth.image("astronaut"), (640, 640))
    buf = io.BytesIO()
    with av.open(buf, mode="w", format="mp4") as out:
        stream = out.add_stream("libx264", rate=fps)
        stream.width, stream.height, stream.pix_fmt = 512, 512, "yuv420p"
        stream.options = {"crf": "23", "preset": "veryfast", "g": str(gop), "keyint_min": str(gop)}
        for i in range(seconds * fps):
            frame = av.VideoFrame.from_ndarray(
                np.ascontiguousarray(base[i % 128 : i % 128 + 512, :512]), "rgb24"
            )
            for packet in stream.encode(frame):
                out.mux(packet)
        for packet in stream.encode():
            out.mux(packet)
    return buf.getvalue()


def test_seeking_samples_an_h264_clip_like_decoding_all_of_it() -> None:
    clip = h264_clip(5)
    full = decode_video(Media(data=clip), MediaLimits(), max_frames=6)
    assert full.method == "sequential" and full.decoded >= 50
    seek = decode_video(Media(data=clip), MediaLimits(max_video_decode_pixels=30 * 512 * 512), max_frames=6)
    assert seek.method == "seeking" and len(seek.frames) == 6 and seek.decoded <= 30
    # the samples spread over the whole clip, each less than a keyframe interval (1 s) before where decoding
    # everything put it (5 frames of budget per sample reach 5 frames past the keyframe)
    assert seek.times[-1] > 4.0
    assert all(0 <= b - a < 0.5 for a, b in zip(seek.times, full.times, strict=True)), (
        seek.times,
        full.times,
    )


def test_long_audio_is_analysed_over_its_first_part() -> None:
    hour = flac_silence(3590)
    assert len(hour) < 40_000
    audio = decode_audio(Media(data=hour), MediaLimits())
    assert audio.truncated and audio.native.size == 600 * 48000 and audio.pcm16k.size == 600 * 16000
    assert audio.describe() == "first 600 s of 3590 s analysed"
    r = VoiceSpectralDetector().analyze(Media(data=hour))
    assert "first 600 s of 3590 s analysed" in r.notes
    short = decode_audio(Media(data=flac_silence(3)), MediaLimits())
    assert not short.truncated and short.native.size == 3 * 48000


@pytest.mark.parametrize("fmt", ["jpeg", "png"])
def test_images_over_the_analysis_size_are_reduced_with_regions_in_the_original(fmt: str) -> None:
    big = cv2.resize(synth.image("astronaut"), (1024, 1024), interpolation=cv2.INTER_CUBIC)
    data = synth.jpeg(big, 92) if fmt == "jpeg" else synth.png(big)
    full = FaceConsistencyDetector().analyze(Media(data=data))
    small = FaceConsistencyDetector({"limits": {"max_analysis_pixels": 300_000}}).analyze(Media(data=data))
    assert "1024x1024 analysed at 1/2 (512x512)" in small.notes
    a, b = full.detections[0].region, small.detections[0].region
    assert a is not None and b is not None
    assert max(abs(a.x - b.x), abs(a.y - b.y), abs(a.w - b.w), abs(a.h - b.h)) <= 4, (a, b)


def test_watermark_reads_the_top_rows_of_a_large_image() -> None:
    data = synth.png(synth.sd_watermarked(synth.image("coffee")))
    r = SdWatermarkDetector({"limits": {"max_analysis_pixels": 70_000}}).analyze(Media(data=data))
    assert r.verdict == Verdict.MANIPULATED and "top 136 of 341 rows read" in r.notes
    big_jpeg = synth.jpeg(synth.image("coffee"), 95)
    r = SdWatermarkDetector({"limits": {"max_analysis_pixels": 70_000}}).analyze(Media(data=big_jpeg))
    assert r.verdict == Verdict.INCONCLUSIVE and r.notes.startswith("not read: 512x341 analysed at 1/2")


def test_jpeg_ghost_analyses_a_central_window_and_places_the_splice_in_the_original() -> None:
    target = synth.image("astronaut")
    donor = synth.decode(synth.jpeg(synth.image("coffee"), 60))
    spliced = target.copy()
    spliced[200:328, 192:320] = donor[40:168, 64:192]  # on the 8x8 grid: an aligned splice at (192, 200)
    data = synth.jpeg(spliced, 92)
    assert window((512, 512), 384 * 384) == (64, 64, 384, 384)
    for det in (JpegGhostDetector(), JpegGhostDetector({"window_pixels": 384 * 384})):
        r = det.analyze(Media(data=data))
        ghost = next(d for d in r.detections if d.type == "jpeg_ghost")
        assert r.verdict == Verdict.MANIPULATED and ghost.region is not None, r.notes
        box = (ghost.region.x, ghost.region.y, ghost.region.w, ghost.region.h)
        inter_w = max(0, min(box[0] + box[2], 320) - max(box[0], 192))
        inter_h = max(0, min(box[1] + box[3], 328) - max(box[1], 200))
        assert inter_w * inter_h > 0.4 * 128 * 128, (box, r.notes)
    assert "only its central 384x384 at (64,64) analysed" in r.notes


def test_normal_media_still_analyses(detectors: dict[str, Detector]) -> None:
    """Positive controls: ordinary files pass the header check and every detector that reads them analyses them."""
    rng = np.random.default_rng(11)
    files = {
        "jpeg": synth.jpeg(synth.image("astronaut"), 90),
        "png": synth.png(synth.image("chelsea")),
        "video": synth.face_clip(synth.image("astronaut"), rng, manipulated=False, n=24),
        "wav": synth.wav(synth.speech_like(3.0, rng), 16000),
    }
    bad = {"media_too_large", "corrupt_media", "unsupported_media", "detector_error"}
    for name, data in files.items():
        media = Media(data=data)
        check_media(media, MediaLimits())
        ran = [det.analyze(media) for det in detectors.values() if det.supports(media)]
        assert ran, name
        for r in ran:
            if name == "video" and r.model_id == "voice-spectral":
                assert r.notes == "no audio stream"  # the clip has none
                continue
            assert not {d.type for d in r.detections} & bad, (name, r.model_id, r.notes)


# --- the bound, measured ------------------------------------------------------------------------------------------

_CHILD = textwrap.dedent("""
    import json, resource, sys, time, logging
    logging.disable(logging.WARNING)
    from dfpn_detectors import Media, MediaLimits, MediaTooLargeError, load_detectors
    from dfpn_detectors.media import check_media

    def cpu():
        r = resource.getrusage(resource.RUSAGE_SELF)
        return r.ru_utime + r.ru_stime

    def peak_mb():
        # VmHWM: this process's peak resident set. (getrusage's ru_maxrss would do, but on Linux it starts at
        # the peak of the forked copy of pytest before exec, ~750 MB, which says nothing about this process.)
        with open("/proc/self/status") as f:
            return next(int(line.split()[1]) for line in f if line.startswith("VmHWM:")) / 1024

    detectors = load_detectors()  # every installed detector, as a worker's analysis process holds them
    print(json.dumps({"baseline_mb": peak_mb()}), flush=True)
    for path in sys.argv[1:]:
        start = cpu()
        media = Media.from_path(path)
        refused = None
        try:
            check_media(media, MediaLimits())
        except MediaTooLargeError as exc:
            refused = exc.setting
        answers = {d.model_id: [x.type for x in d.analyze(media).detections] for d in detectors if d.supports(media)}
        del media
        print(json.dumps({"file": path, "refused": refused, "answers": answers, "cpu": cpu() - start,
                          "peak_mb": peak_mb()}), flush=True)
""")


def test_bombs_stay_within_600_mb_and_5_s_of_cpu(tmp_path: Path) -> None:
    """Each bomb (and the largest accepted images) through every installed detector in one fresh process, as a
    worker's analysis process runs them: peak resident memory (getrusage in the child, its ~150 MB of libraries
    and models included) and the CPU each file costs stay within the bound. Refused bombs name their limit."""
    files = {
        "png_49mp_bomb.png": (png_zeros(7000, 7000), "max_pixels"),
        "mov_12000px_frames.mov": (mov_of_png_frames(12000, 12000, 2), "max_frame_pixels"),
        "flac_declares_10h.flac": (flac_silence(2, declared_seconds=36_000), "max_audio_seconds"),
        "png_39mp_zeros.png": (png_zeros(6240, 6240), None),  # the largest PNG accepted: decoded reduced
        "jpeg_37mp.jpg": (tiled_jpeg(38), None),  # the largest textured JPEG accepted
        "mov_600_4k_frames.mov": (mov_of_png_frames(4096, 2304, 600), None),
        "flac_1h_silence.flac": (flac_silence(3590), None),
    }
    paths = []
    for name, (data, _) in files.items():
        (tmp_path / name).write_bytes(data)
        paths.append(str(tmp_path / name))
    out = subprocess.run([sys.executable, "-c", _CHILD, *paths], capture_output=True, text=True, timeout=600)
    assert out.returncode == 0, out.stderr[-3000:]
    lines = [json.loads(line) for line in out.stdout.splitlines()]
    baseline = lines[0]["baseline_mb"]
    results = {Path(r["file"]).name: r for r in lines[1:]}
    report = f"detectors loaded: {baseline:.0f} MB\n" + "\n".join(
        f"{n}: refused={r['refused']} cpu={r['cpu']:.2f}s peak={r['peak_mb']:.0f}MB"
        for n, r in results.items()
    )
    print(report)
    assert set(results) == set(files)
    for name, (_, limit) in files.items():
        r = results[name]
        assert r["refused"] == limit, (name, r)
        assert r["cpu"] < MAX_CPU_S, report
        if limit is not None:
            for model_id, types in r["answers"].items():
                # refused, or not this detector's kind of media (no audio stream): nothing was decoded
                assert model_id == "c2pa-provenance" or types in (["media_too_large"], ["unsupported_media"])
        else:
            assert not any("media_too_large" in types for types in r["answers"].values()), (name, r)
    assert max(r["peak_mb"] for r in results.values()) < MAX_RSS_MB, report


# --- settings -------------------------------------------------------------------------------------------------


def test_limits_are_frozen_strict_and_merged_per_detector() -> None:
    limits = MediaLimits(max_pixels=1000)
    with pytest.raises(ValidationError):
        limits.max_pixels = 5  # type: ignore[misc]
    with pytest.raises(ValidationError):
        MediaLimits(max_pixel=1000)  # type: ignore[call-arg]
    assert MediaLimits.from_config({"limits": limits}) is limits
    config = {
        "*": {"limits": {"max_pixels": 1000, "max_bytes": 5000}},
        "ela": {"limits": {"max_pixels": 2000}},
    }
    ela, ghost = load_detectors(["ela", "jpeg-ghost"], config=config)
    assert (ela.limits.max_pixels, ela.limits.max_bytes) == (2000, 5000)  # type: ignore[attr-defined]
    assert (ghost.limits.max_pixels, ghost.limits.max_bytes) == (1000, 5000)  # type: ignore[attr-defined]
    with pytest.raises(MediaTooLargeError):
        open_image(Media(data=synth.png(synth.image("coffee"))), limits)
