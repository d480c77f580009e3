"""What kind of media a file is (image, video, audio), from its first bytes, and the modalities that analyse it.

`analyze()` chooses modalities with it when the caller names none. The SDK does not depend on the detectors package
(which decodes media in full): a dozen magic numbers are enough to choose modalities, and the workers check the media
for themselves.
"""

from __future__ import annotations

from pathlib import PurePosixPath
from typing import Literal
from urllib.parse import urlparse

from dfpn.models import Modality

MediaKind = Literal["image", "video", "audio"]

#: Bytes `media_kind` looks at.
SNIFF_BYTES = 64

#: The modalities `analyze` asks for, by kind of media.
MODALITIES_BY_KIND: dict[MediaKind, list[Modality]] = {
    "image": [Modality.AI_GENERATED_IMAGE, Modality.IMAGE_AUTHENTICITY],
    "video": [Modality.VIDEO_AUTHENTICITY],
    "audio": [Modality.VOICE_CLONING],
}

_ISO_BMFF_IMAGE_BRANDS = {b"heic", b"heix", b"heim", b"heis", b"mif1", b"msf1", b"avif", b"avis"}
_ISO_BMFF_AUDIO_BRANDS = {b"M4A ", b"M4B ", b"F4A "}

_EXTENSIONS: dict[str, MediaKind] = {
    **dict.fromkeys(
        ["jpg", "jpeg", "png", "gif", "webp", "bmp", "tif", "tiff", "heic", "heif", "avif"], "image"
    ),
    **dict.fromkeys(["mp4", "m4v", "mov", "webm", "mkv", "avi"], "video"),
    **dict.fromkeys(["wav", "mp3", "flac", "ogg", "oga", "opus", "m4a", "aac"], "audio"),
}


def media_kind(head: bytes, name: str = "") -> MediaKind | None:
    """The kind of media whose first bytes are `head` (at least `SNIFF_BYTES` when the file has them); failing
    that, by the extension of `name` (a path or URL). None: neither says."""
    return _sniff(head) or _by_extension(name)


def _sniff(head: bytes) -> MediaKind | None:
    if head.startswith(
        (b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n", b"GIF87a", b"GIF89a", b"BM", b"II*\x00", b"MM\x00*")
    ):
        return "image"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image"
    if head[:4] == b"RIFF" and head[8:12] == b"WAVE":
        return "audio"
    if head[:4] == b"RIFF" and head[8:12] == b"AVI ":
        return "video"
    if head[4:8] == b"ftyp":
        brand = head[8:12]
        if brand in _ISO_BMFF_IMAGE_BRANDS:
            return "image"
        return "audio" if brand in _ISO_BMFF_AUDIO_BRANDS else "video"
    if head.startswith(b"\x1a\x45\xdf\xa3"):
        return "video"
    if head.startswith((b"ID3", b"fLaC", b"OggS")) or (
        len(head) > 1 and head[0] == 0xFF and head[1] & 0xE0 == 0xE0
    ):
        return "audio"
    return None


def _by_extension(name: str) -> MediaKind | None:
    path = urlparse(name).path if "://" in name else name
    return _EXTENSIONS.get(PurePosixPath(path).suffix.lower().lstrip("."))


__all__ = ["MODALITIES_BY_KIND", "SNIFF_BYTES", "MediaKind", "media_kind"]
