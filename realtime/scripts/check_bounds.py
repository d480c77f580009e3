"""The integrations at the bounds of their dependencies: a throwaway venv with ``realtime[livekit,pipecat]`` where
pipecat-ai and livekit-agents are pinned to our declared lower bounds (``--bound lower``) or resolved to the newest
release below the upper bound (``--bound upper``, what ``.venv-realtime`` gets), then ``bounds_smoke.py`` in it:
the Pipecat processor runs a pipeline to an ALERT, the LiveKit detector is constructed and started, as the
specifications' examples do.

    .venv-realtime/bin/python realtime/scripts/check_bounds.py --bound lower  # target/bench/realtime-bounds-*.json

The venv is made under ``target/bounds-<bound>`` (kept between runs: pip then only checks it); ``--fresh`` starts
over.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import time
import tomllib
from pathlib import Path

from packaging.version import Version

REALTIME = Path(__file__).resolve().parents[1]
ROOT = REALTIME.parent
#: The packages whose major releases the bounds guard against.
GUARDED = ("pipecat-ai", "livekit-agents")


def declared_bounds() -> dict[str, tuple[str, str]]:
    """(lower, upper) of each guarded package as realtime/pyproject.toml declares it."""
    project = tomllib.loads((REALTIME / "pyproject.toml").read_text())["project"]
    requirements = [r for extra in project["optional-dependencies"].values() for r in extra]
    bounds: dict[str, tuple[str, str]] = {}
    for name in GUARDED:
        spec = next(r for r in requirements if re.match(rf"^{re.escape(name)}(\[|>|<|=|$)", r))
        lower = re.search(r">=\s*([\w.]+)", spec)
        upper = re.search(r"<\s*([\w.]+)", spec)
        if lower is None or upper is None:
            raise SystemExit(f"{spec!r}: needs both a lower (>=) and an upper (<) bound")
        bounds[name] = (lower.group(1), upper.group(1))
    return bounds


def run(cmd: list[str], **kw: object) -> subprocess.CompletedProcess[str]:
    return subprocess.run(cmd, check=True, text=True, capture_output=True, **kw)  # type: ignore[call-overload, no-any-return]


def uv() -> str | None:
    """uv (the test extra installs it beside this interpreter): parallel downloads and a wheel cache of its own,
    so that a second run installs in seconds. None: pip is used."""
    beside = Path(sys.executable).parent / "uv"
    return str(beside) if beside.exists() else shutil.which("uv")


def install(python: str, constraints: Path) -> None:
    packages = [
        "-e",
        str(ROOT / "sdk-python"),
        "-e",
        str(ROOT / "detectors"),
        "-e",
        f"{REALTIME}[livekit,pipecat]",
    ]
    tool = uv()
    if tool is None:
        run([python, "-m", "pip", "install", "-q", "-c", str(constraints), *packages])
        return
    # uv reads the system's CA certificates (as pip does here) instead of its bundled ones
    env = {**os.environ, "UV_NATIVE_TLS": "1"}
    run(
        [tool, "pip", "install", "-q", "--no-sources", "--python", python, "-c", str(constraints), *packages],
        env=env,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else "")
    parser.add_argument("--bound", choices=("lower", "upper"), default="lower")
    parser.add_argument("--fresh", action="store_true", help="remove the venv first")
    args = parser.parse_args()
    bounds = declared_bounds()
    venv = ROOT / "target" / f"bounds-{args.bound}"
    if args.fresh and venv.exists():
        shutil.rmtree(venv)
    start = time.perf_counter()
    if not (venv / "bin" / "python").exists():
        tool = uv()
        run(
            [tool, "venv", "-q", "--python", sys.executable, str(venv)]
            if tool
            else [sys.executable, "-m", "venv", str(venv)]
        )
    python = str(venv / "bin" / "python")
    constraints = venv / "constraints.txt"
    constraints.write_text(
        "".join(f"{name}=={lower}\n" for name, (lower, _) in bounds.items()) if args.bound == "lower" else ""
    )
    try:
        install(python, constraints)
    except subprocess.CalledProcessError as e:
        raise SystemExit(f"install at the {args.bound} bounds failed:\n{e.stderr[-4000:]}") from e
    installed = time.perf_counter()
    try:
        smoke = run([python, str(REALTIME / "scripts" / "bounds_smoke.py")], cwd=venv)
    except subprocess.CalledProcessError as e:
        raise SystemExit(
            f"the integrations fail at the {args.bound} bounds:\n{e.stdout}\n{e.stderr[-4000:]}"
        ) from e
    report = {
        "bound": args.bound,
        "declared": {k: {"lower": lo, "upper": up} for k, (lo, up) in bounds.items()},
        **json.loads(smoke.stdout.strip().splitlines()[-1]),
        "install_seconds": round(installed - start, 1),
        "smoke_seconds": round(time.perf_counter() - installed, 1),
    }
    for name, (lower, upper) in bounds.items():
        got = report["versions"][name]
        major = int(got.split(".")[0])
        if args.bound == "lower" and Version(got) != Version(lower):
            raise SystemExit(f"{name} {got} installed, not the lower bound {lower}")
        if major >= int(upper.split(".")[0]):
            raise SystemExit(f"{name} {got} is not below the upper bound {upper}")
    out = ROOT / "target" / "bench" / f"realtime-bounds-{args.bound}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, indent=2) + "\n")
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
