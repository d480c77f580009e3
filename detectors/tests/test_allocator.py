"""tune_allocator: a process that allocates and frees image-sized arrays stops faulting their pages in again."""

from __future__ import annotations

import platform
import subprocess
import sys

import pytest

#: Ten 4 MB arrays allocated, touched and freed, twenty times after two warm-up rounds: the page faults per round.
_PROBE = """
import resource, sys
import numpy as np
from dfpn_detectors.allocator import tune_allocator
if sys.argv[1] == "tuned":
    assert tune_allocator()
def cycle():
    arrays = [np.ones(1 << 20, np.float32) for _ in range(10)]
    del arrays
cycle(); cycle()
before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
for _ in range(20):
    cycle()
print((resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before) / 20)
"""


def _faults_per_round(mode: str) -> float:
    out = subprocess.run([sys.executable, "-c", _PROBE, mode], capture_output=True, text=True, check=True)
    return float(out.stdout.strip())


@pytest.mark.skipif(platform.libc_ver()[0] != "glibc", reason="the settings are glibc's")
def test_freed_image_sized_arrays_are_reused_without_page_faults() -> None:
    # Control: with glibc's defaults, the 40 MB freed at the heap's top go back to the system and fault in again
    assert _faults_per_round("default") > 2_000
    # Given a process whose allocator was tuned, then the same rounds reuse the freed memory
    assert _faults_per_round("tuned") < 100
