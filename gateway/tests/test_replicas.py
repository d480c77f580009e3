"""Two `dfpn-gateway serve` processes sharing one database (issue #19 part 2), on SQLite (a file both open) and on
PostgreSQL: concurrent submissions through both never exceed a key's quota, nor calls its rate; each webhook
arrives once although both deliver at the same time; and a replica killed (SIGKILL) in the middle of a delivery
loses nothing: the other finds its process gone, counts the attempt as failed and sends it again after the
backoff, long before the dead replica's claim would have run out.

Each process runs its own embedded network (the tests are about the shared state, not the chain): submissions
are JSON with a `media_uri`, and webhooks belong to finished requests written into the database. The open
requests of a replica that stopped or hung are taken over by another: two gateway apps in this process, on one
embedded network (the chain they share) and one database."""

from __future__ import annotations

import asyncio
import logging
import re
import time
from collections import Counter
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest

from dfpn import AsyncDFPNClient, LocalNetwork
from dfpn_gateway import store as st
from dfpn_gateway.service import Gateway
from hostile import Served, gateway_env, hostile_server, kill, read_request, start_gateway, stop_gateway
from test_hostile_webhooks import add_delivery
from test_quota_inflight import valid_submission

from helpers import (
    MAJORITY,
    PNG,
    Database,
    Key,
    analyse,
    eventually,
    make_settings,
    new_key,
    open_store,
    register_workers,
    running,
    webhook_receiver,
)

#: Replica lease in these tests: a renewal (and a look for dead replicas) every second.
LEASE = "3"


@asynccontextmanager
async def replicas(
    tmp_path: Path, database: Database, **settings: str
) -> AsyncIterator[tuple[Served, Served]]:
    """Two gateway processes on one database, started together; stopped with SIGTERM (killed if need be)."""
    env = gateway_env(tmp_path, replica_lease_seconds=LEASE, **database.env, **settings)
    a, b = await asyncio.gather(
        asyncio.to_thread(start_gateway, tmp_path, env, name="a"),
        asyncio.to_thread(start_gateway, tmp_path, env, name="b"),
    )
    try:
        yield a, b
    finally:
        await asyncio.gather(
            *(asyncio.to_thread(stop_gateway, s) for s in (a, b) if s.process.poll() is None)
        )
        kill(a)
        kill(b)


async def test_concurrent_submissions_through_two_replicas_never_exceed_the_quota(
    tmp_path: Path, database: Database
) -> None:
    store = open_store(make_settings(tmp_path, database))
    limited = new_key(store, quota=20, name="limited")
    unlimited = new_key(store, name="unlimited")
    rated, rated_other = (
        new_key(store, rate="10/hour", name="rated"),
        new_key(store, rate="10/hour", name="other"),
    )
    try:
        async with replicas(tmp_path, database) as (a, b), httpx.AsyncClient(timeout=60) as http:

            async def submit(served: Served, headers: dict[str, str], n: int) -> httpx.Response:
                return await http.post(
                    f"{served.base}/v1/requests", headers=headers, json=valid_submission(n)
                )

            # When 60 submissions of a key with a quota of 20 arrive at once, 30 at each replica
            responses = await asyncio.gather(*(submit((a, b)[n % 2], limited.headers, n) for n in range(60)))
            # Then exactly 20 are accepted, in all; the others are refused for the quota
            statuses = Counter(r.status_code for r in responses)
            assert statuses == {202: 20, 429: 40}, statuses
            assert {r.json()["error"]["code"] for r in responses if r.status_code == 429} == {
                "QUOTA_EXHAUSTED"
            }
            record = store.get_key(limited.record.id)
            assert record is not None and record.used == 20 and store.holds(limited.record.id) == 0
            # And either replica lists all 20, and serves one the other accepted
            accepted = {r.json()["id"] for r in responses if r.status_code == 202}
            for served in (a, b):
                listed = await http.get(f"{served.base}/v1/requests?limit=100", headers=limited.headers)
                assert {r["id"] for r in listed.json()["requests"]} == accepted
            via_a = next(
                r.json()["id"] for n, r in enumerate(responses) if n % 2 == 0 and r.status_code == 202
            )
            assert (
                await http.get(f"{b.base}/v1/requests/{via_a}", headers=limited.headers)
            ).status_code == 200

            # Positive control: without a quota, the same burst is accepted whole by both replicas
            responses = await asyncio.gather(
                *(submit((a, b)[n % 2], unlimited.headers, 100 + n) for n in range(40))
            )
            assert Counter(r.status_code for r in responses) == {202: 40}

            # And a rate of 10/hour holds for the two replicas together: 10 of 30 calls pass, not 10 at each
            async def estimate(served: Served, headers: dict[str, str]) -> int:
                response = await http.get(
                    f"{served.base}/v1/fees/estimate",
                    params={"modalities": "FaceManipulation"},
                    headers=headers,
                )
                return response.status_code

            rated_statuses = await asyncio.gather(
                *(estimate((a, b)[n % 2], rated.headers) for n in range(30))
            )
            assert Counter(rated_statuses) == {200: 10, 429: 20}
            # (positive control: another key's ten are its own)
            assert Counter([await estimate(b, rated_other.headers) for _ in range(11)]) == {200: 10, 429: 1}
    finally:
        store.close()


@dataclass
class Receiver:
    """A webhook receiver (real sockets) that holds every POST until `together` are in flight at once (at most
    `hold` seconds), then answers 200; with `never_answer_first`, the first POST of each delivery gets no answer."""

    together: int = 1
    hold: float = 15.0
    never_answer_first: bool = False
    posts: Counter[str] = field(default_factory=Counter)
    answered: Counter[str] = field(default_factory=Counter)
    in_flight: int = 0
    peak: int = 0
    enough: asyncio.Event = field(default_factory=asyncio.Event)

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        request = await read_request(reader)
        match = re.search(rb"(?im)^x-dfpn-delivery:\s*(\S+)", request)
        delivery = match.group(1).decode() if match else "?"
        self.posts[delivery] += 1
        if self.never_answer_first and self.posts[delivery] == 1:
            await asyncio.sleep(3600)  # the sender dies meanwhile: the connection just goes
        self.in_flight += 1
        self.peak = max(self.peak, self.in_flight)
        if self.in_flight >= self.together:
            self.enough.set()
        try:
            async with asyncio.timeout(self.hold):
                await self.enough.wait()
        except TimeoutError:
            pass
        writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
        await writer.drain()
        self.answered[delivery] += 1
        self.in_flight -= 1


def delivered_by(served: Served) -> set[str]:
    """The requests whose webhook this replica delivered (its log)."""
    return set(re.findall(r"webhook for (\S+) delivered", served.log_text()))


async def test_each_webhook_arrives_once_while_two_replicas_deliver(
    tmp_path: Path, database: Database
) -> None:
    settings = make_settings(tmp_path, database)
    store = open_store(settings)
    key = new_key(store)
    # A receiver that answers only once 12 deliveries are in flight together: more than one replica's 8 slots
    receiver = Receiver(together=12)
    async with hostile_server(receiver.handle) as hook:
        ids = [f"REQ{n:02d}" for n in range(40)]
        for request_id in ids:
            add_delivery(store, key.record.id, request_id, hook.url)
        async with replicas(tmp_path, database, webhook_timeout="30") as (a, b):
            await eventually(
                lambda: all(store.get_delivery(i).state == st.DELIVERED for i in ids),  # type: ignore[union-attr]
                timeout=60,
                interval=0.2,
            )
            await asyncio.sleep(1.0)  # nothing more arrives
        # Then each delivery was POSTed once and answered once, although the two replicas sent at the same time
        deliveries = {d.delivery_id for d in (store.get_delivery(i) for i in ids) if d is not None}
        assert set(receiver.posts) == deliveries and set(receiver.posts.values()) == {1}, receiver.posts
        assert set(receiver.answered.values()) == {1}
        assert receiver.peak >= 12, receiver.peak  # both replicas were delivering at once
        # And each replica says which it delivered: both did some, none was delivered by both
        by_a, by_b = delivered_by(a), delivered_by(b)
        assert by_a and by_b and not by_a & by_b and by_a | by_b == set(ids)
        assert all(store.get_delivery(i).attempts == 1 for i in ids)  # type: ignore[union-attr]
    store.close()


async def test_a_replica_killed_mid_delivery_loses_nothing(tmp_path: Path, database: Database) -> None:
    # The claim of a delivery lasts 2 x webhook_timeout + 5 = 65 s: a retry well before that is the takeover
    settings = make_settings(tmp_path, database)
    store = open_store(settings)
    key = new_key(store)
    receiver = Receiver(never_answer_first=True)
    env = gateway_env(
        tmp_path,
        replica_lease_seconds=LEASE,
        webhook_timeout="30",
        webhook_base_delay="0.5",
        webhook_max_delay="1",
        **database.env,
    )
    async with hostile_server(receiver.handle) as hook:
        add_delivery(store, key.record.id, "REQ", hook.url)
        # Given replica A in the middle of the delivery (the receiver has the POST and has not answered)
        a = await asyncio.to_thread(start_gateway, tmp_path, env, name="a")
        b: Served | None = None
        try:
            await eventually(lambda: receiver.posts, timeout=30)
            claimed = store.get_delivery("REQ")
            assert (
                claimed is not None
                and claimed.claimed_by is not None
                and str(a.process.pid) in claimed.claimed_by
            )
            # and replica B running beside it, which leaves the delivery alone while A's claim holds
            b = await asyncio.to_thread(start_gateway, tmp_path, env, name="b")
            await asyncio.sleep(
                2.5
            )  # more than two of B's renewals, each a look at the queue and the replicas
            assert sum(receiver.posts.values()) == 1 and receiver.answered == Counter()
            # When A is killed
            killed_at = time.monotonic()
            kill(a)
            # Then B finds A's process gone, counts A's attempt as failed and sends the delivery again after the
            # backoff: it arrives once, answered, with the same delivery id
            await eventually(
                lambda: store.get_delivery("REQ").state == st.DELIVERED,  # type: ignore[union-attr]
                timeout=30,
                interval=0.1,
            )
            took = time.monotonic() - killed_at
            assert took < 10, f"redelivered {took:.1f} s after the kill: the claim ran out, nobody took over"
            done = store.get_delivery("REQ")
            assert done is not None and (done.attempts, done.last_status) == (2, 200)
            assert list(receiver.posts.values()) == [2] and list(receiver.answered.values()) == [1]
            assert list(receiver.posts) == [done.delivery_id]
            log = b.log_text()
            assert "is gone (its process ended)" in log and "1 webhook delivery(ies) to retry" in log, log[
                -3000:
            ]
            assert delivered_by(b) == {"REQ"}
        finally:
            kill(a)
            if b is not None:
                await asyncio.to_thread(stop_gateway, b)
    store.close()


# ---- open requests change hands (in one process: two gateway apps on one embedded network and one database) ----


async def _submit_with_webhook(api: httpx.AsyncClient, key: Key, url: str) -> str:
    response = await api.post(
        "/v1/requests",
        headers=key.headers,
        data={"modalities": "FaceManipulation", "min_workers": "3", "webhook_url": url},
        files={"file": ("a.png", PNG)},
    )
    assert response.status_code == 202, response.text
    request_id: str = response.json()["id"]
    return request_id


def _gateway(api: httpx.AsyncClient) -> Gateway:
    gateway: Gateway = api.app.state.gateway  # type: ignore[attr-defined]
    return gateway


@pytest.mark.parametrize("how", ["stopped", "hung"])
async def test_open_requests_of_a_replica_that_is_gone_are_finished_by_another(
    tmp_path: Path,
    database: Database,
    network: LocalNetwork,
    sdk: AsyncDFPNClient,
    key: Key,
    how: str,
    caplog: pytest.LogCaptureFixture,
) -> None:
    # Given two replicas sharing the database and the gateway's wallet, and three workers
    # (a lease of 3 s: a loaded machine stalls the event loop the two replicas share for a good part of a second)
    settings = make_settings(tmp_path, database, replica_lease_seconds=3.0)
    workers = await register_workers(network, tmp_path / "reports")
    caplog.set_level(logging.INFO, logger="dfpn_gateway")
    with webhook_receiver(secret=key.record.webhook_secret) as hook:
        async with (
            AsyncDFPNClient(network, sdk.wallet, poll_interval=0.02) as other,
            running(settings, other) as b,
        ):
            async with running(settings, sdk) as a:
                # A request submitted through A is followed by A alone (positive control)
                request_id = await _submit_with_webhook(a, key, hook.url)
                await eventually(lambda: request_id in _gateway(a).rt.watcher.following)
                await asyncio.sleep(3.0)  # three of B's renewals
                assert request_id not in _gateway(b).rt.watcher.following
                # When A goes: stopped cleanly, or hung (it stops renewing its lease and following)
                if how == "hung":
                    rt = _gateway(a).rt
                    assert rt.replica._task is not None
                    rt.replica._task.cancel()
                    await rt.watcher.stop()
                    await eventually(lambda: request_id in _gateway(b).rt.watcher.following, timeout=10)
                    assert "its lease ran out" in caplog.text
            # Then B follows it (at once after a clean stop: A handed it back)
            await eventually(lambda: request_id in _gateway(b).rt.watcher.following, timeout=5)
            # And when the workers answer, B finalizes it and delivers its webhook, once
            await analyse(workers, request_id, MAJORITY)

            async def finished() -> dict[str, Any] | None:
                body: dict[str, Any] = (await b.get(f"/v1/requests/{request_id}", headers=key.headers)).json()
                return body if body["webhook"]["state"] == "delivered" else None

            body = await eventually(finished, timeout=20)
            assert body["status"] == "Finalized" and body["result"]["verdict"] == "Manipulated"
            await asyncio.sleep(0.5)
        assert len(hook.deliveries) == 1 and hook.deliveries[0]["valid"]
