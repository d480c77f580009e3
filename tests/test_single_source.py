"""One source of truth: no hand-written copy of a protocol constant outside the generated code.

The program defines every protocol fact (programs/dfpn/src/constants.rs → the IDL's `constants`); the SDKs generate
theirs from the IDL. This test fails when hand-written code defines a constant with the value of a generated one
under a related name (`MAX_STORAGE_URI = 200` beside `MAX_URI_LEN`), spells out one of the fee-split or consensus
basis points, or writes the commitment domain string — each of which would silently disagree with the program the
day the rule changes. It reads the source tree only."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
IDL_CONSTANTS = json.loads((ROOT / "idl/dfpn.json").read_text())["constants"]
SOURCE_ROOTS = ["sdk-python/src", "worker/src", "gateway/src", "localnet/src", "realtime/src", "sdk-ts/src"]
#: Name parts too common to relate two constants on their own.
GENERIC = {"MAX", "MIN", "LEN", "COUNT", "SECS", "ALL", "NONE", "STATE", "STATUS", "SEEDS", "DEFAULT"}
#: Values specific enough that any occurrence in code is a copy of the rule (the fee split and consensus bps).
DISTINCTIVE = {"WORKERS_BPS", "SUPERMAJORITY_BPS"}
PY_DEF = re.compile(r"^_?([A-Z][A-Z0-9_]*)\s*(?::[^=]+)?=\s*(.+?)\s*(?:#.*)?$")
TS_DEF = re.compile(r"^(?:export\s+)?const\s+([A-Z][A-Z0-9_]*)\s*(?::[^=]+)?=\s*(.+?);?\s*(?://.*)?$")


def literal_value(text: str) -> int | str | None:
    """The value of an int or (byte) string literal, None for anything else."""
    text = text.strip().rstrip(";").removesuffix(" as const")
    if re.fullmatch(r"-?\d[\d_]*", text):
        return int(text.replace("_", ""))
    m = re.fullmatch(r"b?(['\"])([^'\"]*)\1", text)
    return m.group(2) if m else None


def idl_value(constant: dict[str, str]) -> int | str:
    if constant["type"] == "bytes":
        return bytes(json.loads(constant["value"])).decode()
    return int(constant["value"])


def tokens(name: str) -> set[str]:
    return {t for t in name.upper().split("_") if t and t not in GENERIC}


def hand_written_files() -> list[Path]:
    files: list[Path] = []
    for root in SOURCE_ROOTS:
        files += [
            p
            for p in (ROOT / root).rglob("*")
            if p.suffix in (".py", ".ts") and "generated" not in p.parts and "node_modules" not in p.parts
        ]
    return sorted(files)


def duplicates_in(path: Path) -> list[str]:
    """Lines of `path` that copy a generated protocol constant."""
    found = []
    commit_domain = next(str(idl_value(c)) for c in IDL_CONSTANTS if c["name"] == "COMMIT_DOMAIN")
    distinctive = {int(c["value"]) for c in IDL_CONSTANTS if c["name"] in DISTINCTIVE}
    definition = PY_DEF if path.suffix == ".py" else TS_DEF
    for number, line in enumerate(path.read_text().splitlines(), 1):
        where = f"{path.relative_to(ROOT)}:{number}: {line.strip()}"
        code = re.split(r"#|//", line)[0]
        if re.search(rf"[=(,:]\s*b?[\"']{commit_domain}[\"']\s*(?:[,;)]|$)", code) or any(re.search(rf"(?<![\w.]){v:_}(?![\w.])|(?<![\w.]){v}(?![\w.])", code)
                                         for v in distinctive):
            found.append(where)
            continue
        m = definition.match(line.strip())
        if not m:
            continue
        value = literal_value(m.group(2))
        if value is None:
            continue
        for c in IDL_CONSTANTS:
            if idl_value(c) == value and tokens(m.group(1)) & tokens(c["name"]):
                found.append(f"{where}   (generated: {c['name']})")
    return found


def test_the_scan_sees_the_sources_and_catches_a_copy(tmp_path: Path) -> None:
    # Positive controls: the tree is scanned, and a planted copy of each kind is caught.
    assert len(hand_written_files()) > 50
    planted = ROOT / "sdk-python/src/dfpn" / "_planted_copy_for_test.py"
    planted.write_text('MAX_STORAGE_URI = 200\nDOMAIN = b"dfpn-commit-v1"\nshare = fee * 6_500 // 10_000\n')
    try:
        assert len(duplicates_in(planted)) == 3
    finally:
        planted.unlink()


@pytest.mark.parametrize("path", hand_written_files(), ids=lambda p: str(p.relative_to(ROOT)))
def test_no_hand_written_copy_of_a_generated_constant(path: Path) -> None:
    found = duplicates_in(path)
    assert not found, "use the generated constant instead:\n" + "\n".join(found)
