"""Image authenticity, supporting signal only: error-level analysis (ELA).

Re-save the luminance as JPEG at quality 90 and look at how much each 16x16 block changes. A region whose error
level stands out from the rest of the picture (robust z-score) is reported with its box. ELA reacts to texture,
edges, colour and earlier compressions as much as to edits, so it never decides: the verdict is always
Inconclusive and the detection (type ``ela_anomaly``) is there to support other detectors' findings.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

import cv2
import numpy as np

from dfpn_detectors.base import Analysis, Detection, Evidence, GuardedDetector, Media, Modality, Region
from dfpn_detectors.media import MediaLimits, decode_image

logger = logging.getLogger(__name__)

BLOCK = 16


def ela_map(rgb: np.ndarray[Any, np.dtype[np.uint8]], quality: int = 90) -> np.ndarray[Any, np.dtype[np.float32]]:
    """Mean absolute difference per 16x16 block between the luminance and its JPEG re-save."""
    luma = cv2.cvtColor(np.ascontiguousarray(rgb), cv2.COLOR_RGB2GRAY)
    ok, buf = cv2.imencode(".jpg", luma, [cv2.IMWRITE_JPEG_QUALITY, quality])
    if not ok:
        raise RuntimeError("OpenCV could not encode a JPEG")
    again = cv2.imdecode(buf, cv2.IMREAD_GRAYSCALE)
    if again is None:
        raise RuntimeError("OpenCV could not decode its own JPEG")
    diff = cv2.absdiff(luma, again).astype(np.float32)
    h, w = diff.shape[0] // BLOCK * BLOCK, diff.shape[1] // BLOCK * BLOCK
    return np.asarray(diff[:h, :w].reshape(h // BLOCK, BLOCK, w // BLOCK, BLOCK).mean(axis=(1, 3)), np.float32)


class ElaDetector(GuardedDetector):
    """Error-level analysis: a supporting signal, never a verdict."""

    model_id = "ela"
    modalities = frozenset({Modality.IMAGE_AUTHENTICITY})
    media_kinds = frozenset({"image"})
    evidence = Evidence.SUPPORTING

    def __init__(self, config: Mapping[str, Any] | None = None) -> None:
        config = config or {}
        self.limits = MediaLimits.from_config(config)
        self.quality = int(config.get("quality", 90))

    def _analyze(self, media: Media) -> Analysis:
        img = decode_image(media, self.limits)
        m = ela_map(img.rgb, self.quality)
        if m.size < 16:
            return Analysis.inconclusive(self.model_id, "image too small for ELA")
        med = float(np.median(m))
        mad = float(np.median(np.abs(m - med))) * 1.4826 + 0.25
        z = (m - med) / mad
        mask = (cv2.blur(z, (3, 3)) > 2.5).astype(np.uint8)
        n, labels, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
        if n <= 1:
            return Analysis.inconclusive(self.model_id, f"uniform error level (median {med:.2f})",
                                         [Detection(type="ela_anomaly", confidence=0.0)])
        idx = 1 + int(np.argmax(stats[1:, cv2.CC_STAT_AREA]))
        x, y, w, h, area = (int(v) for v in stats[idx, :5])
        frac = area / m.size
        inside = float(z[labels == idx].mean())
        # a compact region standing out; a large one is the picture's own texture
        score = float(np.clip(inside / 10.0, 0.0, 1.0) * (1.0 if frac < 0.4 else 0.3))
        k = img.scale  # regions in the original's pixels
        region = Region(x=x * BLOCK * k, y=y * BLOCK * k, w=w * BLOCK * k, h=h * BLOCK * k)
        reduced = f"; {img.describe()}" if img.describe() else ""
        return Analysis.inconclusive(
            self.model_id,
            f"error level stands out in {region.w}x{region.h} at ({region.x},{region.y}): z {inside:.1f}, "
            f"{100 * frac:.0f}% of the image (supporting signal only){reduced}",
            [Detection(type="ela_anomaly", region=region, confidence=round(score, 4))],
        )
