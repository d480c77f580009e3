"""What the store guarantees to several replicas sharing it, on SQLite and PostgreSQL: quota reservations and rate
limits that hold under concurrent callers (threads, each with its own connections, as replicas would be), webhook
claims that two replicas never share, the work of a dead replica taken back once, and the request list's pages."""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest

from dfpn_gateway import store as st
from dfpn_gateway.config import Settings

from helpers import open_store


@pytest.fixture
def pair(settings: Settings) -> Iterator[tuple[st.Store, st.Store]]:
    """Two stores on one database: two replicas' connections."""
    a, b = open_store(settings), open_store(settings)
    yield a, b
    a.close()
    b.close()


def _race(stores: tuple[st.Store, st.Store], calls: int, call: Callable[[st.Store], object]) -> list[object]:
    """`calls` calls of `call`, from 16 threads started together, alternating between the two stores."""
    start = threading.Barrier(16)

    def one(n: int) -> object:
        if n < 16:
            start.wait()
        return call(stores[n % 2])

    with ThreadPoolExecutor(16) as pool:
        return list(pool.map(one, range(calls)))


def test_concurrent_reservations_never_exceed_the_quota(pair: tuple[st.Store, st.Store]) -> None:
    a, _ = pair
    limited, _ = a.create_key("limited", quota=25, rate=st.Rate(1, 1))
    unlimited, _ = a.create_key("unlimited", quota=None, rate=st.Rate(1, 1))
    holds = _race(pair, 120, lambda s: s.reserve_quota(limited.id, "r"))
    # Exactly the quota, however the 120 calls interleaved
    assert sum(h is not None for h in holds) == 25
    assert a.get_key(limited.id).used == 25 and a.holds(limited.id) == 25  # type: ignore[union-attr]
    # Positive control: the same race on a key without a quota takes every one
    assert all(_race(pair, 120, lambda s: s.reserve_quota(unlimited.id, "r")))
    # And giving holds back concurrently gives each back once
    taken = next(h for h in holds if isinstance(h, str))
    given = _race(pair, 50, lambda s: s.release_hold(taken))
    assert given.count(True) == 1 and a.get_key(limited.id).used == 24  # type: ignore[union-attr]


def test_rate_limit_is_shared_by_the_replicas(pair: tuple[st.Store, st.Store]) -> None:
    a, b = pair
    limited, _ = a.create_key("limited", quota=None, rate=st.Rate(10, 60))
    other, _ = a.create_key("other", quota=None, rate=st.Rate(10, 60))
    now = 1_000_000.0
    waits = _race(pair, 40, lambda s: s.take_rate_token(limited.id, limited.rate, now=now))
    # Ten calls pass in all (not ten per replica); the others are told to wait about one refill (6 s)
    assert waits.count(0.0) == 10
    assert all(5.9 < w <= 6.0 for w in waits if w)  # type: ignore[operator]
    # Positive control: another key has its own ten
    assert [b.take_rate_token(other.id, other.rate, now=now) for _ in range(11)].count(0.0) == 10
    # One token is back 6 s later, whichever replica asks; two after 12 s
    assert b.take_rate_token(limited.id, limited.rate, now=now + 6.0) == 0.0
    assert a.take_rate_token(limited.id, limited.rate, now=now + 6.0) > 0
    assert a.take_rate_token(limited.id, limited.rate, now=now + 12.0) == 0.0


def _finished_with_webhook(store: st.Store, key_id: str, request_id: str) -> None:
    assert store.begin_request(request_id, key_id, "{}", "https://example.org/h", 0)
    store.confirm_request(request_id, "{}", 0, 1)
    assert store.finish_request(request_id, st.FINALIZED, result_json="{}", webhook_payload="{}")


def test_two_replicas_never_claim_the_same_delivery(pair: tuple[st.Store, st.Store]) -> None:
    a, b = pair
    key, _ = a.create_key("k", quota=None, rate=st.Rate(1, 1))
    for n in range(40):
        _finished_with_webhook(a, key.id, f"R{n}")
    now = time.time() + 1
    # A claim takes at most what it asks for (positive control: it takes that many)
    assert [d.request_id for d in a.claim_deliveries("first", lease_seconds=0.5, limit=3, now=now)] == [
        "R0",
        "R1",
        "R2",
    ]
    now += 1  # that claim ran out
    claims = _race(
        pair, 32, lambda s: s.claim_deliveries(f"replica-{id(s)}", lease_seconds=60, limit=3, now=now)
    )
    assert all(len(batch) <= 3 for batch in claims)  # type: ignore[arg-type]
    claimed = Counter(d.request_id for batch in claims for d in batch)  # type: ignore[attr-defined]
    # Every delivery claimed once, none twice
    assert set(claimed) == {f"R{n}" for n in range(40)} and set(claimed.values()) == {1}
    # While the claims hold, nobody claims again
    assert a.claim_deliveries("late", lease_seconds=60, now=now + 30) == []
    # After the claims ran out (their replica is stuck), another replica takes the deliveries over...
    first_owner = next(d.claimed_by for batch in claims for d in batch if d.request_id == "R0")  # type: ignore[attr-defined]
    taken = b.claim_deliveries("successor", lease_seconds=60, limit=50, now=now + 61)
    assert len(taken) == 40 and {d.claimed_by for d in taken} == {"successor"}
    # ... and the stuck one cannot record a failure over the new claim, which the successor can
    assert not a.mark_failed_attempt("R0", status=500, error="late", next_at=now, owner=first_owner)
    assert b.mark_failed_attempt("R0", status=500, error="HTTP 500", next_at=now, owner="successor")
    # A delivered one is never claimed again (the others are, once their claims ran out: positive control)
    a.mark_delivered("R0", 204)
    later = a.claim_deliveries("third", lease_seconds=60, limit=50, now=now + 1000)
    assert len(later) == 39 and "R0" not in {d.request_id for d in later}
    done = a.get_delivery("R0")
    assert done is not None and (done.state, done.attempts, done.claimed_by) == (st.DELIVERED, 2, None)


def test_a_dead_replica_is_reaped_once_and_its_work_taken_over(pair: tuple[st.Store, st.Store]) -> None:
    a, b = pair
    key, _ = a.create_key("k", quota=5, rate=st.Rate(1, 1))
    a.register_replica("dead", host="elsewhere", pid=1, lease_seconds=5)
    a.register_replica("alive", host="elsewhere", pid=2, lease_seconds=3600)
    # The dead replica: two reservations in flight, an open request it followed, one it was submitting, and a
    # delivery it was sending
    assert a.reserve_quota(key.id, "dead") and a.reserve_quota(key.id, "dead")
    hold = a.reserve_quota(key.id, "dead")
    assert hold and a.begin_request("SUBMITTING", key.id, "{}", None, 0, owner="dead", hold=hold)
    hold = a.reserve_quota(key.id, "dead")
    assert hold and a.begin_request("OPEN", key.id, "{}", None, 0, owner="dead", hold=hold)
    a.confirm_request("OPEN", "{}", 0, 1)
    _finished_with_webhook(a, key.id, "HOOKED")  # (no quota of its own: unlimited path not needed here)
    assert [d.request_id for d in a.claim_deliveries("dead", lease_seconds=600)] == ["HOOKED"]
    # The alive replica owns work too: it is left alone
    alive_hold = a.reserve_quota(key.id, "alive")
    assert alive_hold is not None and a.get_key(key.id).used == 5  # type: ignore[union-attr]
    later = time.time() + 10  # the dead one's lease (5 s) ran out, the alive one's did not

    def reap(s: st.Store) -> st.Reaped | None:
        return s.reap_replica("dead", expired_before=later, delivery_retry=lambda n: 0.5 * n, now=later)

    results = _race(pair, 16, reap)
    done = [r for r in results if r is not None]
    # Reaped exactly once, although 16 callers on two connections tried
    assert len(done) == 1
    reaped = done[0]
    assert isinstance(reaped, st.Reaped)
    assert (reaped.holds, reaped.deliveries, reaped.requests) == ({key.id: 2}, 1, 2)
    assert a.get_key(key.id).used == 3 and a.holds(key.id) == 1  # type: ignore[union-attr]
    hooked = a.get_delivery("HOOKED")
    assert hooked is not None and (hooked.state, hooked.attempts, hooked.claimed_by) == (st.PENDING, 1, None)
    assert hooked.next_at == pytest.approx(later + 0.5) and "stopped during the attempt" in (
        hooked.last_error or ""
    )
    # The alive replica is not reaped before its lease runs out (positive control of the condition)
    assert a.reap_replica("alive", expired_before=later, delivery_retry=lambda n: 1.0) is None
    assert [r.id for r in a.replicas()] == ["alive"]
    # Its requests have no owner now: the first replica to look takes them, once
    assert b.claim_orphans("alive") == (["OPEN"], ["SUBMITTING"])
    assert a.claim_orphans("alive") == ([], [])


def test_a_replica_that_leaves_hands_everything_back(pair: tuple[st.Store, st.Store]) -> None:
    a, b = pair
    key, _ = a.create_key("k", quota=3, rate=st.Rate(1, 1))
    a.register_replica("leaving", host="h", pid=1, lease_seconds=60)
    hold = a.reserve_quota(key.id, "leaving")
    assert hold and a.begin_request("OPEN", key.id, "{}", None, 0, owner="leaving", hold=hold)
    a.confirm_request("OPEN", "{}", 0, 1)
    assert a.reserve_quota(key.id, "leaving")  # a submission cut short by the stop
    a.leave("leaving")
    assert a.replicas() == [] and a.get_key(key.id).used == 1 and a.holds(key.id) == 0  # type: ignore[union-attr]
    b.register_replica("next", host="h", pid=2, lease_seconds=60)
    assert b.claim_orphans("next") == (["OPEN"], [])


def test_renewal_fails_once_the_replica_was_reaped(pair: tuple[st.Store, st.Store]) -> None:
    a, b = pair
    a.register_replica("slow", host="h", pid=1, lease_seconds=60)
    assert a.renew_replica("slow", lease_seconds=60)  # positive control
    assert b.reap_replica("slow", expired_before=None, delivery_retry=lambda n: 1.0) is not None
    assert not a.renew_replica("slow", lease_seconds=60)


def test_a_hold_reaped_meanwhile_is_taken_again_or_refused(pair: tuple[st.Store, st.Store]) -> None:
    a, b = pair
    key, _ = a.create_key("k", quota=1, rate=st.Rate(1, 1))
    a.register_replica("stalled", host="h", pid=1, lease_seconds=1)
    hold = a.reserve_quota(key.id, "stalled")
    assert hold
    b.reap_replica("stalled", expired_before=None, delivery_retry=lambda n: 1.0)
    # The quota is free again and another replica takes it...
    other = b.reserve_quota(key.id, "other")
    assert other
    # ... so the stalled replica's submission cannot be recorded: refused, nothing written, nothing overspent
    assert not a.begin_request("LATE", key.id, "{}", None, 0, owner="stalled", hold=hold)
    assert a.get_request("LATE") is None and a.get_key(key.id).used == 1  # type: ignore[union-attr]
    # Positive control: with room left, the reaped hold is simply taken again
    assert a.set_quota(key.id, 2)
    assert a.begin_request("LATE", key.id, "{}", None, 0, owner="stalled", hold=hold)
    assert a.get_key(key.id).used == 2  # type: ignore[union-attr]


def test_request_list_pages(store: st.Store) -> None:
    key, _ = store.create_key("k", quota=None, rate=st.Rate(1, 1))
    other, _ = store.create_key("other", quota=None, rate=st.Rate(1, 1))
    for n in range(7):
        assert store.begin_request(f"R{n}", key.id, "{}", None, 0)
        store.confirm_request(f"R{n}", "{}", 0, 1)
    assert store.begin_request("MINE_SUBMITTING", key.id, "{}", None, 0)
    assert store.begin_request("THEIRS", other.id, "{}", None, 0)
    store.confirm_request("THEIRS", "{}", 0, 1)
    store.finish_request("R2", st.EXPIRED, error=("NO_WORKERS_AVAILABLE", "none"))

    def page(before: tuple[float, str] | None, **kw: str) -> list[st.StoredRequest]:
        return [r for r, _ in store.list_requests(key.id, limit=3, before=before, **kw)]

    first = page(None)
    assert [r.id for r in first] == ["R6", "R5", "R4"]
    # A request submitted after the first page was read does not shift the next ones
    assert store.begin_request("R7", key.id, "{}", None, 0)
    store.confirm_request("R7", "{}", 0, 1)
    second = page((first[-1].created_at, first[-1].id))
    third = page((second[-1].created_at, second[-1].id))
    assert [r.id for r in second] == ["R3", "R2", "R1"] and [r.id for r in third] == ["R0"]
    # Only the key's own, never one still being submitted; a state filter keeps that state only
    assert [r.id for r in page(None, state=st.EXPIRED)] == ["R2"]
    assert store.list_requests(other.id, limit=10)[0][0].id == "THEIRS"
