#!/usr/bin/env python3
"""A labelled evaluation set for the verdict policy: media with known truth, made here (nothing downloaded).

    from labelled_set import generate
    for item in generate(seed=0, scale=1.0, ca=synth.TestCA()): ...

Each ``Item`` has a class (``CLASSES``: ``clean_*`` classes have truth Authentic, every other class Manipulated),
a variant (``original``, or a copy re-encoded as JPEG at quality 75 or resized to 0.75x, where the class says that
makes sense), the modalities a request about it asks (``MODALITIES_BY_KIND`` of its media kind), the modalities
its class is *about* (what the report groups by) and, when the class has one, the true region in pixels of the
stored grid.

The pictures are the natural photographs scikit-image's and matplotlib's wheels ship (``synth.natural_images``),
randomly cropped, except three that are not untouched photographs (``NOT_PHOTOGRAPHS``: two textures made by
cloning, one picture enlarged by pixel replication); the manipulations are ``tests/synth.py``'s makers. The set
is a function of ``seed`` and ``scale`` (each class draws from its own generator, so adding a class changes no
other), except the C2PA items' certificates and signatures, which the test CA makes fresh in every run.

Variants are recorded separately so that the report shows robustness per variant: a resized splice may lose
its trace, a JPEG copy of a watermarked PNG loses the mark. Classes whose only trace is in the file's metadata
or manifest (generator tags, C2PA) have no variants: re-encoding their pixels gives a natural photograph with
nothing left to find (a stripped copy; the per-detector evaluation, ``evaluate.py``, measures those).
"""

from __future__ import annotations

import io
import sys
import zlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np
from PIL import Image

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from dfpn_detectors import Media, Modality, Verdict
from dfpn_detectors.base import MediaKind
from dfpn_detectors.policy import MODALITIES_BY_KIND

import synth

Box = tuple[int, int, int, int]
Rng = np.random.Generator

IA, FM, AI = Modality.IMAGE_AUTHENTICITY, Modality.FACE_MANIPULATION, Modality.AI_GENERATED_IMAGE
VA, VC = Modality.VIDEO_AUTHENTICITY, Modality.VOICE_CLONING
IMAGE_MODALITIES = (IA, FM, AI)

#: The variants of a class's items besides the original: a re-upload's JPEG re-encode and a downscale.
REENCODE_QUALITY = 75
RESIZE_FACTOR = 0.75
VARIANTS = ("original", f"jpeg{REENCODE_QUALITY}", f"resized{RESIZE_FACTOR:g}")
#: Items per image class at scale 1 (each with its variants); clips and audio have fewer (``ItemClass.weight``).
BASE = 36


@dataclass(frozen=True)
class Made:
    """What a class's maker returns for one item."""

    data: bytes
    region: Box | None = None
    sub: str = ""  # which flavour of the class (e.g. "a1111_png"), for the record
    #: Another region that counts as found (a copy-move's source: which copy is the original cannot be told).
    region_alt: Box | None = None


@dataclass(frozen=True)
class Ctx:
    """What makers share: the test CA (for C2PA classes)."""

    ca: synth.TestCA


Maker = Callable[[Rng, int, Ctx], Made]


@dataclass(frozen=True)
class ItemClass:
    name: str
    truth: Verdict
    about: tuple[Modality, ...]
    kind: MediaKind
    make: Maker
    description: str
    has_region: bool = False
    variants: tuple[str, ...] = ("original",)
    #: Counted in the share-called-Manipulated target (False for a proxy that no shipped detector is meant to
    #: decide; it is still reported, and still counted for false Authentic).
    in_share_target: bool = True
    #: Relative number of items (clips and audio are slower to make and analyse).
    weight: float = 1.0


@dataclass(frozen=True)
class Item:
    id: str
    cls: str
    variant: str
    kind: MediaKind
    data: bytes
    truth: Verdict
    modalities: tuple[Modality, ...]
    about: tuple[Modality, ...]
    region: Box | None
    sub: str = ""
    in_share_target: bool = True
    region_alt: Box | None = None

    @property
    def media(self) -> Media:
        return Media(data=self.data, name=self.id)


# --- helpers ---------------------------------------------------------------------------------------------------


#: Shipped pictures that are not untouched photographs by the detectors' own definitions, so no source here:
#: labelled clean, they would measure the fixture, not the detector.
NOT_PHOTOGRAPHS = {
    "grass": "a seamless texture made by cloning patches (copy-move finds those clones)",
    "gravel": "a seamless texture made by cloning patches (copy-move finds those clones)",
    "moon": "enlarged by pixel replication, every 2x2 block equal (spectral-upsampling finds it)",
}


def _photo_named(rng: Rng, i: int, min_side: int = 256) -> tuple[str, synth.U8]:
    """A random crop of one of the shipped photographs (not ``NOT_PHOTOGRAPHS``), with its name."""
    imgs = tuple((n, im) for n, im in synth.natural_images() if n not in NOT_PHOTOGRAPHS)
    if min_side > 256:
        imgs = tuple((n, im) for n, im in imgs if min(im.shape[:2]) >= min_side)
    name, img = imgs[(i + int(rng.integers(len(imgs)))) % len(imgs)]
    return name, synth.random_crop(img, rng, min_side=min_side)


def _photo(rng: Rng, i: int, min_side: int = 256) -> synth.U8:
    return _photo_named(rng, i, min_side)[1]


def _face_photo(rng: Rng, i: int) -> synth.U8:
    faces = synth.face_images()
    _, base = faces[i % len(faces)]
    return synth.camera_like(synth.face_variant(base, rng), rng)


def camera_jpeg(rgb: np.ndarray, quality: int, rng: Rng) -> bytes:
    """A JPEG as a camera writes it: Make, Model, DateTime, exposure facts in EXIF."""
    exif = Image.Exif()
    make, model = [("Canon", "Canon EOS R6"), ("NIKON CORPORATION", "NIKON Z 6_2"), ("SONY", "ILCE-7M3"),
                   ("Apple", "iPhone 13")][int(rng.integers(4))]
    exif[0x010F] = make
    exif[0x0110] = model
    month, day, hour, minute = (int(rng.integers(lo, hi)) for lo, hi in ((1, 13), (1, 29), (6, 21), (0, 60)))
    exif[0x0132] = f"2023:{month:02d}:{day:02d} {hour:02d}:{minute:02d}:00"
    ifd = exif.get_ifd(0x8769)
    ifd[0x829A] = (1, int(rng.choice([60, 125, 250, 500])))  # ExposureTime
    ifd[0x8827] = int(rng.choice([100, 200, 400, 800]))  # ISO
    buf = io.BytesIO()
    Image.fromarray(rgb).save(buf, "JPEG", quality=quality, exif=exif.tobytes())
    return buf.getvalue()


def _sniff_format(data: bytes) -> str:
    return "jpeg" if data[:3] == b"\xff\xd8\xff" else "png"


def reencode(data: bytes) -> bytes:
    """A re-upload: the pixels saved again as JPEG at ``REENCODE_QUALITY``, no metadata."""
    return synth.jpeg(synth.decode(data), REENCODE_QUALITY)


def resize(data: bytes) -> bytes:
    """Downscaled by ``RESIZE_FACTOR`` (area interpolation), saved in the same format (JPEG at quality 90)."""
    rgb = synth.decode(data)
    h, w = rgb.shape[:2]
    small = np.asarray(cv2.resize(rgb, (round(w * RESIZE_FACTOR), round(h * RESIZE_FACTOR)),
                                  interpolation=cv2.INTER_AREA), dtype=np.uint8)
    return synth.jpeg(small, 90) if _sniff_format(data) == "jpeg" else synth.png(small)


def _scale_box(box: Box | None, s: float) -> Box | None:
    if box is None:
        return None
    x, y, w, h = box
    return round(x * s), round(y * s), round(w * s), round(h * s)


# --- image makers ----------------------------------------------------------------------------------------------


def clean_jpeg(rng: Rng, i: int, ctx: Ctx) -> Made:
    name, img = _photo_named(rng, i)
    q = int(rng.integers(75, 97))
    return Made(camera_jpeg(img, q, rng), sub=f"{name} q{q}")


def clean_png(rng: Rng, i: int, ctx: Ctx) -> Made:
    name, img = _photo_named(rng, i)
    return Made(synth.png(img, {"Software": "GIMP 2.10", "Title": "holiday"}), sub=name)


def clean_face(rng: Rng, i: int, ctx: Ctx) -> Made:
    q = int(rng.integers(75, 96))
    return Made(camera_jpeg(_face_photo(rng, i), q, rng), sub=f"q{q}")


def c2pa_capture(rng: Rng, i: int, ctx: Ctx) -> Made:
    name, img = _photo_named(rng, i)
    if i % 2:
        return Made(ctx.ca.sign(synth.png(img), "image/png", "digitalCapture"), sub=f"{name} png")
    return Made(ctx.ca.sign(camera_jpeg(img, 90, rng), "image/jpeg", "digitalCapture"), sub=f"{name} jpeg")


def c2pa_tampered(rng: Rng, i: int, ctx: Ctx) -> Made:
    name, img = _photo_named(rng, i)
    signed = ctx.ca.sign(camera_jpeg(img, 90, rng), "image/jpeg", "digitalCapture")
    return Made(synth.tamper_jpeg(signed, rng), sub=f"{name} jpeg bits changed after signing")


def c2pa_ai(rng: Rng, i: int, ctx: Ctx) -> Made:
    name, img = _photo_named(rng, i)
    source = ["trainedAlgorithmicMedia", "compositeWithTrainedAlgorithmicMedia"][i % 2]
    if i % 4 >= 2:
        return Made(ctx.ca.sign(synth.png(img), "image/png", source), sub=f"{name} png {source}")
    return Made(ctx.ca.sign(synth.jpeg(img, 90), "image/jpeg", source), sub=f"{name} jpeg {source}")


def _splice(aligned: bool) -> Maker:
    def make(rng: Rng, i: int, ctx: Ctx) -> Made:
        (target, a), (donor, b) = _photo_named(rng, i), _photo_named(rng, i + 7)
        s = synth.splice(a, b, rng, aligned=aligned)
        return Made(s.data, s.region, sub=f"{donor} into {target}")

    return make


def generator_tagged(rng: Rng, i: int, ctx: Ctx) -> Made:
    name, img = _photo_named(rng, i)
    k = i % 4
    if k == 0:
        return Made(synth.png(img, {"parameters": synth.A1111_PARAMETERS}), sub=f"{name} a1111 png")
    if k == 1:
        return Made(synth.png(img, {"prompt": synth.COMFYUI_PROMPT}), sub=f"{name} comfyui png")
    if k == 2:
        return Made(synth.exif_software(img, "Midjourney v6"), sub=f"{name} midjourney exif jpeg")
    return Made(synth.exif_software(img, "Adobe Firefly"), sub=f"{name} firefly exif jpeg")


def sd_watermarked(rng: Rng, i: int, ctx: Ctx) -> Made:
    mark = ["StableDiffusionV1", "SDV2", "SDXL"][i % 3]
    name, img = _photo_named(rng, i, min_side=300)
    return Made(synth.png(synth.sd_watermarked(img, mark)), sub=f"{name} {mark}")


def face_swap(rng: Rng, i: int, ctx: Ctx) -> Made:
    img = _face_photo(rng, i)
    faces = synth.face_images()
    other = i % 2 == 1
    donor = faces[(i + 1) % len(faces)][1] if other else None
    swapped, box = synth.swap_face(img, rng, donor=donor)
    q = int(rng.integers(75, 96))
    return Made(synth.jpeg(swapped, q), box, sub="other_identity" if other else "self")


# --- video and audio (the per-detector evaluation's sets, reported per modality) ----------------------------


def _clip(manipulated: bool) -> Maker:
    def make(rng: Rng, i: int, ctx: Ctx) -> Made:
        faces = synth.face_images()
        base = synth.face_variant(faces[i % len(faces)][1], rng)
        return Made(synth.face_clip(base, rng, manipulated=manipulated, n=16))

    return make


def _signed_clip(source: str) -> Maker:
    def make(rng: Rng, i: int, ctx: Ctx) -> Made:
        img = _photo(rng, i)
        return Made(ctx.ca.sign(synth.encode_video([img] * 4, fps=4), "video/mp4", source))

    return make


def _speech(generated: bool) -> Maker:
    """Proxy only: speech-like audio generated at 16 kHz and saved at 48 kHz (as vocoders output) versus the same
    with full-band noise. There is no real or cloned speech here."""

    def make(rng: Rng, i: int, ctx: Ctx) -> Made:
        x = synth.resample(synth.speech_like(2.0, rng), 16000, 48000)
        noise = 1e-5 if generated else 0.003
        return Made(synth.wav(x + rng.normal(0, noise, x.size).astype(np.float32), 48000))

    return make


def _signed_speech(source: str) -> Maker:
    def make(rng: Rng, i: int, ctx: Ctx) -> Made:
        return Made(ctx.ca.sign(synth.wav(synth.speech_like(1.0, rng), 16000), "audio/wav", source))

    return make


# --- the classes ------------------------------------------------------------------------------------------------

A, M = Verdict.AUTHENTIC, Verdict.MANIPULATED
BOTH = VARIANTS


def _helper_classes() -> list[ItemClass]:
    """Classes whose makers live in tests/synth.py beside the detectors they test (copy-move, noise-residual,
    spectral-upsampling); absent makers leave their class out (listed in ``unavailable_classes``)."""
    out: list[ItemClass] = []
    if hasattr(synth, "copy_move"):
        def copy_moved(rng: Rng, i: int, ctx: Ctx) -> Made:
            name, img = _photo_named(rng, i)
            s = synth.copy_move(img, rng)
            return Made(s.data, s.region, sub=name, region_alt=s.source)

        out.append(ItemClass("copy_moved", M, (IA,), "image", copy_moved,
                             "a textured patch of the photo copied elsewhere in it, half moved as is, half scaled "
                             "0.9-1.1x or rotated up to 10 degrees, JPEG q80-95 (synth.copy_move; its source "
                             "region counts as found too)",
                             has_region=True, variants=BOTH))
    if hasattr(synth, "noise_splice"):
        def noise_splice(rng: Rng, i: int, ctx: Ctx) -> Made:
            name, img = _photo_named(rng, i)
            s = synth.noise_splice(img, rng)
            return Made(s.data, s.region, sub=f"{name} {_sniff_format(s.data)}")

        out.append(ItemClass("noise_splice", M, (IA,), "image", noise_splice,
                             "a rectangle of another photo pasted into a photo with camera-like noise, the paste "
                             "without noise or 3x noisier; JPEG q85-96 or (30 %) PNG (synth.noise_splice)",
                             has_region=True, variants=BOTH))
    if hasattr(synth, "generated_upsampled"):
        def generated_upsampled(rng: Rng, i: int, ctx: Ctx) -> Made:
            name, img = _photo_named(rng, i)
            s = synth.generated_upsampled(img, rng)
            return Made(s.data, sub=f"{name} {s.kind} {_sniff_format(s.data)}")

        out.append(ItemClass("generated_upsampled", M, (AI,), "image", generated_upsampled,
                             "a photo reduced 2x or 4x and upsampled as generators' last layers do (pixel "
                             "replication or a transposed-convolution checkerboard); PNG or JPEG q90-97 "
                             "(synth.generated_upsampled)",
                             variants=BOTH))
    return out


HELPER_CLASSES = ("copy_moved", "noise_splice", "generated_upsampled")


def classes() -> list[ItemClass]:
    """Every class of the set, in report order."""
    image = [
        ItemClass("clean_jpeg", A, IMAGE_MODALITIES, "image", clean_jpeg,
                  "camera JPEG (quality 75-96, camera EXIF: Make, Model, DateTime, exposure)", variants=BOTH),
        ItemClass("clean_png", A, IMAGE_MODALITIES, "image", clean_png,
                  "PNG with an editor's text chunks (Software GIMP, Title)", variants=BOTH),
        ItemClass("clean_face", A, IMAGE_MODALITIES, "image", clean_face,
                  "face photograph with sensor-like noise, camera JPEG (quality 75-95)", variants=BOTH),
        ItemClass("clean_c2pa_capture", A, IMAGE_MODALITIES, "image", c2pa_capture,
                  "C2PA-signed capture (digitalCapture) by the trusted test CA, JPEG and PNG"),
        ItemClass("c2pa_tampered", M, (IA,), "image", c2pa_tampered,
                  "C2PA-signed capture JPEG whose entropy-coded data changed after signing"),
        ItemClass("c2pa_ai", M, (AI,), "image", c2pa_ai,
                  "C2PA manifest declaring trainedAlgorithmicMedia or compositeWithTrainedAlgorithmicMedia"),
        ItemClass("spliced_aligned", M, (IA,), "image", _splice(True),
                  "rectangle from a lower-quality JPEG (q50-80) pasted on its 8x8 grid, saved at q85-96",
                  has_region=True, variants=BOTH),
        ItemClass("spliced_unaligned", M, (IA,), "image", _splice(False),
                  "the same, pasted off the grid", has_region=True, variants=BOTH),
        ItemClass("generator_tagged", M, (AI,), "image", generator_tagged,
                  "generator metadata: A1111 parameters / ComfyUI prompt PNG text, EXIF Software Midjourney / "
                  "Firefly"),
        ItemClass("sd_watermarked", M, (AI,), "image", sd_watermarked,
                  "Stable Diffusion dwtDct watermark (SD 1.x, 2.x, SDXL marks) in a PNG", variants=BOTH),
        ItemClass("face_swap", M, (FM,), "image", face_swap,
                  "simulated face swap (same or other identity) in a face photograph, JPEG q75-95",
                  has_region=True, variants=BOTH),
    ]
    helper = {c.name: c for c in _helper_classes()}
    # report order: image authenticity, then AI, then faces
    ordered: list[ItemClass] = []
    for c in image:
        ordered.append(c)
        if c.name == "spliced_unaligned":
            ordered += [helper[n] for n in ("copy_moved", "noise_splice") if n in helper]
        if c.name == "sd_watermarked" and "generated_upsampled" in helper:
            ordered.append(helper["generated_upsampled"])
    video = [
        ItemClass("clean_clip", A, (VA,), "video", _clip(False),
                  "16-frame H.264 clip of a face photo, slow zoom, fresh sensor noise per frame"),
        ItemClass("clean_c2pa_capture_clip", A, (VA,), "video", _signed_clip("digitalCapture"),
                  "MP4 signed as a capture by the trusted test CA", weight=0.25),
        ItemClass("face_swap_clip", M, (VA,), "video", _clip(True),
                  "the same clip with every frame's face swapped"),
        ItemClass("c2pa_ai_clip", M, (VA,), "video", _signed_clip("trainedAlgorithmicMedia"),
                  "MP4 whose manifest declares trainedAlgorithmicMedia", weight=0.25),
    ]
    audio = [
        ItemClass("clean_speech_proxy", A, (VC,), "audio", _speech(False),
                  "PROXY: speech-like signal at 48 kHz with full-band noise", weight=0.5),
        ItemClass("clean_c2pa_capture_audio", A, (VC,), "audio", _signed_speech("digitalCapture"),
                  "WAV signed as a capture by the trusted test CA", weight=0.25),
        ItemClass("generated_speech_proxy", M, (VC,), "audio", _speech(True),
                  "PROXY (not voice cloning): speech-like signal generated at 16 kHz, saved at 48 kHz; no shipped "
                  "detector decides on it (voice-spectral reports facts only)", weight=0.5, in_share_target=False),
        ItemClass("c2pa_ai_audio", M, (VC,), "audio", _signed_speech("trainedAlgorithmicMedia"),
                  "WAV whose manifest declares trainedAlgorithmicMedia", weight=0.25),
    ]
    return ordered + video + audio


def unavailable_classes() -> list[str]:
    have = {c.name for c in classes()}
    return [n for n in HELPER_CLASSES if n not in have]


def per_class(scale: float, base: int = BASE) -> Callable[[ItemClass], int]:
    """Items per class at a scale: ``base * scale * weight``, at least 2 (1 for a class of weight < 1)."""

    def n(c: ItemClass) -> int:
        return max(2 if c.weight >= 1 else 1, round(base * scale * c.weight))

    return n


def _class_rng(seed: int, name: str) -> Rng:
    return np.random.default_rng([seed, zlib.crc32(name.encode())])


def generate(seed: int = 0, scale: float = 1.0, *, ca: synth.TestCA, only: Iterable[str] | None = None,
             base: int = BASE) -> Iterator[Item]:
    """The set: for each class (or those in ``only``) its originals, each followed by its variants."""
    ctx = Ctx(ca)
    count = per_class(scale, base)
    wanted = set(only) if only is not None else None
    for c in classes():
        if wanted is not None and c.name not in wanted:
            continue
        rng = _class_rng(seed, c.name)
        for i in range(count(c)):
            made = c.make(rng, i, ctx)
            for variant in c.variants:
                if variant == "original":
                    data, region, alt = made.data, made.region, made.region_alt
                elif variant.startswith("jpeg"):
                    data, region, alt = reencode(made.data), made.region, made.region_alt
                else:
                    data = resize(made.data)
                    region, alt = _scale_box(made.region, RESIZE_FACTOR), _scale_box(made.region_alt, RESIZE_FACTOR)
                yield Item(
                    id=f"{c.name}/{i:03d}/{variant}", cls=c.name, variant=variant, kind=c.kind, data=data,
                    truth=c.truth, modalities=MODALITIES_BY_KIND[c.kind], about=c.about, region=region,
                    sub=made.sub, in_share_target=c.in_share_target, region_alt=alt,
                )


def main() -> None:
    """Write the set to a folder (one file per item and ``labels.json``), to look at or to feed other tools."""
    import argparse
    import json

    ap = argparse.ArgumentParser(description=main.__doc__)
    ap.add_argument("--out", type=Path, default=Path("target/bench/labelled-set"))
    ap.add_argument("--scale", type=float, default=1.0)
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    ext = {"image/jpeg": "jpg", "image/png": "png", "video/mp4": "mp4", "audio/wav": "wav",
           "audio/x-wav": "wav", "audio/wave": "wav"}
    labels = []
    for item in generate(args.seed, args.scale, ca=synth.TestCA()):
        mime = item.media.sniffed_mime or ""
        name = item.id.replace("/", "_") + "." + ext.get(mime, "bin")
        (args.out / name).write_bytes(item.data)
        labels.append({"file": name, "class": item.cls, "variant": item.variant, "truth": str(item.truth),
                       "modalities": [str(m) for m in item.modalities], "about": [str(m) for m in item.about],
                       "region": item.region, "sub": item.sub})
    (args.out / "labels.json").write_text(json.dumps(labels, indent=1) + "\n")
    print(f"wrote {len(labels)} items to {args.out}")


if __name__ == "__main__":
    main()
