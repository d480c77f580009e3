"""Image authenticity: copy-move forgery — a region cloned elsewhere in the same image — by keypoint matching.

A clone stamp or a copied-and-pasted object repeats the same pixels in two places of one picture. Nothing else in
the file changes (same camera, same compression, same noise), so JPEG-ghost, noise or metadata analyses see
nothing; what gives it away is the repetition itself. The method follows the keypoint approach of Amerini et al.,
"A SIFT-based forensic method for copy-move attack detection and transformation recovery" (IEEE TIFS 2011):
match local features of the image against themselves, keep the distinctive matches (generalised 2-nearest-
neighbour test), find groups of matches that agree on one geometric transformation (RANSAC), and verify; with
ORB (Rublee et al., ICCV 2011) instead of SIFT for speed, and a dense verification step as in Li et al.,
"Segmentation-based image copy-move forgery detection" (IEEE TIFS 2015):

1. the luminance at an analysis size (longer side 640: larger images are reduced, smaller ones enlarged up to
   twice so that ORB's 31-pixel patches stay local to small clones); up to 1500 ORB keypoints on three scales,
   spread over the image (the strongest per 24-pixel cell first, so a clone in a weakly textured area still gets
   keypoints);
2. the 6 nearest descriptors of every keypoint (Hamming distance; 1500 x 1500 distances, bounded); a match is
   kept when its partner is at least 4 % of the image away, the distance is at most 64 bits and the next
   candidate is clearly worse (ratio 0.7);
3. up to three similarity transforms (rotation, uniform scale, translation) fitted by RANSAC to the matches in
   both directions, each with its inliers removed before the next;
4. dense verification of each: the image is compared with itself moved by the transformation (zero-mean
   normalised correlation over 9x9 windows, textured pixels only) around the matched keypoints; the connected
   area that correlates (>= 0.85) is the cloned region, its image under the transformation the other copy;
5. two checks against repetitions that are not clones: the two copies must not overlap (a periodic structure —
   a lattice, a brick wall — matches itself a period away), and the matched keypoints must not also match a
   third place (an ambiguous match: the same word printed twice, similar stones, stars). The evidence is the
   number of inlier matches discounted by the ambiguous share, and the verified area.

Score = min(verified area / 1 % of the image, (inliers x (1 - ambiguous share)^2 - 3) / 4): Manipulated at >= 0.5
(at least 0.5 % of the image verified and the equivalent of 5 unambiguous inliers), "nothing found" below 0.25, a
trace in between.
Detections: two of type ``copy_move`` per clone found (at most three), the two copies' boxes (which one is the
original cannot be told), strongest first.

What it sees: textured regions copied within the image, moved, slightly rotated or scaled (ORB is rotation
invariant; scale within ~±20 %), saved as JPEG down to quality ~80 or lossless.
What it cannot see: clones of flat or weakly textured areas (sky over sky: no keypoints), clones smaller than
~40x40 pixels of the analysis size, mirrored copies (ORB is not mirror invariant), copies blurred or re-noised
after pasting, clones inside periodic or repetitive content (checked away as ambiguous), a region copied from
another image (a splice: the other detectors' job). Natural repetitions that are exact enough — a word printed
twice in the same font, or textures made seamless by cloning (scikit-image's ``grass`` and ``gravel``
photographs contain such cloned patches) — are reported like clones.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import cv2
import numpy as np
import numpy.typing as npt

from dfpn_detectors.base import (
    Analysis,
    Detection,
    Evidence,
    GuardedDetector,
    Media,
    Modality,
    Region,
    decide,
)
from dfpn_detectors.media import MediaLimits, decode_image

logger = logging.getLogger(__name__)

U8 = npt.NDArray[np.uint8]
F32 = npt.NDArray[np.float32]
F64 = npt.NDArray[np.float64]
I64 = npt.NDArray[np.int64]
Box = tuple[int, int, int, int]

#: Longer side of the analysed luminance (larger images reduced, smaller enlarged by at most ``MAX_ENLARGE``).
ANALYSIS_SIDE = 640
MAX_ENLARGE = 2.0
#: Below this many pixels on the shorter side there is no room for a clone and its copy.
MIN_SIDE = 64
#: Keypoints kept (the distance table is this squared) and the grid cell that spreads them, analysis pixels.
MAX_KEYPOINTS = 1500
GRID = 24
#: FAST corner threshold (grey levels): low, so that weakly textured areas get keypoints too.
FAST = 7
#: Matching: nearest neighbours per keypoint, Hamming ceiling, 2NN ratio, least distance between the copies.
NEIGHBOURS = 6
MAX_HAMMING = 64
RATIO = 0.7
MIN_SHIFT = 0.04
#: RANSAC reprojection threshold (analysis pixels) and the number of transformations tried.
RANSAC_PX = 4.0
HYPOTHESES = 3
#: Dense verification: window, correlation threshold, least local standard deviation (grey levels).
WINDOW = 9
MIN_CORRELATION = 0.85
MIN_STD = 3.0
#: Overlap of the two copies (share of the smaller box) above which the match is a periodic structure.
MAX_OVERLAP = 0.2
#: A matched keypoint is ambiguous when a third place is within this of its partner's distance (a * d + b bits).
AMBIGUITY = (1.3, 8.0)
#: Verified area (share of the analysed image) that gives a full area score.
FULL_AREA = 0.01


@dataclass(frozen=True)
class Clone:
    """One verified transformation: ``source`` and ``target`` boxes (x, y, w, h) in analysis pixels."""

    score: float
    source: Box
    target: Box
    inliers: int
    ambiguous: float
    area: float
    scale: float
    angle: float
    overlap: float

    def describe(self) -> str:
        return (f"{self.inliers} matches ({100 * self.ambiguous:.0f}% ambiguous), {100 * self.area:.1f}% of the "
                f"image verified, scale {self.scale:.2f}, rotation {self.angle:.0f} deg")


def analysis_grey(rgb: U8, side: int = ANALYSIS_SIDE) -> tuple[U8, float]:
    """The luminance at the analysis size and the factor from its pixels to ``rgb``'s."""
    grey = cv2.cvtColor(np.ascontiguousarray(rgb), cv2.COLOR_RGB2GRAY)
    h, w = grey.shape
    longer = max(h, w)
    if longer > side:
        f = longer / side
        interp = cv2.INTER_AREA
    elif longer < side:
        f = max(longer / side, 1.0 / MAX_ENLARGE)
        interp = cv2.INTER_LINEAR
    else:
        return np.ascontiguousarray(grey), 1.0
    out = cv2.resize(grey, (max(1, round(w / f)), max(1, round(h / f))), interpolation=interp)
    return np.asarray(out, np.uint8), w / out.shape[1]


def keypoints(grey: U8, n: int = MAX_KEYPOINTS, grid: int | None = None) -> tuple[F32, U8]:
    """ORB keypoints (x, y) and their 32-byte descriptors, at most ``n``, the strongest per ``grid`` cell first."""
    orb = cv2.ORB.create(nfeatures=2 * n, scaleFactor=1.2, nlevels=3, edgeThreshold=15, patchSize=31,
                         fastThreshold=FAST)
    found = orb.detect(grey, None)
    grid = grid or GRID
    if len(found) > n:
        resp = np.array([k.response for k in found], np.float32)
        xy = np.array([k.pt for k in found], np.float32)
        cell = (xy[:, 1] // grid).astype(np.int64) * 100_000 + (xy[:, 0] // grid).astype(np.int64)
        order = np.lexsort((-resp, cell))  # by cell, strongest first
        cells = cell[order]
        starts = np.r_[0, np.flatnonzero(np.diff(cells)) + 1]
        rank = np.arange(len(cells)) - np.repeat(starts, np.diff(np.r_[starts, len(cells)]))
        keep = order[np.lexsort((-resp[order], rank))][:n]  # every cell's best, then every cell's second, ...
        found = [found[int(i)] for i in keep]
    kps, des = orb.compute(grey, found)
    if des is None or len(kps) == 0:
        return np.zeros((0, 2), np.float32), np.zeros((0, 32), np.uint8)
    return np.array([k.pt for k in kps], np.float32), np.asarray(des, np.uint8)


def match(pts: F32, des: U8, min_shift: float) -> tuple[I64, npt.NDArray[np.int32], npt.NDArray[np.int32]]:
    """Distinctive matches of the descriptors against themselves: (pairs (m, 2) with i < j, the k-NN distances
    and indices of every keypoint)."""
    n = len(des)
    k = min(NEIGHBOURS, n)
    dist, idx = cv2.batchDistance(des, des, cv2.CV_32S, normType=cv2.NORM_HAMMING, K=k, update=0,
                                  crosscheck=False)
    dist, idx = np.asarray(dist, np.int32), np.asarray(idx, np.int32)
    far = np.linalg.norm(pts[np.maximum(idx, 0)] - pts[:, None, :], axis=2) >= min_shift
    d = np.where(idx != np.arange(n)[:, None], dist, np.iinfo(np.int32).max)
    order = np.argsort(d, axis=1, kind="stable")
    d = np.take_along_axis(d, order, 1)
    nn = np.take_along_axis(idx, order, 1)
    ok = np.take_along_axis(far & (idx >= 0), order, 1)
    second = d[:, 1] if k > 2 else np.full(n, np.iinfo(np.int32).max)
    good = ok[:, 0] & (d[:, 0] <= MAX_HAMMING) & (d[:, 0] < RATIO * second)
    i = np.flatnonzero(good)
    j = nn[good, 0].astype(np.int64)
    pairs = np.unique(np.stack([np.minimum(i, j), np.maximum(i, j)], axis=1), axis=0)
    return pairs.astype(np.int64), np.asarray(dist, np.int32), np.asarray(idx, np.int32)


def ambiguity(pairs: I64, pts: F32, dist: npt.NDArray[np.int32], idx: npt.NDArray[np.int32],
              min_shift: float) -> float:
    """Share of matched pairs one of whose keypoints also resembles a third place (far from both) about as much
    as its partner: repeated content rather than one copy."""
    if len(pairs) == 0:
        return 0.0
    u = np.concatenate([pairs[:, 0], pairs[:, 1]])
    v = np.concatenate([pairs[:, 1], pairs[:, 0]])
    rows, rd = idx[u], dist[u].astype(np.float32)
    has = rows == v[:, None]
    partner = np.where(has.any(axis=1), np.where(has, rd, np.inf).min(axis=1), np.nan)
    p = pts[np.maximum(rows, 0)]
    third = ((np.linalg.norm(p - pts[u][:, None, :], axis=2) >= min_shift)
             & (np.linalg.norm(p - pts[v][:, None, :], axis=2) >= min_shift) & (rows >= 0))
    a, b = AMBIGUITY
    with np.errstate(invalid="ignore"):
        amb = np.any(third & (rd <= a * partner[:, None] + b), axis=1)
    m = len(pairs)
    return float(np.mean(amb[:m] | amb[m:]))


def verify(g: F32, m: F64, src: F32) -> tuple[npt.NDArray[np.bool_], tuple[int, int]] | None:
    """Pixels around the source keypoints whose neighbourhood correlates with its image under ``m`` (source →
    target), as a mask over a window, and the window's origin."""
    gh, gw = g.shape
    x0, y0 = src.min(axis=0)
    x1, y1 = src.max(axis=0)
    pad = 0.75 * max(x1 - x0, y1 - y0) + 12
    wx0, wy0 = int(max(0, x0 - pad)), int(max(0, y0 - pad))
    wx1, wy1 = int(min(gw, x1 + pad + 1)), int(min(gh, y1 + pad + 1))
    if wx1 - wx0 < WINDOW or wy1 - wy0 < WINDOW:
        return None
    t = m.astype(np.float64).copy()
    t[:, 2] += t[:, 0] * wx0 + t[:, 1] * wy0
    moved = cv2.warpAffine(g, t, (wx1 - wx0, wy1 - wy0), flags=cv2.INTER_LINEAR | cv2.WARP_INVERSE_MAP,
                           borderMode=cv2.BORDER_REFLECT)
    a = cv2.GaussianBlur(g[wy0:wy1, wx0:wx1], (0, 0), 1.0)
    b = cv2.GaussianBlur(moved, (0, 0), 1.0)
    k = (WINDOW, WINDOW)
    ma, mb = cv2.blur(a, k), cv2.blur(b, k)
    va = np.maximum(cv2.blur(a * a, k) - ma * ma, 0)
    vb = np.maximum(cv2.blur(b * b, k) - mb * mb, 0)
    cov = cv2.blur(a * b, k) - ma * mb
    sa, sb = np.sqrt(va), np.sqrt(vb)
    mask = (cov >= MIN_CORRELATION * (sa * sb + 1e-3)) & (sa >= MIN_STD) & (sb >= MIN_STD)
    return mask, (wx0, wy0)


def _score(area: float, inliers: int, ambiguous: float, full_area: float) -> float:
    unambiguous = inliers * (1.0 - ambiguous) ** 2
    return float(min(np.clip(area / full_area, 0, 1), np.clip((unambiguous - 3.0) / 4.0, 0, 1)))


def find_clones(grey: U8, *, max_keypoints: int = MAX_KEYPOINTS, full_area: float = FULL_AREA) -> list[Clone]:
    """Verified copy-move transformations in an analysis-size luminance plane, best first."""
    gh, gw = grey.shape
    pts, des = keypoints(grey, max_keypoints)
    if len(pts) < 10:
        return []
    min_shift = max(12.0, MIN_SHIFT * max(gh, gw))
    pairs, dist, idx = match(pts, des, min_shift)
    g = grey.astype(np.float32)
    alive = np.ones(len(pairs), bool)
    clones: list[Clone] = []
    for _ in range(HYPOTHESES):
        if alive.sum() < 3:
            break
        live = np.flatnonzero(alive)
        q = pairs[live]
        src = np.concatenate([pts[q[:, 0]], pts[q[:, 1]]])
        dst = np.concatenate([pts[q[:, 1]], pts[q[:, 0]]])
        m, inl = cv2.estimateAffinePartial2D(src, dst, method=cv2.RANSAC, ransacReprojThreshold=RANSAC_PX,
                                             maxIters=2000, confidence=0.995)
        if m is None or inl is None:
            break
        fit = inl.ravel().astype(bool)
        used = fit[: len(q)] | fit[len(q):]
        alive[live[used]] = False
        if used.sum() < 3:
            continue
        scale = float(np.hypot(m[0, 0], m[1, 0]))
        if not 0.5 <= scale <= 2.0:
            continue
        checked = verify(g, np.asarray(m, np.float64), src[fit])
        if checked is None:
            continue
        mask, (ox, oy) = checked
        n, labels, _, _ = cv2.connectedComponentsWithStats(mask.astype(np.uint8), connectivity=8)
        spots = np.round(src[fit] - (ox, oy)).astype(np.int64)
        inside = (spots[:, 0] >= 0) & (spots[:, 1] >= 0) & (spots[:, 0] < mask.shape[1]) & (spots[:, 1] < mask.shape[0])
        ids = np.unique(labels[spots[inside, 1], spots[inside, 0]])
        ids = ids[ids > 0]
        if n <= 1 or len(ids) == 0:
            continue
        comp = np.isin(labels, ids)
        ys, xs = np.nonzero(comp)
        sx0, sy0, sx1, sy1 = xs.min() + ox, ys.min() + oy, xs.max() + ox + 1, ys.max() + oy + 1
        corners = np.array([[sx0, sy0], [sx1, sy0], [sx0, sy1], [sx1, sy1]], np.float64) @ m[:, :2].T + m[:, 2]
        tx0, ty0 = np.maximum(corners.min(axis=0), 0)
        tx1, ty1 = np.minimum(corners.max(axis=0), (gw, gh))
        if tx1 <= tx0 or ty1 <= ty0:
            continue
        ov = max(0.0, min(sx1, tx1) - max(sx0, tx0)) * max(0.0, min(sy1, ty1) - max(sy0, ty0))
        smaller = max(1.0, min((sx1 - sx0) * (sy1 - sy0), (tx1 - tx0) * (ty1 - ty0)))
        overlap = ov / smaller
        amb = ambiguity(q[used], pts, dist, idx, min_shift)
        area = float(comp.sum()) / (gh * gw)
        score = 0.0 if overlap > MAX_OVERLAP else _score(area, int(used.sum()), amb, full_area)
        clones.append(Clone(
            score=score, source=(int(sx0), int(sy0), int(sx1 - sx0), int(sy1 - sy0)),
            target=(int(tx0), int(ty0), round(float(tx1 - tx0)), round(float(ty1 - ty0))),
            inliers=int(used.sum()), ambiguous=amb, area=area, scale=scale,
            angle=float(np.degrees(np.arctan2(m[1, 0], m[0, 0]))), overlap=float(overlap),
        ))
    return sorted(clones, key=lambda c: -c.score)


class CopyMoveDetector(GuardedDetector):
    """Image authenticity: a region cloned within the same image (keypoint matching, RANSAC, dense check)."""

    model_id = "copy-move"
    modalities = frozenset({Modality.IMAGE_AUTHENTICITY})
    media_kinds = frozenset({"image"})
    evidence = Evidence.FORENSIC

    def __init__(self, config: Mapping[str, Any] | None = None) -> None:
        config = config or {}
        self.limits = MediaLimits.from_config(config)
        self.manipulated_at = float(config.get("manipulated_at", 0.5))
        #: Below this score nothing was found; between it and ``manipulated_at``: a trace, not a verdict.
        self.clean_below = float(config.get("clean_below", 0.25))
        self.analysis_side = int(config.get("analysis_side", ANALYSIS_SIDE))
        self.max_keypoints = int(config.get("max_keypoints", MAX_KEYPOINTS))
        self.full_area = float(config.get("full_area", FULL_AREA))

    def _analyze(self, media: Media) -> Analysis:
        img = decode_image(media, self.limits)
        h, w = img.rgb.shape[:2]
        reduced = f"; {img.describe()}" if img.describe() else ""
        if min(h, w) < MIN_SIDE:
            return Analysis.inconclusive(self.model_id, f"{w}x{h}: too small to look for a copied region{reduced}")
        grey, f = analysis_grey(img.rgb, self.analysis_side)
        clones = find_clones(grey, max_keypoints=self.max_keypoints, full_area=self.full_area)
        best = clones[0] if clones else None
        if best is None or best.score < self.clean_below:
            notes = "no copied region" + (f" (best candidate: {best.describe()})" if best else "")
            return decide(self.model_id, best.score if best else 0.0, manipulated_at=self.manipulated_at,
                          clean_below=self.clean_below, notes=notes + reduced)
        k = f * img.scale
        width, height = img.width or w * img.scale, img.height or h * img.scale
        detections: list[Detection] = []
        found: list[str] = []
        # every verified clone above the "nothing found" line (a picture may hold several), best first
        for clone in (c for c in clones if c.score >= self.clean_below):
            a, b = (_to_original(box, k, width, height) for box in (clone.source, clone.target))
            detections += [Detection(type="copy_move", region=r, confidence=round(clone.score, 4)) for r in (a, b)]
            found.append(f"the same content at ({a.x},{a.y}) {a.w}x{a.h} and ({b.x},{b.y}) {b.w}x{b.h}: "
                         f"{clone.describe()}, score {clone.score:.2f}")
        return decide(self.model_id, best.score, manipulated_at=self.manipulated_at, clean_below=self.clean_below,
                      detections=detections, notes="; ".join(found) + reduced)


def _to_original(box: Box, k: float, width: int, height: int) -> Region:
    x, y, w, h = box
    x0, y0 = max(0, int(x * k)), max(0, int(y * k))
    x1, y1 = min(width, int(np.ceil((x + w) * k))), min(height, int(np.ceil((y + h) * k)))
    return Region(x=x0, y=y0, w=max(0, x1 - x0), h=max(0, y1 - y0))
