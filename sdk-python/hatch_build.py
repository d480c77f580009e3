"""Hatch build hook: put the built program (`dfpn.so`) into the wheel as `dfpn/program/dfpn.so`.

A force-include in pyproject.toml cannot do it: it applies to editable installs too, which the repository makes before
the program is built. Here an editable install skips the copy (it finds `target/deploy/dfpn.so` in the repository),
and a wheel without the program is refused rather than built broken.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from hatchling.builders.hooks.plugin.interface import BuildHookInterface

PROGRAM_ENV = "DFPN_PROGRAM_SO"


class ProgramHook(BuildHookInterface):  # type: ignore[type-arg]
    PLUGIN_NAME = "custom"

    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        if self.target_name != "wheel" or version == "editable":
            return
        program = Path(os.environ.get(PROGRAM_ENV) or Path(self.root).parent / "target" / "deploy" / "dfpn.so")
        if not program.is_file():
            raise RuntimeError(f"{program} is missing: build the program first (`make build`), or set {PROGRAM_ENV}")
        build_data["force_include"][str(program.resolve())] = "dfpn/program/dfpn.so"
