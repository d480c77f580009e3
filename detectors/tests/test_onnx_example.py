"""The shipped example of a learned model through the ONNX plug-in (detectors/examples/onnx-classifier): its model
is what the builder makes, its config's sha256 matches, and the README's command gives the model's answers."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
import tomllib
from pathlib import Path

import numpy as np
from PIL import Image

import synth

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "detectors/examples/onnx-classifier"


def test_the_shipped_model_is_the_built_one_and_the_config_pins_it(tmp_path: Path) -> None:
    shipped = (EXAMPLE / "brightness.onnx").read_bytes()
    assert synth.brightness_classifier_onnx(tmp_path / "fresh.onnx").read_bytes() == shipped
    config = tomllib.loads((EXAMPLE / "brightness.toml").read_text())
    assert config["sha256"] == hashlib.sha256(shipped).hexdigest()


def analyze(picture: Path) -> dict[str, object]:
    """The example README's command, from the repository root."""
    script = Path(sys.executable).parent / "dfpn-detectors"
    command = [str(script)] if script.exists() else [sys.executable, "-m", "dfpn_detectors.cli"]
    done = subprocess.run(
        [*command, "analyze", str(picture), "--modality", "AiGeneratedImage",
         "--config", "detectors/examples/onnx-classifier/detectors.toml", "--json"],
        cwd=ROOT, capture_output=True, text=True, timeout=300, check=False,
    )
    assert done.returncode == 0, done.stderr
    report: dict[str, object] = json.loads(done.stdout)
    return report


def test_the_readme_command_gives_the_models_answers(tmp_path: Path) -> None:
    # Given a bright and a dark picture (the test model calls bright ones "fake")
    bright, dark = tmp_path / "bright.png", tmp_path / "dark.png"
    Image.fromarray(np.full((96, 96, 3), 250, np.uint8)).save(bright)
    Image.fromarray(np.full((96, 96, 3), 5, np.uint8)).save(dark)
    # When the README's command analyses them
    on_bright, on_dark = analyze(bright), analyze(dark)
    # Then the model ran under its own id, and its answers decide: Manipulated, and (a trained model's Authentic
    # counts) Authentic
    assert (on_bright["verdict"], on_bright["decided_by"]) == ("Manipulated", ["example-brightness-v1"])
    assert (on_dark["verdict"], on_dark["decided_by"]) == ("Authentic", ["example-brightness-v1"]), on_dark
    assert on_bright["skipped"] == [] and on_dark["skipped"] == []
