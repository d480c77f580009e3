"""Image authenticity: blocks of a JPEG whose DCT coefficients carry an earlier, coarser quantisation.

A JPEG stores each 8x8 block's DCT coefficients as integers ``k`` times the quantisation step ``Q1`` of the file's
table. A region pasted from another JPEG of lower quality, on the same 8x8 grid, was quantised first with a coarser
step ``Q0``: its coefficients were multiples of ``Q0``, and re-quantised with ``Q1`` they can only take the values
``round(m * Q0 / Q1)``. With ``Q0 = 2.5 Q1`` that is 0, 2 or 3, 5, 7 or 8, 10 ...: the integers 1, 4, 6, 9 never
occur. Coefficients of a region compressed once take any integer. This is the aligned double-quantisation trace
of Lin, He, Tang & Tang, "Fast, automatic and fine-grained tampered JPEG image detection via DCT coefficient
analysis" (Pattern Recognition 2009) and Bianchi, De Rosa & Piva, "Improved DCT coefficient analysis for forgery
localization in JPEG images" (ICASSP 2011), read here per block against each candidate first quality:

1. the luminance plane as the decoder gives it, cut into the file's own 8x8 blocks; their DCT divided by ``Q1``
   and rounded gives back the stored integers ``k`` (blocks with clipped pixels are left out);
2. for each candidate first quality (IJG tables from 35 to ``q1 - 3``) and each of the lowest ``FREQUENCIES``
   frequencies whose step is at least 1.5 times the file's, each block's ``k`` is a *hit* when it is one of the
   values a first quantisation would leave (within a rounding margin), else a *miss*; a value within the margin
   of zero counts for nothing (it is a hit whatever the first step: with a file step of 1, every +-1);
3. a block's log-likelihood ratio: a hit adds ``ln((1 - ERR) / p)``, a miss ``ln(ERR / (1 - p))``, with ``p``
   the chance of a hit by accident (``~1 / ratio``) and ``ERR`` the misses a real first quantisation still shows;
4. the ratios summed over 3x3 blocks; the largest connected region above ``SEGMENT`` is the candidate splice for
   that quality. It counts only when the rest of the picture argues against that quality (mean ratio of the
   other informative blocks at most ``REST_MEAN``, at most ``REST_POSITIVE`` of them positive) and it covers at
   most ``MAX_AREA`` of them (a whole picture saved twice on the same grid, a re-save, shows the trace
   everywhere and is no splice), at least ``MIN_FILL`` of its blocks agree, and, in a picture saved twice, its
   blocks fit their quality ``GLOBAL_MARGIN`` times better than the picture's earlier one;
5. score = ``S / (S + SCORE_HALF)`` for the region's summed ratio ``S`` of the best quality.

A quick pass on the ``COARSE_FREQUENCIES`` lowest frequencies ranks the qualities; the full evidence is read for
the ``CANDIDATES`` best regions, their neighbouring qualities and the qualities traced over the whole picture
(about 20 ms for a 1 Mpixel image instead of 45).

What it sees: a region from a JPEG of lower quality pasted on the final file's 8x8 grid (as a paste at a position
that is a multiple of 8 from a donor cropped on its own grid, or a local edit of a JPEG opened and saved again),
from ~48x48 pixels, with a bounding box at 8-pixel resolution.
What it cannot see: pastes off the grid (``jpeg-ghost`` searches the 64 phases), donors never compressed or of
higher quality than the final file, pictures resized or cropped off the grid after the paste, a file re-saved at
a quality that erases the first step (the labelled set's ``jpeg75`` copies keep it about one time in ten).
PNG and other formats are not read.
"""

from __future__ import annotations

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
from dfpn_detectors.jpeg_ghost import WINDOW_PIXELS, estimate_quality, ijg_table
from dfpn_detectors.media import MediaLimits, load_luma_jpeg_window

F32 = npt.NDArray[np.float32]
I32 = npt.NDArray[np.int32]

#: Zigzag order of the first coefficients (natural-order indices): the ones that are non-zero in most blocks.
ZIGZAG = (0, 1, 8, 16, 9, 2, 3, 10, 17, 24, 32, 25, 18, 11, 4)
FREQUENCIES = len(ZIGZAG)
#: A frequency tells something only when the first step is this much coarser than the file's.
MIN_RATIO = 1.5
#: Candidate first qualities: from LOWEST_QUALITY to the file's quality minus QUALITY_GAP.
LOWEST_QUALITY, QUALITY_GAP = 35, 3
#: Rounding between the two compressions moves a coefficient by ~0.3 of a unit; allowed margin, in units.
MARGIN = 0.6
#: Share of coefficients of a really double-quantised block that still miss (clipping, rounding).
ERR = 0.08
#: Blocks with at least this many clipped (0/255) pixels are left out.
MAX_CLIPPED = 8
#: A block is informative with at least this many observations at a quality.
MIN_OBSERVATIONS = 2
#: The DC coefficient is observed in every block, but neighbouring blocks of a smooth area have nearly the same DC
#: (a chance hit repeats over the area): it counts for less than an AC coefficient.
DC_WEIGHT = 0.5
#: A block whose 3x3-summed ratio is above this belongs to a candidate region.
SEGMENT = 4.0
MAX_AREA = 0.25
#: Share of a region's informative blocks that must carry positive evidence (a pasted block is traced in most of
#: its blocks; a chance region in a smooth area in about half).
MIN_FILL = 0.7
#: The rest of the picture must argue against the region's quality: its mean ratio at most REST_MEAN, at most
#: REST_POSITIVE of its blocks positive.
REST_MEAN = -3.0
REST_POSITIVE = 0.15
#: Blocks around the region left out of the rest (its edge blocks hold part of the paste).
REST_MARGIN = 2
#: The summed ratio that scores 0.5.
SCORE_HALF = 25.0
#: In a picture saved twice as a whole, a region counts only with this many times the evidence that its blocks
#: give for the picture's own earlier quality (any of those traced over the picture: neighbouring tables).
GLOBAL_MARGIN = 2.0
#: Largest stored integer looked up (the DC of a white block at quality 100 is 1016).
K_RANGE = 2048
#: The quick pass reads this many frequencies and keeps the CANDIDATES best qualities.
COARSE_FREQUENCIES, CANDIDATES = 6, 5


@dataclass(frozen=True)
class DqResult:
    score: float
    #: (x, y, w, h) in the analysed plane's pixels.
    region: tuple[int, int, int, int] | None
    first_quality: int | None
    #: A first quality traced over most of the picture (a whole-image re-save on the same grid), if any.
    global_quality: int | None
    primary_quality: int | None


#: The IJG steps of each quality at the ``ZIGZAG`` frequencies.
_FIRST_STEPS = {q: ijg_table(q).reshape(-1)[list(ZIGZAG)] for q in range(1, 101)}
#: Where each ``ZIGZAG`` frequency (natural index row * 8 + column) lands in ``stored_coefficients``' transform,
#: which leaves a block's coefficients transposed.
_TRANSPOSED = np.array([(f % 8) * 8 + f // 8 for f in ZIGZAG], dtype=np.intp)


def stored_coefficients(luma: npt.NDArray[np.uint8], table: F32) -> tuple[I32, npt.NDArray[np.bool_]]:
    """The quantised DCT coefficients (units of the file's steps) of each 8x8 block of ``luma`` at the ``ZIGZAG``
    frequencies, shape (FREQUENCIES, blocks high, blocks wide), and which blocks are unclipped.

    OpenCV's row DCT, twice with a transpose between: a matrix product here would go through BLAS, whose
    threads spin beside the other detectors' (a detector pipeline runs one thread per image)."""
    h, w = luma.shape[0] // 8 * 8, luma.shape[1] // 8 * 8
    px = luma[:h, :w]
    blocks = px.reshape(h // 8, 8, w // 8, 8).transpose(0, 2, 1, 3).astype(np.float32)
    blocks -= 128.0
    rows = cv2.dct(blocks.reshape(-1, 8), flags=cv2.DCT_ROWS).reshape(-1, 8, 8)
    coefs = cv2.dct(np.ascontiguousarray(rows.transpose(0, 2, 1)).reshape(-1, 8), flags=cv2.DCT_ROWS)
    picked = np.take(coefs.reshape(-1, 64), _TRANSPOSED, axis=1) / table.reshape(-1)[list(ZIGZAG)]
    k = np.rint(picked.T).astype(np.int32).reshape(FREQUENCIES, h // 8, w // 8)
    # clipped pixels per block: sums over each block's rows, then over its columns (one axis at a time is much
    # faster than both at once)
    at_limit = ((px == 0) | (px == 255)).view(np.uint8)
    clipped = at_limit.reshape(h // 8, 8, w).sum(axis=1, dtype=np.uint8).reshape(h // 8, w // 8, 8).sum(axis=2)
    return k, clipped < MAX_CLIPPED


def _llr_table(first: float, step: float, k_range: int, weight: float) -> F32:
    """Per stored integer k in [-k_range, k_range], then one entry for "not observed": ``weight`` times the
    log-likelihood ratio that a coefficient was quantised with step ``first`` before the file's ``step``."""
    r = first / step
    k = np.arange(-k_range, k_range + 1, dtype=np.float32)
    margin = 0.5 + MARGIN / step
    hit = np.abs(k - r * np.rint(k / r)) <= margin
    p = min(0.9, 2 * margin / r)
    llr = np.full(k.size + 1, weight * np.log(ERR / (1 - p)), dtype=np.float32)
    llr[:-1][hit] = weight * np.log((1 - ERR) / p)
    # within the margin of zero a value is a hit whatever the first step (with a file step of 1, every +-1):
    # it says nothing
    llr[:-1][np.abs(k) <= margin] = 0.0
    llr[-1] = 0.0
    return llr


class _Evidence:
    """Per-block log-likelihood ratios of a first quantisation at candidate qualities, from the stored integers."""

    def __init__(self, k: I32, unclipped: npt.NDArray[np.bool_], steps: F32) -> None:
        self.steps = steps
        self.k_range = int(min(K_RANGE, max(1, int(np.abs(k).max()))))
        # an observation: the DC of every unclipped block, an AC coefficient when it is not zero (zero is a hit
        # under both hypotheses); anything else looks up the tables' last entry, 0
        self.observed = k != 0
        self.observed[0] = True
        self.observed &= unclipped[None]
        self.idx = np.where(self.observed, np.clip(k, -self.k_range, self.k_range) + self.k_range,
                            2 * self.k_range + 1).astype(np.intp)
        # planes per (frequency, first step): neighbouring qualities share most steps; observation counts per
        # set of frequencies used
        self._planes: dict[tuple[int, float], F32] = {}
        self._informative: dict[tuple[int, ...], npt.NDArray[np.bool_]] = {}

    def _plane(self, f: int, first: float) -> F32:
        key = (f, first)
        if key not in self._planes:
            lut = _llr_table(first, float(self.steps[f]), self.k_range, DC_WEIGHT if f == 0 else 1.0)
            self._planes[key] = lut.take(self.idx[f])
        return self._planes[key]

    def steps_used(self, quality: int, frequencies: int) -> tuple[tuple[int, float], ...]:
        """(frequency, first step) of the first ``frequencies`` whose step at ``quality`` is coarse enough to tell."""
        firsts = _FIRST_STEPS[quality]
        return tuple((f, float(firsts[f])) for f in range(frequencies) if firsts[f] >= MIN_RATIO * self.steps[f])

    def at(self, quality: int, frequencies: int) -> tuple[F32, npt.NDArray[np.bool_]] | None:
        """(ratios, informative blocks) for a first quantisation at ``quality``, from the first ``frequencies``;
        None when too few frequencies have a step coarse enough to tell."""
        pairs = self.steps_used(quality, frequencies)
        if len(pairs) < 3:
            return None
        llr = self._plane(*pairs[0]).copy()
        for f, first in pairs[1:]:
            llr += self._plane(f, first)
        used = tuple(f for f, _ in pairs)
        if used not in self._informative:
            self._informative[used] = self.observed[list(used)].sum(axis=0) >= MIN_OBSERVATIONS
        informative = self._informative[used]
        # a block with its DC alone (a flat one) says too little, and flat neighbours repeat the same DC
        llr[~informative] = 0.0
        return llr, informative


def analyse_double_quantisation(luma: npt.NDArray[np.uint8], table: list[int]) -> DqResult:
    """The analysis of a JPEG's luminance plane (on the file's grid) with its luminance table (natural order)."""
    q1 = estimate_quality(table)
    none = DqResult(0.0, None, None, None, q1)
    if q1 is None or luma.shape[0] < 32 or luma.shape[1] < 32:
        return none
    steps = np.asarray(table, dtype=np.float32).reshape(8, 8)
    k, unclipped = stored_coefficients(luma, steps)
    ev = _Evidence(k, unclipped, steps.reshape(-1)[list(ZIGZAG)])
    qualities = range(LOWEST_QUALITY, q1 - QUALITY_GAP + 1)
    # a quick pass on the lowest frequencies ranks the qualities; the full evidence is read for the best few
    # regions (and their neighbours) and for the qualities traced over the whole picture
    quick: dict[int, Found] = {}
    # qualities with the same coarse steps give the same evidence: read once
    by_steps: dict[tuple[tuple[int, float], ...], Found | None] = {}
    for q in qualities:
        steps_used = ev.steps_used(q, COARSE_FREQUENCIES)
        if steps_used not in by_steps:
            got = ev.at(q, COARSE_FREQUENCIES)
            by_steps[steps_used] = _region(*got) if got is not None else None
        region = by_steps[steps_used]
        if region is not None:
            quick[q] = region
    wholes = sorted((q for q, f in quick.items() if f.is_global()), key=lambda q: -quick[q].share)[:CANDIDATES]
    ranked = sorted((q for q, f in quick.items() if not f.is_global()), key=lambda q: -quick[q].total)
    chosen = {n for q in ranked[:CANDIDATES] for n in (q - 1, q, q + 1) if n in qualities} | set(wholes)
    evidence: dict[int, F32] = {}
    found: dict[int, Found] = {}
    for q in sorted(chosen):
        got = ev.at(q, FREQUENCIES)
        region = _region(*got) if got is not None else None
        if got is not None and region is not None:
            evidence[q], found[q] = got[0], region
    globals_ = [q for q, f in found.items() if f.is_global()]
    global_quality = max(globals_, key=lambda q: found[q].share) if globals_ else None
    best = none
    for q0, region in found.items():
        if not region.is_splice():
            continue
        # in a picture saved twice as a whole, a smooth area can fit another quality by the lattices'
        # coincidences; a pasted region fits its own quality much better than the picture's earlier one
        if globals_:
            as_global = max(float(evidence[g][region.mask].sum()) for g in globals_)
            if region.total < GLOBAL_MARGIN * max(0.0, as_global):
                continue
        score = region.total / (region.total + SCORE_HALF)
        if score > best.score:
            x, y, w, h = region.box
            best = DqResult(score, (8 * x, 8 * y, 8 * w, 8 * h), q0, None, q1)
    return DqResult(best.score, best.region, best.first_quality, global_quality, q1)


@dataclass(frozen=True)
class Found:
    """The largest region of positive evidence at one candidate quality."""

    total: float  # its summed log-likelihood ratio
    mask: npt.NDArray[np.bool_]  # its blocks
    box: tuple[int, int, int, int]  # in blocks
    fill: float  # share of its informative blocks with a positive ratio
    share: float  # share of the informative blocks in any region
    rest_mean: float  # mean ratio of the informative blocks outside it
    rest_positive: float  # and their share with a positive ratio

    def is_splice(self) -> bool:
        return (self.share <= MAX_AREA and self.fill >= MIN_FILL and self.rest_mean <= REST_MEAN
                and self.rest_positive <= REST_POSITIVE)

    def is_global(self) -> bool:
        return self.share > MAX_AREA and self.rest_positive > 0.5


def _region(llr: F32, informative: npt.NDArray[np.bool_]) -> Found | None:
    """The largest region of positive evidence in ``llr``, or None."""
    smooth = cv2.boxFilter(llr, -1, (3, 3), normalize=False, borderType=cv2.BORDER_CONSTANT)
    mask = (smooth > SEGMENT).astype(np.uint8)
    if not mask.any():
        return None
    n, labels, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
    if n <= 1:
        return None
    idx = 1 + int(np.argmax(stats[1:, cv2.CC_STAT_AREA]))
    comp = labels == idx
    # every segmented block counts: a trace scattered over the picture is no single pasted region
    share = float((mask.astype(bool) & informative).sum()) / max(1, int(informative.sum()))
    side = 2 * REST_MARGIN + 1
    grown = cv2.dilate(comp.astype(np.uint8), np.ones((side, side), np.uint8)).astype(bool)
    rest = informative & ~grown
    rest_llr = llr[rest]
    # no rest at all (the region covers the picture) argues for nothing else: as if all of it agreed
    rest_mean = float(rest_llr.mean()) if rest_llr.size else 0.0
    rest_positive = float((rest_llr > 0).mean()) if rest_llr.size else 1.0
    inside = llr[comp & informative]
    fill = float((inside > 0).mean()) if inside.size else 0.0
    x, y, w, h = (int(v) for v in stats[idx, :4])
    return Found(float(llr[comp].sum()), comp, (x, y, w, h), fill, share, rest_mean, rest_positive)


class JpegDoubleQuantisationDetector(GuardedDetector):
    """Image authenticity: a region of a JPEG that was quantised before, more coarsely, on the same grid."""

    model_id = "jpeg-dq"
    evidence = Evidence.FORENSIC
    modalities = frozenset({Modality.IMAGE_AUTHENTICITY})
    media_kinds = frozenset({"image"})

    def __init__(self, config: Mapping[str, Any] | None = None) -> None:
        config = config or {}
        self.limits = MediaLimits.from_config(config)
        self.manipulated_at = float(config.get("manipulated_at", 0.8))
        #: Below this score the detector found nothing (a summed ratio under SCORE_HALF).
        self.clean_below = float(config.get("clean_below", 0.5))
        # jpeg-ghost's default window: with the same window both read one decode of the luminance
        self.window_pixels = min(int(config.get("window_pixels", WINDOW_PIXELS)), self.limits.max_analysis_pixels)

    def supports(self, media: Media) -> bool:
        return media.sniffed_mime == "image/jpeg"

    def _analyze(self, media: Media) -> Analysis:
        win = load_luma_jpeg_window(media, self.limits, self.window_pixels)
        table = win.quantization.get(0)
        if not table or len(table) != 64:
            return Analysis.inconclusive(self.model_id, "no luminance quantisation table")
        res = analyse_double_quantisation(win.luma, table)
        notes = f"primary quality ~{res.primary_quality}" + win.note()
        detections: list[Detection] = []
        if res.global_quality is not None:
            notes += f"; most of the picture quantised before at ~{res.global_quality} (a re-save, not a splice)"
        if res.region is not None:
            rx, ry, rw, rh = res.region
            x, y = rx + win.x, ry + win.y
            detections.append(Detection(type="double_quantization", region=Region(x=x, y=y, w=rw, h=rh),
                                        confidence=round(res.score, 4)))
            notes += (f"; {rw}x{rh} at ({x},{y}) quantised before at ~{res.first_quality}, "
                      f"score {res.score:.2f}")
        return decide(self.model_id, res.score, manipulated_at=self.manipulated_at, clean_below=self.clean_below,
                      detections=detections, notes=notes)
