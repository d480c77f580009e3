"""The first hour, as a new user has it: wheels built from this repository, installed with pip into a clean virtualenv
outside the source tree, and the specification's Python example pasted unchanged but for `network="local"` and
`wallet=Keypair()` (seed 004, "Python SDK"): it prints a verdict, answered by the reference workers the embedded
network starts (`dfpn[local]`). The wheel carries `dfpn.so`, byte for byte the program this repository built.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PROGRAM = ROOT / "target" / "deploy" / "dfpn.so"
PACKAGES = ("sdk-python", "detectors", "worker")

#: The specification's example (seed 004), with network="local" and a fresh Keypair as the only changes.
SEED_EXAMPLE = """\
from dfpn import DFPNClient, Modality
from solders.keypair import Keypair

client = DFPNClient(
    network="local",
    wallet=Keypair(),
)

request = client.submit_request(
    media_path="./photo.jpg",
    modalities=[Modality.FACE_MANIPULATION],
    min_workers=3,
    max_fee=0.01,
    deadline_seconds=300,
)

result = client.wait_for_result(request.id, timeout=360)

print(f"Verdict: {result.verdict}")
print(f"Confidence: {result.confidence}%")
"""

#: The one-call form from the SDK's README.
ANALYZE_EXAMPLE = """\
from dfpn import DFPNClient

with DFPNClient(network="local") as client:
    result = client.analyze("photo.jpg", progress=lambda p: print("stage", p.stage))
    print("verdict", result.verdict.value, len(result.worker_results), "workers")
"""


def _clean_env() -> dict[str, str]:
    """The environment without anything pointing into this repository."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DFPN_", "PYTHON", "VIRTUAL_ENV"))}
    env["PATH"] = os.defpath
    return env


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A virtualenv with `dfpn[local]` installed from the wheels of this repository (and PyPI for the rest)."""
    assert PROGRAM.is_file(), "build the program first (make build)"
    wheels = tmp_path_factory.mktemp("wheels")
    sources = [str(ROOT / p) for p in PACKAGES]
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(wheels), *sources],
        check=True,
        timeout=600,
    )
    env_dir = tmp_path_factory.mktemp("venv")
    venv.create(env_dir, with_pip=True)
    python = env_dir / "bin" / "python"
    subprocess.run(
        [str(python), "-m", "pip", "install", "-q", "--find-links", str(wheels), "dfpn[local]"],
        check=True,
        timeout=900,
        env=_clean_env(),
    )
    return python


def _photo(directory: Path) -> None:
    from PIL import Image

    Image.linear_gradient("L").resize((640, 480)).convert("RGB").save(directory / "photo.jpg", quality=90)


def _run(python: Path, code: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(python), "-c", code], cwd=cwd, env=_clean_env(), capture_output=True, text=True, timeout=300
    )


def test_the_wheel_carries_the_program_this_repository_built(installed: Path, tmp_path: Path) -> None:
    # Given the installed SDK, When asked for its packaged program
    code = "from dfpn.local import find_program, packaged_program; print(packaged_program()); print(find_program())"
    found = _run(installed, code, tmp_path)
    assert found.returncode == 0, found.stderr
    packaged, used = found.stdout.split()
    # Then it is inside the installed package (not the repository), byte for byte target/deploy/dfpn.so
    assert packaged == used and "site-packages/dfpn/program/dfpn.so" in packaged
    assert (
        hashlib.sha256(Path(packaged).read_bytes()).digest() == hashlib.sha256(PROGRAM.read_bytes()).digest()
    )
    # And the installed packages are the wheels, not this source tree
    where = _run(installed, "import dfpn, dfpn_worker; print(dfpn.__file__, dfpn_worker.__file__)", tmp_path)
    assert str(ROOT) not in where.stdout and "site-packages" in where.stdout


def test_the_specifications_python_example_prints_a_verdict(installed: Path, tmp_path: Path) -> None:
    # Given a photo in the user's working directory (outside the repository)
    _photo(tmp_path)
    # When the specification's example runs there
    run = _run(installed, SEED_EXAMPLE, tmp_path)
    # Then it prints a verdict and a confidence, answered by workers of the embedded network
    assert run.returncode == 0, run.stderr[-3000:]
    lines = run.stdout.splitlines()
    assert lines[0] in {"Verdict: Authentic", "Verdict: Manipulated", "Verdict: Inconclusive"}, run.stdout
    assert lines[1].startswith("Confidence: ") and lines[1].endswith("%")


def test_analyze_in_one_call_with_progress(installed: Path, tmp_path: Path) -> None:
    _photo(tmp_path)
    run = _run(installed, ANALYZE_EXAMPLE, tmp_path)
    assert run.returncode == 0, run.stderr[-3000:]
    stages = [line.split()[1] for line in run.stdout.splitlines() if line.startswith("stage ")]
    assert stages[0] == "uploading" and stages[-1] == "finalized" and "revealed" in stages
    assert run.stdout.splitlines()[-1].endswith("3 workers")
