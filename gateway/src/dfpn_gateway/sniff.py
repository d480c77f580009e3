"""Media type sniffing by magic bytes. The client's Content-Type and file name are never trusted.

Recognised: JPEG, PNG, GIF, WebP (image); MP4, MOV, WebM, Matroska (video); WAV, MP3, FLAC, Ogg, M4A (audio).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

logger = logging.getLogger(__name__)

#: Bytes `sniff` looks at; fewer are enough for most formats.
SNIFF_BYTES = 64


@dataclass(frozen=True, slots=True)
class MediaType:
    """A recognised format: its MIME type, kind ("image", "video", "audio") and usual file extension."""

    mime: str
    kind: str
    extension: str


JPEG = MediaType("image/jpeg", "image", ".jpg")
PNG = MediaType("image/png", "image", ".png")
GIF = MediaType("image/gif", "image", ".gif")
WEBP = MediaType("image/webp", "image", ".webp")
MP4 = MediaType("video/mp4", "video", ".mp4")
MOV = MediaType("video/quicktime", "video", ".mov")
WEBM = MediaType("video/webm", "video", ".webm")
MKV = MediaType("video/x-matroska", "video", ".mkv")
WAV = MediaType("audio/wav", "audio", ".wav")
MP3 = MediaType("audio/mpeg", "audio", ".mp3")
FLAC = MediaType("audio/flac", "audio", ".flac")
OGG = MediaType("audio/ogg", "audio", ".ogg")
M4A = MediaType("audio/mp4", "audio", ".m4a")

ALL_TYPES = (JPEG, PNG, GIF, WEBP, MP4, MOV, WEBM, MKV, WAV, MP3, FLAC, OGG, M4A)

_AUDIO_BRANDS = {b"M4A ", b"M4B ", b"M4P ", b"F4A ", b"F4B "}
_QUICKTIME_ATOMS = {b"moov", b"mdat", b"wide", b"pnot", b"skip"}


def _mp3_frame(head: bytes) -> bool:
    """An MPEG audio frame header: 11 sync bits, a version that is not reserved, layer I-III (not 00, which is
    AAC's ADTS) and a bitrate index that is neither free (0) nor bad (15)."""
    if len(head) < 3 or head[0] != 0xFF or head[1] & 0xE0 != 0xE0:
        return False
    version = (head[1] >> 3) & 0b11
    layer = (head[1] >> 1) & 0b11
    bitrate = head[2] >> 4
    return version != 0b01 and layer != 0 and bitrate not in (0, 15)


def sniff(head: bytes) -> MediaType | None:
    """The media type of a file starting with `head` (its first `SNIFF_BYTES` bytes, or all of a shorter
    file), or None when it is none of the recognised formats."""
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return GIF
    if head[:4] == b"RIFF" and len(head) >= 12:
        form = head[8:12]
        if form == b"WEBP":
            return WEBP
        if form == b"WAVE":
            return WAV
        return None
    if head[4:8] == b"ftyp" and len(head) >= 12:
        brand = head[8:12]
        if brand == b"qt  ":
            return MOV
        if brand in _AUDIO_BRANDS:
            return M4A
        return MP4
    if len(head) >= 8 and head[4:8] in _QUICKTIME_ATOMS:
        return MOV
    if head.startswith(b"\x1a\x45\xdf\xa3"):
        # EBML: the DocType element names "webm" or "matroska" within the first few dozen bytes.
        return WEBM if b"webm" in head[:SNIFF_BYTES] else MKV
    if head.startswith(b"fLaC"):
        return FLAC
    if head.startswith(b"OggS"):
        return OGG
    if head.startswith(b"ID3") or _mp3_frame(head):
        return MP3
    return None


def describe_accepted() -> str:
    """Human-readable list of the recognised formats, for error messages."""
    return ", ".join(f"{t.mime} ({t.kind})" for t in ALL_TYPES)


__all__ = ["ALL_TYPES", "SNIFF_BYTES", "MediaType", "describe_accepted", "sniff"]
