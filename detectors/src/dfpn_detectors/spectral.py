"""AI-generated image: the periodic trace that a generator's upsampling layers leave in the pixels.

Generators (GAN decoders, the VAE decoder of latent diffusion) render a small feature map and enlarge it 2x at a
time, with nearest-neighbour upsampling or transposed convolutions. Both leave a pattern that repeats every 2 (or
4) pixels, seen as peaks at 1/2 and 1/4 cycle per pixel in the spectrum of the image's high-pass residual:
Odena et al., "Deconvolution and checkerboard artifacts" (Distill 2016); Zhang, Karaman & Chang, "Detecting and
simulating artifacts in GAN fake images" (AutoGAN, WIFS 2019); Durall, Keuper & Keuper, "Watch your
up-convolution" (CVPR 2020); Frank et al., "Leveraging frequency analysis for deep fake image recognition"
(ICML 2020). Those bins are all that is needed, so instead of a 2-D FFT the detector folds the residual over
its 8 pixel phases (the DFT at frequencies k/8 is exactly the 8-point DFT of that folded profile):

- replication (nearest-neighbour upsampling): the absolute difference of neighbouring pixels, folded by phase
  (x mod 8, separately along x and y). Pixels copied from the same source pixel differ by (almost) nothing, so
  some phases are nearly empty: depth = (max - min) / max of the profile folded to period 2 and 4, the smaller
  of the two directions. ~0.1-0.2 for photographs and for bicubic/Lanczos enlargements, ~0.3-0.4 for a 2x
  bilinear one, 0.65-1 for replicated pixels (1.0 before any compression);
- checkerboard (transposed convolution with unequal overlap): the signed Laplacian residual averaged per phase
  (x mod 2 or 4, y mod 2 or 4); an interpolating enlargement averages to zero at every phase, a transposed
  convolution gives the phases different gains. Measured as the largest phase mean over the mean |residual|:
  < 0.2 for photographs, > 0.5 for a gain difference of a few percent.

For a JPEG the differences across its 8x8 block boundaries (and the boundary rows and columns for the
Laplacian) are left out: JPEG blocking repeats every 8 pixels and would otherwise show at 1/2 and 1/4 too.
The analysis reads at most a 1024x1024 window of original pixels (a resampled copy would destroy the pattern):
the central window, on the JPEG grid.

Score = max(ramp(replication depth: 0.4 → 0.6), ramp(checkerboard: 0.2 → 0.6)): Manipulated at >= 0.5,
"nothing found" below 0.25. Detections: ``upsampling_replication`` and/or ``upsampling_checkerboard``, whole
image (no region).

What it sees: pictures upsampled 2x or 4x by pixel replication or by a transposed convolution with a checkerboard,
saved lossless or as JPEG of quality ~90 and above.
What it cannot see: generators whose last layers smooth the pattern away (bilinear upsampling followed by
convolutions, most diffusion models' final layers), pictures resized after generation (any resampling
re-grids the pattern), strong compression, crops that keep too little of it. A picture enlarged by pixel
replication in an editor looks the same as a generator's nearest-neighbour layer (scikit-image's ``moon``
photograph is one: every 2x2 block of it is equal) and is reported; ordinary bicubic, bilinear or Lanczos
enlargements are not.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import cv2
import numpy as np
import numpy.typing as npt

from dfpn_detectors.base import Analysis, Detection, Evidence, GuardedDetector, Media, Modality, decide
from dfpn_detectors.media import MediaLimits, decode_image, load_luma_jpeg_window, window

logger = logging.getLogger(__name__)

F32 = npt.NDArray[np.float32]
F64 = npt.NDArray[np.float64]

#: Analysed window of original pixels (a 1024x1024 centre).
WINDOW_PIXELS = 1024 * 1024
MIN_SIDE = 64
LAPLACIAN = np.array([[0, 0.25, 0], [0.25, -1, 0.25], [0, 0.25, 0]], np.float32)
#: Score ramps (value giving 0, value giving 1).
REPLICATION = (0.4, 0.6)
CHECKERBOARD = (0.2, 0.6)


def _ramp(v: float, lo: float, hi: float) -> float:
    return float(np.clip((v - lo) / (hi - lo), 0.0, 1.0))


@dataclass(frozen=True)
class UpsamplingTrace:
    """``replication[P]``: depth of the period-P profile of neighbour differences (the smaller of x and y);
    ``checkerboard[P]``: largest per-phase mean of the Laplacian residual over its mean magnitude."""

    replication: dict[int, float]
    checkerboard: dict[int, float]

    @property
    def score(self) -> float:
        return max(_ramp(max(self.replication.values()), *REPLICATION),
                   _ramp(max(self.checkerboard.values()), *CHECKERBOARD))

    def describe(self) -> str:
        rep = ", ".join(f"{v:.2f} (period {p})" for p, v in self.replication.items())
        chk = ", ".join(f"{v:.2f} (period {p})" for p, v in self.checkerboard.items())
        return f"replication depth {rep}; checkerboard {chk}"


def _fold8(sums: F64) -> F64:
    """A 1-D array of per-position sums → sums per position mod 8."""
    n = len(sums) // 8 * 8
    return np.asarray(sums[:n].reshape(-1, 8).sum(axis=0), np.float64)


def upsampling_trace(y: F32, *, jpeg: bool) -> UpsamplingTrace:
    """The replication and checkerboard measures of a luminance plane whose origin is on its JPEG grid."""
    replication: dict[int, float] = {}
    depth: dict[int, list[float]] = {2: [], 4: []}
    for axis in (0, 1):
        d = np.abs(np.diff(y, axis=axis))
        # differences between pixel i and i + 1, summed per i mod 8 (over the other axis too)
        per = _fold8(d.sum(axis=1 - axis, dtype=np.float64))
        count = _fold8(np.full(d.shape[axis], d.shape[1 - axis], np.float64))
        for period in (2, 4):
            means = []
            for p in range(period):
                idx = [i for i in range(8) if i % period == p and not (jpeg and i == 7)]
                means.append(per[idx].sum() / max(1.0, count[idx].sum()))
            top = max(means)
            depth[period].append((top - min(means)) / top if top > 1e-6 else 0.0)
    for period, ds in depth.items():
        replication[period] = float(min(ds))
    lap = cv2.filter2D(y, cv2.CV_32F, LAPLACIAN, borderType=cv2.BORDER_REFLECT)
    h, w = lap.shape[0] // 8 * 8, lap.shape[1] // 8 * 8
    lap = lap[:h, :w]
    phase = lap.reshape(h // 8, 8, w).sum(axis=0, dtype=np.float64).reshape(8, w // 8, 8).sum(axis=1)
    phase /= (h // 8) * (w // 8)
    magnitude = float(np.abs(lap).mean()) + 1e-6
    use = np.ones(8, bool)
    if jpeg:
        use[[0, 7]] = False  # block boundary rows and columns
    checkerboard: dict[int, float] = {}
    for period in (2, 4):
        acc = np.zeros((period, period))
        n = np.zeros((period, period))
        for i in range(8):
            for j in range(8):
                if use[i] and use[j]:
                    acc[i % period, j % period] += phase[i, j]
                    n[i % period, j % period] += 1
        avg = acc / np.maximum(n, 1)
        checkerboard[period] = float(np.abs(avg - avg.mean()).max() / magnitude)
    return UpsamplingTrace(replication=replication, checkerboard=checkerboard)


class SpectralUpsamplingDetector(GuardedDetector):
    """AI-generated image: periodic upsampling traces (pixel replication, transposed-convolution checkerboard)."""

    model_id = "spectral-upsampling"
    modalities = frozenset({Modality.AI_GENERATED_IMAGE})
    media_kinds = frozenset({"image"})
    evidence = Evidence.FORENSIC

    def __init__(self, config: Mapping[str, Any] | None = None) -> None:
        config = config or {}
        self.limits = MediaLimits.from_config(config)
        self.manipulated_at = float(config.get("manipulated_at", 0.5))
        #: Below this score nothing was found; between it and ``manipulated_at``: a trace, not a verdict.
        self.clean_below = float(config.get("clean_below", 0.25))
        self.window_pixels = int(config.get("window_pixels", WINDOW_PIXELS))

    def _luma(self, media: Media) -> tuple[F32, bool, str]:
        """Original pixels (luminance), whether the file is a JPEG, and a note on what was read."""
        img = decode_image(media, self.limits)
        jpeg = img.format == "JPEG"
        if img.scale == 1:
            grey = cv2.cvtColor(np.ascontiguousarray(img.rgb), cv2.COLOR_RGB2GRAY)
            note = ""
        elif img.top is not None:
            grey = cv2.cvtColor(np.ascontiguousarray(img.top), cv2.COLOR_RGB2GRAY)
            note = f"; {img.width}x{img.height}: its top {grey.shape[0]} rows read"
        else:  # a large JPEG is decoded reduced: read a window of its original luminance instead
            win = load_luma_jpeg_window(media, self.limits, self.window_pixels)
            grey = win.luma
            note = f"; {win.width}x{win.height}: a {grey.shape[1]}x{grey.shape[0]} window at ({win.x},{win.y}) read"
        x, y, w, h = window((grey.shape[1], grey.shape[0]), self.window_pixels)
        if (w, h) != (grey.shape[1], grey.shape[0]):
            grey = grey[y:y + h, x:x + w]
            note += f"; central {w}x{h} analysed"
        return np.asarray(grey, np.float32), jpeg, note

    def _analyze(self, media: Media) -> Analysis:
        y, jpeg, note = self._luma(media)
        h, w = y.shape
        if min(h, w) < MIN_SIDE:
            return Analysis.inconclusive(self.model_id, f"{w}x{h}: too small to look for upsampling traces{note}")
        trace = upsampling_trace(y, jpeg=jpeg)
        score = trace.score
        rep = _ramp(max(trace.replication.values()), *REPLICATION)
        chk = _ramp(max(trace.checkerboard.values()), *CHECKERBOARD)
        detections = []
        if rep >= self.clean_below:
            detections.append(Detection(type="upsampling_replication", confidence=round(rep, 4)))
        if chk >= self.clean_below:
            detections.append(Detection(type="upsampling_checkerboard", confidence=round(chk, 4)))
        if score >= self.manipulated_at:
            what = " and ".join(k for k, v in (("pixel replication", rep), ("a transposed-convolution checkerboard",
                                                                            chk)) if v >= self.manipulated_at)
            verdict = f"upsampled by {what}, as a generator's layers do"
        elif score >= self.clean_below:
            verdict = "a weak periodic trace"
        else:
            verdict = "no upsampling trace"
        return decide(self.model_id, score, manipulated_at=self.manipulated_at, clean_below=self.clean_below,
                      detections=detections, notes=f"{verdict}: {trace.describe()}{note}")
