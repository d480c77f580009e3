"""Make the self-contained Docker build context of the realtime images: target/realtime-deploy.

    .venv-realtime/bin/python realtime/deploy/build_context.py [--out DIR]

dfpn (the SDK) and dfpn-detectors are not on the package index, so an image cannot pip-install dfpn-realtime by
name: the context carries their wheels, built here from this checkout, with the files of realtime/deploy/:

- ``Dockerfile``: the LiveKit agent worker (``dfpn-realtime-agent start``); LiveKit Cloud builds it
  (``lk agent create DIR``, with ``livekit.toml``), so does ``docker build DIR``;
- ``Dockerfile.pipecat``, ``pyproject.toml``, ``bot.py``: the Pipecat bot on Pipecat Cloud's base image
  (``pipecat cloud deploy`` in DIR, with ``pcc-deploy.toml``);
- ``wheels/``: dfpn, dfpn-detectors, dfpn-realtime; ``requirements-models.txt``: the detectors' pinned model files.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
from pathlib import Path

DEPLOY = Path(__file__).resolve().parent
REALTIME = DEPLOY.parent
ROOT = REALTIME.parent
FILES = ("Dockerfile", "Dockerfile.pipecat", "bot.py", "pyproject.toml", "pcc-deploy.toml", "livekit.toml")
PACKAGES = (ROOT / "sdk-python", ROOT / "detectors", REALTIME)


def build_wheels(out: Path) -> None:
    """Wheels of the three packages, with uv (the test extra) when it is there, else pip."""
    uv = Path(sys.executable).parent / "uv"
    for package in PACKAGES:
        if uv.exists():
            cmd = [str(uv), "build", "-q", "--wheel", "--no-sources", "--out-dir", str(out), str(package)]
        else:
            cmd = [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(out), str(package)]
        subprocess.run(cmd, check=True, env={"UV_NATIVE_TLS": "1", **os.environ})


def build_context(out: Path) -> Path:
    if out.exists():
        shutil.rmtree(out)
    (out / "wheels").mkdir(parents=True)
    for name in FILES:
        shutil.copy2(DEPLOY / name, out / name)
    shutil.copy2(ROOT / "detectors" / "requirements-models.txt", out / "requirements-models.txt")
    build_wheels(out / "wheels")
    for stray in [*(out / "wheels").glob("*.tar.gz"), out / "wheels" / ".gitignore"]:
        stray.unlink(missing_ok=True)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else "")
    parser.add_argument("--out", default=str(ROOT / "target" / "realtime-deploy"))
    args = parser.parse_args()
    out = build_context(Path(args.out))
    for path in sorted(out.rglob("*")):
        if path.is_file():
            print(path.relative_to(out))


if __name__ == "__main__":
    main()
