"""idl/dfpn.legacy.json: the legacy-format IDL (Anchor < 0.30) shipped for anchorpy, which cannot parse the 0.1.0
spec of idl/dfpn.json (see README "anchorpy").

anchorpy cannot be installed next to the SDK (its solana dependency pins solders < 0.27; the SDK pins 0.29), so
the anchorpy round trip itself runs in a separate venv (`make test-anchorpy`, scripts/anchorpy_check.py); here it
runs only when such an interpreter is given with DFPN_ANCHORPY_PYTHON (or `.venv-anchorpy` exists).
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
from pathlib import Path
from typing import Any

import pytest

from dfpn.generated.instructions import INSTRUCTIONS

from helpers import load_idl

ROOT = Path(__file__).resolve().parents[2]
LEGACY = ROOT / "idl" / "dfpn.legacy.json"


def _legacy() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(LEGACY.read_text())
    return data


def _sighash(preimage: str) -> bytes:
    return hashlib.sha256(preimage.encode()).digest()[:8]


def test_legacy_idl_derives_the_programs_discriminators() -> None:
    # Given the legacy IDL, which carries no discriminators (its readers derive them from the names)
    legacy = _legacy()
    # When anchorpy's rule is applied: sha256("global:<name>"), "account:<Name>", "event:<Name>"
    # Then every one equals the discriminator of the 0.1.0 IDL and of the SDK's generated code
    idl = load_idl()
    assert [i["name"] for i in legacy["instructions"]] == [i["name"] for i in idl["instructions"]]
    for ix, new in zip(legacy["instructions"], idl["instructions"], strict=True):
        assert (
            _sighash(f"global:{ix['name']}")
            == bytes(new["discriminator"])
            == INSTRUCTIONS[ix["name"]].discriminator
        )
    for acc, new in zip(legacy["accounts"], idl["accounts"], strict=True):
        assert _sighash(f"account:{acc['name']}") == bytes(new["discriminator"])
    for ev, new in zip(legacy["events"], idl["events"], strict=True):
        assert _sighash(f"event:{ev['name']}") == bytes(new["discriminator"])
    assert legacy["metadata"]["address"] == idl["address"]
    assert legacy["errors"] == idl["errors"]


def test_legacy_idl_keeps_account_flags_and_layouts() -> None:
    # Given both IDLs
    legacy, idl = _legacy(), load_idl()
    # Then each instruction lists the same accounts with the same flags, and the same argument names
    for ix, new in zip(legacy["instructions"], idl["instructions"], strict=True):
        assert [(a["name"], a["isMut"], a["isSigner"]) for a in ix["accounts"]] == [
            (a["name"], bool(a.get("writable")), bool(a.get("signer"))) for a in new["accounts"]
        ]
        assert [g["name"] for g in ix["args"]] == [g["name"] for g in new["args"]]
    # and every account's fields are the new IDL's type fields in order, in the legacy spelling
    types = {t["name"]: t for t in idl["types"]}
    for acc in legacy["accounts"]:
        assert [f["name"] for f in acc["type"]["fields"]] == [
            f["name"] for f in types[acc["name"]]["type"]["fields"]
        ]
    text = LEGACY.read_text()
    assert '"pubkey"' not in text and '"publicKey"' in text


def _anchorpy_python() -> str | None:
    if os.environ.get("DFPN_ANCHORPY_PYTHON"):
        return os.environ["DFPN_ANCHORPY_PYTHON"]
    venv = ROOT / ".venv-anchorpy" / "bin" / "python"
    return str(venv) if venv.exists() else None


def test_anchorpy_sends_set_paused_to_the_program() -> None:
    # Given an interpreter with anchorpy (a separate venv: anchorpy cannot share the SDK's solders)
    python = _anchorpy_python()
    if python is None:
        pytest.skip(
            "no anchorpy venv: run `make test-anchorpy` (anchorpy needs solders<0.27, the SDK pins 0.29)"
        )
    # When scripts/anchorpy_check.py loads the legacy IDL, builds initialize_config and set_paused with anchorpy and
    # sends them to dfpn.so in LiteSVM
    done = subprocess.run(
        [python, str(ROOT / "scripts" / "anchorpy_check.py")],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    # Then both succeed and anchorpy decodes the paused config
    assert done.returncode == 0, done.stdout + done.stderr
    assert "paused=1" in done.stdout and "anchorpy check: ok" in done.stdout
