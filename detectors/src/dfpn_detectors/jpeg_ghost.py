"""Image authenticity: JPEG ghosts (double-compression analysis) that localise a spliced region.

A region pasted from another JPEG keeps a trace of its first quantisation: re-quantising the image at that
earlier, lower quality ``q0`` changes the region much less than the rest (Farid, "Exposing digital forgeries from
JPEG ghosts", 2009). This implementation works in the DCT domain on the luminance plane (Parseval: the energy lost
by re-quantising DCT coefficients is the pixel difference of a recompression, without its rounding):

1. eight low-frequency coefficients of the 8x8 DCT of the block at *every* pixel position (separable filters);
2. the re-quantisation error of those coefficients with the IJG table of each candidate quality (50, 58, …, 90,
   below the file's own quality Q1, which its quantisation table gives), in units of the error expected from
   never-quantised content;
3. candidate grid phases: on a checkerboard of 32x32 tiles, the phase (of 64) where the error dips most — a paste
   rarely lands on the 8-pixel grid, so the donor's grid is usually shifted;
4. for each candidate phase, per 16x16 tile and quality: the error on that grid divided by its mean on five
   misaligned grids (flat tiles count as 1); tiles well below 1 form the ghost, and its largest connected region
   is the splice, scored by its contrast with the rest of the picture.

A trace over most of the picture is a whole-image re-save (or a crop of a JPEG), reported as
``double_compression``, not as a splice.

What it sees: splices from a lower-quality JPEG into a higher-quality JPEG, with a bounding box.
What it cannot see: PNG or other lossless files, splices whose donor was of equal or higher quality than the
final save, donors that were never JPEG-compressed, images recompressed hard or resized after the splice.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

import cv2
import numpy as np
import numpy.typing as npt

from dfpn_detectors.base import Analysis, Detection, GuardedDetector, Media, Modality, Region, decide
from dfpn_detectors.media import MediaLimits, load_luma_jpeg_window

logger = logging.getLogger(__name__)

F32 = npt.NDArray[np.float32]

#: Default analysis window (pixels) of a large JPEG: ~200 MB of working memory.
WINDOW_PIXELS = 4_000_000

_STD_LUMA = np.array([
    16, 11, 10, 16, 24, 40, 51, 61, 12, 12, 14, 19, 26, 58, 60, 55, 14, 13, 16, 24, 40, 57, 69, 56,
    14, 17, 22, 29, 51, 87, 80, 62, 18, 22, 37, 56, 68, 109, 103, 77, 24, 35, 55, 64, 81, 104, 113, 92,
    49, 64, 78, 87, 103, 121, 120, 101, 72, 92, 95, 98, 112, 100, 103, 99,
], dtype=np.float32)

#: The orthonormal 8-point DCT-II matrix (row k: frequency k), the transform of JPEG's 8x8 blocks.
DCT8 = np.array(
    [[np.sqrt((1 if k == 0 else 2) / 8) * np.cos((2 * n + 1) * k * np.pi / 16) for n in range(8)] for k in range(8)],
    dtype=np.float32,
)


@functools.cache
def ijg_table(quality: int) -> F32:
    """The IJG (libjpeg) luminance quantisation table for ``quality`` (1..100), natural order, 8x8 (read-only)."""
    q = min(100, max(1, quality))
    scale = 5000 / q if q < 50 else 200 - 2 * q
    table = np.asarray(np.clip(np.floor((_STD_LUMA * scale + 50) / 100), 1, 255).reshape(8, 8), dtype=np.float32)
    table.setflags(write=False)
    return table


#: The IJG luminance tables of qualities 1..100, one per row (natural order).
_ALL_TABLES = np.stack([ijg_table(q).reshape(-1) for q in range(1, 101)])


def estimate_quality(table: list[int] | None) -> int | None:
    """The IJG quality whose luminance table is closest to ``table`` (natural order, as Pillow gives it), or None."""
    if not table or len(table) != 64:
        return None
    errors = np.abs(_ALL_TABLES - np.asarray(table, dtype=np.float32)).mean(axis=1)
    return int(np.argmin(errors)) + 1


#: DCT coefficients (row, column) read at every pixel position: low frequencies carry energy in most blocks.
_COEFS = ((0, 1), (1, 0), (1, 1), (0, 2), (2, 0), (1, 2), (2, 1), (2, 2))
#: The first this many of ``_COEFS`` are enough to find candidate grid phases.
_PHASE_COEFS = 4
#: Tiles the phase search reads at a time (~0.5 MB of working arrays for 32x32 tiles).
_PHASE_TILES = 32
#: Below this mean re-quantisation error (units of Q²/12) a tile is too flat to judge.
MIN_TEXTURE = 0.25
#: Phases compared with a candidate grid (offsets added mod 8): misaligned by half a block or so.
_REFERENCE_SHIFTS = ((4, 4), (0, 4), (4, 0), (2, 6), (6, 2))


def sliding_dct(y: npt.NDArray[np.uint8], height: int, width: int) -> list[F32]:
    """``_COEFS`` of the 8x8 DCT of the block whose top-left corner is each pixel: one (height, width) plane per
    coefficient. Separable: one horizontal pass per column frequency, then one vertical pass per coefficient.
    Each plane is its own allocation: one 8-plane block would come fresh from the OS, page by page, every call."""
    yf = y[: height + 7, : width + 7].astype(np.float32)
    rows = {v: cv2.filter2D(yf, cv2.CV_32F, DCT8[v][None, :], anchor=(0, 0), borderType=cv2.BORDER_REFLECT)
            for v in sorted({v for _, v in _COEFS})}
    out: list[F32] = []
    for u, v in _COEFS:
        plane = np.empty_like(yf)
        cv2.filter2D(rows[v], cv2.CV_32F, DCT8[u][:, None], dst=plane, anchor=(0, 0), borderType=cv2.BORDER_REFLECT)
        out.append(plane[:height, :width])
    return out


def requant_error(coefs: Sequence[F32], quality: int) -> F32:
    """Mean re-quantisation error of ``coefs`` (the first ``len(coefs)`` of ``_COEFS``, arrays of one shape) at
    ``quality``, in units of the uniform-error expectation (Q²/12): ~1 for content never quantised on this grid
    at this quality, ~0 for content that was."""
    table = ijg_table(quality)
    shape = coefs[0].shape
    out = np.zeros(shape, dtype=np.float32)
    t = np.empty(shape, dtype=np.float32)
    r = np.empty(shape, dtype=np.float32)
    for i in range(len(coefs)):
        u, v = _COEFS[i]
        # the error in units of the step, t - rint(t) for t = coefficient / step: five passes over the plane
        np.multiply(coefs[i], np.float32(1.0) / np.float32(table[u, v]), out=t)
        np.rint(t, out=r)
        t -= r
        t *= t
        out += t
    out *= np.float32(12.0 / len(coefs))
    return out


@dataclass(frozen=True)
class GhostResult:
    score: float
    region: tuple[int, int, int, int] | None
    ghost_quality: int | None
    offset: tuple[int, int]
    global_quality: int | None
    primary_quality: int | None


def _block_means(e: F32, th: int, tw: int) -> F32:
    """(..., th * k, tw * k) → (..., th, tw): means of k x k cells (sums of strided slices: k is small, and numpy
    reduces a short axis slowly)."""
    kh, kw = e.shape[-2] // th, e.shape[-1] // tw
    e = e[..., : th * kh, : tw * kw]
    cols = e[..., 0::kw].copy()
    for i in range(1, kw):
        cols += e[..., i::kw]
    out = cols[..., 0::kh, :].copy()
    for i in range(1, kh):
        out += cols[..., i::kh, :]
    out /= np.float32(kh * kw)
    return out


class _GridErrors:
    """Per grid phase and quality, the re-quantisation error of that grid's blocks averaged per tile (shape
    (tiles high, tiles wide)). Computed once: candidate phases share their reference grids."""

    def __init__(self, coefs: list[F32], tile: int) -> None:
        self.coefs = coefs
        self.tile = tile
        self.th, self.tw = coefs[0].shape[0] // tile, coefs[0].shape[1] // tile
        self._blocks: dict[tuple[int, int], list[F32]] = {}
        self._errors: dict[tuple[tuple[int, int], int], F32] = {}

    def __call__(self, grid: tuple[int, int], quality: int) -> F32:
        hit = self._errors.get((grid, quality))
        if hit is not None:
            return hit
        blocks = self._blocks.get(grid)
        if blocks is None:
            # (block row, block column) on the lattice of this grid: 1/64 of the positions
            dx, dy = grid
            per = self.tile // 8
            blocks = [np.ascontiguousarray(c[dy::8, dx::8][: self.th * per, : self.tw * per]) for c in self.coefs]
            self._blocks[grid] = blocks
        out = _block_means(requant_error(blocks, quality), self.th, self.tw)
        self._errors[(grid, quality)] = out
        return out


def _phase_ratios(errors: _GridErrors, qualities: list[int], phase: tuple[int, int]) -> F32:
    """Per quality and tile: re-quantisation error on the grid ``phase`` divided by its mean on reference grids.
    Shape (len(qualities), tiles high, tiles wide)."""
    px, py = phase
    references = [((px + sx) % 8, (py + sy) % 8) for sx, sy in _REFERENCE_SHIFTS]
    out = np.empty((len(qualities), errors.th, errors.tw), dtype=np.float32)
    for qi, q in enumerate(qualities):
        own = errors(phase, q)
        ref = np.mean(np.stack([errors(g, q) for g in references]), axis=0)
        # flat tiles (coefficients far below the step) have no quantisation to show: ratio 1, no evidence
        out[qi] = np.where(ref > MIN_TEXTURE, own / np.maximum(ref, 1e-6), 1.0)
    return out


def _phase_profiles(errors: F32) -> F32:
    """(8a, n, 8b) errors of n tiles side by side → (n, 8, 8): each tile's mean over the 64 positions mod 8."""
    h, n, w = errors.shape
    rows = errors.reshape(h // 8, 8, n, w).sum(axis=0)  # (8, n, w)
    sums = rows.reshape(8, n, w // 8, 8).sum(axis=2)  # (8 phase y, n, 8 phase x)
    return np.asarray(sums.transpose(1, 0, 2) / np.float32((h // 8) * (w // 8)), dtype=np.float32)


def _candidate_phases(coefs: list[F32], qualities: list[int], tile: int, limit: int = 3) -> list[tuple[int, int]]:
    """Grid phases where some tiles look quantised, from the 64-phase profiles of a checkerboard of tiles (the
    ``_PHASE_COEFS`` lowest-frequency coefficients only). About ``_PHASE_TILES`` tiles at a time, whole rows of
    them: their working arrays stay in the processor's cache across the qualities."""
    th, tw = coefs[0].shape[0] // tile, coefs[0].shape[1] // tile
    step = max(1, round(2 * _PHASE_TILES / max(1, tw)))  # rows of tiles (half of each row is read)
    winners: list[npt.NDArray[np.intp]] = []
    for i0 in range(0, th, step):
        rows = range(i0, min(th, i0 + step))
        # the rows' tiles of one colour of the checkerboard, side by side: (tile rows, tiles, tile columns)
        part = [np.concatenate([c[i * tile:(i + 1) * tile, : tw * tile].reshape(tile, tw, tile)[:, i % 2::2]
                                for i in rows], axis=1) for c in coefs[:_PHASE_COEFS]]
        n = part[0].shape[1]
        if n == 0:
            continue
        best = np.full((n, 8, 8), np.inf, dtype=np.float32)
        for q in qualities:
            prof = _phase_profiles(requant_error(part, q))  # (n, phase y, phase x)
            mean = prof.mean(axis=(1, 2), keepdims=True)
            np.minimum(best, np.where(mean > MIN_TEXTURE, prof / np.maximum(mean, 1e-6), 1.0), out=best)
        flat = best.reshape(n, 64)
        winner = np.argmin(flat, axis=1)
        winners.append(winner[flat[np.arange(n), winner] < 0.6])
    if not winners:
        return [(0, 0)]
    counts = np.bincount(np.concatenate(winners), minlength=64)
    order = [int(k) for k in np.argsort(-counts) if counts[k] >= 2][:limit]
    phases = [(k % 8, k // 8) for k in order]
    if (0, 0) not in phases:
        phases.insert(0, (0, 0))
    return phases


def analyse_ghosts(y: npt.NDArray[np.uint8], primary_quality: int | None, *, threshold: float = 0.6,
                   tile: int = 16, max_area: float = 0.6, global_fraction: float = 0.3,
                   min_tiles: int = 8) -> GhostResult:
    """The ghost analysis of a JPEG's luminance plane (see the module docstring)."""
    q1 = primary_quality or 95
    qualities = [q for q in (50, 58, 66, 74, 82, 90) if q <= q1 - 5] or [50]
    height, width = (y.shape[0] - 8) // 32 * 32, (y.shape[1] - 8) // 32 * 32
    if height < 64 or width < 64:
        return GhostResult(0.0, None, None, (0, 0), None, primary_quality)
    coefs = sliding_dct(y, height + 8, width + 8)
    phases = _candidate_phases([c[:height, :width] for c in coefs], qualities, 32)
    errors = _GridErrors(coefs, tile)
    best = GhostResult(0.0, None, None, (0, 0), None, primary_quality)
    global_quality: int | None = None
    for phase in phases:
        # on the file's own grid, qualities near the final one look like ghosts everywhere: keep a margin
        qs = [q for q in qualities if q <= q1 - 10] if phase == (0, 0) else qualities
        if not qs:
            continue
        ratios = _phase_ratios(errors, qs, phase)
        ratios = np.stack([cv2.blur(r, (3, 3), borderType=cv2.BORDER_REFLECT) for r in ratios])
        qi_best = np.argmin(ratios, axis=0)
        rmin = ratios.min(axis=0)
        mask = (rmin < threshold).astype(np.uint8)
        n_tiles = mask.size
        if mask.mean() > global_fraction:
            # most of the picture carries this grid's trace: the whole image was saved before (a re-save, or a
            # crop of a JPEG when the phase is not (0, 0)), which is not a splice
            if global_quality is None:
                global_quality = qs[int(np.bincount(qi_best[mask > 0]).argmax())]
            continue
        if mask.sum() < 4:
            continue
        n, labels, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
        if n <= 1:
            continue
        idx = 1 + int(np.argmax(stats[1:, cv2.CC_STAT_AREA]))
        x, yy, w, h, area = (int(v) for v in stats[idx, :5])
        if area < min_tiles or area / n_tiles > max_area:
            continue
        comp = labels == idx
        q_idx = int(np.bincount(qi_best[comp]).argmax())
        inside = float(np.median(ratios[q_idx][comp]))
        outside = float(np.median(ratios[q_idx][~comp])) if (~comp).any() else 1.0
        fill = area / max(1, w * h)
        # low-ratio tiles elsewhere mean a scattered (global) trace rather than one pasted region
        stray = float(mask[~comp].mean()) if (~comp).any() else 0.0
        score = float(np.clip((outside - inside) * 2.0 * (0.6 + 0.4 * fill) - 2.0 * stray, 0.0, 1.0))
        if score > best.score:
            # tile (i, j) of phase (px, py) covers blocks starting at (px + 8k, py + 8k)
            box = (x * tile + phase[0], yy * tile + phase[1], w * tile, h * tile)
            best = GhostResult(score, box, qs[q_idx], phase, None, primary_quality)
    return GhostResult(best.score, best.region, best.ghost_quality, best.offset, global_quality, primary_quality)


class JpegGhostDetector(GuardedDetector):
    """Image authenticity: JPEG ghosts localise a region spliced in from a lower-quality JPEG."""

    model_id = "jpeg-ghost"
    modalities = frozenset({Modality.IMAGE_AUTHENTICITY})
    media_kinds = frozenset({"image"})

    def __init__(self, config: Mapping[str, Any] | None = None) -> None:
        config = config or {}
        self.limits = MediaLimits.from_config(config)
        self.manipulated_at = float(config.get("manipulated_at", 0.85))
        self.threshold = float(config.get("ghost_threshold", 0.6))
        #: Below this score the detector found nothing (above it and below `manipulated_at`: a trace, unsure).
        self.clean_below = float(config.get("clean_below", 0.5))
        #: The analysis holds ~50 bytes per pixel (eight DCT planes in float32 and their re-quantisations), so a
        #: larger image is analysed in its central window of this many pixels (at most
        #: ``limits.max_analysis_pixels``), on the file's own 8x8 grid.
        self.window_pixels = min(int(config.get("window_pixels", WINDOW_PIXELS)), self.limits.max_analysis_pixels)

    def supports(self, media: Media) -> bool:
        return media.sniffed_mime == "image/jpeg"

    def _analyze(self, media: Media) -> Analysis:
        win = load_luma_jpeg_window(media, self.limits, self.window_pixels)
        q1 = estimate_quality(win.quantization.get(0))
        if q1 is not None and q1 < 50:
            return Analysis.inconclusive(self.model_id, f"final JPEG quality ~{q1}: too low for ghosts")
        res = analyse_ghosts(win.luma, q1, threshold=self.threshold)
        detections: list[Detection] = []
        notes = f"primary quality ~{q1}" + win.note()
        if not win.whole and res.region is not None:
            rx, ry, rw, rh = res.region
            res = replace(res, region=(rx + win.x, ry + win.y, rw, rh))
        if res.global_quality is not None:
            detections.append(Detection(type="double_compression", confidence=0.6))
            notes += f"; whole image previously saved at ~{res.global_quality} (a re-save, not a splice)"
        if res.region is not None and res.score > 0:
            x, yy, w, h = res.region
            detections.append(Detection(type="jpeg_ghost", region=Region(x=x, y=yy, w=w, h=h),
                                        confidence=round(res.score, 4)))
            notes += (f"; ghost at quality ~{res.ghost_quality} on grid offset {res.offset} "
                      f"in {w}x{h} at ({x},{yy}), score {res.score:.2f}")
        return decide(self.model_id, res.score, manipulated_at=self.manipulated_at, clean_below=self.clean_below,
                      detections=detections, notes=notes)
