"""Synthetic media and small test detectors/backends."""

from __future__ import annotations

import asyncio
import io
import wave
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import numpy.typing as npt
from dfpn_detectors import Analysis, Detection, Detector, Media, Modality, Verdict
from PIL import Image

from dfpn_realtime import AlertEvent, AnalysisBackend, Monitor, Sample, SampleResult
from dfpn_realtime.clock import FakeClock

U8 = npt.NDArray[np.uint8]
F32 = npt.NDArray[np.float32]

RED = (220, 30, 30)
SKIN = (180, 140, 120)


def frame(color: tuple[int, int, int] = SKIN, w: int = 64, h: int = 48, noise: int = 6, seed: int = 0) -> U8:
    """A flat-coloured RGB frame with a little noise (a stand-in for a camera frame)."""
    rng = np.random.default_rng(seed)
    base = np.empty((h, w, 3), dtype=np.int16)
    base[:] = color
    base += rng.integers(-noise, noise + 1, size=base.shape, dtype=np.int16)
    return np.clip(base, 0, 255).astype(np.uint8)


class MarkerDetector(Detector):
    """ "Manipulated" when a frame is mostly red (the test's marker for a deepfake), else Authentic."""

    model_id = "test-marker"
    modalities = frozenset({Modality.FACE_MANIPULATION})
    media_kinds = frozenset({"image"})

    def __init__(self, delay: float = 0.0) -> None:
        self.delay = delay
        self.calls = 0

    def analyze(self, media: Media) -> Analysis:
        import time

        self.calls += 1
        if self.delay:
            time.sleep(self.delay)
        try:
            rgb = np.asarray(Image.open(io.BytesIO(media.data)).convert("RGB"), dtype=np.float32)
        except Exception as e:
            return Analysis.inconclusive(
                self.model_id, str(e), [Detection(type="corrupt_media", confidence=1.0)]
            )
        r, g, b = (float(rgb[..., i].mean()) for i in range(3))
        if r > g + 80 and r > b + 80:
            return Analysis(
                model_id=self.model_id,
                verdict=Verdict.MANIPULATED,
                confidence=90,
                detections=(Detection(type="face_swap", confidence=0.9),),
            )
        return Analysis(model_id=self.model_id, verdict=Verdict.AUTHENTIC, confidence=80)


class ScriptedBackend(AnalysisBackend):
    """Scores chosen by the test: a function of the sample, recorded with every sample it saw."""

    name = "scripted"

    def __init__(self, score: Callable[[Sample], float | None] = lambda s: 0.1, delay: float = 0.0) -> None:
        self.score = score
        self.delay = delay
        self.samples: list[Sample] = []
        self.gate: asyncio.Event | None = None

    async def analyze(self, sample: Sample) -> SampleResult:
        self.samples.append(sample)
        if self.gate is not None:
            await self.gate.wait()
        if self.delay:
            await asyncio.sleep(self.delay)
        s = self.score(sample)
        verdict = (
            Verdict.INCONCLUSIVE if s is None else (Verdict.MANIPULATED if s >= 0.5 else Verdict.AUTHENTIC)
        )
        return SampleResult(score=s, verdict=verdict, confidence=0, latency_ms=0.0, backend=self.name)


def red_if_manipulated(sample: Sample) -> float:
    rgb = np.asarray(Image.open(io.BytesIO(sample.data)).convert("RGB"), dtype=np.float32)
    return 0.95 if rgb[..., 0].mean() > rgb[..., 1].mean() + 80 else 0.05


def voiced(seconds: float, rate: int = 16_000, f0: float = 140.0, level: float = 0.3, seed: int = 0) -> F32:
    """Speech-like audio: a harmonic series on a slowly varying pitch, amplitude-modulated at syllable rate."""
    rng = np.random.default_rng(seed)
    t = np.arange(int(seconds * rate)) / rate
    pitch = f0 * (1 + 0.05 * np.sin(2 * np.pi * 0.7 * t))
    phase = 2 * np.pi * np.cumsum(pitch) / rate
    sig = sum(np.sin(k * phase) / k for k in range(1, 8))
    envelope = 0.55 + 0.45 * np.sin(2 * np.pi * 4 * t)
    out = level * envelope * sig / 2.0 + rng.normal(0, 0.002, len(t))
    return np.asarray(out, dtype=np.float32)


def silence(seconds: float, rate: int = 16_000, level: float = 0.0003, seed: int = 1) -> F32:
    rng = np.random.default_rng(seed)
    return np.asarray(rng.normal(0, level, int(seconds * rate)), dtype=np.float32)


def white_noise(seconds: float, rate: int = 16_000, level: float = 0.2, seed: int = 2) -> F32:
    rng = np.random.default_rng(seed)
    return np.asarray(rng.normal(0, level, int(seconds * rate)), dtype=np.float32)


def to_int16(x: F32) -> bytes:
    return (np.clip(x, -1, 1) * 32767).astype("<i2").tobytes()


def wav_samples(data: bytes) -> tuple[int, npt.NDArray[np.int16]]:
    with wave.open(io.BytesIO(data)) as w:
        return w.getframerate(), np.frombuffer(w.readframes(w.getnframes()), dtype="<i2")


async def feed_frames(
    monitor: Monitor,
    clock: FakeClock,
    seconds: float,
    *,
    fps: float = 30.0,
    participant: str = "alice",
    track: str = "camera",
    make: Callable[[float], U8] | None = None,
    drain: bool = True,
) -> list[float]:
    """Feed `seconds` of frames at `fps` on the fake clock; after each sampled frame, let the analysis finish
    (analysis is instantaneous on the fake clock). Returns the fake times of the sampled frames."""
    taken: list[float] = []
    n = round(seconds * fps)
    for _ in range(n):
        now = clock.monotonic()
        pixels = make(now) if make else frame()
        if monitor.feed_video(participant, track, pixels):
            taken.append(now)
            if drain:
                await monitor.drain()
        clock.advance(1.0 / fps)
    return taken


def levels(events: Sequence[Any]) -> list[str]:
    return [str(e.level) for e in events if isinstance(e, AlertEvent)]


def face_photo() -> U8 | None:
    """Grace Hopper's portrait, shipped in matplotlib's wheel (mpl-data/sample_data); None without matplotlib."""
    from importlib.metadata import PackageNotFoundError, distribution

    try:
        path = distribution("matplotlib").locate_file("matplotlib/mpl-data/sample_data/grace_hopper.jpg")
    except PackageNotFoundError:
        return None
    try:
        with Image.open(str(path)) as im:
            return np.asarray(im.convert("RGB"), dtype=np.uint8)
    except OSError:
        return None


#: The face in `face_photo()` (x, y, w, h), as BlazeFace finds it.
HOPPER_FACE = (173, 144, 195, 195)


def camera_noise(rgb: U8, seed: int, sigma: float = 3.0) -> U8:
    """Sensor-like noise over the whole frame."""
    rng = np.random.default_rng(seed)
    noisy = (
        rgb.astype(np.float32)
        + rng.normal(0, sigma, rgb.shape[:2])[..., None]
        + rng.normal(0, sigma / 2, rgb.shape)
    )
    return np.clip(noisy + 0.5, 0, 255).astype(np.uint8)


def swapped_face(rgb: U8, box: tuple[int, int, int, int] = HOPPER_FACE, res: int = 96) -> U8:
    """A simulated face swap: the face rendered at a generator's low resolution (`res` px), scaled back up and
    blended in with a feathered ellipse, so it lacks the camera noise and fine detail around it."""
    from PIL import ImageDraw, ImageFilter

    x, y, w, h = box
    pad = w // 4
    x0, y0, x1, y1 = (
        max(0, x - pad),
        max(0, y - pad),
        min(rgb.shape[1], x + w + pad),
        min(rgb.shape[0], y + h + pad),
    )
    crop = Image.fromarray(rgb[y0:y1, x0:x1])
    face = crop.resize((res, res), Image.Resampling.BOX).filter(ImageFilter.SMOOTH_MORE)
    face = face.resize(crop.size, Image.Resampling.BICUBIC)
    mask = Image.new("L", (rgb.shape[1], rgb.shape[0]), 0)
    cx, cy, ew, eh = x + w / 2, y + h / 2, w * 0.5, h * 0.62
    ImageDraw.Draw(mask).ellipse((cx - ew, cy - eh, cx + ew, cy + eh), fill=255)
    mask = mask.filter(ImageFilter.GaussianBlur(max(1.0, w * 0.04)))
    m = (np.asarray(mask, dtype=np.float32) / 255.0)[y0:y1, x0:x1, None]
    out = rgb.astype(np.float32).copy()
    out[y0:y1, x0:x1] = out[y0:y1, x0:x1] * (1 - m) + np.asarray(face, dtype=np.float32) * m
    return np.clip(out + 0.5, 0, 255).astype(np.uint8)
