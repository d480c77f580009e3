"""anchorpy drives the program from idl/dfpn.json as committed (Anchor's 0.30+ IDL): anchorpy3, the maintained
fork of anchorpy that reads that format (see README "anchorpy").

anchorpy3 cannot be installed next to the SDK (construct-typing pins, and it imports `spl.token`, which solana-py
0.41 no longer ships), so the anchorpy round trip runs in a separate venv (`make test-anchorpy`,
scripts/anchorpy_check.py); here it runs when such an interpreter is given with DFPN_ANCHORPY_PYTHON (or
`.venv-anchorpy3` exists), and is skipped otherwise.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _anchorpy_python() -> str | None:
    if os.environ.get("DFPN_ANCHORPY_PYTHON"):
        return os.environ["DFPN_ANCHORPY_PYTHON"]
    venv = ROOT / ".venv-anchorpy3" / "bin" / "python"
    return str(venv) if venv.exists() else None


def test_anchorpy_reads_the_idl_and_drives_the_program() -> None:
    # Given an interpreter with anchorpy3 (a separate venv: it cannot share the SDK's solana-py and solders)
    python = _anchorpy_python()
    if python is None:
        pytest.skip(
            "no anchorpy venv: run `make test-anchorpy` (anchorpy3 cannot share the SDK's solana-py 0.41)"
        )
    # When scripts/anchorpy_check.py loads idl/dfpn.json, builds initialize_config, set_paused and
    # register_challenger with anchorpy and sends them to dfpn.so in LiteSVM
    done = subprocess.run(
        [python, str(ROOT / "scripts" / "anchorpy_check.py")],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    # Then all succeed and anchorpy decodes the paused config and the challenger
    assert done.returncode == 0, done.stdout + done.stderr
    assert "paused=1" in done.stdout and "challenges=0" in done.stdout and "anchorpy check: ok" in done.stdout
