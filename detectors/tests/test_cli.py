"""`dfpn-detectors analyze FILE`: the installed detectors on one file and the policy's verdict, run as a user runs
the command (a subprocess)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import numpy as np
import pytest

from test_limits import png_zeros

import synth

DETECTORS = Path(__file__).resolve().parents[1]


def dfpn_detectors(*args: str | Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    """The console script when it is installed (it is after `pip install -e detectors`), else the module."""
    script = Path(sys.executable).parent / "dfpn-detectors"
    command = [str(script)] if script.exists() else [sys.executable, "-m", "dfpn_detectors.cli"]
    env = {**os.environ, "PYTHONWARNINGS": "ignore"}
    return subprocess.run(
        [*command, *map(str, args)], cwd=cwd, capture_output=True, text=True, timeout=300, env=env
    )


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("cli")
    rng = np.random.default_rng(1)
    spliced = synth.splice(synth.image("astronaut"), synth.image("coffee"), rng, q0=60, q1=92, aligned=True)
    (folder / "spliced.jpg").write_bytes(spliced.data)
    (folder / "clip.mp4").write_bytes(synth.face_clip(synth.image("astronaut"), rng, manipulated=True))
    (folder / "speech.wav").write_bytes(synth.wav(synth.speech_like(2.0, rng), 16000))
    (folder / "bomb.png").write_bytes(png_zeros(7000, 7000))
    (folder / "notes.txt").write_text("not media")
    return folder


def test_text_report_of_a_spliced_jpeg(files: Path) -> None:
    out = dfpn_detectors("analyze", "spliced.jpg", cwd=files)
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    assert lines[0].startswith("spliced.jpg: image (image/jpeg, 512x512), ")
    ghost = next(i for i, line in enumerate(lines) if line.strip().startswith("jpeg-ghost"))
    assert "Manipulated" in lines[ghost]
    assert lines[ghost + 1].strip().startswith("jpeg_ghost ") and " region x=" in lines[ghost + 1]
    assert any("video-frames" in line and "does not apply" in line for line in lines)
    assert any(
        "onnx-classifier" in line and "skipped: " in line for line in lines
    )  # needs a config: one line
    verdict = next(line for line in lines if line.startswith("verdict: "))
    assert verdict.startswith("verdict: Manipulated, confidence ")
    assert "modalities ImageAuthenticity, FaceManipulation, AiGeneratedImage" in verdict
    assert "Traceback" not in out.stderr


def test_json_report(files: Path) -> None:
    out = dfpn_detectors("analyze", "spliced.jpg", "--json", cwd=files)
    assert out.returncode == 0, out.stderr
    report = json.loads(out.stdout)  # one JSON object, nothing else on stdout
    assert (report["kind"], report["mime"], report["size"]) == (
        "image",
        "image/jpeg",
        {"width": 512, "height": 512},
    )
    assert report["verdict"] == "Manipulated" and 50 <= report["confidence"] <= 100
    ghost = next(d for d in report["detections"] if d["type"] == "jpeg_ghost")
    assert ghost["detector"] == "jpeg-ghost" and set(ghost["region"]) == {"x", "y", "w", "h"}
    ran = {d["detector"] for d in report["detectors"]}
    assert {"jpeg-ghost", "ela", "c2pa-provenance", "blazeface-consistency"} <= ran
    assert "video-frames" in {d["detector"] for d in report["not_applicable"]}
    assert [d["detector"] for d in report["skipped"]] == ["onnx-classifier"]


def test_named_detectors_video_and_audio(files: Path) -> None:
    out = dfpn_detectors(
        "analyze", "spliced.jpg", "--detector", "ela", "-d", "jpeg-ghost,c2pa-provenance", "--json", cwd=files
    )
    assert out.returncode == 0, out.stderr
    report = json.loads(out.stdout)
    assert [d["detector"] for d in report["detectors"]] == ["ela", "jpeg-ghost", "c2pa-provenance"]
    assert report["skipped"] == [] and report["not_applicable"] == []

    out = dfpn_detectors("analyze", "clip.mp4", "--json", cwd=files)
    report = json.loads(out.stdout)
    frames = next(d for d in report["detectors"] if d["detector"] == "video-frames")
    assert frames["verdict"] == "Manipulated" and frames["detections"][0]["region"]["w"] > 0

    out = dfpn_detectors("analyze", "speech.wav", cwd=files)
    assert out.returncode == 0, out.stderr
    assert "voice-spectral" in out.stdout and "speech" in out.stdout


@pytest.mark.parametrize(
    ("args", "code", "exit_code", "fix"),
    [
        (["missing.jpg"], "FILE_NOT_FOUND", 1, "Check the path"),
        (["bomb.png"], "MEDIA_TOO_LARGE", 1, "--limit max_pixels=49000000"),
        (["notes.txt"], "UNSUPPORTED_MEDIA", 1, "Give a JPEG"),
        (["spliced.jpg", "--detector", "nope"], "UNKNOWN_DETECTOR", 2, "Installed: "),
        (["spliced.jpg", "--detector", "onnx-classifier"], "DETECTOR_UNAVAILABLE", 1, "--config FILE"),
        (["spliced.jpg", "--limit", "max_pixel=5"], "USAGE", 2, "max_pixels"),
        (["spliced.jpg", "--limit", "max_pixels=-5"], "USAGE", 2, "positive number"),
        (["spliced.jpg", "--bogus"], "USAGE", 2, "--help"),
        (["spliced.jpg", "--modality", "smell"], "USAGE", 2, "Modalities: ImageAuthenticity"),
        (["speech.wav", "--out", "x.png"], "USAGE", 2, "Only images"),
    ],
)
def test_errors_are_one_line_with_the_fix(
    files: Path, args: list[str], code: str, exit_code: int, fix: str
) -> None:
    out = dfpn_detectors("analyze", *args, cwd=files)
    assert out.returncode == exit_code, (out.stdout, out.stderr)
    assert out.stdout == ""
    assert out.stderr.startswith(f"error: {code}: ") and out.stderr.count("\n") == 1, out.stderr
    assert fix in out.stderr and "Traceback" not in out.stderr


@pytest.mark.parametrize(
    ("args", "code", "exit_code"),
    [(["bomb.png"], "MEDIA_TOO_LARGE", 1), (["spliced.jpg", "--detector", "nope"], "UNKNOWN_DETECTOR", 2)],
)
def test_json_errors_are_one_object(files: Path, args: list[str], code: str, exit_code: int) -> None:
    out = dfpn_detectors("analyze", *args, "--json", cwd=files)
    assert out.returncode == exit_code
    error = json.loads(out.stdout)["error"]
    assert error["code"] == code and error["message"] and error["hint"]


def test_a_raised_limit_lets_the_bomb_through(files: Path) -> None:
    """The fix the error names works: the 49 Mpixel PNG is then decoded reduced, at 1/3."""
    out = dfpn_detectors("analyze", "bomb.png", "--limit", "max_pixels=49000000", "-d", "ela", cwd=files)
    assert out.returncode == 0, out.stderr
    assert "7000x7000 analysed at 1/3 (2334x2334)" in out.stdout or "uniform error level" in out.stdout


def test_console_script_is_declared() -> None:
    scripts = tomllib.loads((DETECTORS / "pyproject.toml").read_text())["project"]["scripts"]
    assert scripts["dfpn-detectors"] == "dfpn_detectors.cli:main"
    installed = shutil.which("dfpn-detectors", path=str(Path(sys.executable).parent))
    if installed is not None:
        out = subprocess.run([installed, "--version"], capture_output=True, text=True, timeout=60)
        assert out.returncode == 0 and out.stdout.startswith("dfpn-detectors ")


def test_list_and_no_command(files: Path) -> None:
    listed = json.loads(dfpn_detectors("list", "--json", cwd=files).stdout)["detectors"]
    assert {"jpeg-ghost", "c2pa-provenance", "onnx-classifier"} <= {d["detector"] for d in listed}
    bare = dfpn_detectors(cwd=files)
    assert bare.returncode == 2 and bare.stderr.startswith("error: USAGE: no command given")


def test_a_clean_photo_is_authentic_only_from_detectors_that_vouch(files: Path) -> None:
    # Given an untouched photo saved once as JPEG
    (files / "clean.jpg").write_bytes(synth.jpeg(synth.image("coffee"), 90))
    # When it is analysed for image authenticity only, with the reference detectors (none vouches)
    out = dfpn_detectors("analyze", "clean.jpg", "--modality", "ImageAuthenticity", "--json", cwd=files)
    report = json.loads(out.stdout)
    # Then they found nothing, but that is no evidence of authenticity: Inconclusive, and the reason says so
    assert (report["verdict"], report["modalities"]) == ("Inconclusive", ["ImageAuthenticity"]), report
    assert "none of them vouches" in report["reasons"][0]
    # And detectors of other modalities did not run
    skipped = {d["detector"]: d["reason"] for d in report["not_applicable"]}
    assert skipped["ai-metadata-rules"] == "covers none of the modalities asked"
    # When the operator's settings let jpeg-ghost vouch for image authenticity
    (files / "vouch.toml").write_text('[jpeg-ghost]\nvouches = ["ImageAuthenticity"]\n')
    vouched = json.loads(dfpn_detectors("analyze", "clean.jpg", "-m", "ImageAuthenticity", "--config",
                                        "vouch.toml", "--json", cwd=files).stdout)
    # Then its "nothing found" makes a moderate Authentic
    assert (vouched["verdict"], vouched["decided_by"]) == ("Authentic", ["jpeg-ghost"]), vouched["reasons"]
    assert 50 <= vouched["confidence"] < 80
    # And the spliced photo is not Authentic with the same settings (the control)
    spliced = json.loads(dfpn_detectors("analyze", "spliced.jpg", "-m", "image_authenticity", "--config",
                                        "vouch.toml", "--json", cwd=files).stdout)
    assert spliced["verdict"] == "Manipulated" and "jpeg-ghost" in spliced["decided_by"]


def test_out_writes_an_annotated_copy_with_the_regions(files: Path) -> None:
    # When the spliced photo is analysed with --out
    out = dfpn_detectors("analyze", "spliced.jpg", "--out", "annotated.png", "--json", cwd=files)
    report = json.loads(out.stdout)
    boxes = [d for d in report["detections"] if "region" in d and d["confidence"] > 0]
    # Then a PNG of the same size is written with one box per region, red where the finding is strong
    assert report["annotated"] == {"path": "annotated.png", "regions": len(boxes)} and boxes
    from PIL import Image

    with Image.open(files / "annotated.png") as im:
        assert (im.format, im.size) == ("PNG", (512, 512))
        pixels = np.asarray(im.convert("RGB"))
    ghost = next(d["region"] for d in boxes if d["type"] == "jpeg_ghost")
    edge = pixels[ghost["y"] + ghost["h"] // 2, ghost["x"]]
    assert tuple(edge) == (230, 40, 40)
    # And the original is untouched where no box is drawn (the control: the copy is the image, not a blank)
    original = synth.decode((files / "spliced.jpg").read_bytes())
    assert np.abs(pixels[-3:, :50].astype(int) - original[-3:, :50].astype(int)).max() < 3
