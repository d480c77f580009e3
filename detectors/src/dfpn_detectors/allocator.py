"""glibc's allocator settings for a process that runs detectors on many images (`tune_allocator`).

A detector allocates and frees arrays of a few megabytes per image: a 1 Mpixel plane in float32 is 4 MB, and
`jpeg-ghost` holds eight of them. glibc hands such arrays fresh pages every time: above its mmap threshold (128 KB
at start, raised only as mapped blocks are freed) each array is a mapping of its own, and below it the heap's free
top goes back to the system as soon as it exceeds the trim threshold (twice the mmap threshold). The next image
then faults the same pages in again, and every fault is system time. Measured on the detector benchmark's
1 Mpixel JPEGs in the fresh processes of a pool (as the worker node runs them): 20,000 page faults and 40 ms of
system time per image, 175 ms of CPU in all; with the settings below, 1,000 faults, 1.6 ms and 141 ms.

The cost: up to ``TRIM_THRESHOLD`` of freed heap per allocator arena stays with the process instead of going back
to the system. The peak resident size does not grow (those pages were in use at the peak). Written here with
ctypes because neither Python nor numpy exposes ``mallopt``; elsewhere than glibc nothing is changed.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import logging
import platform

logger = logging.getLogger(__name__)

#: Arrays above this many bytes get a mapping of their own (glibc's ceiling for its own adaptive threshold).
MMAP_THRESHOLD = 32 * 1024 * 1024
#: Free heap above this many bytes at the heap's top is given back to the system.
TRIM_THRESHOLD = 64 * 1024 * 1024

# mallopt parameters (glibc's malloc.h)
_M_TRIM_THRESHOLD = -1
_M_MMAP_THRESHOLD = -3


def tune_allocator() -> bool:
    """Set glibc's mmap and trim thresholds for this process (see the module docstring). True when they were
    set; False on another C library, where nothing is changed. Call it once, at the start of a process that
    runs detectors (the settings are process-wide)."""
    if platform.libc_ver()[0] != "glibc":
        return False
    name = ctypes.util.find_library("c")
    if name is None:
        return False
    libc = ctypes.CDLL(name)
    ok = bool(libc.mallopt(_M_MMAP_THRESHOLD, MMAP_THRESHOLD)) and bool(
        libc.mallopt(_M_TRIM_THRESHOLD, TRIM_THRESHOLD)
    )
    if not ok:
        logger.warning("glibc refused the allocator settings (mallopt): left as they were")
    return ok
