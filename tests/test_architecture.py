"""The checklists of docs/architecture.md, enforced: every instruction of the IDL has a builder in both SDKs and
a test file in programs/dfpn-tests, every detector entry point loads, and the SDKs' enums are the IDL's.

These read the source tree and the installed packages only (no validator, no network)."""

from __future__ import annotations

import inspect
import json
import re
from importlib.metadata import entry_points
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
IDL = json.loads((ROOT / "idl/dfpn.json").read_text())
INSTRUCTIONS = [ix["name"] for ix in IDL["instructions"]]


def camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)


def ts_exported_functions() -> set[str]:
    source = (ROOT / "sdk-ts/src/instructions.ts").read_text()
    return set(re.findall(r"^export (?:async )?function (\w+)", source, flags=re.MULTILINE))


def test_the_idl_lists_every_instruction_the_program_dispatches() -> None:
    # Positive control for the checks below: the IDL they read is the real one, not an empty list.
    assert len(INSTRUCTIONS) >= 20
    assert "submit_request" in INSTRUCTIONS and "finalize_request" in INSTRUCTIONS


@pytest.mark.parametrize("name", INSTRUCTIONS)
def test_every_instruction_has_a_python_builder_with_keyword_arguments_named_as_in_the_idl(name: str) -> None:
    from dfpn import instructions

    builder = getattr(instructions, name, None)
    assert callable(builder), f"sdk-python/src/dfpn/instructions.py has no builder `{name}`"
    params = inspect.signature(builder).parameters.values()
    positional = [p.name for p in params if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    assert positional == [], f"{name}: builders take keyword arguments only, positional: {positional}"


@pytest.mark.parametrize("name", INSTRUCTIONS)
def test_every_instruction_has_a_typescript_builder(name: str) -> None:
    assert camel(name) in ts_exported_functions(), (
        f"sdk-ts/src/instructions.ts does not export `{camel(name)}`"
    )


@pytest.mark.parametrize("name", INSTRUCTIONS)
def test_every_instruction_has_a_litesvm_test_file(name: str) -> None:
    path = ROOT / "programs/dfpn-tests/tests" / f"{name}.rs"
    assert path.is_file(), f"missing {path.relative_to(ROOT)} (one test file per instruction)"
    assert "#[test]" in path.read_text(), f"{path.relative_to(ROOT)} has no test"


def test_every_detector_entry_point_loads_and_names_a_detector() -> None:
    from dfpn_detectors import Detector

    found = entry_points(group="dfpn.detectors")
    assert len(found) >= 5  # positive control: the installed package's entry points are visible
    for ep in found:
        cls = ep.load()
        assert inspect.isclass(cls) and issubclass(cls, Detector), f"entry point {ep.name} is not a Detector"


#: Python packages whose sources must not call `asyncio.wait_for`: on Python 3.11 (the floor) it swallows a
#: cancellation that arrives as the awaited thing completes (gh-86296), so a loop waiting that way may never stop.
#: `async with asyncio.timeout(...)` is correct there.
PACKAGE_SOURCES = (
    "sdk-python/src",
    "detectors/src",
    "worker/src",
    "gateway/src",
    "realtime/src",
    "localnet/src",
    "challenger/src",
)


def wait_for_calls(text: str) -> int:
    return len(re.findall(r"\basyncio\.wait_for\(|\bfrom asyncio import [^\n]*\bwait_for\b", text))


def test_no_package_waits_with_asyncio_wait_for() -> None:
    # Given every Python source of the packages
    sources = [p for d in PACKAGE_SOURCES for p in sorted((ROOT / d).rglob("*.py"))]
    assert len(sources) > 50
    # Then none calls asyncio.wait_for
    offenders = [str(p.relative_to(ROOT)) for p in sources if wait_for_calls(p.read_text())]
    assert offenders == []
    # (and the check sees one)
    assert wait_for_calls("await asyncio.wait_for(event.wait(), 5)") == 1
