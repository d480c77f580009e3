"""Face manipulation: BlazeFace finds faces, then the face is compared with the picture around it.

A swapped or re-generated face is rendered by a network at low resolution (64-256 px), scaled to fit, smoothed
and blended in, so its sensor noise and finest detail no longer match the rest of the photograph. Two
statistics are measured inside the face (an ellipse inside the detector's box) and in a ring of background
around it, on the luminance plane:
- noise: robust standard deviation (MAD) of the residual against the mean of the 8 neighbours, over the
  flatter half of the pixels;
- fine detail: energy of the finest scale (image minus a Gaussian of sigma 1) relative to the next scale.
The score grows as the face gets cleaner and softer than its surroundings.

What it can see: pasted faces whose noise and detail differ from the rest of the image (classic face swaps,
generated faces blended into a real photo), when the face is at least ~64 px wide.
What it cannot see: fully generated images (face and background share the same statistics), faces re-rendered
together with their surroundings, manipulations of expression that keep the camera's noise, heavy global
compression or resizing afterwards (which erases both statistics), faces BlazeFace misses (profiles, small or
occluded faces). No face → Inconclusive. A consistent face is not proof of authenticity, so this detector never
answers Authentic.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import cv2
import numpy as np
import numpy.typing as npt

from dfpn_detectors.base import Analysis, Detection, GuardedDetector, Media, Modality, Region, decide
from dfpn_detectors.faces import Face, FaceFinder, ModelUnavailableError
from dfpn_detectors.media import MediaLimits, decode_image

logger = logging.getLogger(__name__)

MIN_FACE = 48
#: Below this score a face is consistent with its surroundings (nothing found); between it and the Manipulated
#: threshold the detector saw a trace it cannot decide on.
CLEAN_BELOW = 0.5


@dataclass(frozen=True)
class FaceStats:
    face: Face
    noise_face: float
    noise_bg: float
    detail_face: float
    detail_bg: float
    score: float
    #: The ellipse's bounding box (x, y, w, h).
    region: tuple[int, int, int, int]


def _masks(shape: tuple[int, int], box: tuple[int, int, int, int]) -> tuple[npt.NDArray[np.bool_], ...]:
    h, w = shape
    x, y, bw, bh = box
    cx, cy = x + bw / 2, y + bh / 2
    face = np.zeros((h, w), np.uint8)
    cv2.ellipse(face, (round(cx), round(cy)), (max(1, round(bw * 0.36)), max(1, round(bh * 0.46))), 0, 0, 360, 1, -1)
    outer = np.zeros((h, w), np.uint8)
    cv2.rectangle(outer, (round(cx - bw * 1.3), round(cy - bh * 1.3)), (round(cx + bw * 1.3), round(cy + bh * 1.3)),
                  1, -1)
    inner = np.zeros((h, w), np.uint8)
    cv2.rectangle(inner, (round(cx - bw * 0.75), round(cy - bh * 0.75)),
                  (round(cx + bw * 0.75), round(cy + bh * 0.75)), 1, -1)
    return face.astype(bool), (outer > 0) & (inner == 0)


def _noise(residual: npt.NDArray[np.float32], grad: npt.NDArray[np.float32], mask: npt.NDArray[np.bool_]) -> float:
    g = grad[mask]
    if g.size < 64:
        return float("nan")
    flat = mask & (grad <= np.median(g))
    r = residual[flat]
    return float(1.4826 * np.median(np.abs(r - np.median(r))))


def face_stats(rgb: npt.NDArray[np.uint8], face: Face) -> FaceStats | None:
    """The face-vs-background statistics of one face, or None when the face is too small or at the border."""
    x, y, bw, bh = face.box
    if bw < MIN_FACE or bh < MIN_FACE:
        return None
    h, w = rgb.shape[:2]
    # work on a crop around the face (fast on large images)
    x0, y0 = max(0, int(x - 1.5 * bw)), max(0, int(y - 1.5 * bh))
    x1, y1 = min(w, int(x + 2.5 * bw)), min(h, int(y + 2.5 * bh))
    crop = rgb[y0:y1, x0:x1]
    luma = np.asarray(cv2.cvtColor(np.ascontiguousarray(crop), cv2.COLOR_RGB2GRAY), dtype=np.uint8)
    yf = luma.astype(np.float32)
    # residual against the mean of the 8 neighbours (continuous, unlike a median of integers)
    ring = np.ones((3, 3), np.float32) / 8.0
    ring[1, 1] = 0.0
    residual = yf - cv2.filter2D(yf, cv2.CV_32F, ring, borderType=cv2.BORDER_REFLECT)
    smooth = cv2.GaussianBlur(yf, (0, 0), 1.0)
    grad = np.asarray(cv2.magnitude(cv2.Sobel(smooth, cv2.CV_32F, 1, 0), cv2.Sobel(smooth, cv2.CV_32F, 0, 1)),
                      dtype=np.float32)
    fine = np.abs(yf - smooth)
    mid = np.abs(smooth - cv2.GaussianBlur(yf, (0, 0), 2.5))
    fmask, bmask = _masks(luma.shape, (x - x0, y - y0, bw, bh))
    if fmask.sum() < 256 or bmask.sum() < 256:
        return None
    nf, nb = _noise(residual, grad, fmask), _noise(residual, grad, bmask)
    df = float(fine[fmask].mean() / (mid[fmask].mean() + 1e-3))
    db = float(fine[bmask].mean() / (mid[bmask].mean() + 1e-3))
    if not all(math.isfinite(v) for v in (nf, nb, df, db)):
        return None
    d_noise = math.log((nf + 0.25) / (nb + 0.25))
    d_detail = math.log((df + 0.02) / (db + 0.02))
    z = -(1.6 * d_noise + 2.0 * d_detail) - 0.9
    score = 1.0 / (1.0 + math.exp(-3.0 * z))
    cx, cy = x + bw / 2, y + bh / 2
    region = (max(0, round(cx - bw * 0.36)), max(0, round(cy - bh * 0.46)), round(bw * 0.72), round(bh * 0.92))
    return FaceStats(face, nf, nb, df, db, score, region)


class FaceConsistencyDetector(GuardedDetector):
    """Face manipulation: BlazeFace + face-vs-background noise and detail consistency."""

    model_id = "blazeface-consistency"
    modalities = frozenset({Modality.FACE_MANIPULATION})
    media_kinds = frozenset({"image"})

    def __init__(self, config: Mapping[str, Any] | None = None) -> None:
        config = config or {}
        self.limits = MediaLimits.from_config(config)
        self.manipulated_at = float(config.get("manipulated_at", 0.8))
        self.max_side = int(config.get("max_side", 1600))
        try:
            self.finder: FaceFinder | None = (FaceFinder(config["model_path"]) if config.get("model_path")
                                              else FaceFinder.shared())
            self.unavailable = ""
        except ModelUnavailableError as exc:
            logger.warning("blazeface-consistency: %s", exc)
            self.finder, self.unavailable = None, str(exc)

    def _analyze(self, media: Media) -> Analysis:
        if self.finder is None:
            return Analysis.inconclusive(self.model_id, f"face model unavailable: {self.unavailable}",
                                         [Detection(type="model_unavailable", confidence=1.0)])
        img = decode_image(media, self.limits)
        rgb = img.rgb
        scale = 1.0
        if max(rgb.shape[:2]) > self.max_side:
            scale = self.max_side / max(rgb.shape[:2])
            rgb = np.asarray(cv2.resize(rgb, (round(rgb.shape[1] * scale), round(rgb.shape[0] * scale)),
                                        interpolation=cv2.INTER_AREA), dtype=np.uint8)
        result = judge_faces(self.model_id, rgb, self.finder, self.manipulated_at, img.scale / scale)
        if img.describe():
            result = result.model_copy(update={"notes": "; ".join(n for n in (result.notes, img.describe()) if n)})
        return result


def judge_faces(model_id: str, rgb: npt.NDArray[np.uint8], finder: FaceFinder, manipulated_at: float,
                to_original: float = 1.0) -> Analysis:
    faces = finder.find(rgb)
    if not faces:
        return Analysis.nothing_found(model_id, "no face found")
    stats = [s for f in faces[:3] if (s := face_stats(rgb, f)) is not None]
    if not stats:
        return Analysis.nothing_found(model_id, f"{len(faces)} face(s), none large enough (>= {MIN_FACE} px)")
    detections = []
    for s in stats:
        x, y, w, h = (round(v * to_original) for v in s.region)
        detections.append(Detection(type="face_inconsistency", region=Region(x=x, y=y, w=w, h=h),
                                    confidence=round(s.score, 4)))
    worst = max(stats, key=lambda s: s.score)
    notes = "; ".join(
        f"face {s.face.box} (p={s.face.score:.2f}): noise {s.noise_face:.2f} vs {s.noise_bg:.2f} around, "
        f"detail {s.detail_face:.2f} vs {s.detail_bg:.2f}, score {s.score:.2f}" for s in stats)
    return decide(model_id, worst.score, manipulated_at=manipulated_at, clean_below=CLEAN_BELOW,
                  detections=detections, notes=notes)
