"""Generated media with known ground truth, for the tests, the evaluation and the benchmark.

Nothing is downloaded: natural photographs come from files that installed wheels ship (scikit-image's
``skimage/data``, matplotlib's ``sample_data``), read by path without importing those packages; everything else
(splices, re-compressions, watermarks, C2PA signatures with a test CA made here, videos, speech-like audio, an
ONNX model) is made by this module.
"""

from __future__ import annotations

import datetime
import io
import wave
from dataclasses import dataclass
from functools import cache
from importlib.metadata import distribution
from pathlib import Path
from typing import Any

import cv2
import numpy as np
import numpy.typing as npt
from PIL import Image, PngImagePlugin

U8 = npt.NDArray[np.uint8]

SKIMAGE_COLOUR = ["astronaut.png", "coffee.png", "chelsea.png", "rocket.jpg", "motorcycle_left.png",
                  "motorcycle_right.png", "hubble_deep_field.jpg", "ihc.png", "retina.jpg"]
SKIMAGE_GREY = ["camera.png", "brick.png", "grass.png", "gravel.png", "moon.png", "page.png", "coins.png"]


def _shipped(dist: str, rel: str) -> Path:
    path = Path(str(distribution(dist).locate_file(rel)))
    if not path.exists():
        raise FileNotFoundError(f"{rel} is not in the installed {dist} wheel")
    return path


def _fit(rgb: U8, max_side: int) -> U8:
    h, w = rgb.shape[:2]
    s = max_side / max(h, w)
    if s < 1:
        rgb = cv2.resize(rgb, (round(w * s), round(h * s)), interpolation=cv2.INTER_AREA)
    return np.ascontiguousarray(rgb)


@cache
def natural_images(max_side: int = 512) -> tuple[tuple[str, U8], ...]:
    """Natural photographs shipped by scikit-image and matplotlib, as RGB, longer side <= max_side."""
    out: list[tuple[str, U8]] = []
    for name in SKIMAGE_COLOUR + SKIMAGE_GREY:
        rgb = np.asarray(Image.open(_shipped("scikit-image", f"skimage/data/{name}")).convert("RGB"))
        out.append((name.split(".")[0], _fit(rgb, max_side)))
    hopper = np.asarray(Image.open(_shipped("matplotlib", "matplotlib/mpl-data/sample_data/grace_hopper.jpg"))
                        .convert("RGB"))
    out.append(("grace_hopper", _fit(hopper, max_side)))
    return tuple(out)


@cache
def face_images(max_side: int = 512) -> tuple[tuple[str, U8], ...]:
    """Photographs with one frontal face: Eileen Collins (skimage astronaut) and Grace Hopper (matplotlib)."""
    names = {"astronaut", "grace_hopper"}
    return tuple((n, im) for n, im in natural_images(max_side) if n in names)


def image(name: str, max_side: int = 512) -> U8:
    return dict(natural_images(max_side))[name]


def rng_for(seed: int) -> np.random.Generator:
    return np.random.default_rng(seed)


# --- encoding -----------------------------------------------------------------------------------------------


def jpeg(rgb: U8, quality: int, **kw: Any) -> bytes:
    buf = io.BytesIO()
    Image.fromarray(rgb).save(buf, "JPEG", quality=quality, **kw)
    return buf.getvalue()


def png(rgb: U8, text: dict[str, str] | None = None) -> bytes:
    info = PngImagePlugin.PngInfo()
    for k, v in (text or {}).items():
        info.add_text(k, v)
    buf = io.BytesIO()
    Image.fromarray(rgb).save(buf, "PNG", pnginfo=info)
    return buf.getvalue()


def decode(data: bytes) -> U8:
    return np.asarray(Image.open(io.BytesIO(data)).convert("RGB"))


def random_crop(rgb: U8, rng: np.random.Generator, min_side: int = 256) -> U8:
    h, w = rgb.shape[:2]
    ch = int(rng.integers(min(min_side, h), h + 1))
    cw = int(rng.integers(min(min_side, w), w + 1))
    y = int(rng.integers(0, h - ch + 1))
    x = int(rng.integers(0, w - cw + 1))
    out = rgb[y:y + ch, x:x + cw]
    if rng.random() < 0.5:
        out = out[:, ::-1]
    return np.ascontiguousarray(out)


def iou(a: tuple[int, int, int, int], b: tuple[int, int, int, int]) -> float:
    """Intersection over union of two (x, y, w, h) boxes."""
    ix = max(0, min(a[0] + a[2], b[0] + b[2]) - max(a[0], b[0]))
    iy = max(0, min(a[1] + a[3], b[1] + b[3]) - max(a[1], b[1]))
    inter = ix * iy
    return inter / (a[2] * a[3] + b[2] * b[3] - inter)


# --- splices and re-compressions (image authenticity) ------------------------------------------------------


@dataclass(frozen=True)
class Labelled:
    data: bytes
    manipulated: bool
    kind: str
    region: tuple[int, int, int, int] | None = None


def splice(target: U8, donor: U8, rng: np.random.Generator, *, q0: int | None = None, q1: int | None = None,
           aligned: bool | None = None) -> Labelled:
    """A rectangle from ``donor`` (first saved as JPEG at q0) pasted into ``target``, saved at q1 > q0."""
    q0 = q0 if q0 is not None else int(rng.integers(50, 81))
    q1 = q1 if q1 is not None else int(rng.integers(max(q0 + 10, 85), 97))
    th, tw = target.shape[:2]
    donor_j = decode(jpeg(_fit(donor, max(th, tw)), q0))
    dh, dw = donor_j.shape[:2]
    h = int(rng.integers(max(48, th // 6), max(49, th // 3)))
    w = int(rng.integers(max(48, tw // 6), max(49, tw // 3)))
    h, w = min(h, dh - 8, th - 8), min(w, dw - 8, tw - 8)
    sy, sx = int(rng.integers(0, dh - h + 1)), int(rng.integers(0, dw - w + 1))
    y, x = int(rng.integers(0, th - h + 1)), int(rng.integers(0, tw - w + 1))
    if aligned is True:
        y, x = y - (y - sy) % 8, x - (x - sx) % 8
        y, x = max(0, y), max(0, x)
        if (y - sy) % 8 or (x - sx) % 8:  # clamped: move the source instead
            sy, sx = sy - (sy - y) % 8, sx - (sx - x) % 8
    out = target.copy()
    out[y:y + h, x:x + w] = donor_j[sy:sy + h, sx:sx + w]
    return Labelled(jpeg(out, q1), True, "splice", (x, y, w, h))


def single_jpeg(rgb: U8, rng: np.random.Generator) -> Labelled:
    return Labelled(jpeg(rgb, int(rng.integers(80, 97))), False, "single")


def recompressed(rgb: U8, rng: np.random.Generator) -> Labelled:
    """The whole image saved at q0 then re-saved at q1 (a re-upload: not a manipulation)."""
    q0 = int(rng.integers(50, 81))
    q1 = int(rng.integers(max(q0 + 10, 85), 97))
    return Labelled(jpeg(decode(jpeg(rgb, q0)), q1), False, "recompressed")


def upsampled(rgb: U8, rng: np.random.Generator) -> Labelled:
    """The whole image upscaled 1.25-2x (bicubic), then saved."""
    s = float(rng.uniform(1.25, 2.0))
    h, w = rgb.shape[:2]
    big = cv2.resize(rgb, (round(w * s), round(h * s)), interpolation=cv2.INTER_CUBIC)
    return Labelled(jpeg(big, int(rng.integers(80, 97))), False, "upsampled")


# --- faces -------------------------------------------------------------------------------------------------


def face_box(rgb: U8) -> tuple[int, int, int, int]:
    """The largest face as found by the package's BlazeFace (used to place simulated swaps)."""
    from dfpn_detectors.faces import FaceFinder

    faces = FaceFinder.shared().find(rgb)
    if not faces:
        raise ValueError("no face")
    f = max(faces, key=lambda f: f.box[2] * f.box[3])
    return f.box


def swap_face(rgb: U8, rng: np.random.Generator, *, donor: U8 | None = None) -> tuple[U8, tuple[int, int, int, int]]:
    """Simulated face swap: the face area replaced by a generator-like rendering of a face — resampled from a
    low resolution (64-128 px, as face-swap networks output), denoised, colour-matched — and blended in with a
    feathered ellipse. With ``donor`` the face comes from another photograph (an identity change)."""
    x, y, w, h = face_box(rgb)
    cx, cy = x + w / 2, y + h / 2
    ew, eh = w * 0.5, h * 0.62
    src = rgb if donor is None else donor
    sx, sy, sw, sh = (x, y, w, h) if donor is None else face_box(donor)
    pad = 0.25
    x0, y0 = max(0, int(sx - pad * sw)), max(0, int(sy - pad * sh))
    x1, y1 = min(src.shape[1], int(sx + sw * (1 + pad))), min(src.shape[0], int(sy + sh * (1 + pad)))
    crop = src[y0:y1, x0:x1]
    res = int(rng.integers(64, 129))
    small = cv2.resize(crop, (res, res), interpolation=cv2.INTER_AREA)
    small = cv2.bilateralFilter(small, 5, 30, 5)
    tx0, ty0 = max(0, int(x - pad * w)), max(0, int(y - pad * h))
    tx1, ty1 = min(rgb.shape[1], int(x + w * (1 + pad))), min(rgb.shape[0], int(y + h * (1 + pad)))
    face = cv2.resize(small, (tx1 - tx0, ty1 - ty0), interpolation=cv2.INTER_CUBIC).astype(np.float32)
    target = rgb[ty0:ty1, tx0:tx1].astype(np.float32)
    face = (face - face.mean(axis=(0, 1))) * (target.std(axis=(0, 1)) / (face.std(axis=(0, 1)) + 1e-3)) \
        + target.mean(axis=(0, 1))
    mask = np.zeros(rgb.shape[:2], np.float32)
    cv2.ellipse(mask, (round(cx), round(cy)), (round(ew), round(eh)), 0, 0, 360, 1.0, -1)
    mask = cv2.GaussianBlur(mask, (0, 0), max(1.0, w * 0.04))[..., None]
    out = rgb.astype(np.float32).copy()
    region = out[ty0:ty1, tx0:tx1]
    m = mask[ty0:ty1, tx0:tx1]
    out[ty0:ty1, tx0:tx1] = region * (1 - m) + face * m
    return np.clip(out + 0.5, 0, 255).astype(np.uint8), (round(cx - ew), round(cy - eh), round(2 * ew), round(2 * eh))


def camera_like(rgb: U8, rng: np.random.Generator, sigma: float | None = None) -> U8:
    """Sensor-like noise over the whole image (both real and swapped images get it before the swap)."""
    s = sigma if sigma is not None else float(rng.uniform(1.5, 4.0))
    noisy = rgb.astype(np.float32) + rng.normal(0, s, rgb.shape[:2])[..., None] + rng.normal(0, s / 2, rgb.shape)
    return np.clip(noisy + 0.5, 0, 255).astype(np.uint8)


def face_variant(rgb: U8, rng: np.random.Generator) -> U8:
    """A geometric/photometric variant of a face photo: crop, scale, flip, brightness."""
    h, w = rgb.shape[:2]
    s = float(rng.uniform(0.7, 1.0))
    out = cv2.resize(rgb, (round(w * s), round(h * s)), interpolation=cv2.INTER_AREA)
    if rng.random() < 0.5:
        out = out[:, ::-1]
    gain = float(rng.uniform(0.85, 1.15))
    out = np.clip(out.astype(np.float32) * gain + float(rng.uniform(-10, 10)), 0, 255).astype(np.uint8)
    return np.ascontiguousarray(out)


# --- AI-generated (metadata, watermark) -------------------------------------------------------------------


A1111_PARAMETERS = ("a photo of an astronaut riding a horse\nNegative prompt: blurry\nSteps: 20, Sampler: Euler a, "
                    "CFG scale: 7, Seed: 1234, Size: 512x512, Model hash: 6ce0161689, Model: v1-5-pruned-emaonly")
COMFYUI_PROMPT = '{"3": {"class_type": "KSampler", "inputs": {"seed": 1, "steps": 20}}}'


def sd_watermarked(rgb: U8, mark: str = "StableDiffusionV1") -> U8:
    """The image as a Stable Diffusion script would save it (dwtDct mark embedded)."""
    from dfpn_detectors.watermark import KNOWN_MARKS, embed

    bits = next(m.bits for m in KNOWN_MARKS if m.name == mark)
    if mark == "SDXL":  # diffusers passes RGB where the encoder expects BGR
        return embed(rgb, bits)
    return np.ascontiguousarray(embed(np.ascontiguousarray(rgb[:, :, ::-1]), bits)[:, :, ::-1])


def exif_software(rgb: U8, software: str) -> bytes:
    exif = Image.Exif()
    exif[0x0131] = software
    buf = io.BytesIO()
    Image.fromarray(rgb).save(buf, "JPEG", quality=92, exif=exif.tobytes())
    return buf.getvalue()


def camera_exif_jpeg(rgb: U8) -> bytes:
    exif = Image.Exif()
    exif[0x010F] = "Canon"
    exif[0x0110] = "Canon EOS 5D Mark IV"
    exif[0x0131] = "Adobe Photoshop Lightroom Classic 12.0"
    buf = io.BytesIO()
    Image.fromarray(rgb).save(buf, "JPEG", quality=92, exif=exif.tobytes())
    return buf.getvalue()


# --- C2PA ---------------------------------------------------------------------------------------------------

IPTC = "http://cv.iptc.org/newscodes/digitalsourcetype/"


class TestCA:
    """A root CA and a C2PA signing certificate (ES256), made fresh: the wheel ships no certificates."""

    __test__ = False  # not a pytest class

    def __init__(self) -> None:
        from cryptography import x509
        from cryptography.hazmat.primitives import hashes, serialization
        from cryptography.hazmat.primitives.asymmetric import ec
        from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

        def name(cn: str) -> x509.Name:
            return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, cn),
                              x509.NameAttribute(NameOID.ORGANIZATION_NAME, "DFPN test")])

        now = datetime.datetime.now(datetime.UTC)
        ca_key = ec.generate_private_key(ec.SECP256R1())
        no_use = {"content_commitment": False, "key_encipherment": False, "data_encipherment": False,
                  "key_agreement": False, "encipher_only": False, "decipher_only": False}
        ca = (x509.CertificateBuilder().subject_name(name("DFPN Test Root CA")).issuer_name(name("DFPN Test Root CA"))
              .public_key(ca_key.public_key()).serial_number(x509.random_serial_number())
              .not_valid_before(now - datetime.timedelta(days=1)).not_valid_after(now + datetime.timedelta(days=30))
              .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
              .add_extension(x509.KeyUsage(digital_signature=False, key_cert_sign=True, crl_sign=True, **no_use),
                             critical=True)
              .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), critical=False)
              .sign(ca_key, hashes.SHA256()))
        key = ec.generate_private_key(ec.SECP256R1())
        cert = (x509.CertificateBuilder().subject_name(name("DFPN Test Signer")).issuer_name(ca.subject)
                .public_key(key.public_key()).serial_number(x509.random_serial_number())
                .not_valid_before(now - datetime.timedelta(days=1)).not_valid_after(now + datetime.timedelta(days=30))
                .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
                .add_extension(x509.KeyUsage(digital_signature=True, key_cert_sign=False, crl_sign=False, **no_use),
                               critical=True)
                .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.EMAIL_PROTECTION]), critical=False)
                .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
                .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()),
                               critical=False)
                .sign(ca_key, hashes.SHA256()))
        pem = serialization.Encoding.PEM
        self.root_pem = ca.public_bytes(pem).decode()
        self.chain_pem = (cert.public_bytes(pem) + ca.public_bytes(pem)).decode()
        self.key_pem = key.private_bytes(pem, serialization.PrivateFormat.PKCS8,
                                         serialization.NoEncryption()).decode()

    def sign(self, data: bytes, mime: str, source_type: str = "digitalCapture",
             actions: list[dict[str, Any]] | None = None) -> bytes:
        """Sign ``data`` with a ``c2pa.created`` action of that IPTC digital source type (plus ``actions``)."""
        import c2pa

        acts: list[dict[str, Any]] = [{"action": "c2pa.created", "digitalSourceType": IPTC + source_type}]
        acts += actions or []
        manifest = {
            "claim_generator_info": [{"name": "dfpn-detectors-tests", "version": "0.1"}],
            "title": "fixture",
            "assertions": [{"label": "c2pa.actions", "data": {"actions": acts}}],
        }
        info = c2pa.C2paSignerInfo(c2pa.C2paSigningAlg.ES256, self.chain_pem.encode(), self.key_pem.encode(), None)
        signer = c2pa.Signer.from_info(info)
        ctx = c2pa.Context.from_dict({"builder": {"thumbnail": {"enabled": False}},
                                      "verify": {"remote_manifest_fetch": False, "ocsp_fetch": False}})
        out = io.BytesIO()
        with c2pa.Builder(manifest, ctx) as builder:
            builder.sign(signer, mime, io.BytesIO(data), out)
        return out.getvalue()


def tamper_jpeg(data: bytes, rng: np.random.Generator) -> bytes:
    """Change pixels of a signed JPEG (re-encode the top-left 64x64 with different content, keep the rest of the
    file): the manifest stays, its data hash no longer matches."""
    b = bytearray(data)
    # flip bits in the entropy-coded data, away from the headers and the end marker
    sos = data.rfind(b"\xff\xda")
    lo = sos + 64
    hi = len(b) - 16
    for _ in range(8):
        i = int(rng.integers(lo, hi))
        b[i] ^= 0x10
    return bytes(b)


# --- video --------------------------------------------------------------------------------------------------


def encode_video(frames: list[U8], fps: int = 15, codec: str = "libx264", crf: int = 20,
                 container: str = "mp4") -> bytes:
    import av

    buf = io.BytesIO()
    with av.open(buf, mode="w", format=container) as out:
        stream = out.add_stream(codec, rate=fps)
        h, w = frames[0].shape[:2]
        stream.width, stream.height = w // 2 * 2, h // 2 * 2
        stream.pix_fmt = "yuv420p"
        if codec == "libx264":
            stream.options = {"crf": str(crf), "preset": "veryfast"}
        for f in frames:
            frame = av.VideoFrame.from_ndarray(np.ascontiguousarray(f[: h // 2 * 2, : w // 2 * 2]), format="rgb24")
            for packet in stream.encode(frame):
                out.mux(packet)
        for packet in stream.encode():
            out.mux(packet)
    return buf.getvalue()


def face_clip(rgb: U8, rng: np.random.Generator, *, manipulated: bool, n: int = 24, fps: int = 12) -> bytes:
    """A short clip of a face photo with a slow zoom and fresh sensor noise per frame; when ``manipulated``
    every frame's face is a simulated swap."""
    h, w = rgb.shape[:2]
    frames: list[U8] = []
    sigma = float(rng.uniform(2.0, 4.0))
    for i in range(n):
        z = 1.0 + 0.1 * i / n
        m = cv2.getRotationMatrix2D((w / 2, h / 2), 0.0, z)
        f = cv2.warpAffine(rgb, m, (w, h), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REFLECT)
        f = camera_like(f, rng, sigma)
        if manipulated:
            f, _ = swap_face(f, rng)
        frames.append(f)
    return encode_video(frames, fps=fps)


# --- audio --------------------------------------------------------------------------------------------------


def speech_like(seconds: float, rng: np.random.Generator, sr: int = 16000) -> npt.NDArray[np.float32]:
    """Vowel-like voiced segments (glottal pulse train through three formant resonators) with short noise
    bursts and pauses: what a VAD calls speech, with no words in it."""
    from scipy.signal import lfilter

    parts: list[npt.NDArray[np.float64]] = [np.zeros(sr // 4)]
    total = sr // 4
    while total < seconds * sr - sr // 4:
        dur = float(rng.uniform(0.15, 0.35))
        t = np.arange(int(dur * sr)) / sr
        f0 = float(rng.uniform(95, 220)) * (1 + 0.05 * np.sin(2 * np.pi * 4 * t))
        phase = 2 * np.pi * np.cumsum(f0) / sr
        src = sum(np.sin(k * phase) / k for k in range(1, 40))
        voiced = np.zeros_like(t)
        for f, bw in ((rng.uniform(300, 850), 80), (rng.uniform(900, 2300), 90), (rng.uniform(2400, 3200), 120)):
            r = np.exp(-np.pi * bw / sr)
            voiced += lfilter([1.0], [1.0, -2 * r * np.cos(2 * np.pi * f / sr), r * r], src)
        voiced *= np.hanning(len(voiced)) ** 0.3
        parts += [voiced / (np.abs(voiced).max() + 1e-9), rng.normal(0, 0.08, int(0.04 * sr))]
        if rng.random() < 0.25:
            parts.append(np.zeros(int(rng.uniform(0.1, 0.3) * sr)))
        total = sum(len(p) for p in parts)
    parts.append(np.zeros(sr // 4))
    sig = np.concatenate(parts)[: int(seconds * sr)] * 0.3 + rng.normal(0, 0.002, int(seconds * sr))
    return sig.astype(np.float32)


def resample(x: npt.NDArray[np.float32], src: int, dst: int) -> npt.NDArray[np.float32]:
    from scipy.signal import resample_poly

    g = np.gcd(src, dst)
    return resample_poly(x, dst // g, src // g).astype(np.float32)


def wav(x: npt.NDArray[np.float32], sr: int) -> bytes:
    buf = io.BytesIO()
    with wave.open(buf, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(sr)
        w.writeframes((np.clip(x, -1, 1) * 32767).astype("<i2").tobytes())
    return buf.getvalue()


# --- ONNX ---------------------------------------------------------------------------------------------------


def brightness_classifier_onnx(path: Path) -> Path:
    """A tiny ONNX image classifier: logits (1, 2) = [0, 8 * (mean(x) - 0.5)] over an NCHW float input, i.e.
    'fake' means bright. Enough to test the generic detector's plumbing, not a deepfake model."""
    import onnx
    from onnx import TensorProto, helper

    nodes = [
        helper.make_node("ReduceMean", ["input"], ["m"], keepdims=0, axes=[1, 2, 3]) if onnx.defs.onnx_opset_version()
        < 18 else helper.make_node("ReduceMean", ["input", "axes"], ["m"], keepdims=0),
        helper.make_node("Sub", ["m", "half"], ["c"]),
        helper.make_node("Mul", ["c", "gain"], ["s"]),
        helper.make_node("Unsqueeze", ["s", "one"], ["s2"]),
        helper.make_node("Concat", ["zero", "s2"], ["logits"], axis=1),
    ]
    inits = [
        helper.make_tensor("half", TensorProto.FLOAT, [], [0.5]),
        helper.make_tensor("gain", TensorProto.FLOAT, [], [8.0]),
        helper.make_tensor("one", TensorProto.INT64, [1], [1]),
        helper.make_tensor("zero", TensorProto.FLOAT, [1, 1], [0.0]),
    ]
    if onnx.defs.onnx_opset_version() >= 18:
        inits.append(helper.make_tensor("axes", TensorProto.INT64, [3], [1, 2, 3]))
    graph = helper.make_graph(
        nodes, "brightness",
        [helper.make_tensor_value_info("input", TensorProto.FLOAT, [1, 3, 64, 64])],
        [helper.make_tensor_value_info("logits", TensorProto.FLOAT, [1, 2])],
        inits,
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 18)])
    model.ir_version = 8
    onnx.checker.check_model(model)
    path.write_bytes(model.SerializeToString())
    return path


# --- copy-move, noise splices, upsampled "generated" pictures (copy-move, noise-residual, spectral-upsampling) ---


@dataclass(frozen=True)
class CopyMoved(Labelled):
    """A copy-move: ``region`` is where the copy went, ``source`` the place it was copied from."""

    source: tuple[int, int, int, int] | None = None


def _texture(grey: npt.NDArray[np.float32], x: int, y: int, w: int, h: int) -> float:
    p = grey[y:y + h, x:x + w]
    return float(np.mean(np.abs(cv2.Sobel(p, cv2.CV_32F, 1, 0)) + np.abs(cv2.Sobel(p, cv2.CV_32F, 0, 1))))


def copy_move(rgb: U8, rng: np.random.Generator, *, scale: float | None = None, angle: float | None = None,
              quality: int | None = None, lossless: bool = False, size: int | None = None) -> CopyMoved:
    """A patch of ``rgb`` copied elsewhere in the same picture, not overlapping the original: the most textured of
    8 random places (an object is cloned, not an empty sky), ``size`` pixels square or 1/6-1/4 of the shorter side
    each way, scaled by ``scale`` and rotated by ``angle`` degrees about its centre (by default half of the copies
    are scaled by 0.9-1.1, half rotated by up to 10 degrees), pasted without blending and saved as JPEG at
    ``quality`` (80-95 by default) or PNG. ``region`` is the copy, ``source`` the original."""
    th, tw = rgb.shape[:2]
    s = scale if scale is not None else (1.0 if rng.random() < 0.5 else float(rng.uniform(0.9, 1.1)))
    a = angle if angle is not None else (0.0 if rng.random() < 0.5 else float(rng.uniform(-10.0, 10.0)))
    lo, hi = max(24, min(th, tw) // 6), max(25, min(th, tw) // 4)
    h = size if size is not None else int(rng.integers(lo, hi + 1))
    w = size if size is not None else int(rng.integers(lo, hi + 1))
    grey = cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY).astype(np.float32)
    for _ in range(8):
        sw, sh = min(tw - 1, int(np.ceil(w / s))), min(th - 1, int(np.ceil(h / s)))
        places = [(int(rng.integers(0, tw - sw + 1)), int(rng.integers(0, th - sh + 1))) for _ in range(8)]
        sx, sy = max(places, key=lambda p: _texture(grey, p[0], p[1], sw, sh))
        for _ in range(200):
            x, y = int(rng.integers(0, tw - w + 1)), int(rng.integers(0, th - h + 1))
            if x + w + 8 <= sx or sx + sw + 8 <= x or y + h + 8 <= sy or sy + sh + 8 <= y:
                break
        else:
            w, h = w * 3 // 4, h * 3 // 4  # no room apart from the source: a smaller patch
            continue
        break
    else:
        raise ValueError(f"no room for a copy in a {tw}x{th} picture")
    # destination pixel (x + u, y + v) samples the source about its centre (inverse map: rotated, scaled by 1/s)
    m = cv2.getRotationMatrix2D((w / 2, h / 2), a, 1.0 / s)
    m[:, 2] += (sx + sw / 2 - w / 2, sy + sh / 2 - h / 2)
    patch = cv2.warpAffine(rgb, m, (w, h), flags=cv2.INTER_LINEAR | cv2.WARP_INVERSE_MAP,
                           borderMode=cv2.BORDER_REFLECT)
    out = rgb.copy()
    out[y:y + h, x:x + w] = patch
    q = quality if quality is not None else int(rng.integers(80, 96))
    data = png(out) if lossless else jpeg(out, q)
    return CopyMoved(data, True, "copy_move", (x, y, w, h), (sx, sy, sw, sh))


def noise_splice(rgb: U8, rng: np.random.Generator, *, donor: U8 | None = None, sigma: float | None = None,
                 ratio: float | None = None, quality: int | None = None, lossless: bool | None = None) -> Labelled:
    """A photograph with camera-like noise (``sigma``, 2-4 grey levels by default) into which a rectangle (1/5-1/3
    of each side) of another picture (``donor``, by default one of ``natural_images``) is pasted with a different
    noise: ``ratio`` times the photograph's (by default either 0 — the donor as it is, much cleaner — or 3 — a
    noisier camera). Saved as JPEG at ``quality`` (85-96) or, when ``lossless`` (30 % by default), PNG."""
    th, tw = rgb.shape[:2]
    if donor is None:
        pool = natural_images()
        donor = pool[int(rng.integers(len(pool)))][1]
    s = sigma if sigma is not None else float(rng.uniform(2.0, 4.0))
    r = ratio if ratio is not None else float(rng.choice([0.0, 3.0]))
    d = _fit(donor, max(th, tw))
    dh, dw = d.shape[:2]
    h = min(int(rng.integers(max(32, th // 5), max(33, th // 3))), dh, th - 8)
    w = min(int(rng.integers(max(32, tw // 5), max(33, tw // 3))), dw, tw - 8)
    sy, sx = int(rng.integers(0, dh - h + 1)), int(rng.integers(0, dw - w + 1))
    y, x = int(rng.integers(0, th - h + 1)), int(rng.integers(0, tw - w + 1))
    out = camera_like(rgb, rng, s)
    patch = np.ascontiguousarray(d[sy:sy + h, sx:sx + w])
    out[y:y + h, x:x + w] = camera_like(patch, rng, s * r) if r > 0 else patch
    lossless = lossless if lossless is not None else bool(rng.random() < 0.3)
    q = quality if quality is not None else int(rng.integers(85, 97))
    return Labelled(png(out) if lossless else jpeg(out, q), True, "noise_splice", (x, y, w, h))


def generated_upsampled(rgb: U8, rng: np.random.Generator, *, factor: int | None = None, mode: str | None = None,
                        gain: float | None = None, quality: int | None = None,
                        lossless: bool | None = None) -> Labelled:
    """A picture "generated" at 1/``factor`` (2 or 4) of its size and upsampled as a generator's last layers do:
    ``mode`` "nearest" (pixel replication) or "transposed" (a transposed convolution: zeros inserted, then a fixed
    kernel whose taps give the output phases unequal gains — ``gain`` 0.05-0.15 less off the input grid — the
    checkerboard of Odena et al. 2016). Saved as PNG (``lossless``, half of them by default) or JPEG at
    ``quality`` 90-97. No region: the whole picture is generated."""
    f = factor if factor is not None else int(rng.choice([2, 4]))
    how = mode if mode is not None else str(rng.choice(["nearest", "transposed"]))
    h, w = rgb.shape[:2]
    low = cv2.resize(rgb, (max(8, w // f), max(8, h // f)), interpolation=cv2.INTER_AREA).astype(np.float32)
    lh, lw = low.shape[:2]
    if how == "nearest":
        up = np.repeat(np.repeat(low, f, axis=0), f, axis=1)
    elif how == "transposed":
        z = np.zeros((lh * f, lw * f, 3), np.float32)
        z[::f, ::f] = low
        taps = np.arange(2 * f - 1)
        k1 = 1.0 - np.abs(taps - (f - 1)) / f  # triangle: bilinear, equal gains at every phase
        g = gain if gain is not None else float(rng.uniform(0.05, 0.15))
        k1 = k1 * np.where(taps % f == (f - 1) % f, 1.0, 1.0 - g)  # taps off the input grid weaker
        k = np.outer(k1, k1).astype(np.float32)
        up = np.stack([cv2.filter2D(z[..., c], -1, k, borderType=cv2.BORDER_REFLECT) for c in range(3)], axis=2)
        up *= float(low.mean()) / max(1e-3, float(up.mean()))
    else:
        raise ValueError(f"unknown upsampling mode {how!r}")
    out = np.clip(up + 0.5, 0, 255).astype(np.uint8)
    lossless = lossless if lossless is not None else bool(rng.random() < 0.5)
    q = quality if quality is not None else int(rng.integers(90, 98))
    return Labelled(png(out) if lossless else jpeg(out, q), True, f"generated_{how}_{f}x")
