"""Transforms: new bytes and a perceptual hash far from the original's, deterministic in the seed; decompression
bombs, oversize, tiny, animated and unsupported files refused, each beside a positive control."""

from __future__ import annotations

import hashlib
import io
import wave

import pytest
from PIL import Image, PngImagePlugin

from dfpn_challenger import Limits, MediaError, TransformParams, ahash, dhash, transform_media
from dfpn_challenger.media import open_image
from dfpn_challenger.phash import distance

from helpers import colour_truth, make_image, make_wav, png_header


def decoded(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    image.load()
    return image


@pytest.mark.parametrize("fmt", ["PNG", "JPEG", "WEBP"])
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_a_transform_changes_the_bytes_and_moves_the_perceptual_hash(fmt: str, seed: int) -> None:
    # Given a corpus image
    original = make_image(seed, manipulated=True, fmt=fmt)
    # When it is transformed
    out = transform_media(original, seed=seed)
    # Then its bytes are new, its format is kept, and its dHash is at least 8 bits (of 64) away
    assert out.sha256 == hashlib.sha256(out.data).hexdigest() != hashlib.sha256(original).hexdigest()
    assert out.original_sha256 == hashlib.sha256(original).hexdigest()
    assert out.format == fmt and decoded(out.data).format == fmt
    d = distance(dhash(decoded(original)), dhash(decoded(out.data)))
    assert d == out.dhash_distance and d >= TransformParams().min_dhash_distance
    assert out.ahash_distance == distance(ahash(decoded(original)), ahash(decoded(out.data)))
    # And the image is smaller (cropped and resized) but shows the same thing: a detector answers the same
    assert (out.width, out.height) == decoded(out.data).size
    assert out.width is not None and out.width < 192 and out.height is not None and out.height < 144
    assert colour_truth(out.data) is colour_truth(original)
    assert any(op.startswith("crop") for op in out.operations)


def test_the_hash_distance_is_measured_positive_control() -> None:
    # The same image re-encoded losslessly keeps its hashes (distance 0): the measure is not blind noise
    original = make_image(7, manipulated=False)
    again = io.BytesIO()
    decoded(original).save(again, format="PNG", compress_level=1)
    assert again.getvalue() != original
    assert distance(dhash(decoded(original)), dhash(decoded(again.getvalue()))) == 0
    assert distance(ahash(decoded(original)), ahash(decoded(again.getvalue()))) == 0
    # While a transform of it moves at least the required distance
    assert (transform_media(original, seed=1).dhash_distance or 0) >= 8


def test_transforms_are_deterministic_in_the_seed() -> None:
    original = make_image(3, manipulated=False, fmt="JPEG")
    first, again = transform_media(original, seed=42), transform_media(original, seed=42)
    assert (first.data, first.operations) == (again.data, again.operations)
    # Positive control: another seed gives other bytes
    assert transform_media(original, seed=43).data != first.data


def test_other_formats_become_png() -> None:
    for fmt in ("BMP", "GIF", "TIFF"):
        out = transform_media(make_image(5, manipulated=True, fmt=fmt), seed=1)
        assert (out.format, out.extension, decoded(out.data).format) == ("PNG", "png", "PNG")


def test_a_decompression_bomb_is_refused_from_its_header() -> None:
    # Given a 200-byte PNG that claims 7000 x 7000 pixels (49 MP, under the default 50 MP cap)
    bomb = png_header(7_000, 7_000)
    assert len(bomb) < 300
    # When the pixel cap is lower, Then it is refused before any pixel is decoded
    with pytest.raises(MediaError, match="7000x7000 = 49000000 pixels is over the 1000000-pixel limit"):
        transform_media(bomb, seed=1, limits=Limits(max_pixels=1_000_000))
    # Positive control: under the cap, the header passes (what stops this fake one is its missing pixel data)
    assert open_image(bomb, Limits(), "bomb").size == (7_000, 7_000)
    with pytest.raises(MediaError, match="cannot be decoded"):
        transform_media(bomb, seed=1)


def test_pillows_own_decompression_bomb_guard_is_reported_as_such() -> None:
    # A header of 30000 x 30000 (900 MP) is beyond Pillow's own guard: refused as a decompression bomb too
    with pytest.raises(MediaError, match="decompression bomb"):
        transform_media(png_header(30_000, 30_000), seed=1, limits=Limits(max_pixels=10**12))


def test_the_pixel_cap_applies_to_real_images_too() -> None:
    image = make_image(1, manipulated=True)  # 192 x 144 = 27,648 pixels
    with pytest.raises(MediaError, match="27648 pixels is over the 20000-pixel limit"):
        transform_media(image, seed=1, limits=Limits(max_pixels=20_000))
    assert transform_media(image, seed=1, limits=Limits(max_pixels=27_648)).kind == "image"


def test_oversize_media_is_refused() -> None:
    image = make_image(1, manipulated=True)
    with pytest.raises(MediaError, match=f"{len(image)} bytes is over the 1000-byte limit"):
        transform_media(image, seed=1, limits=Limits(max_bytes=1_000))
    assert transform_media(image, seed=1, limits=Limits(max_bytes=len(image))).kind == "image"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"just some text, not media at all", "not an image"),
        (b"\0\0\0\x18ftypmp42" + b"\0" * 64, "a video"),
        (b"ID3\x04" + b"\0" * 64, "compressed audio"),
        (b"\x89PNG\r\n\x1a\n" + b"truncated", "header cannot be read"),
    ],
)
def test_unsupported_or_corrupt_media_is_refused_with_what_it_is(data: bytes, message: str) -> None:
    with pytest.raises(MediaError, match=message):
        transform_media(data, seed=1, what="item.bin")


def test_tiny_and_animated_images_are_refused() -> None:
    tiny = io.BytesIO()
    Image.new("RGB", (16, 16), "red").save(tiny, format="PNG")
    with pytest.raises(MediaError, match="too small to transform"):
        transform_media(tiny.getvalue(), seed=1)
    frames = [Image.new("RGB", (64, 64), c) for c in ("red", "blue")]
    animated = io.BytesIO()
    frames[0].save(animated, format="GIF", save_all=True, append_images=frames[1:])
    with pytest.raises(MediaError, match="animated image \\(2 frames\\)"):
        transform_media(animated.getvalue(), seed=1)
    # Positive control: a still GIF of a usable size is transformed
    assert transform_media(make_image(1, manipulated=False, fmt="GIF"), seed=1).format == "PNG"


def test_an_unreachable_distance_is_an_error_not_a_weak_challenge() -> None:
    image = make_image(2, manipulated=False)
    with pytest.raises(MediaError, match="no transform in 3 attempts moved the dHash 64 bits"):
        transform_media(image, seed=1, params=TransformParams(min_dhash_distance=64, attempts=3))
    assert transform_media(image, seed=1, params=TransformParams(attempts=3)).attempts <= 3


def test_metadata_is_kept_by_default_and_stripped_on_request() -> None:
    # Given a PNG whose text chunk names an image generator (what a metadata detector reads)
    info = PngImagePlugin.PngInfo()
    info.add_text("parameters", "a portrait, Steps: 20, Sampler: Euler a, Model: v1-5-pruned-emaonly")
    buffer = io.BytesIO()
    decoded(make_image(4, manipulated=True)).save(buffer, format="PNG", pnginfo=info)
    # Then a transform keeps it by default
    kept = decoded(transform_media(buffer.getvalue(), seed=1).data)
    assert "v1-5-pruned-emaonly" in kept.info["parameters"]
    # And drops it with keep_metadata=False
    stripped = decoded(
        transform_media(buffer.getvalue(), seed=1, params=TransformParams(keep_metadata=False)).data
    )
    assert "parameters" not in stripped.info


def test_wav_audio_is_trimmed_and_its_gain_changed() -> None:
    original = make_wav(seconds=1.0, rate=8_000, channels=2)
    out = transform_media(original, seed=3)
    assert out.kind == "audio" and out.format == "WAV" and out.sha256 != out.original_sha256
    with wave.open(io.BytesIO(out.data)) as w:
        assert (w.getnchannels(), w.getsampwidth(), w.getframerate()) == (2, 2, 8_000)
        assert 0.9 * 8_000 < w.getnframes() < 8_000
    assert transform_media(original, seed=3).data == out.data  # deterministic


def test_only_16_bit_wav_is_transformed() -> None:
    with pytest.raises(MediaError, match="8-bit samples; only 16-bit PCM WAV"):
        transform_media(make_wav(sample_width=1), seed=1)
    with pytest.raises(MediaError, match=r"over the 0\.5 s limit"):
        transform_media(make_wav(seconds=1.0), seed=1, limits=Limits(max_audio_seconds=0.5))
    assert transform_media(make_wav(sample_width=2), seed=1).kind == "audio"
