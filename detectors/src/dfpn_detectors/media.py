"""Content sniffing and bounded decoding: images (Pillow), video frames and audio (PyAV).

Every decoder checks ``MediaLimits`` from the container's header before decoding pixels or samples, and turns a
decoder's error into ``MediaError`` so that detectors answer Inconclusive instead of raising.
"""

from __future__ import annotations

import hashlib
import io
import logging
import threading
import warnings
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
from PIL import Image, ImageFile, UnidentifiedImageError
from pydantic import BaseModel, ConfigDict

from dfpn_detectors.base import Media, MediaError, MediaKind

logger = logging.getLogger(__name__)

U8 = npt.NDArray[np.uint8]
F32 = npt.NDArray[np.float32]

#: Pillow plugins allowed to parse untrusted images (AVIF when this Pillow has it; HEIC needs pillow-heif).
_PIL_FORMATS = tuple(f for f in ("JPEG", "PNG", "GIF", "WEBP", "TIFF", "BMP", "AVIF", "HEIF")
                     if f in Image.registered_extensions().values())

# ISO BMFF major/compatible brands that mean a still image or audio; anything else in an ftyp box is video.
_IMAGE_BRANDS = {b"heic", b"heix", b"heim", b"heis", b"hevc", b"mif1", b"msf1", b"avif", b"avis"}
_AUDIO_BRANDS = {b"M4A ", b"M4B ", b"M4P ", b"F4A ", b"F4B "}


def sniff(data: bytes) -> tuple[MediaKind, str | None]:
    """(kind, MIME type) from the first bytes. Unknown content gives ("unknown", None)."""
    head = data[:64]
    if head.startswith(b"\xff\xd8\xff"):
        return "image", "image/jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image", "image/png"
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return "image", "image/gif"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image", "image/webp"
    if head[:4] == b"RIFF" and head[8:12] == b"WAVE":
        return "audio", "audio/wav"
    if head[:4] == b"RIFF" and head[8:12] == b"AVI ":
        return "video", "video/x-msvideo"
    if head[:4] in (b"II*\x00", b"MM\x00*"):
        return "image", "image/tiff"
    if head[:2] == b"BM" and len(head) >= 26:
        return "image", "image/bmp"
    if head[4:8] == b"ftyp":
        brand = head[8:12]
        if brand in _IMAGE_BRANDS:
            return "image", "image/avif" if brand.startswith(b"avi") else "image/heic"
        if brand in _AUDIO_BRANDS:
            return "audio", "audio/mp4"
        if brand == b"qt  ":
            return "video", "video/quicktime"
        return "video", "video/mp4"
    if head.startswith(b"\x1a\x45\xdf\xa3"):
        return "video", "video/webm" if b"webm" in data[:64] else "video/x-matroska"
    if head.startswith(b"fLaC"):
        return "audio", "audio/flac"
    if head.startswith(b"OggS"):
        probe = data[:512]
        if b"theora" in probe:
            return "video", "video/ogg"
        return "audio", "audio/ogg"
    if head[:4] == b"FORM" and head[8:12] in (b"AIFF", b"AIFC"):
        return "audio", "audio/aiff"
    if head.startswith(b"ID3"):
        return "audio", "audio/mpeg"
    if head.startswith(b"FLV"):
        return "video", "video/x-flv"
    if len(head) >= 2 and head[0] == 0xFF and head[1] & 0xF6 == 0xF0:
        return "audio", "audio/aac"
    if len(head) >= 2 and head[0] == 0xFF and head[1] & 0xE0 == 0xE0:
        return "audio", "audio/mpeg"
    if len(data) >= 376 and data[0] == 0x47 and data[188] == 0x47:
        return "video", "video/mp2t"
    return "unknown", None


class MediaLimits(BaseModel):
    """Refusal limits, checked from headers before decoding."""

    model_config = ConfigDict(frozen=True)

    max_bytes: int = 256 * 1024 * 1024
    #: Still images (decompression bombs): 50 MP.
    max_pixels: int = 50_000_000
    #: One video frame: 4096 x 2304.
    max_frame_pixels: int = 4096 * 2304
    max_video_seconds: float = 3600.0
    max_audio_seconds: float = 3600.0

    @classmethod
    def from_config(cls, config: Mapping[str, Any] | None) -> MediaLimits:
        return cls(**dict((config or {}).get("limits") or {}))


def check_size(media: Media, limits: MediaLimits) -> None:
    if len(media.data) > limits.max_bytes:
        raise MediaError("media_too_large", f"{len(media.data)} bytes > {limits.max_bytes}")
    if not media.data:
        raise MediaError("corrupt_media", "empty media")


# --- images -------------------------------------------------------------------------------------------------


def open_image(media: Media, limits: MediaLimits) -> Image.Image:
    """Open (header only) and check the pixel count; the caller decodes with ``load_rgb`` or ``load_luma``."""
    check_size(media, limits)
    if media.kind != "image":
        raise MediaError("unsupported_media", f"not an image ({media.sniffed_mime or 'unknown content'})")
    if media.sniffed_mime == "image/heic" and "HEIF" not in _PIL_FORMATS:
        raise MediaError("unsupported_media", "HEIC/HEIF needs the pillow-heif plugin, which is not installed")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            # only the plugins of the formats sniff() accepts: no EPS/PSD/... parsers on untrusted input
            im = Image.open(io.BytesIO(media.data), formats=_PIL_FORMATS)
    except Image.DecompressionBombError as exc:
        raise MediaError("media_too_large", f"decompression bomb: {exc}") from exc
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError) as exc:
        raise MediaError("corrupt_media", f"image header unreadable: {_msg(exc)}") from exc
    w, h = im.size
    if w <= 0 or h <= 0:
        raise MediaError("corrupt_media", f"image has size {w}x{h}")
    if w * h > limits.max_pixels:
        raise MediaError("media_too_large", f"{w}x{h} = {w * h} pixels > {limits.max_pixels}")
    return im


def _msg(exc: BaseException) -> str:
    """An exception's message without the object reprs Pillow puts in it."""
    return str(exc).split(" <_io.")[0] or type(exc).__name__


def _decode(im: Image.Image, mode: str) -> U8:
    if ImageFile.LOAD_TRUNCATED_IMAGES:  # someone else's global; we still want truncation to be an error
        logger.debug("PIL.ImageFile.LOAD_TRUNCATED_IMAGES is set; truncated images may decode partially")
    try:
        im.load()
        if im.mode != mode:
            im = im.convert(mode)
        return np.asarray(im, dtype=np.uint8)
    except Image.DecompressionBombError as exc:
        raise MediaError("media_too_large", f"decompression bomb: {exc}") from exc
    except (OSError, SyntaxError, ValueError, EOFError, MemoryError) as exc:
        raise MediaError("corrupt_media", f"image data unreadable: {_msg(exc)}") from exc


@dataclass(frozen=True)
class DecodedImage:
    rgb: U8
    format: str | None
    info: dict[Any, Any]
    #: JPEG quantization tables (``{table index: 64 values}``), empty for other formats.
    quantization: dict[int, list[int]]


_CACHE_SIZE = 4
_cache: OrderedDict[tuple[bytes, MediaLimits], DecodedImage] = OrderedDict()
_cache_lock = threading.Lock()


def decode_image(media: Media, limits: MediaLimits) -> DecodedImage:
    """RGB pixels plus format facts. The last few decodes are cached (keyed by content hash) so that several
    detectors on the same image decode it once."""
    key = (hashlib.sha256(media.data).digest(), limits)
    with _cache_lock:
        hit = _cache.get(key)
        if hit is not None:
            _cache.move_to_end(key)
            return hit
    im = open_image(media, limits)
    fmt = im.format
    quant = {int(k): list(v) for k, v in (getattr(im, "quantization", None) or {}).items()}
    rgb = _decode(im, "RGB")
    info = dict(im.info)  # after load: PNG text chunks behind the image data are read then
    rgb.setflags(write=False)
    out = DecodedImage(rgb=rgb, format=fmt, info=info, quantization=quant)
    with _cache_lock:
        _cache[key] = out
        while len(_cache) > _CACHE_SIZE:
            _cache.popitem(last=False)
    return out


def load_luma_jpeg(media: Media, limits: MediaLimits) -> tuple[U8, dict[int, list[int]]]:
    """The JPEG's luminance plane, decoded without colour conversion (libjpeg's grayscale output), and its
    quantisation tables (natural order)."""
    im = open_image(media, limits)
    if im.format != "JPEG":
        raise MediaError("unsupported_media", f"not a JPEG ({im.format})")
    quant = {int(k): list(v) for k, v in (getattr(im, "quantization", None) or {}).items()}
    im.draft("L", im.size)
    return _decode(im, "L"), quant


# --- video ----------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class VideoFrames:
    frames: list[U8]
    #: Presentation time of each frame, seconds.
    times: list[float]
    width: int
    height: int
    duration: float | None
    fps: float | None
    codec: str


def _open_container(media: Media) -> Any:
    import av

    try:
        return av.open(io.BytesIO(media.data), mode="r", options={"probesize": "5000000"})
    except (av.error.FFmpegError, ValueError, OSError, EOFError, UnicodeDecodeError) as exc:
        raise MediaError("corrupt_media", f"container unreadable: {exc}") from exc


def decode_video(media: Media, limits: MediaLimits, *, max_frames: int = 16, max_side: int = 1024) -> VideoFrames:
    """Up to ``max_frames`` RGB frames spread evenly over the video (decoded in order, keyframe-seeking when the
    gaps are long), each scaled so that its longer side is at most ``max_side``."""
    import av

    check_size(media, limits)
    if media.kind != "video":
        raise MediaError("unsupported_media", f"not a video ({media.sniffed_mime or 'unknown content'})")
    container = _open_container(media)
    try:
        if not container.streams.video:
            raise MediaError("unsupported_media", "no video stream")
        stream = container.streams.video[0]
        w, h = int(stream.codec_context.width or 0), int(stream.codec_context.height or 0)
        if w <= 0 or h <= 0:
            raise MediaError("corrupt_media", f"video stream has size {w}x{h}")
        if w * h > limits.max_frame_pixels:
            raise MediaError("media_too_large", f"{w}x{h} frames > {limits.max_frame_pixels} pixels")
        duration: float | None = None
        if stream.duration is not None and stream.time_base is not None:
            duration = float(stream.duration * stream.time_base)
        elif container.duration is not None:
            duration = container.duration / 1_000_000
        if duration is not None and duration > limits.max_video_seconds:
            raise MediaError("media_too_large", f"{duration:.0f} s > {limits.max_video_seconds:.0f} s")
        fps = float(stream.average_rate) if stream.average_rate else None
        stream.thread_type = "AUTO"
        if duration is not None and duration > 120:
            # Long videos: decode keyframes only, so that sampling costs scale with the frame budget.
            stream.codec_context.skip_frame = "NONKEY"
        scale = min(1.0, max_side / max(w, h))
        out_w, out_h = max(2, round(w * scale) // 2 * 2), max(2, round(h * scale) // 2 * 2)
        frames: list[U8] = []
        times: list[float] = []
        targets = [duration * (i + 0.5) / max_frames for i in range(max_frames)] if duration else []
        next_idx = 0
        decoded = 0
        max_decoded = int((limits.max_video_seconds * (fps or 30.0)) + 1000)
        try:
            for frame in container.decode(stream):
                decoded += 1
                if decoded > max_decoded:
                    raise MediaError("media_too_large", f"more than {max_decoded} frames")
                t = float(frame.time) if frame.time is not None else decoded / (fps or 30.0)
                if targets:
                    if next_idx >= len(targets):
                        break
                    if t + 1e-6 < targets[next_idx] - 0.5 / (fps or 30.0):
                        continue
                    while next_idx < len(targets) and targets[next_idx] <= t + 0.5 / (fps or 30.0):
                        next_idx += 1
                elif len(frames) >= max_frames:
                    break
                arr = frame.to_ndarray(format="rgb24", width=out_w, height=out_h)
                frames.append(np.ascontiguousarray(arr, dtype=np.uint8))
                times.append(t)
        except av.error.FFmpegError as exc:
            if not frames:
                raise MediaError("corrupt_media", f"video data unreadable: {exc}") from exc
            logger.info("video decode stopped after %d frames: %s", len(frames), exc)
        if not frames:
            raise MediaError("corrupt_media", "no decodable video frame")
        return VideoFrames(frames=frames, times=times, width=w, height=h, duration=duration, fps=fps,
                           codec=str(stream.codec_context.name))
    finally:
        container.close()


# --- audio ----------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Audio:
    #: Mono float32 samples in [-1, 1] at the file's own rate.
    native: F32
    native_rate: int
    #: Mono float32 at 16 kHz (what the VAD reads).
    pcm16k: F32
    channels: int
    codec: str


def decode_audio(media: Media, limits: MediaLimits) -> Audio:
    """The first audio stream as mono float32, at its own rate and at 16 kHz."""
    import av
    from av.audio.resampler import AudioResampler

    check_size(media, limits)
    if media.kind not in ("audio", "video"):
        raise MediaError("unsupported_media", f"not audio ({media.sniffed_mime or 'unknown content'})")
    container = _open_container(media)
    try:
        if not container.streams.audio:
            raise MediaError("unsupported_media", "no audio stream")
        stream = container.streams.audio[0]
        rate = int(stream.codec_context.sample_rate or 0)
        if rate <= 0:
            raise MediaError("corrupt_media", "audio stream has no sample rate")
        duration: float | None = None
        if stream.duration is not None and stream.time_base is not None:
            duration = float(stream.duration * stream.time_base)
        if duration is not None and duration > limits.max_audio_seconds:
            raise MediaError("media_too_large", f"{duration:.0f} s > {limits.max_audio_seconds:.0f} s")
        native_rs = AudioResampler(format="flt", layout="mono", rate=rate)
        vad_rs = AudioResampler(format="flt", layout="mono", rate=16000)
        native: list[F32] = []
        pcm16: list[F32] = []
        total = 0
        max_samples = int(limits.max_audio_seconds * rate)
        try:
            for frame in container.decode(stream):
                for f in native_rs.resample(frame):
                    a = f.to_ndarray().reshape(-1).astype(np.float32)
                    native.append(a)
                    total += a.size
                for f in vad_rs.resample(frame):
                    pcm16.append(f.to_ndarray().reshape(-1).astype(np.float32))
                if total > max_samples:
                    raise MediaError("media_too_large", f"more than {limits.max_audio_seconds:.0f} s of audio")
            for f in native_rs.resample(None):
                native.append(f.to_ndarray().reshape(-1).astype(np.float32))
            for f in vad_rs.resample(None):
                pcm16.append(f.to_ndarray().reshape(-1).astype(np.float32))
        except av.error.FFmpegError as exc:
            if not native:
                raise MediaError("corrupt_media", f"audio data unreadable: {exc}") from exc
            logger.info("audio decode stopped early: %s", exc)
        if not native or sum(a.size for a in native) == 0:
            raise MediaError("corrupt_media", "no decodable audio samples")
        return Audio(
            native=np.concatenate(native), native_rate=rate,
            pcm16k=np.concatenate(pcm16) if pcm16 else np.zeros(0, np.float32),
            channels=int(stream.codec_context.channels or 1), codec=str(stream.codec_context.name),
        )
    finally:
        container.close()
