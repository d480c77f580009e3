"""Adaptive frame sampling and the bounded drop-oldest queue between the media path and the analysis workers."""

from __future__ import annotations

import asyncio
import collections
from dataclasses import dataclass
from typing import Generic, TypeVar

from dfpn_realtime.state import Level

T = TypeVar("T")


class FrameSampler:
    """Decides which frames of one track are analysed: one every ``1 / normal_fps`` seconds while the track is
    CLEAR, one every ``1 / burst_fps`` while it is SUSPICIOUS or ALERT. The first frame is always taken, and a
    switch to burst applies at once: the next frame due is measured from the last one taken at the new rate."""

    def __init__(self, normal_fps: float, burst_fps: float) -> None:
        self.normal_fps = normal_fps
        self.burst_fps = burst_fps
        self._last: float | None = None
        self.seen = 0
        self.taken = 0

    def reset(self) -> None:
        """Forget the last frame taken: the next frame is taken at once."""
        self._last = None

    def fps(self, level: Level) -> float:
        return self.normal_fps if level is Level.CLEAR else self.burst_fps

    def due(self, now: float, level: Level) -> bool:
        """Whether a frame arriving at `now` would be taken (without taking it)."""
        return self._last is None or now - self._last >= 1.0 / self.fps(level) - 1e-9

    def offer(self, now: float, level: Level) -> bool:
        """Count a frame arriving at `now`; True when it is to be analysed."""
        self.seen += 1
        if not self.due(now, level):
            return False
        self._last = now
        self.taken += 1
        return True


@dataclass
class QueueStats:
    put: int = 0
    dropped_full: int = 0
    dropped_stale: int = 0
    taken: int = 0


class DropOldestQueue(Generic[T]):
    """A bounded asyncio queue whose `put_nowait` never blocks and never fails: when full, the oldest item is
    dropped to make room (the newest frame is the one worth analysing). `get` skips items older than `max_age`
    seconds, measured with the `now` callable against each item's enqueue time."""

    def __init__(self, maxsize: int, *, max_age: float | None = None) -> None:
        if maxsize < 1:
            raise ValueError("maxsize must be >= 1")
        self.maxsize = maxsize
        self.max_age = max_age
        self._items: collections.deque[tuple[float, T]] = collections.deque()
        self._ready = asyncio.Event()
        self.stats = QueueStats()

    def __len__(self) -> int:
        return len(self._items)

    def put_nowait(self, item: T, enqueued_at: float) -> T | None:
        """Append `item`; returns the item dropped to make room, if any."""
        dropped: T | None = None
        if len(self._items) >= self.maxsize:
            dropped = self._items.popleft()[1]
            self.stats.dropped_full += 1
        self._items.append((enqueued_at, item))
        self.stats.put += 1
        self._ready.set()
        return dropped

    def get_nowait(self, now: float) -> T | None:
        """The oldest item that is not stale at `now`, or None when there is none."""
        while self._items:
            enqueued_at, item = self._items.popleft()
            if self.max_age is not None and now - enqueued_at > self.max_age:
                self.stats.dropped_stale += 1
                continue
            self.stats.taken += 1
            if not self._items:
                self._ready.clear()
            return item
        self._ready.clear()
        return None

    async def wait(self) -> None:
        """Wait until an item may be available."""
        await self._ready.wait()

    def clear(self) -> int:
        n = len(self._items)
        self._items.clear()
        self._ready.clear()
        return n


__all__ = ["DropOldestQueue", "FrameSampler", "QueueStats"]
