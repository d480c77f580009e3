"""Reading corpus media within limits: sniffing the format from the first bytes, bounded reads, and opening images
with their pixel count checked from the header before any pixel is decoded (decompression bombs).

Images: JPEG, PNG, WebP, GIF (one frame), BMP, TIFF, through Pillow's plugins for those formats only. Audio: WAV with
16-bit PCM samples (Python's `wave`). Anything else is refused with a message that says what the file is.
"""

from __future__ import annotations

import io
import logging
import warnings
import wave
from pathlib import Path
from typing import Literal

from PIL import Image, UnidentifiedImageError
from pydantic import BaseModel, ConfigDict, Field

from dfpn_challenger.errors import MediaError

logger = logging.getLogger(__name__)

MediaKind = Literal["image", "audio"]

#: Pillow plugins allowed to parse corpus images (never EPS, PSD, ...).
IMAGE_FORMATS = ("JPEG", "PNG", "WEBP", "GIF", "BMP", "TIFF")


class Limits(BaseModel):
    """What a corpus file may be. Checked when the corpus is loaded and again when a file is transformed."""

    model_config = ConfigDict(frozen=True)

    #: Largest file, in bytes (64 MiB).
    max_bytes: int = Field(default=64 * 1024 * 1024, gt=0)
    #: Most pixels of an image, read from its header before decoding (50 MP, as the detectors allow): a
    #: decompression bomb (a small file that decodes to gigabytes) is refused here.
    max_pixels: int = Field(default=50_000_000, gt=0)
    #: Longest audio file, in seconds.
    max_audio_seconds: float = Field(default=600.0, gt=0)


def sniff(head: bytes) -> tuple[MediaKind, str] | None:
    """(kind, format) of a file from its first bytes; None for anything the challenger cannot transform."""
    if head.startswith(b"\xff\xd8\xff"):
        return "image", "JPEG"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image", "PNG"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image", "WEBP"
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return "image", "GIF"
    if head[:2] == b"BM" and len(head) >= 26:
        return "image", "BMP"
    if head[:4] in (b"II*\x00", b"MM\x00*"):
        return "image", "TIFF"
    if head[:4] == b"RIFF" and head[8:12] == b"WAVE":
        return "audio", "WAV"
    return None


def describe(head: bytes) -> str:
    """What an unsupported file looks like, for error messages."""
    if head[4:8] == b"ftyp" or head.startswith(b"\x1a\x45\xdf\xa3") or head[8:12] == b"AVI ":
        return "a video (video is not transformed: use images or WAV audio)"
    if head.startswith((b"ID3", b"fLaC", b"OggS")) or (
        len(head) > 1 and head[0] == 0xFF and head[1] & 0xE0 == 0xE0
    ):
        return "compressed audio (only 16-bit PCM WAV audio is transformed)"
    return "not an image (JPEG, PNG, WebP, GIF, BMP, TIFF) or WAV audio"


def read_media(path: Path, limits: Limits) -> bytes:
    """The bytes of `path`; `MediaError` when it cannot be read, is empty or is larger than `limits.max_bytes`
    (checked before reading)."""
    try:
        size = path.stat().st_size
        if size > limits.max_bytes:
            raise MediaError(
                f"{path}: {size} bytes is over the {limits.max_bytes}-byte limit (Limits.max_bytes)."
            )
        if size == 0:
            raise MediaError(f"{path}: the file is empty.")
        with path.open("rb") as f:
            data = f.read(limits.max_bytes + 1)
    except OSError as e:
        raise MediaError(f"{path}: cannot read it: {e.strerror or e}.") from e
    if len(data) > limits.max_bytes:  # it grew since stat()
        raise MediaError(f"{path}: over the {limits.max_bytes}-byte limit (Limits.max_bytes).")
    return data


def open_image(data: bytes, limits: Limits, what: str) -> Image.Image:
    """Open an image (header only) and check its pixel count against `limits.max_pixels` before decoding; the
    caller decodes with `load()`. A decompression bomb, a truncated header, an animated image or a format outside
    `IMAGE_FORMATS` raise `MediaError`."""
    try:
        with warnings.catch_warnings():
            # Pillow warns above Image.MAX_IMAGE_PIXELS and raises above twice that; the explicit cap below decides.
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data), formats=IMAGE_FORMATS)
    except Image.DecompressionBombError as e:
        raise MediaError(f"{what}: refused as a decompression bomb: {e}") from e
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError) as e:
        raise MediaError(f"{what}: the image header cannot be read: {e}") from e
    width, height = image.size
    if width <= 0 or height <= 0:
        raise MediaError(f"{what}: the image is {width}x{height} pixels.")
    if width * height > limits.max_pixels:
        raise MediaError(
            f"{what}: {width}x{height} = {width * height} pixels is over the {limits.max_pixels}-pixel limit "
            "(Limits.max_pixels): refused as a possible decompression bomb before decoding."
        )
    frames = int(getattr(image, "n_frames", 1))
    if frames > 1:
        raise MediaError(f"{what}: an animated image ({frames} frames); use still images.")
    return image


def decode_image(data: bytes, limits: Limits, what: str) -> Image.Image:
    """`open_image`, then decode every pixel (`MediaError` when the data is truncated or corrupt)."""
    image = open_image(data, limits, what)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            image.load()
    except (OSError, SyntaxError, ValueError, EOFError, Image.DecompressionBombError) as e:
        raise MediaError(f"{what}: the image cannot be decoded: {e}") from e
    return image


class WavInfo(BaseModel):
    """A WAV file's format, from its header."""

    model_config = ConfigDict(frozen=True)

    channels: int
    sample_width: int
    frame_rate: int
    frames: int

    @property
    def seconds(self) -> float:
        return self.frames / self.frame_rate


def wav_info(data: bytes, limits: Limits, what: str) -> WavInfo:
    """The header of a 16-bit PCM WAV file, checked against `limits.max_audio_seconds`."""
    try:
        with wave.open(io.BytesIO(data), "rb") as w:
            info = WavInfo(
                channels=w.getnchannels(),
                sample_width=w.getsampwidth(),
                frame_rate=w.getframerate(),
                frames=w.getnframes(),
            )
    except (wave.Error, EOFError, OSError) as e:
        raise MediaError(f"{what}: not a PCM WAV file Python's wave module reads: {e}") from e
    if info.sample_width != 2:
        raise MediaError(
            f"{what}: {8 * info.sample_width}-bit samples; only 16-bit PCM WAV audio is transformed."
        )
    if info.frame_rate <= 0 or info.frames <= 0:
        raise MediaError(f"{what}: no audio ({info.frames} frames at {info.frame_rate} Hz).")
    if info.seconds > limits.max_audio_seconds:
        raise MediaError(
            f"{what}: {info.seconds:.1f} s of audio is over the {limits.max_audio_seconds:g} s limit "
            "(Limits.max_audio_seconds)."
        )
    return info


__all__ = [
    "IMAGE_FORMATS",
    "Limits",
    "MediaKind",
    "WavInfo",
    "decode_image",
    "describe",
    "open_image",
    "read_media",
    "sniff",
    "wav_info",
]
