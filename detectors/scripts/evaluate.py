#!/usr/bin/env python3
"""Run every reference detector on a labelled set that this script generates, print accuracy, ROC AUC and
latency per detector, and write them to JSON.

    python detectors/scripts/evaluate.py --out target/bench/detectors-eval.json [--scale 1.0] [--seed 0]

The set (see tests/synth.py; nothing is downloaded): C2PA-signed assets (a test CA made here), splices from
lower-quality JPEGs (grid-aligned and not), whole-image re-compressions and upsampled images, simulated face
swaps (stills and clips), Stable Diffusion-watermarked PNGs (and the same after JPEG), generator metadata,
copy-moves, noise splices, generator-like upsampled pictures.
Each detector is scored on its own target only.

Per detector: ``auc`` (ROC AUC of its manipulation score: the highest confidence among its evidence detections,
negative when it answers Authentic), ``accuracy`` over its decisive answers, ``coverage`` (share of decisive
answers), ``latency_ms`` (mean and p95). ``guessing`` is true when a detector with an AUC within 0.1 of 0.5 still
gives decisive answers — the rule is that such a detector must answer Inconclusive.
"""

from __future__ import annotations

import argparse
import json
import platform
import statistics
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from dfpn_detectors import Analysis, Detector, Media, Verdict, load_detectors
from dfpn_detectors.c2pa_provenance import C2paProvenanceDetector

import synth

EVIDENCE_PREFIXES = ("c2pa_ai", "c2pa_hash_mismatch", "c2pa_manifest_tampered", "ai_metadata:", "sd_watermark:",
                     "jpeg_ghost", "ela_anomaly", "face_inconsistency", "band_limited", "onnx:fake", "copy_move",
                     "noise_inconsistency", "upsampling_replication", "upsampling_checkerboard",
                     "double_quantization")


def score_of(a: Analysis) -> float:
    if a.verdict == Verdict.AUTHENTIC:
        return -a.confidence / 100
    evidence = [d.confidence for d in a.detections if d.type.startswith(EVIDENCE_PREFIXES)]
    return max(evidence, default=0.0)


def roc_auc(pos: list[float], neg: list[float]) -> float | None:
    """Mann-Whitney U / (n_pos * n_neg), ties counted half."""
    if not pos or not neg:
        return None
    p, n = np.asarray(pos)[:, None], np.asarray(neg)[None, :]
    return float(((p > n).sum() + 0.5 * (p == n).sum()) / (p.size * n.size))


@dataclass
class Sample:
    data: bytes
    manipulated: bool
    kind: str


@dataclass
class Result:
    detector: str
    target: str
    rows: list[tuple[Sample, Analysis]] = field(default_factory=list)

    def summary(self) -> dict[str, Any]:
        pos = [score_of(a) for s, a in self.rows if s.manipulated]
        neg = [score_of(a) for s, a in self.rows if not s.manipulated]
        decisive = [(s, a) for s, a in self.rows if a.verdict != Verdict.INCONCLUSIVE]
        correct = [(a.verdict == Verdict.MANIPULATED) == s.manipulated for s, a in decisive]
        lat = sorted(a.latency_ms for _, a in self.rows)
        auc = roc_auc(pos, neg)
        kinds: dict[str, dict[str, Any]] = {}
        for s, a in self.rows:
            k = kinds.setdefault(s.kind, {"n": 0, "manipulated": s.manipulated, "Manipulated": 0, "Authentic": 0,
                                          "Inconclusive": 0})
            k["n"] += 1
            k[str(a.verdict)] += 1
        return {
            "target": self.target,
            "n": len(self.rows),
            "n_manipulated": len(pos),
            "n_authentic": len(neg),
            "auc": None if auc is None else round(auc, 4),
            "accuracy": round(sum(correct) / len(correct), 4) if correct else None,
            "coverage": round(len(decisive) / len(self.rows), 4) if self.rows else 0.0,
            "false_manipulated": sum(1 for s, a in decisive if a.verdict == Verdict.MANIPULATED and not s.manipulated),
            "latency_ms": {"mean": round(statistics.fmean(lat), 2),
                           "p95": round(lat[min(len(lat) - 1, int(0.95 * len(lat)))], 2)} if lat else None,
            "guessing": bool(auc is not None and abs(auc - 0.5) < 0.1 and decisive),
            "by_kind": kinds,
        }


def run(det: Detector, target: str, samples: Iterator[Sample]) -> Result:
    res = Result(det.model_id, target)
    for s in samples:
        res.rows.append((s, det.analyze(Media(data=s.data))))
    return res


# --- sets ------------------------------------------------------------------------------------------------------


def c2pa_set(ca: synth.TestCA, n: int, rng: np.random.Generator) -> Iterator[Sample]:
    imgs = synth.natural_images()
    for i in range(n):
        _, img = imgs[i % len(imgs)]
        img = synth.random_crop(img, rng)
        fmt = ["jpeg", "png", "wav", "mp4"][i % 4]
        if fmt == "jpeg":
            data, mime = synth.jpeg(img, 90), "image/jpeg"
        elif fmt == "png":
            data, mime = synth.png(img), "image/png"
        elif fmt == "wav":
            data, mime = synth.wav(synth.speech_like(1.0, rng), 16000), "audio/wav"
        else:
            data, mime = synth.encode_video([img] * 4, fps=4), "video/mp4"
        yield Sample(ca.sign(data, mime, "trainedAlgorithmicMedia"), True, f"{fmt}_ai")
        yield Sample(ca.sign(data, mime, "digitalCapture"), False, f"{fmt}_capture")
        yield Sample(data, False, f"{fmt}_unsigned")
        if fmt == "jpeg":
            signed = ca.sign(data, mime, "digitalCapture")
            yield Sample(synth.tamper_jpeg(signed, rng), True, "jpeg_edited_after_signing")
            yield Sample(ca.sign(data, mime, "compositeWithTrainedAlgorithmicMedia"), True, "jpeg_ai_composite")


def metadata_set(n: int, rng: np.random.Generator) -> Iterator[Sample]:
    imgs = synth.natural_images()
    makers: list[tuple[str, bool, Callable[[Any], bytes]]] = [
        ("png_a1111", True, lambda im: synth.png(im, {"parameters": synth.A1111_PARAMETERS})),
        ("png_comfyui", True, lambda im: synth.png(im, {"prompt": synth.COMFYUI_PROMPT})),
        ("jpeg_exif_midjourney", True, lambda im: synth.exif_software(im, "Midjourney v6")),
        ("jpeg_exif_firefly", True, lambda im: synth.exif_software(im, "Adobe Firefly")),
        ("png_ai_metadata_stripped", True, lambda im: synth.png(im)),
        ("jpeg_camera_exif", False, synth.camera_exif_jpeg),
        ("png_plain", False, lambda im: synth.png(im, {"Software": "GIMP 2.10", "Title": "holiday"})),
        ("jpeg_plain", False, lambda im: synth.jpeg(im, 90)),
    ]
    for i in range(n):
        img = synth.random_crop(imgs[i % len(imgs)][1], rng)
        kind, manipulated, make = makers[i % len(makers)]
        yield Sample(make(img), manipulated, kind)


def watermark_set(n: int, rng: np.random.Generator) -> Iterator[Sample]:
    imgs = [im for _, im in synth.natural_images() if im.shape[0] * im.shape[1] >= 300 * 300]
    marks = ["StableDiffusionV1", "SDV2", "SDXL"]
    for i in range(n):
        img = synth.random_crop(imgs[i % len(imgs)], rng, min_side=300)
        marked = synth.sd_watermarked(img, marks[i % 3])
        yield Sample(synth.png(marked), True, "png_marked")
        yield Sample(synth.png(img), False, "png_clean")
        if i % 2 == 0:
            yield Sample(synth.jpeg(marked, 95), True, "jpeg95_marked (mark destroyed)")
            yield Sample(synth.jpeg(img, 95), False, "jpeg95_clean")


def splice_set(n: int, rng: np.random.Generator) -> Iterator[Sample]:
    imgs = synth.natural_images()
    for i in range(n):
        _, a = imgs[int(rng.integers(len(imgs)))]
        _, b = imgs[int(rng.integers(len(imgs)))]
        a = synth.random_crop(a, rng)
        kind = ["splice_aligned", "splice_unaligned", "single", "recompressed", "upsampled"][i % 5]
        if kind == "splice_aligned":
            s = synth.splice(a, b, rng, aligned=True)
        elif kind == "splice_unaligned":
            s = synth.splice(a, b, rng, aligned=False)
        elif kind == "single":
            s = synth.single_jpeg(a, rng)
        elif kind == "recompressed":
            s = synth.recompressed(a, rng)
        else:
            s = synth.upsampled(a, rng)
        yield Sample(s.data, s.manipulated, kind)


def face_set(n: int, rng: np.random.Generator) -> Iterator[Sample]:
    faces = synth.face_images()
    for i in range(n):
        _, base = faces[i % len(faces)]
        img = synth.camera_like(synth.face_variant(base, rng), rng)
        kind = ["real", "swap", "real", "swap_other_identity"][i % 4]
        if kind == "swap":
            img, _ = synth.swap_face(img, rng)
        elif kind == "swap_other_identity":
            img, _ = synth.swap_face(img, rng, donor=faces[(i + 1) % len(faces)][1])
        q = int(rng.integers(75, 96))
        yield Sample(synth.jpeg(img, q), kind != "real", f"{kind}_jpeg")


def video_set(n: int, rng: np.random.Generator) -> Iterator[Sample]:
    faces = synth.face_images()
    for i in range(n):
        _, base = faces[i % len(faces)]
        base = synth.face_variant(base, rng)
        manipulated = i % 2 == 1
        yield Sample(synth.face_clip(base, rng, manipulated=manipulated, n=16), manipulated,
                     "swapped_clip" if manipulated else "real_clip")


def audio_set(n: int, rng: np.random.Generator) -> Iterator[Sample]:
    """Proxy only: speech-like audio generated at 16 kHz and saved at 48 kHz (as vocoders output) versus the same
    with full-band noise. There is no real or cloned speech here."""
    for i in range(n):
        x = synth.speech_like(2.0, rng)
        up = synth.resample(x, 16000, 48000)
        if i % 2:
            yield Sample(synth.wav(up + rng.normal(0, 1e-5, up.size).astype(np.float32), 48000), True,
                         "generated_16k_saved_48k")
        else:
            yield Sample(synth.wav(up + rng.normal(0, 0.003, up.size).astype(np.float32), 48000), False,
                         "full_band_48k")


def _photos(rng: np.random.Generator, min_side: int = 256) -> Iterator[Any]:
    """Random crops of the shipped photographs, leaving out the three that are not untouched photographs
    (labelled_set.NOT_PHOTOGRAPHS: textures made by cloning, a picture enlarged by pixel replication)."""
    from labelled_set import NOT_PHOTOGRAPHS

    imgs = [im for name, im in synth.natural_images() if name not in NOT_PHOTOGRAPHS]
    while True:
        yield synth.random_crop(imgs[int(rng.integers(len(imgs)))], rng, min_side=min_side)


def _clean_variant(img: Any, kind: str, rng: np.random.Generator) -> bytes:
    """An untouched photograph as a single JPEG, a PNG, a re-compressed JPEG, an enlarged JPEG or with camera
    noise (JPEG)."""
    if kind == "single":
        return synth.single_jpeg(img, rng).data
    if kind == "png_plain":
        return synth.png(img)
    if kind == "recompressed":
        return synth.recompressed(img, rng).data
    if kind == "upsampled":
        return synth.upsampled(img, rng).data
    return synth.jpeg(synth.camera_like(img, rng), int(rng.integers(85, 97)))


def copy_move_set(n: int, rng: np.random.Generator) -> Iterator[Sample]:
    photos = _photos(rng)
    kinds = ["copy_moved_jpeg", "single", "copy_moved_png", "png_plain", "recompressed", "upsampled"]
    for i in range(n):
        img, kind = next(photos), kinds[i % len(kinds)]
        if kind.startswith("copy_moved"):
            yield Sample(synth.copy_move(img, rng, lossless=kind.endswith("png")).data, True, kind)
        else:
            yield Sample(_clean_variant(img, kind, rng), False, kind)


def noise_set(n: int, rng: np.random.Generator) -> Iterator[Sample]:
    photos = _photos(rng)
    kinds = ["noise_splice", "camera_noise", "noise_splice", "single", "png_plain"]
    for i in range(n):
        img, kind = next(photos), kinds[i % len(kinds)]
        if kind == "noise_splice":
            yield Sample(synth.noise_splice(img, rng).data, True, kind)
        else:
            yield Sample(_clean_variant(img, kind, rng), False, kind)


def upsampling_set(n: int, rng: np.random.Generator) -> Iterator[Sample]:
    photos = _photos(rng)
    kinds = ["generated_upsampled", "single", "generated_upsampled", "upsampled", "png_plain", "camera_noise"]
    for i in range(n):
        img, kind = next(photos), kinds[i % len(kinds)]
        if kind == "generated_upsampled":
            s = synth.generated_upsampled(img, rng)
            yield Sample(s.data, True, s.kind)
        else:
            yield Sample(_clean_variant(img, kind, rng), False, kind)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", type=Path, default=Path("target/bench/detectors-eval.json"))
    ap.add_argument("--scale", type=float, default=1.0, help="multiply every set's size")
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()
    rng = np.random.default_rng(args.seed)

    def size(n: int) -> int:
        return max(2, round(n * args.scale))

    dets = {d.model_id: d for d in load_detectors([
        "ai-metadata-rules", "sd-watermark-dwtdct", "jpeg-ghost", "jpeg-dq", "ela", "blazeface-consistency",
        "video-frames", "voice-spectral", "copy-move", "noise-residual", "spectral-upsampling"])}
    ca = synth.TestCA()
    c2pa = C2paProvenanceDetector({"trust_anchors": ca.root_pem})
    splices = list(splice_set(size(100), rng))
    start = time.time()
    results = [
        run(c2pa, "provenance (C2PA-signed AI / edited-after-signing vs signed capture / unsigned)",
            c2pa_set(ca, size(12), rng)),
        run(dets["ai-metadata-rules"], "AI-generated: generator metadata (incl. stripped copies) vs none",
            metadata_set(size(64), rng)),
        run(dets["sd-watermark-dwtdct"], "AI-generated: SD dwtDct watermark, lossless and after JPEG 95",
            watermark_set(size(24), rng)),
        run(dets["jpeg-ghost"], "image authenticity: splices vs single / re-compressed / upsampled JPEGs",
            iter(splices)),
        run(dets["jpeg-dq"], "image authenticity (same set as jpeg-ghost; only the aligned splices are its own)",
            iter(splices)),
        run(dets["ela"], "image authenticity (same set as jpeg-ghost)", iter(splices)),
        run(dets["blazeface-consistency"], "face manipulation: simulated swaps vs real (2 identities)",
            face_set(size(48), rng)),
        run(dets["video-frames"], "video: clips with swapped faces vs real clips", video_set(size(10), rng)),
        run(dets["voice-spectral"], "PROXY (not voice cloning): 16 kHz generated audio saved at 48 kHz vs full band",
            audio_set(size(16), rng)),
        run(dets["copy-move"], "image authenticity: copy-moved (JPEG 80-95, PNG) vs single / PNG / re-compressed / "
            "upsampled", copy_move_set(size(60), rng)),
        run(dets["noise-residual"], "image authenticity: noise splices vs photos with and without camera noise",
            noise_set(size(60), rng)),
        run(dets["spectral-upsampling"], "AI-generated: 2x/4x nearest / transposed-convolution upsampling vs "
            "photos (single, bicubic-upsampled, PNG, camera noise)", upsampling_set(size(60), rng)),
    ]
    report = {
        "generated_by": "detectors/scripts/evaluate.py",
        "seed": args.seed,
        "scale": args.scale,
        "machine": {"python": platform.python_version(), "cpu_count": __import__("os").cpu_count()},
        "seconds": round(time.time() - start, 1),
        "detectors": {r.detector: r.summary() for r in results},
        "not_evaluated": {
            "onnx-classifier": "no model ships with the package; it runs whatever the operator configures",
            "voice-spectral": "no labelled real/cloned speech is available offline; verdict is always Inconclusive",
        },
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2) + "\n")
    print(f"{'detector':24s} {'n':>4s} {'AUC':>6s} {'acc':>6s} {'cover':>6s} {'ms':>8s}  target")
    for name, s in report["detectors"].items():
        auc = "-" if s["auc"] is None else f"{s['auc']:.3f}"
        acc = "-" if s["accuracy"] is None else f"{s['accuracy']:.3f}"
        lat = s["latency_ms"]["mean"] if s["latency_ms"] else 0
        print(f"{name:24s} {s['n']:4d} {auc:>6s} {acc:>6s} {s['coverage']:6.2f} {lat:8.1f}  {s['target']}"
              + ("  GUESSING" if s["guessing"] else ""))
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
