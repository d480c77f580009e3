"""An injectable clock: the monitor reads time only through it, so tests run minutes of a call in milliseconds."""

from __future__ import annotations

import asyncio
import time
from typing import Protocol, runtime_checkable


@runtime_checkable
class Clock(Protocol):
    def monotonic(self) -> float:
        """Seconds on a clock that never goes backwards (sampling intervals, ages)."""
        ...

    def time_ms(self) -> int:
        """Wall-clock milliseconds since the Unix epoch (event timestamps)."""
        ...

    async def sleep(self, seconds: float) -> None:
        """Wait `seconds` on this clock."""
        ...


class SystemClock:
    """The real clocks: `time.monotonic`, `time.time`, `asyncio.sleep`."""

    def monotonic(self) -> float:
        return time.monotonic()

    def time_ms(self) -> int:
        return time.time_ns() // 1_000_000

    async def sleep(self, seconds: float) -> None:
        await asyncio.sleep(seconds)


class FakeClock:
    """A clock that moves only when told to. `sleep` advances it at once (and yields to the event loop), and
    records every requested delay in `sleeps`."""

    def __init__(self, start: float = 1_000.0, wall_ms: int = 1_730_000_000_000) -> None:
        self._now = start
        self._wall0 = wall_ms
        self._start = start
        self.sleeps: list[float] = []

    def monotonic(self) -> float:
        return self._now

    def time_ms(self) -> int:
        return self._wall0 + round((self._now - self._start) * 1000)

    def advance(self, seconds: float) -> None:
        if seconds < 0:
            raise ValueError("a clock does not go backwards")
        self._now += seconds

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.advance(max(0.0, seconds))
        await asyncio.sleep(0)


__all__ = ["Clock", "FakeClock", "SystemClock"]
