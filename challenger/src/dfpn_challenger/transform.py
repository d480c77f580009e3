"""Make a corpus item new before it is submitted: new bytes (SHA-256) and, for images, a new perceptual hash.

A worker that answers from a lookup (the SHA-256 of media it has seen, or a perceptual hash, with the revealed
labels of earlier challenges) must not recognise a challenge; a worker that looks at the media answers the same as
for the original. The transforms are those ordinary uploads go through anyway:

- **images**: a small rotation (up to `max_rotation` degrees, either way, cropped to the inner rectangle so no
  border shows), a random crop of each side (up to `max_crop` of the width or height), a resize (`min_scale` to
  `max_scale`) and a re-encode (JPEG and WebP at a random quality `min_quality`..`max_quality`; every other format
  becomes PNG). The result, decoded as a worker would decode it, must be at least `min_dhash_distance` bits (of 64)
  from the original's dHash (`dfpn_challenger.phash`); otherwise the transform is drawn again, each attempt
  `growth` times stronger, up to `attempts` times, and the item is refused (`MediaError`) when none is far enough.
- **audio** (16-bit PCM WAV): a trim of both ends (up to `max_trim` of the duration each) and a gain
  (`min_gain`..`max_gain`), re-encoded. Only the SHA-256 is checked (no perceptual hash for audio).

Metadata (EXIF, ICC profile, XMP, PNG text chunks, a JPEG comment) is kept by default, since the label may rest
on it (a generator's parameters in a PNG text chunk) and ordinary uploads carry it; `keep_metadata=False` drops it
(do so when the corpus has unique metadata a worker could look up, such as EXIF thumbnails or XMP document ids).
C2PA manifests are never carried over (their hash binding would not match the new bytes anyway).

Everything is drawn from `random.Random(seed)`: the same item, seed and parameters give the same bytes (with the
same Pillow version).
"""

from __future__ import annotations

import array
import hashlib
import io
import logging
import math
import random
import sys
import wave
from pathlib import Path
from typing import Any

from PIL import Image, PngImagePlugin
from pydantic import BaseModel, ConfigDict, Field, model_validator

from dfpn_challenger import phash
from dfpn_challenger.errors import MediaError
from dfpn_challenger.media import Limits, MediaKind, decode_image, describe, read_media, sniff, wav_info

logger = logging.getLogger(__name__)

#: The smallest image side the transforms accept.
MIN_SIDE = 32
#: Output format and file extension by input format (what is not JPEG or WebP becomes PNG).
_OUTPUT = {"JPEG": ("JPEG", "jpg"), "WEBP": ("WEBP", "webp")}
_PNG = ("PNG", "png")


class TransformParams(BaseModel):
    """How strongly media are changed (module docstring)."""

    model_config = ConfigDict(frozen=True)

    max_crop: float = Field(default=0.08, ge=0.0, le=0.25)
    max_rotation: float = Field(default=3.0, ge=0.0, le=15.0)
    min_scale: float = Field(default=0.75, gt=0.0, le=1.0)
    max_scale: float = Field(default=0.95, gt=0.0, le=1.0)
    min_quality: int = Field(default=78, ge=30, le=100)
    max_quality: int = Field(default=92, ge=30, le=100)
    min_dhash_distance: int = Field(default=8, ge=0, le=phash.HASH_BITS)
    attempts: int = Field(default=8, ge=1, le=64)
    growth: float = Field(default=1.2, ge=1.0, le=3.0)
    keep_metadata: bool = True
    max_trim: float = Field(default=0.04, gt=0.0, le=0.2)
    min_gain: float = Field(default=0.8, gt=0.0, le=1.0)
    max_gain: float = Field(default=0.97, gt=0.0, le=1.0)

    @model_validator(mode="after")
    def _ranges(self) -> TransformParams:
        for low, high in (
            ("min_scale", "max_scale"),
            ("min_quality", "max_quality"),
            ("min_gain", "max_gain"),
        ):
            if getattr(self, low) > getattr(self, high):
                raise ValueError(f"{low} must not be above {high}")
        return self


class Transformed(BaseModel):
    """A transformed item: the new bytes and what was done to them."""

    model_config = ConfigDict(frozen=True)

    data: bytes = Field(repr=False)
    kind: MediaKind
    #: Output format: "JPEG", "PNG", "WEBP" or "WAV".
    format: str
    extension: str
    sha256: str
    original_sha256: str
    #: Pixels (images) of the output.
    width: int | None = None
    height: int | None = None
    #: Hamming distances (bits of 64) between the original's and the output's perceptual hashes (images).
    dhash_distance: int | None = None
    ahash_distance: int | None = None
    #: Transforms drawn until one was far enough (1 = the first).
    attempts: int = 1
    #: What was done, in order, e.g. ("rotate -2.41°", "crop l12 t3 r20 b9", "resize 0.861", "JPEG q85").
    operations: tuple[str, ...] = ()


def transform_file(
    path: str | Path, *, seed: int, params: TransformParams | None = None, limits: Limits | None = None
) -> Transformed:
    """Read `path` within `limits` and transform it (`transform_media`)."""
    limits = limits or Limits()
    p = Path(path)
    return transform_media(read_media(p, limits), seed=seed, params=params, limits=limits, what=str(p))


def transform_media(
    data: bytes,
    *,
    seed: int,
    params: TransformParams | None = None,
    limits: Limits | None = None,
    what: str = "media",
) -> Transformed:
    """New bytes for an image or a WAV file, deterministic in `seed` (module docstring). `MediaError` for a file
    that is not supported, over `limits` (a decompression bomb is refused from its header), or whose perceptual
    hash no attempt moved far enough."""
    params = params or TransformParams()
    limits = limits or Limits()
    if len(data) > limits.max_bytes:
        raise MediaError(
            f"{what}: {len(data)} bytes is over the {limits.max_bytes}-byte limit (Limits.max_bytes)."
        )
    sniffed = sniff(data[:64])
    if sniffed is None:
        raise MediaError(f"{what}: {describe(data[:64])}.")
    rng = random.Random(seed)
    if sniffed[0] == "image":
        return _transform_image(
            data, source_format=sniffed[1], rng=rng, params=params, limits=limits, what=what
        )
    return _transform_wav(data, rng=rng, params=params, limits=limits, what=what)


# ---- images ----------------------------------------------------------------------------------------------------


def _working_copy(image: Image.Image) -> Image.Image:
    """The decoded image in a mode every step handles: RGB, RGBA, L or LA."""
    if image.mode in ("RGB", "RGBA", "L", "LA"):
        return image
    if image.mode == "P":
        return image.convert("RGBA" if "transparency" in image.info else "RGB")
    return image.convert("RGBA" if "A" in image.getbands() else "RGB")


def _inner_rectangle(width: int, height: int, degrees: float) -> tuple[int, int, int, int]:
    """The largest centred axis-aligned box inside a `width`×`height` image rotated by `degrees` without expanding
    (so the rotated-in corners are cut away)."""
    a = abs(math.radians(degrees))
    s, c = math.sin(a), math.cos(a)
    if s < 1e-9:
        return 0, 0, width, height
    long_side, short_side = max(width, height), min(width, height)
    if short_side <= 2 * s * c * long_side or abs(s - c) < 1e-9:
        half = 0.5 * short_side
        w, h = (half / s, half / c) if width >= height else (half / c, half / s)
    else:
        cos2 = c * c - s * s
        w, h = (width * c - height * s) / cos2, (height * c - width * s) / cos2
    left, top = math.ceil((width - w) / 2), math.ceil((height - h) / 2)
    return left, top, max(left + 1, math.floor((width + w) / 2)), max(top + 1, math.floor((height + h) / 2))


def _metadata(image: Image.Image, fmt: str) -> dict[str, Any]:
    """Save arguments carrying the original's metadata into format `fmt`."""
    info = image.info
    kwargs: dict[str, Any] = {}
    for key in ("exif", "icc_profile"):
        if info.get(key):
            kwargs[key] = info[key]
    if fmt in ("JPEG", "WEBP") and info.get("xmp"):
        kwargs["xmp"] = info["xmp"]
    if fmt == "JPEG" and info.get("comment"):
        kwargs["comment"] = info["comment"]
    text = getattr(image, "text", None)
    if fmt == "PNG" and text:
        png = PngImagePlugin.PngInfo()
        for key, value in text.items():
            png.add_text(key, str(value))  # iTXt when the value is not Latin-1
        kwargs["pnginfo"] = png
    return kwargs


def _encode(image: Image.Image, *, fmt: str, quality: int, extra: dict[str, Any]) -> tuple[bytes, str]:
    out = io.BytesIO()
    if fmt == "JPEG":
        if image.mode not in ("RGB", "L"):
            image = image.convert("RGB" if image.mode == "RGBA" else "L")
        image.save(out, format="JPEG", quality=quality, optimize=True, **extra)
        return out.getvalue(), f"JPEG q{quality}"
    if fmt == "WEBP":
        image.save(out, format="WEBP", quality=quality, method=4, **extra)
        return out.getvalue(), f"WebP q{quality}"
    level = 6 + quality % 4  # 6..9: a compression level that varies with the draw
    image.save(out, format="PNG", compress_level=level, **extra)
    return out.getvalue(), f"PNG level {level}"


def _transform_image(
    data: bytes,
    *,
    source_format: str,
    rng: random.Random,
    params: TransformParams,
    limits: Limits,
    what: str,
) -> Transformed:
    original = decode_image(data, limits, what)
    if min(original.size) < MIN_SIDE:
        raise MediaError(
            f"{what}: {original.width}x{original.height} pixels is too small to transform (at least {MIN_SIDE} "
            "on each side)."
        )
    fmt, extension = _OUTPUT.get(source_format, _PNG)
    extra = _metadata(original, fmt) if params.keep_metadata else {}
    base = _working_copy(original)
    d0, a0 = phash.dhash(base), phash.ahash(base)
    digest0 = hashlib.sha256(data).hexdigest()
    best = -1
    for attempt in range(1, params.attempts + 1):
        strength = params.growth ** (attempt - 1)
        ops: list[str] = []
        image = base
        max_rotation = min(15.0, params.max_rotation * strength)
        if max_rotation > 0:
            angle = rng.uniform(max_rotation / 4, max_rotation) * rng.choice((-1, 1))
            rotated = image.rotate(angle, resample=Image.Resampling.BICUBIC, expand=False)
            image = rotated.crop(_inner_rectangle(image.width, image.height, angle))
            ops.append(f"rotate {angle:+.2f}°")
        max_crop = min(0.25, params.max_crop * strength)
        if max_crop > 0:
            w, h = image.size
            left, right = (int(w * rng.uniform(max_crop / 5, max_crop)) for _ in range(2))
            top, bottom = (int(h * rng.uniform(max_crop / 5, max_crop)) for _ in range(2))
            image = image.crop((left, top, max(left + 1, w - right), max(top + 1, h - bottom)))
            ops.append(f"crop l{left} t{top} r{right} b{bottom}")
        scale = rng.uniform(params.min_scale, params.max_scale)
        size = (max(1, round(image.width * scale)), max(1, round(image.height * scale)))
        if size != image.size:
            image = image.resize(size, Image.Resampling.LANCZOS)
            ops.append(f"resize {scale:.3f}")
        if min(image.size) < 8:
            raise MediaError(f"{what}: the transforms leave only {image.width}x{image.height} pixels.")
        encoded, how = _encode(
            image, fmt=fmt, quality=rng.randint(params.min_quality, params.max_quality), extra=extra
        )
        ops.append(how)
        seen = decode_image(
            encoded, Limits(max_bytes=max(limits.max_bytes, len(encoded))), f"{what} (output)"
        )
        distance = phash.distance(d0, phash.dhash(_working_copy(seen)))
        digest = hashlib.sha256(encoded).hexdigest()
        best = max(best, distance)
        if distance >= params.min_dhash_distance and digest != digest0:
            logger.debug("%s: %s (dHash distance %d, attempt %d)", what, ", ".join(ops), distance, attempt)
            return Transformed(
                data=encoded,
                kind="image",
                format=fmt,
                extension=extension,
                sha256=digest,
                original_sha256=digest0,
                width=seen.width,
                height=seen.height,
                dhash_distance=distance,
                ahash_distance=phash.distance(a0, phash.ahash(_working_copy(seen))),
                attempts=attempt,
                operations=tuple(ops),
            )
    raise MediaError(
        f"{what}: no transform in {params.attempts} attempts moved the dHash {params.min_dhash_distance} bits or more "
        f"from the original (best {best}); raise max_crop/max_rotation or lower min_dhash_distance."
    )


# ---- audio -----------------------------------------------------------------------------------------------------


def _transform_wav(
    data: bytes, *, rng: random.Random, params: TransformParams, limits: Limits, what: str
) -> Transformed:
    info = wav_info(data, limits, what)
    with wave.open(io.BytesIO(data), "rb") as w:
        raw = w.readframes(info.frames)
    samples = array.array("h")
    samples.frombytes(raw[: len(raw) - len(raw) % 2])
    if sys.byteorder == "big":
        samples.byteswap()
    frames = len(samples) // info.channels
    most = int(frames * params.max_trim)
    if most < 2:
        raise MediaError(f"{what}: {frames} frames is too short to trim (max_trim {params.max_trim}).")
    head = rng.randint(max(1, most // 4), most)
    tail = rng.randint(0, most)
    gain = rng.uniform(params.min_gain, params.max_gain)
    kept = samples[head * info.channels : (frames - tail) * info.channels]
    out_samples = array.array("h", (max(-32768, min(32767, round(s * gain))) for s in kept))
    if sys.byteorder == "big":
        out_samples.byteswap()
    out = io.BytesIO()
    with wave.open(out, "wb") as w:
        w.setnchannels(info.channels)
        w.setsampwidth(2)
        w.setframerate(info.frame_rate)
        w.writeframes(out_samples.tobytes())
    encoded = out.getvalue()
    digest, digest0 = hashlib.sha256(encoded).hexdigest(), hashlib.sha256(data).hexdigest()
    if (
        digest == digest0
    ):  # only a silent file trimmed to itself could; refuse rather than submit the original
        raise MediaError(f"{what}: the transformed audio is byte for byte the original.")
    return Transformed(
        data=encoded,
        kind="audio",
        format="WAV",
        extension="wav",
        sha256=digest,
        original_sha256=digest0,
        operations=(f"trim head {head} tail {tail} frames", f"gain {gain:.3f}", "WAV PCM16"),
    )


__all__ = ["MIN_SIDE", "TransformParams", "Transformed", "transform_file", "transform_media"]
