"""Magic-byte sniffing: each recognised format, and what is refused."""

from __future__ import annotations

import pytest

from dfpn.models import Modality
from dfpn_gateway import sniff as sn
from dfpn_gateway.config import allowed_kinds

from helpers import FLAC, GIF, JPEG, M4A, MKV, MOV, MP3_FRAME, MP3_ID3, MP4, OGG, PNG, WAV, WEBM, WEBP


@pytest.mark.parametrize(
    ("head", "expected"),
    [
        (PNG, sn.PNG),
        (JPEG, sn.JPEG),
        (GIF, sn.GIF),
        (b"GIF87a" + bytes(10), sn.GIF),
        (WEBP, sn.WEBP),
        (MP4, sn.MP4),
        (MOV, sn.MOV),
        (b"\x00\x00\x00\x08wide\x00\x00\x00\x00mdat", sn.MOV),
        (WEBM, sn.WEBM),
        (MKV, sn.MKV),
        (WAV, sn.WAV),
        (MP3_ID3, sn.MP3),
        (MP3_FRAME, sn.MP3),
        (FLAC, sn.FLAC),
        (OGG, sn.OGG),
        (M4A, sn.M4A),
    ],
)
def test_recognised(head: bytes, expected: sn.MediaType) -> None:
    assert sn.sniff(head[: sn.SNIFF_BYTES]) == expected


@pytest.mark.parametrize(
    "head",
    [
        b"",
        b"hello world",
        b"<html><body>",
        b"%PDF-1.7\n",
        b"PK\x03\x04zipfile",
        b"RIFF\x24\x00\x00\x00AVI LIST",  # RIFF, but neither WebP nor WAV
        b"\xff\xf1\x50\x80",  # AAC ADTS (layer bits 00), not MP3
        b"\xff\xfb\x00\x00",  # MP3 sync with the free-format bitrate index
        b"\xff\xd8",  # two bytes of JPEG are not a JPEG
        b"\x89PNG\r\n",  # a truncated PNG signature
    ],
)
def test_refused(head: bytes) -> None:
    assert sn.sniff(head) is None


def test_modalities_decide_the_kinds() -> None:
    assert allowed_kinds([Modality.IMAGE_AUTHENTICITY]) == {"image"}
    assert allowed_kinds([Modality.FACE_MANIPULATION]) == {"image", "video"}
    assert allowed_kinds([Modality.FACE_MANIPULATION, Modality.VOICE_CLONING]) == {"video"}
    assert allowed_kinds([Modality.VOICE_CLONING]) == {"audio", "video"}
    assert allowed_kinds([Modality.AI_GENERATED_IMAGE, Modality.VOICE_CLONING]) == set()
    assert "image/png" in sn.describe_accepted() and "audio/flac" in sn.describe_accepted()
