"""Adaptive frame sampling and the drop-oldest queue, on a fake clock."""

from __future__ import annotations

import itertools

import pytest

from dfpn_realtime.sampler import DropOldestQueue, FrameSampler
from dfpn_realtime.state import Level


def run(
    sampler: FrameSampler, seconds: float, level: Level, fps: float = 30.0, start: float = 0.0
) -> list[float]:
    taken = []
    for i in range(round(seconds * fps)):
        t = start + i / fps
        if sampler.offer(t, level):
            taken.append(t)
    return taken


def test_normal_rate_while_clear() -> None:
    # Given a 30 fps track that is CLEAR, When 60 s of frames arrive
    s = FrameSampler(0.2, 1.0)
    taken = run(s, 60, Level.CLEAR)
    # Then one frame in five seconds is taken: 12 frames, 5 s apart, the first one at once
    assert len(taken) == 12 and taken[0] == 0.0
    assert all(b - a == pytest.approx(5.0, abs=1 / 30) for a, b in itertools.pairwise(taken))
    assert (s.seen, s.taken) == (1800, 12)


@pytest.mark.parametrize("level", [Level.SUSPICIOUS, Level.ALERT])
def test_burst_rate_while_suspicious_or_alert(level: Level) -> None:
    # Given a SUSPICIOUS or ALERT track, When 10 s of frames arrive, Then one frame a second is taken
    taken = run(FrameSampler(0.2, 1.0), 10, level)
    assert len(taken) == 10


def test_switch_to_burst_applies_at_once_and_back() -> None:
    # Given a CLEAR track whose last frame was taken at t=0
    s = FrameSampler(0.2, 1.0)
    assert s.offer(0.0, Level.CLEAR)
    # When it turns SUSPICIOUS at t=1.2, Then the next frame is due one burst interval after the last one
    assert s.offer(1.2, Level.SUSPICIOUS)
    assert not s.offer(1.9, Level.SUSPICIOUS) and s.offer(2.2, Level.SUSPICIOUS)
    # And back at CLEAR the normal interval applies again
    assert not s.offer(6.0, Level.CLEAR) and s.offer(7.2, Level.CLEAR)


def test_queue_drops_the_oldest_instead_of_blocking() -> None:
    # Given a queue of 16
    q: DropOldestQueue[int] = DropOldestQueue(16)
    # When 20 frames are put without anyone taking them
    dropped = [q.put_nowait(i, enqueued_at=float(i)) for i in range(20)]
    # Then put never blocks, the four oldest were dropped, and the newest 16 remain in order
    assert dropped == [None] * 16 + [0, 1, 2, 3]
    assert len(q) == 16 and q.stats.dropped_full == 4
    assert [q.get_nowait(now=20.0) for _ in range(16)] == list(range(4, 20))
    assert q.get_nowait(now=20.0) is None


def test_queue_drops_stale_frames() -> None:
    # Given frames queued at t=0, 1 and 9 with a maximum age of 5 s
    q: DropOldestQueue[str] = DropOldestQueue(16, max_age=5.0)
    for t, name in [(0.0, "old"), (1.0, "older"), (9.0, "fresh")]:
        q.put_nowait(name, enqueued_at=t)
    # When a worker takes one at t=10, Then the two stale frames are skipped
    assert q.get_nowait(now=10.0) == "fresh"
    assert q.stats.dropped_stale == 2
