"""Accuracy of the ``voice-prosody`` detector on the generated labelled set (`dfpn_realtime.voiceset`).

    .venv-realtime/bin/python realtime/scripts/voice_eval.py        # test seeds -> target/bench/realtime-voice.json
    .venv-realtime/bin/python realtime/scripts/voice_eval.py --fit  # refit the model on the training seeds

Training seeds 1000-1059, test seeds 0-39 (``--seeds N`` for fewer); classes natural, espeak (espeak-ng TTS),
lpc-vocoder and psola, each clean and with 20 dB of noise. Reports per class and variant how often the detector
says Manipulated / Authentic / Inconclusive, the accuracy of its decided answers, the share it decides, the
false-positive rate on the natural class, and the ROC AUC of P(synthetic). What the set does and does not measure:
`dfpn_realtime.voiceset`'s docstring and the README.
"""

from __future__ import annotations

import argparse
import json
import math
import time
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

import numpy as np

from dfpn_realtime.voice import (
    AUTHENTIC_BELOW,
    MANIPULATED_AT,
    MODEL,
    ProsodyFeatures,
    ProsodyModel,
    measure,
    read_pcm,
)
from dfpn_realtime.voiceset import CLASSES, VARIANTS, Item, labelled_set

TRAIN = range(1000, 1060)
ROOT = Path(__file__).resolve().parents[2]


Rows = list[tuple[Item, ProsodyFeatures | None]]


def features_of(items: list[Item]) -> Rows:
    from dfpn_detectors import Media

    return [(item, measure(*read_pcm(Media(data=item.wav, mime_type="audio/wav")))) for item in items]


def fit(rows: Rows, *, l2: float = 0.01, steps: int = 4000) -> ProsodyModel:
    """Logistic regression (gradient descent, L2) on standardised features; classes weighted to balance."""
    usable = [(item, f.vector()) for item, f in rows if f is not None]
    x = np.array([v for _, v in usable], dtype=np.float64)
    y = np.array([item.label for item, _ in usable], dtype=np.float64)
    mean, scale = x.mean(axis=0), x.std(axis=0) + 1e-9
    z = (x - mean) / scale
    weight = np.where(y == 1, 0.5 / y.mean(), 0.5 / (1 - y.mean()))
    w, b = np.zeros(z.shape[1]), 0.0
    for _ in range(steps):
        p = 1 / (1 + np.exp(-(z @ w + b)))
        g = weight * (p - y)
        w -= 0.1 * (z.T @ g / len(y) + l2 * w)
        b -= 0.1 * float(g.mean())
    return ProsodyModel(
        mean=tuple(round(float(v), 5) for v in mean),
        scale=tuple(round(float(v), 5) for v in scale),
        weights=tuple(round(float(v), 5) for v in w),
        bias=round(b, 5),
    )


def auc(scores: list[float], labels: list[int]) -> float:
    pos = [s for s, y in zip(scores, labels, strict=True) if y == 1]
    neg = [s for s, y in zip(scores, labels, strict=True) if y == 0]
    if not pos or not neg:
        return math.nan
    wins = sum((p > n) + 0.5 * (p == n) for p in pos for n in neg)
    return wins / (len(pos) * len(neg))


def evaluate(rows: Rows, model: ProsodyModel) -> dict[str, Any]:
    per: dict[str, Counter[str]] = defaultdict(Counter)
    scores: list[float] = []
    labels: list[int] = []
    correct = decided = 0
    for item, features in rows:
        key = f"{item.cls}/{item.variant}"
        if features is None:
            per[key]["Inconclusive"] += 1
            continue
        p = model.probability(features)
        scores.append(p)
        labels.append(item.label)
        answer = (
            "Manipulated" if p >= MANIPULATED_AT else "Authentic" if p < AUTHENTIC_BELOW else "Inconclusive"
        )
        per[key][answer] += 1
        if answer != "Inconclusive":
            decided += 1
            correct += (answer == "Manipulated") == (item.label == 1)
    natural = Counter[str]()
    for variant in VARIANTS:
        natural.update(per[f"natural/{variant}"])
    synthetic_total = sum(sum(c.values()) for k, c in per.items() if not k.startswith("natural/"))
    synthetic_caught = sum(c["Manipulated"] for k, c in per.items() if not k.startswith("natural/"))
    return {
        "items": len(rows),
        "decided_share": round(decided / max(1, len(rows)), 4),
        "accuracy_of_decided": round(correct / max(1, decided), 4),
        "false_positive_rate_natural": round(natural["Manipulated"] / max(1, sum(natural.values())), 4),
        "detection_rate_synthetic": round(synthetic_caught / max(1, synthetic_total), 4),
        "auc": round(auc(scores, labels), 4),
        "per_class_variant": {k: dict(v) for k, v in sorted(per.items())},
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else "")
    parser.add_argument(
        "--fit", action="store_true", help="refit the model on the training seeds and print it"
    )
    parser.add_argument("--seeds", type=int, default=40, help="test seeds per class and variant (default 40)")
    parser.add_argument("--out", default=str(ROOT / "target/bench/realtime-voice.json"))
    args = parser.parse_args()
    model = MODEL
    report: dict[str, Any] = {"classes": list(CLASSES), "variants": list(VARIANTS)}
    if args.fit:
        start = time.perf_counter()
        train = features_of(list(labelled_set(TRAIN)))
        model = fit(train)
        report["train"] = {**evaluate(train, model), "seconds": round(time.perf_counter() - start, 1)}
        print("MODEL =", repr(model))
    start = time.perf_counter()
    test = features_of(list(labelled_set(range(args.seeds))))
    report["test"] = {**evaluate(test, model), "seeds": args.seeds}
    report["seconds_per_item"] = round((time.perf_counter() - start) / max(1, len(test)), 3)
    report["model"] = model.model_dump()
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(report, indent=2) + "\n")
    print(json.dumps({k: v for k, v in report.items() if k != "model"}, indent=2))


if __name__ == "__main__":
    main()
