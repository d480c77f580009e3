"""One source of truth: no hand-written copy of a protocol constant outside the generated code.

The program defines every protocol fact (programs/dfpn/src/constants.rs → the IDL's `constants`); the SDKs generate
theirs from the IDL. This test fails when the hand-written code of any package
- defines a constant with a generated constant's name (`MAX_SEATS = 10`), or with a generated constant's value
  under a related name (`MAX_STORAGE_URI = 200` beside `MAX_URI_LEN`, `SEAT_REVEALED = 2` beside
  `SEAT_STATE_REVEALED`);
- spells out a number only the protocol uses (the fee split's 6 500, the supermajority's 6 667) or divides by the
  basis-point denominator (`/ 10_000`);
- writes the commitment domain string or a PDA seed as a literal (`b"dfpn-commit-v2"`, `b"config"`,
  `encode("worker")`);
each of which would silently disagree with the program the day the rule changes. It reads the source tree only.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
IDL_CONSTANTS = json.loads((ROOT / "idl/dfpn.json").read_text())["constants"]
SOURCE_ROOTS = [
    "sdk-python/src",
    "worker/src",
    "gateway/src",
    "localnet/src",
    "challenger/src",
    "realtime/src",
    "sdk-ts/src",
]
#: Name parts too common to relate two constants on their own.
GENERIC = {"MAX", "MIN", "LEN", "COUNT", "SECS", "ALL", "NONE", "STATE", "STATUS", "SEEDS", "DEFAULT"}
#: Values specific enough that any occurrence in code is a copy of the rule (the fee split and consensus bps).
DISTINCTIVE = {"WORKERS_BPS", "SUPERMAJORITY_BPS"}
#: Lines that match a rule without copying the protocol: {(path, exact stripped line): why}. Keep it tiny.
ALLOWLIST: dict[tuple[str, str], str] = {}
PY_DEF = re.compile(r"^_?([A-Z][A-Z0-9_]*)\s*(?::[^=]+)?=\s*(.+?)\s*(?:#.*)?$")
TS_DEF = re.compile(r"^(?:export\s+)?const\s+([A-Z][A-Z0-9_]*)\s*(?::[^=]+)?=\s*(.+?);?\s*(?://.*)?$")
#: Division (or remainder) by the basis-point denominator: a bps rule written by hand.
BPS_DIVISION = re.compile(r"(?://|/|%)\s*(?:10_?000)n?(?![\w.])")


def idl_value(constant: dict[str, str]) -> int | str:
    if constant["type"] == "bytes":
        return bytes(json.loads(constant["value"])).decode()
    return int(constant["value"])


COMMIT_DOMAIN = str(next(idl_value(c) for c in IDL_CONSTANTS if c["name"] == "COMMIT_DOMAIN"))
SEEDS = sorted(str(idl_value(c)) for c in IDL_CONSTANTS if c["name"].startswith("SEEDS_"))
IDL_NAMES = {c["name"] for c in IDL_CONSTANTS}
#: A seed or the domain as a byte literal (Python) or encoded from a string literal (TypeScript).
LITERAL_SEED = re.compile(
    r"""(?:\bb|(?:encode|from|utf8|getBytes|fromString)\(\s*)(['"])("""
    + "|".join(re.escape(s) for s in [COMMIT_DOMAIN, *SEEDS])
    + r")\1"
)
#: The domain string as a value (not in prose: `sha256("dfpn-commit-v2" ‖ ...)` in a docstring is fine).
DOMAIN_LITERAL = re.compile(
    rf"""(?:[=(,:\[]|return)\s*b?(['"`]){re.escape(COMMIT_DOMAIN)}\1\s*(?:[,;)\]]|$)"""
)


def literal_value(text: str) -> int | str | None:
    """The value of an int (TypeScript bigint included) or (byte) string literal, None for anything else."""
    text = text.strip().rstrip(";").removesuffix(" as const")
    if re.fullmatch(r"-?\d[\d_]*n?", text):
        return int(text.rstrip("n").replace("_", ""))
    m = re.fullmatch(r"b?(['\"])([^'\"]*)\1", text)
    return m.group(2) if m else None


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


def shown(path: Path) -> str:
    return str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else str(path)


def copies_in_line(line: str, suffix: str) -> list[str]:
    """Why one source line copies a generated protocol constant (empty when it does not)."""
    # Drop comments: `#` in Python (where `//` is floor division), `//` in TypeScript (not inside `http://`).
    code = line.split("#")[0] if suffix == ".py" else re.split(r"(?<![:/])//", line)[0]
    why = []
    distinctive = {int(c["value"]) for c in IDL_CONSTANTS if c["name"] in DISTINCTIVE}
    if any(re.search(rf"(?<![\w.])(?:{v:_}|{v})n?(?![\w.])", code) for v in distinctive):
        why.append("spells out a fee-split/consensus basis-point value")
    if BPS_DIVISION.search(code):
        why.append("divides by the basis-point denominator (use BPS / the protocol module)")
    if LITERAL_SEED.search(code) or DOMAIN_LITERAL.search(code):
        why.append("writes a PDA seed or the commitment domain as a literal")
    m = (PY_DEF if suffix == ".py" else TS_DEF).match(line.strip())
    value = literal_value(m.group(2)) if m else None
    if m and value is not None:
        name = m.group(1)
        if name in IDL_NAMES:
            why.append(f"defines the generated constant {name} by hand")
        else:
            related = [
                c["name"] for c in IDL_CONSTANTS if idl_value(c) == value and tokens(name) & tokens(c["name"])
            ]
            why += [f"has the value of the generated {r}" for r in related]
    return why


def duplicates_in(path: Path) -> list[str]:
    """Lines of `path` that copy a generated protocol constant, with the reason."""
    found = []
    for number, line in enumerate(path.read_text().splitlines(), 1):
        if (shown(path), line.strip()) in ALLOWLIST:
            continue
        for why in copies_in_line(line, path.suffix):
            found.append(f"{shown(path)}:{number}: {line.strip()}   ({why})")
    return found


PLANTED = {
    ".py": [
        "MAX_STORAGE_URI = 200",
        "MAX_SEATS = 12",
        f'DOMAIN = b"{COMMIT_DOMAIN}"',
        "share = fee * 6_500 // 10_000",
        "per_model = fee * 2000 // 10000",
        'seeds = [b"worker", bytes(authority)]',
        "_STATUS_OPEN = 0",
    ],
    ".ts": [
        "export const SEAT_REVEALED = 2;",
        "const MAX_URI_LEN = 200;",
        "const share = (fee * 6_500n) / 10_000n;",
        "if (share >= 6667n) return 2;",
        "const seed = new TextEncoder().encode('config');",
        f"const DOMAIN = '{COMMIT_DOMAIN}';",
    ],
}


@pytest.mark.parametrize("suffix", sorted(PLANTED))
def test_the_scan_catches_each_kind_of_copy(tmp_path: Path, suffix: str) -> None:
    # Positive controls: a planted copy of each kind is caught, line by line.
    planted = tmp_path / f"planted{suffix}"
    planted.write_text("\n".join(PLANTED[suffix]) + "\n")
    caught = {int(f.split(":")[1]) for f in duplicates_in(planted)}
    assert caught == set(range(1, len(PLANTED[suffix]) + 1)), duplicates_in(planted)


def test_the_scan_leaves_unrelated_numbers_alone(tmp_path: Path) -> None:
    # Negative controls: milliseconds, ports, and names built from the generated constants are not copies.
    clean = tmp_path / "clean.py"
    clean.write_text(
        "timeout = ms / 1000\nPORT = 10000\nMAX_STORAGE_URI = MAX_URI_LEN\nseeds = [SEEDS_CONFIG]\n"
        'name = "worker"\nLIMIT = 2000\n'
    )
    assert duplicates_in(clean) == []


def test_the_scan_sees_every_package() -> None:
    files = hand_written_files()
    assert len(files) > 50
    for root in SOURCE_ROOTS:
        assert any(p.is_relative_to(ROOT / root) for p in files), f"nothing scanned under {root}"


@pytest.mark.parametrize("path", hand_written_files(), ids=shown)
def test_no_hand_written_copy_of_a_generated_constant(path: Path) -> None:
    found = duplicates_in(path)
    assert not found, "use the generated constant instead:\n" + "\n".join(found)
