"""The labelled evaluation of the verdict policy (scripts/evaluate_policy.py) at a small scale: the short version
of `make bench-detectors`. Every installed detector and `policy.assess` on a few items of every class of
scripts/labelled_set.py: no manipulated item may be answered Authentic (originals or variants), and the report
holds every class, variant and modality. A policy that answers Authentic on everything fails these checks."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "scripts"))

import evaluate_policy
from dfpn_detectors import Analysis, Detector, Modality, Verdict
from dfpn_detectors.policy import Assessment

import labelled_set

#: 36 x 0.1 -> 4 items per image class (each with its variants), 1-2 per video and audio class: ~150 items.
SCALE = 0.1


@pytest.fixture(scope="module")
def written(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    out = tmp_path_factory.mktemp("bench") / "detectors-policy.json"
    assert evaluate_policy.main(["--scale", str(SCALE), "--seed", "1", "--out", str(out)]) == 0
    rep: dict[str, Any] = json.loads(out.read_text())
    return rep


def _false_authentic_lines(rep: dict[str, Any]) -> str:
    return "\n".join(
        f"{fa['id']} ({fa['confidence']}): "
        + ", ".join(f"{m}={s['state']}" for m, s in fa["detectors"].items())
        for fa in rep["false_authentic"]
    )


def test_no_manipulated_item_is_called_authentic(written: dict[str, Any]) -> None:
    assert written["targets"]["false_authentic_rate"]["value"] == 0, _false_authentic_lines(written)
    assert written["targets"]["false_authentic_rate"]["pass"]
    assert written["false_authentic_rate_all_variants"] == 0, _false_authentic_lines(written)
    assert written["false_authentic"] == []
    for m, per in written["modalities"].items():
        assert per["all"]["false_authentic_rate"] in (0, None), m


def test_every_class_variant_and_modality_is_reported(written: dict[str, Any]) -> None:
    specs = {c.name: c for c in labelled_set.classes()}
    assert set(written["classes"]) == set(specs)
    for name, c in specs.items():
        entry = written["classes"][name]
        assert set(entry["variants"]) == set(c.variants), name
        for variant, f in entry["variants"].items():
            assert f["n"] >= 1, (name, variant)
            assert f["Manipulated"] + f["Authentic"] + f["Inconclusive"] == f["n"], (name, variant)
            assert ("region_hit" in f) == c.has_region, (name, variant)
    assert set(written["modalities"]) == {str(m) for m in Modality}
    for m, per in written["modalities"].items():
        assert per["original"]["n_manipulated"] > 0 and per["original"]["n_authentic"] > 0, m
        confusion = per["all"]["confusion"]
        assert sum(sum(row.values()) for row in confusion.values()) == per["all"]["n"], m
    assert set(written["targets"]) == {"false_authentic_rate", "manipulated_share_non_clean",
                                       "manipulated_with_region_share"}
    # every detector that ran has an AUC over the set; the skipped ones say why
    assert written["detectors_run"]
    for name in written["detectors_run"]:
        assert name in written["detectors"], name
    assert all(isinstance(why, str) and why for why in written["detectors_skipped"].values())


def test_the_known_answers_hold(written: dict[str, Any]) -> None:
    """What the shipped detectors decide with certainty on this set: a trusted capture is never Manipulated and
    mostly Authentic (Inconclusive when a heuristic answers Manipulated against it: the policy's conflict rule), a
    C2PA AI declaration, a tampered manifest and generator metadata are Manipulated. (The shares of the other
    classes are measured, not asserted: `--check` and the README hold those.)"""
    classes = written["classes"]
    for name in ("clean_c2pa_capture", "clean_c2pa_capture_clip", "clean_c2pa_capture_audio"):
        f = classes[name]["variants"]["original"]
        assert f["Manipulated"] == 0 and f["Authentic"] >= f["n"] / 2, (name, f)
    for name in ("c2pa_ai", "c2pa_tampered", "generator_tagged", "c2pa_ai_clip", "c2pa_ai_audio"):
        f = classes[name]["variants"]["original"]
        assert f["Manipulated"] == f["n"], name


def _always_authentic(results: Sequence[tuple[Detector, Analysis]], modalities: Iterable[Modality]) -> Assessment:
    return Assessment(verdict=Verdict.AUTHENTIC, confidence=90, reasons=("fake policy",))


def test_a_policy_that_answers_authentic_fails(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """The checks above can fail: with a policy that answers Authentic on everything, every manipulated item is a
    false Authentic, the targets are missed and `--check` exits 1 (without it, 0)."""
    monkeypatch.setattr(evaluate_policy, "assess", _always_authentic)
    out = tmp_path / "p.json"
    only = ["spliced_aligned", "generator_tagged", "clean_jpeg"]
    rows, _ = evaluate_policy.run(seed=2, scale=0.06, only=only)
    rep = evaluate_policy.report(rows)
    assert rep["targets"]["false_authentic_rate"]["value"] == 1.0
    assert not rep["targets"]["false_authentic_rate"]["pass"]
    assert not rep["targets_pass"]
    assert {fa["class"] for fa in rep["false_authentic"]} == {"spliced_aligned", "generator_tagged"}
    assert rep["modalities"]["ImageAuthenticity"]["original"]["confusion"]["Manipulated"]["Authentic"] > 0
    args = ["--scale", "0.06", "--out", str(out), *(f"--class={c}" for c in only)]
    assert evaluate_policy.main([*args, "--check"]) == 1
    assert evaluate_policy.main(args) == 0
    assert set(json.loads(out.read_text())["classes"]) == set(only)
