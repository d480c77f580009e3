"""Content sniffing and bounded decoding: images (Pillow), video frames and audio (PyAV).

Every decoder checks ``MediaLimits`` from the container's header before decoding pixels or samples, and turns a
decoder's error into ``MediaError`` so that detectors answer Inconclusive instead of raising.
"""

from __future__ import annotations

import hashlib
import io
import logging
import threading
import time
import warnings
from collections import OrderedDict
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

import numpy as np
import numpy.typing as npt
from PIL import Image, ImageFile, UnidentifiedImageError
from pydantic import BaseModel, ConfigDict, Field

from dfpn_detectors.base import Media, MediaError, MediaKind, MediaTooLargeError

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
    """What one media file may cost. Every limit is checked from the file's header before anything is decoded
    (declared pixel count, frame size, frame count, duration, sample rate, byte size) and media over it is refused
    with ``MediaTooLargeError`` (detectors: an Inconclusive answer with a ``media_too_large`` detection); the decoders
    also stop where a header understated the content. The ``max_analysis_*`` / ``max_video_decode_pixels`` limits
    do not refuse: larger media is analysed downscaled, in a window, or over its first part, and the analysis
    says so. With the defaults, one file costs a worker process at most ~600 MB resident and ~5 s of CPU across
    all reference detectors (``tests/test_limits.py`` measures decompression bombs against that bound)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    #: Bytes of one file (the bytes themselves are resident in every process that analyses them; the worker
    #: downloads at most as much by default).
    max_bytes: int = Field(default=100 * 1024 * 1024, ge=1)
    #: Pixels of a still image as its header declares them (decompression bombs): refused above.
    max_pixels: int = Field(default=40_000_000, ge=1)
    #: Still images with more pixels are analysed downscaled by an integer factor (Pillow's box reduction; regions
    #: are given in the original's pixels), and the detectors that need the original pixels (JPEG grid,
    #: watermark) read a window of at most this many of them.
    max_analysis_pixels: int = Field(default=12_000_000, ge=65_536)
    #: Pixels of one video frame (4096 x 2304): refused above, also when a frame inside the stream is larger
    #: (FFmpeg's ``max_pixels`` is set on the decoder, so not even the container probe decodes a larger frame).
    max_frame_pixels: int = Field(default=4096 * 2304, ge=1)
    #: Declared video duration, seconds.
    max_video_seconds: float = Field(default=3600.0, gt=0)
    #: Declared video frame count (or duration x frame rate when the container does not count them): 1 h at 60/s.
    max_video_frames: int = Field(default=216_000, ge=1)
    #: Pixels the video decoder may produce for one file (frames x frame size; ~1-2 ms of CPU per Mpixel for
    #: H.264). Sampled frames are reached by decoding every frame only when the whole clip fits in this; otherwise
    #: by seeking to the keyframe before each sample and decoding on to it, with an equal share of the budget per
    #: sample. Decoding stops here in any case, with the frames sampled so far.
    max_video_decode_pixels: int = Field(default=600_000_000, ge=1)
    #: CPU seconds the video decoder may use for one file once it has a first sample (a safety net for codecs much
    #: slower per pixel than H.264, HEVC, VP9 or PNG, which the pixel budget is measured on).
    max_video_decode_cpu_seconds: float = Field(default=3.0, gt=0)
    #: Declared audio duration, seconds (also of a video's audio track).
    max_audio_seconds: float = Field(default=3600.0, gt=0)
    #: Audio sample rate, Hz.
    max_audio_rate: int = Field(default=192_000, ge=1)
    #: Audio decoded and analysed, seconds: the first part of a longer file (its decoding stops there), at the
    #: file's rate up to 48 kHz (higher rates are resampled to 48 kHz while decoding).
    max_analysis_audio_seconds: float = Field(default=600.0, gt=0)

    @classmethod
    def from_config(cls, config: Mapping[str, Any] | None) -> MediaLimits:
        """The ``limits`` mapping of a detector's config (``{"limits": {"max_pixels": ...}}``); a ``MediaLimits``
        there is used as it is."""
        limits = (config or {}).get("limits")
        if isinstance(limits, MediaLimits):
            return limits
        return cls(**dict(limits or {}))


def check_size(media: Media, limits: MediaLimits) -> None:
    if len(media.data) > limits.max_bytes:
        raise MediaTooLargeError("max_bytes", len(media.data), limits.max_bytes, "file", "bytes")
    if not media.data:
        raise MediaError("corrupt_media", "empty media")


def check_media(media: Media, limits: MediaLimits) -> None:
    """Refuse media over ``limits`` from its header alone (``MediaTooLargeError``), without decoding pixels or samples:
    the byte size, then for an image its declared pixel count, for a video or audio file its streams' frame
    size, duration, frame count and sample rate. Corrupt or unsupported content passes (the detectors report
    it); only ``MediaTooLargeError`` is raised. What a caller runs before handing a file to the detectors."""
    check_size(media, limits)
    kind = media.kind
    try:
        if kind == "image":
            open_image(media, limits).close()
        elif kind in ("video", "audio"):
            container = _open_container(media, limits)
            try:
                for stream in container.streams.video:
                    _video_header(container, stream, limits)
                for stream in container.streams.audio:
                    _audio_header(container, stream, limits)
            finally:
                container.close()
    except MediaTooLargeError:
        raise
    except MediaError:
        return


# --- images -------------------------------------------------------------------------------------------------


def open_image(media: Media, limits: MediaLimits) -> Image.Image:
    """Open (header only) and check the declared pixel count against ``limits.max_pixels``; the caller decodes.
    Pillow's own bomb check (``PIL.Image.MAX_IMAGE_PIXELS``, 89 Mpixel by default, which this module leaves as
    the host application set it) only matters when it is set lower than ``max_pixels``."""
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
        im.close()
        raise MediaTooLargeError("max_pixels", w * h, limits.max_pixels, f"{w}x{h} {im.format or 'image'}", "pixels")
    return im


def _msg(exc: BaseException) -> str:
    """An exception's message without the object reprs Pillow puts in it."""
    return str(exc).split(" <_io.")[0] or type(exc).__name__


def _load(im: Image.Image) -> None:
    if ImageFile.LOAD_TRUNCATED_IMAGES:  # someone else's global; we still want truncation to be an error
        logger.debug("PIL.ImageFile.LOAD_TRUNCATED_IMAGES is set; truncated images may decode partially")
    try:
        im.load()
    except Image.DecompressionBombError as exc:
        raise MediaError("media_too_large", f"decompression bomb: {exc}") from exc
    except (OSError, SyntaxError, ValueError, EOFError, MemoryError) as exc:
        raise MediaError("corrupt_media", f"image data unreadable: {_msg(exc)}") from exc


def _array(im: Image.Image, mode: str) -> U8:
    try:
        if im.mode != mode:
            im = im.convert(mode)
        return np.asarray(im, dtype=np.uint8)
    except (OSError, ValueError, MemoryError) as exc:
        raise MediaError("corrupt_media", f"image data unreadable: {_msg(exc)}") from exc


def _decode(im: Image.Image, mode: str) -> U8:
    _load(im)
    return _array(im, mode)


def reduction_factor(width: int, height: int, max_pixels: int) -> int:
    """The smallest integer factor k such that (width / k) x (height / k) fits in ``max_pixels``."""
    k = 1
    while (-(-width // k)) * (-(-height // k)) > max_pixels:
        k += 1
    return k


def window(size: tuple[int, int], max_pixels: int, *, align: int = 8) -> tuple[int, int, int, int]:
    """(x, y, w, h): the central window of ``size`` (width, height) with at most ``max_pixels`` pixels, with the
    same aspect ratio, its origin and size multiples of ``align`` (a JPEG's 8x8 grid stays the file's grid)."""
    width, height = size
    if width * height <= max_pixels:
        return 0, 0, width, height
    s = (max_pixels / (width * height)) ** 0.5
    w = max(align, int(width * s) // align * align)
    h = max(align, int(max_pixels // w) // align * align)
    h = min(h, height // align * align or height)
    x = (width - w) // 2 // align * align
    y = (height - h) // 2 // align * align
    return x, y, w, h


@dataclass(frozen=True)
class DecodedImage:
    #: RGB pixels to analyse: the whole image, reduced by ``scale`` when it has more than
    #: ``limits.max_analysis_pixels`` (a region at (x, y) in it is at (x * scale, y * scale) in the original).
    rgb: U8
    format: str | None
    info: dict[Any, Any]
    #: JPEG quantization tables (``{table index: 64 values}``), empty for other formats.
    quantization: dict[int, list[int]]
    #: The original's size (width, height) and the reduction factor of ``rgb`` (1: the original pixels).
    width: int = 0
    height: int = 0
    scale: int = 1
    #: The original's pixels of its top rows, full width, at most ``limits.max_analysis_pixels`` of them (the
    #: whole image when ``scale`` is 1, then the same array as ``rgb``; None for a reduced JPEG, which is
    #: decoded reduced).
    top: U8 | None = None
    #: ``limits.max_analysis_pixels`` when the image was reduced.
    analysis_pixels: int = 0

    def describe(self) -> str:
        """A note for analyses of a reduced image ("" when it is the original)."""
        if self.scale == 1:
            return ""
        return (f"{self.width}x{self.height} analysed at 1/{self.scale} ({self.rgb.shape[1]}x{self.rgb.shape[0]}), "
                f"over the {_mp(self.analysis_pixels)} analysis size")


def _mp(pixels: int) -> str:
    return f"{pixels / 1e6:g} Mpixel"


#: Decodes kept for the next detector on the same media: at most this many bytes of pixels (the most recent one
#: is kept even when it is larger alone).
_CACHE_BYTES = 96 * 1024 * 1024
_cache: OrderedDict[tuple[Any, ...], DecodedImage | LumaWindow] = OrderedDict()
_cache_lock = threading.Lock()
#: One decode per key at a time: a second thread asking for the same decode waits for the first one's result.
_decoding: dict[tuple[Any, ...], threading.Lock] = {}

_Decode = TypeVar("_Decode", "DecodedImage", "LumaWindow")


def _nbytes(d: DecodedImage | LumaWindow) -> int:
    if isinstance(d, LumaWindow):
        return int(d.luma.nbytes)
    return int(d.rgb.nbytes + (d.top.nbytes if d.top is not None and d.top is not d.rgb else 0))


def _cached(key: tuple[Any, ...], kind: type[_Decode], decode: Callable[[], _Decode]) -> _Decode:
    """``decode()``, or its result for ``key`` from the last decodes (threads asking for the same key share one
    decode). ``key`` starts with the content's hash; ``kind`` is what ``decode`` returns."""
    with _cache_lock:
        hit = _cache.get(key)
        if hit is not None:
            _cache.move_to_end(key)
            assert isinstance(hit, kind)
            return hit
        gate = _decoding.setdefault(key, threading.Lock())
    with gate:
        with _cache_lock:
            hit = _cache.get(key)
        if hit is not None:
            assert isinstance(hit, kind)
            return hit
        try:
            out = decode()
            with _cache_lock:
                _cache[key] = out
                total = sum(_nbytes(d) for d in _cache.values())
                while len(_cache) > 1 and total > _CACHE_BYTES:
                    _, old = _cache.popitem(last=False)
                    total -= _nbytes(old)
        finally:
            with _cache_lock:
                _decoding.pop(key, None)
        return out


def decode_image(media: Media, limits: MediaLimits) -> DecodedImage:
    """RGB pixels plus format facts. Images over ``limits.max_analysis_pixels`` are reduced (see
    ``DecodedImage``). The last decodes are cached (keyed by content hash, ``_CACHE_BYTES`` in all) so that
    several detectors on the same image decode it once; threads asking for the same image share one decode."""
    key = (hashlib.sha256(media.data).digest(), limits)
    return _cached(key, DecodedImage, lambda: _decode_image(media, limits))


def _decode_image(media: Media, limits: MediaLimits) -> DecodedImage:
    im = open_image(media, limits)
    fmt = im.format
    quant = {int(k): list(v) for k, v in (getattr(im, "quantization", None) or {}).items()}
    width, height = im.size
    k = reduction_factor(width, height, limits.max_analysis_pixels)
    top: U8 | None
    if k > 1 and fmt == "JPEG":
        # libjpeg scales by 1/2, 1/4 or 1/8 while decoding (DCT domain): the full-size image is never held. No
        # original pixels are kept: the one detector that needs them (the watermark) cannot read a JPEG anyway.
        im.draft("RGB", (-(-width // k), -(-height // k)))
        _load(im)
        info = dict(im.info)
        drafted = round(width / im.size[0])  # 1, 2, 4 or 8 (sizes are rounded up)
        k2 = reduction_factor(im.size[0], im.size[1], limits.max_analysis_pixels)
        small = im.reduce(k2) if k2 > 1 else im
        rgb, top, k = _array(small, "RGB"), None, drafted * k2
    else:
        _load(im)
        info = dict(im.info)  # after load: PNG text chunks behind the image data are read then
        if k == 1:
            rgb = _array(im, "RGB")
            top = rgb
        else:
            # the original's top rows for the detector that needs its pixels (the watermark), then the reduction;
            # the full-size decode is dropped as soon as both are made
            rows = max(1, min(height, limits.max_analysis_pixels // width))
            top = _array(im.crop((0, 0, width, rows)), "RGB")
            try:
                small = im.reduce(k)
            except ValueError:  # modes reduce() does not take (P, I;16, ...)
                small = im.convert("RGB").reduce(k)
            im.close()
            rgb = _array(small, "RGB")
    rgb.setflags(write=False)
    if top is not None:
        top.setflags(write=False)
    return DecodedImage(rgb=rgb, format=fmt, info=info, quantization=quant, width=width, height=height, scale=k,
                        top=top, analysis_pixels=limits.max_analysis_pixels if k > 1 else 0)


def load_luma_jpeg(media: Media, limits: MediaLimits) -> tuple[U8, dict[int, list[int]]]:
    """The JPEG's luminance plane at full size, decoded without colour conversion (libjpeg's grayscale output;
    one byte per pixel, so up to ``limits.max_pixels`` of them), and its quantisation tables (natural order)."""
    im = open_image(media, limits)
    if im.format != "JPEG":
        raise MediaError("unsupported_media", f"not a JPEG ({im.format})")
    quant = {int(k): list(v) for k, v in (getattr(im, "quantization", None) or {}).items()}
    im.draft("L", im.size)
    return _decode(im, "L"), quant


@dataclass(frozen=True)
class LumaWindow:
    """A JPEG's luminance in a window of its original pixels (``window``), on the file's own 8x8 grid."""

    luma: U8
    quantization: dict[int, list[int]]
    #: The window's origin in the original, and the original's size.
    x: int
    y: int
    width: int
    height: int

    @property
    def whole(self) -> bool:
        return bool(self.luma.shape[1] == self.width and self.luma.shape[0] == self.height)

    def note(self) -> str:
        """For a detector's notes: which part of the picture was analysed, when not all of it."""
        if self.whole:
            return ""
        h, w = self.luma.shape
        return f"; {self.width}x{self.height}: only its central {w}x{h} at ({self.x},{self.y}) analysed"


def load_luma_jpeg_window(media: Media, limits: MediaLimits, max_pixels: int) -> LumaWindow:
    """The JPEG's luminance (as ``load_luma_jpeg``) in its central window of at most ``max_pixels`` pixels
    (read-only); the full-size plane is dropped once the window is copied out of it. Cached like
    ``decode_image``: the detectors that read the luminance decode it once."""
    key = (hashlib.sha256(media.data).digest(), limits, "luma", max_pixels)
    return _cached(key, LumaWindow, lambda: _luma_window(media, limits, max_pixels))


def _luma_window(media: Media, limits: MediaLimits, max_pixels: int) -> LumaWindow:
    im = open_image(media, limits)
    if im.format != "JPEG":
        raise MediaError("unsupported_media", f"not a JPEG ({im.format})")
    quant = {int(k): list(v) for k, v in (getattr(im, "quantization", None) or {}).items()}
    im.draft("L", im.size)
    width, height = im.size
    x, y, w, h = window((width, height), max_pixels)
    _load(im)
    part = im if (w, h) == (width, height) else im.crop((x, y, x + w, y + h))
    luma = _array(part, "L")
    luma.setflags(write=False)
    im.close()
    return LumaWindow(luma=luma, quantization=quant, x=x, y=y, width=width, height=height)


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
    #: Frames decoded to sample these (the decoding cost).
    decoded: int = 0
    #: How the frames were reached: "sequential" (every frame decoded up to the last sample), "seeking" (a seek
    #: to the keyframe before each sample, then decoding on to it), "keyframes" (keyframes only, in order: the
    #: container could not seek) or "budget" (decoding stopped at ``limits.max_video_decode_pixels`` or
    #: ``max_video_decode_cpu_seconds`` with the samples reached so far).
    method: str = "sequential"


def _open_container(media: Media, limits: MediaLimits) -> Any:
    """The container with its streams probed. FFmpeg's probe may decode a frame to learn a stream's format:
    ``max_pixels`` makes its decoders refuse frames over ``limits.max_frame_pixels`` (a 12000x12000 PNG frame
    would otherwise be decoded, 430 MB, before any check of ours)."""
    import av

    options = {"probesize": "5000000", "max_pixels": str(limits.max_frame_pixels)}
    try:
        return av.open(io.BytesIO(media.data), mode="r", options=options)
    except (av.error.FFmpegError, ValueError, OSError, EOFError, UnicodeDecodeError) as exc:
        raise MediaError("corrupt_media", f"container unreadable: {exc}") from exc


def _guard_decoder(stream: Any, limits: MediaLimits) -> None:
    """Set the decoder's pixel limit before it opens (a frame larger than the header said is refused too)."""
    stream.codec_context.options = {**dict(stream.codec_context.options or {}),
                                    "max_pixels": str(limits.max_frame_pixels)}


def _duration(container: Any, stream: Any) -> float | None:
    if stream.duration is not None and stream.time_base is not None:
        return float(stream.duration * stream.time_base)
    if container.duration is not None:
        return float(container.duration) / 1_000_000
    return None


@dataclass(frozen=True)
class _VideoHeader:
    width: int
    height: int
    duration: float | None
    fps: float | None
    frames: int | None
    #: A frame was decoded to learn the size (the container has to be opened again to decode from the start).
    probed: bool = False


def _video_header(container: Any, stream: Any, limits: MediaLimits) -> _VideoHeader:
    """The video stream's declared size, duration and frame count, checked against ``limits``."""
    import av

    w, h = int(stream.codec_context.width or 0), int(stream.codec_context.height or 0)
    probed = w <= 0 or h <= 0
    if probed:
        # The probe learnt no size: either the decoder refused a frame over max_pixels (it then fails with
        # EINVAL), or the stream is unreadable. Decoding one packet with the same guard tells which.
        _guard_decoder(stream, limits)
        try:
            for frame in container.decode(stream):
                w, h = int(frame.width), int(frame.height)
                break
        except av.error.ArgumentError as exc:
            raise MediaTooLargeError("max_frame_pixels", None, limits.max_frame_pixels,
                                "video frame size (the decoder refused a frame)", "pixels") from exc
        except av.error.FFmpegError as exc:
            raise MediaError("corrupt_media", f"video data unreadable: {exc}") from exc
        if w <= 0 or h <= 0:
            raise MediaError("corrupt_media", f"video stream has size {w}x{h}")
    if w * h > limits.max_frame_pixels:
        raise MediaTooLargeError("max_frame_pixels", w * h, limits.max_frame_pixels, f"{w}x{h} video frames", "pixels")
    duration = _duration(container, stream)
    if duration is not None and duration > limits.max_video_seconds:
        raise MediaTooLargeError("max_video_seconds", round(duration, 1), limits.max_video_seconds,
                                 "video duration", "s")
    fps = float(stream.average_rate) if stream.average_rate else None
    frames = int(stream.frames or 0) or (round(duration * fps) if duration and fps else None)
    if frames is not None and frames > limits.max_video_frames:
        raise MediaTooLargeError("max_video_frames", frames, limits.max_video_frames, "video frame count", "frames")
    return _VideoHeader(w, h, duration, fps, frames, probed)


def decode_video(media: Media, limits: MediaLimits, *, max_frames: int = 16, max_side: int = 1024) -> VideoFrames:
    """Up to ``max_frames`` RGB frames spread evenly over the video, each scaled so that its longer side is at
    most ``max_side``. A clip whose every frame fits in ``limits.max_video_decode_pixels`` is decoded in order;
    a longer one is sampled by a seek to the keyframe before each sample time and decoding on to it (see
    ``MediaLimits``); decoding never goes past that budget."""

    check_size(media, limits)
    if media.kind != "video":
        raise MediaError("unsupported_media", f"not a video ({media.sniffed_mime or 'unknown content'})")
    container = _open_container(media, limits)
    try:
        if not container.streams.video:
            raise MediaError("unsupported_media", "no video stream")
        stream = container.streams.video[0]
        head = _video_header(container, stream, limits)
        if head.probed:  # the size probe consumed packets and opened the decoder: start over
            container.close()
            container = _open_container(media, limits)
            stream = container.streams.video[0]
        w, h, duration, fps = head.width, head.height, head.duration, head.fps
        _guard_decoder(stream, limits)
        stream.thread_type = "AUTO"
        budget = max(1, limits.max_video_decode_pixels // (w * h))  # frames we may decode
        scale = min(1.0, max_side / max(w, h))
        out_w, out_h = max(2, round(w * scale) // 2 * 2), max(2, round(h * scale) // 2 * 2)
        t0 = float(stream.start_time * stream.time_base) if stream.start_time and stream.time_base else 0.0
        targets = [t0 + duration * (i + 0.5) / max_frames for i in range(max_frames)] if duration else []
        # every frame up to the last sample when the whole clip fits in the budget, else seeking
        method = "sequential" if not targets or (head.frames is not None and head.frames <= budget) else "seeking"
        sampler = _Sampler(out_w, out_h, budget, fps, limits.max_video_decode_cpu_seconds)
        if method == "seeking":
            keyframes = _keyframes(container, stream, limits) if stream.time_base is not None else []
            container.close()
            container = _open_container(media, limits)
            stream = container.streams.video[0]
            _guard_decoder(stream, limits)
            stream.thread_type = "AUTO"
            try:
                if not keyframes:
                    raise _SeekFailedError("no keyframe times")
                _sample_seeking(container, stream, targets, keyframes, sampler)
            except _SeekFailedError as exc:
                logger.info("video seek failed (%s): sampling keyframes in order", exc)
                method = "keyframes"
                container.close()
                container = _open_container(media, limits)
                stream = container.streams.video[0]
                _guard_decoder(stream, limits)
                stream.codec_context.skip_frame = "NONKEY"
                sampler = _Sampler(out_w, out_h, budget, fps, limits.max_video_decode_cpu_seconds)
                _sample_in_order(container, stream, targets, max_frames, sampler)
        else:
            _sample_in_order(container, stream, targets, max_frames, sampler)
        if not sampler.frames:
            if sampler.exhausted:
                raise MediaTooLargeError("max_video_decode_pixels", sampler.decoded * w * h,
                                         limits.max_video_decode_pixels, "video decoding before the first sample",
                                         "pixels")
            raise MediaError("corrupt_media", "no decodable video frame")
        if sampler.exhausted:
            method = "budget"
        return VideoFrames(frames=sampler.frames, times=sampler.times, width=w, height=h, duration=duration,
                           fps=fps, codec=str(stream.codec_context.name), decoded=sampler.decoded, method=method)
    finally:
        container.close()


class _SeekFailedError(Exception):
    pass


class _BudgetExhaustedError(Exception):
    pass


class _Sampler:
    """Collects sampled frames and counts decoded ones against the budget."""

    def __init__(self, out_w: int, out_h: int, budget: int, fps: float | None, cpu_seconds: float) -> None:
        self.out_w, self.out_h, self.budget = out_w, out_h, budget
        self.fps = fps or 30.0
        self.frames: list[U8] = []
        self.times: list[float] = []
        self.decoded = 0
        self.exhausted = False
        #: A safety net for codecs far slower per pixel than the budget assumes (JPEG 2000, ...): the process's
        #: CPU time (FFmpeg's decoding threads included) this decode may use.
        self.cpu_deadline = time.process_time() + cpu_seconds

    def count(self) -> None:
        self.decoded += 1
        if self.decoded > self.budget or (self.frames and time.process_time() > self.cpu_deadline):
            self.exhausted = True
            raise _BudgetExhaustedError

    def time(self, frame: Any) -> float:
        return float(frame.time) if frame.time is not None else self.decoded / self.fps

    def take(self, frame: Any, t: float) -> None:
        arr = frame.to_ndarray(format="rgb24", width=self.out_w, height=self.out_h)
        self.frames.append(np.ascontiguousarray(arr, dtype=np.uint8))
        self.times.append(t)

    def stopped(self, exc: Exception) -> None:
        """FFmpeg gave up: keep the frames sampled so far; with none, the media is refused (too large, or
        unreadable)."""
        import av

        if not self.frames:
            if isinstance(exc, av.error.ArgumentError):
                raise MediaError("media_too_large", f"a video frame over the frame size limit: {exc}") from exc
            raise MediaError("corrupt_media", f"video data unreadable: {exc}") from exc
        logger.info("video decode stopped after %d frames: %s", len(self.frames), exc)


def _sample_in_order(container: Any, stream: Any, targets: list[float], max_frames: int, s: _Sampler) -> None:
    import av

    half = 0.5 / s.fps
    next_idx = 0
    try:
        for frame in container.decode(stream):
            s.count()
            t = s.time(frame)
            if targets:
                if next_idx >= len(targets):
                    break
                if t + 1e-6 < targets[next_idx] - half:
                    continue
                while next_idx < len(targets) and targets[next_idx] <= t + half:
                    next_idx += 1
            elif len(s.frames) >= max_frames:
                break
            s.take(frame, t)
    except _BudgetExhaustedError:
        logger.info("video decode budget reached after %d frames (%d sampled)", s.decoded - 1, len(s.frames))
    except av.error.FFmpegError as exc:
        s.stopped(exc)


def _keyframes(container: Any, stream: Any, limits: MediaLimits) -> list[float]:
    """The times of the video stream's keyframes, from its packets (demuxed, not decoded); the packets counted
    against ``limits.max_video_frames`` (a header may understate them)."""
    import av

    times: list[float] = []
    n = 0
    try:
        for packet in container.demux(stream):
            if packet.size == 0:
                continue
            n += 1
            if n > limits.max_video_frames:
                raise MediaTooLargeError("max_video_frames", None, limits.max_video_frames,
                                         "video frames in the stream", "frames")
            if packet.is_keyframe and packet.pts is not None and packet.time_base is not None:
                times.append(float(packet.pts * packet.time_base))
    except av.error.FFmpegError as exc:
        logger.info("video demux stopped after %d packets: %s", n, exc)
    return sorted(times)


def _sample_seeking(container: Any, stream: Any, targets: list[float], keyframes: list[float],
                    s: _Sampler) -> None:
    """One frame per target: from the keyframe at or before it (a seek, unless the frames just decoded are
    already past that keyframe), decoding on to it with an equal share of the remaining budget per target
    (when the share runs out first, the last frame decoded stands in for the target)."""
    import av

    half = 0.5 / s.fps
    seen: set[int | None] = set()
    frames: Any = None
    pos: float | None = None  # time of the last frame decoded
    try:
        for i, target in enumerate(targets):
            key = max((k for k in keyframes if k <= target + half), default=keyframes[0])
            if frames is None or pos is None or key > pos + half or target < pos - half:
                try:
                    container.seek(int(key / stream.time_base), stream=stream, backward=True)
                except (av.error.FFmpegError, OverflowError, ValueError) as exc:
                    if not s.frames:
                        raise _SeekFailedError(str(exc)) from exc
                    break
                frames, pos = iter(container.decode(stream)), None
            share = max(1, (s.budget - s.decoded) // (len(targets) - i))
            n = 0
            for frame in frames:
                s.count()
                n += 1
                pos = s.time(frame)
                if pos + half < target and n < share:
                    continue
                if frame.pts not in seen:  # two targets within one stretch can land on the same frame
                    seen.add(frame.pts)
                    s.take(frame, pos)
                break
            else:
                frames = None  # the end of the stream
    except _BudgetExhaustedError:
        logger.info("video decode budget reached after %d frames (%d sampled)", s.decoded - 1, len(s.frames))
    except av.error.FFmpegError as exc:
        s.stopped(exc)


# --- audio ----------------------------------------------------------------------------------------------------

#: Highest rate audio is kept at for analysis (higher rates are resampled to it while decoding).
MAX_ANALYSIS_RATE = 48_000


@dataclass(frozen=True)
class Audio:
    #: Mono float32 samples in [-1, 1] at ``native_rate`` (the file's rate, at most 48 kHz).
    native: F32
    native_rate: int
    #: Mono float32 at 16 kHz (what the VAD reads).
    pcm16k: F32
    channels: int
    codec: str
    #: The file's own sample rate and declared duration (seconds, None when the container does not say).
    rate: int = 0
    duration: float | None = None
    #: Decoding stopped at ``limits.max_analysis_audio_seconds``: only the first part is here.
    truncated: bool = False

    def describe(self) -> str:
        """A note for analyses of a truncated file ("" when the whole file is here)."""
        if not self.truncated:
            return ""
        total = f" of {self.duration:.0f} s" if self.duration else ""
        return f"first {self.native.size / self.native_rate:.0f} s{total} analysed"


def _audio_header(container: Any, stream: Any, limits: MediaLimits) -> tuple[int, float | None]:
    """The audio stream's sample rate and declared duration, checked against ``limits``."""
    rate = int(stream.codec_context.sample_rate or 0)
    if rate <= 0:
        raise MediaError("corrupt_media", "audio stream has no sample rate")
    if rate > limits.max_audio_rate:
        raise MediaTooLargeError("max_audio_rate", rate, limits.max_audio_rate, "audio sample rate", "Hz")
    duration = _duration(container, stream)
    if duration is not None and duration > limits.max_audio_seconds:
        raise MediaTooLargeError("max_audio_seconds", round(duration, 1), limits.max_audio_seconds,
                                 "audio duration", "s")
    return rate, duration


class _Buffer:
    """A preallocated float32 buffer filled chunk by chunk (no list of chunks, no concatenated copy)."""

    def __init__(self, capacity: int) -> None:
        self.data = np.empty(capacity, np.float32)
        self.size = 0

    @property
    def full(self) -> bool:
        return self.size >= self.data.size

    def add(self, frames: Any) -> None:
        for f in frames:
            a = f.to_ndarray().reshape(-1)
            n = min(a.size, self.data.size - self.size)
            self.data[self.size:self.size + n] = a[:n]
            self.size += n

    def array(self) -> F32:
        return self.data[: self.size]


def decode_audio(media: Media, limits: MediaLimits) -> Audio:
    """The first audio stream as mono float32, at its own rate (at most 48 kHz) and at 16 kHz: at most the first
    ``limits.max_analysis_audio_seconds`` of it (decoding stops there)."""
    import av
    from av.audio.resampler import AudioResampler

    check_size(media, limits)
    if media.kind not in ("audio", "video"):
        raise MediaError("unsupported_media", f"not audio ({media.sniffed_mime or 'unknown content'})")
    container = _open_container(media, limits)
    try:
        if not container.streams.audio:
            raise MediaError("unsupported_media", "no audio stream")
        stream = container.streams.audio[0]
        rate, duration = _audio_header(container, stream, limits)
        native_rate = min(rate, MAX_ANALYSIS_RATE)
        native_rs = AudioResampler(format="flt", layout="mono", rate=native_rate)
        vad_rs = AudioResampler(format="flt", layout="mono", rate=16000)
        seconds = limits.max_analysis_audio_seconds
        if duration is not None:
            seconds = min(seconds, duration + 1.0)  # a short file gets a short buffer
        native = _Buffer(int(seconds * native_rate))
        pcm16 = _Buffer(int(seconds * 16000))
        truncated = False
        try:
            for frame in container.decode(stream):
                native.add(native_rs.resample(frame))
                pcm16.add(vad_rs.resample(frame))
                if native.full:
                    truncated = True
                    break
            if not truncated:
                native.add(native_rs.resample(None))
                pcm16.add(vad_rs.resample(None))
                truncated = native.full and (duration is None or duration > seconds)
        except av.error.FFmpegError as exc:
            if not native.size:
                raise MediaError("corrupt_media", f"audio data unreadable: {exc}") from exc
            logger.info("audio decode stopped early: %s", exc)
        if not native.size:
            raise MediaError("corrupt_media", "no decodable audio samples")
        return Audio(
            native=native.array(), native_rate=native_rate, pcm16k=pcm16.array(),
            channels=int(stream.codec_context.channels or 1), codec=str(stream.codec_context.name),
            rate=rate, duration=duration, truncated=truncated,
        )
    finally:
        container.close()
