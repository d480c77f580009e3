"""Issue #16: open requests are followed by the program's log subscription, not by re-reading each one in a loop.

On the embedded network (the real dfpn.so in LiteSVM) with scripted workers: a request whose workers all revealed is
finalized by the gateway and its result recorded promptly although the sweep (the only periodic read) is set to
1000 s: the workers' events woke it. The control: with the subscription off and the same sweep, the same request
stays open (nothing reads it); with the subscription off and a fast sweep, the safety net finalizes it."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import httpx

from dfpn import AsyncDFPNClient, LocalNetwork
from dfpn_gateway.service import Gateway
from dfpn_gateway.watcher import Watcher

from helpers import (
    MAJORITY,
    PNG,
    Database,
    Key,
    analyse,
    eventually,
    make_settings,
    register_workers,
    running,
)


def watcher_of(api: httpx.AsyncClient) -> Watcher:
    gateway: Gateway = api.app.state.gateway  # type: ignore[attr-defined]
    return gateway.rt.watcher


async def submit_and_analyse(api: httpx.AsyncClient, key: Key, network: LocalNetwork, tmp_path: Path) -> str:
    """A request through the gateway, its three drawn workers commit and reveal: it is finalizable."""
    workers = await register_workers(network, tmp_path / "reports")
    response = await api.post(
        "/v1/requests",
        headers=key.headers,
        data={"modalities": "FaceManipulation", "min_workers": "3"},
        files={"file": ("a.png", PNG)},
    )
    assert response.status_code == 202, response.text
    request_id: str = response.json()["id"]
    await analyse(workers, request_id, MAJORITY)
    return request_id


async def status(api: httpx.AsyncClient, key: Key, request_id: str) -> dict[str, Any]:
    body: dict[str, Any] = (await api.get(f"/v1/requests/{request_id}", headers=key.headers)).json()
    return body


async def test_subscription_finalizes_without_any_sweep(
    tmp_path: Path, database: Database, network: LocalNetwork, sdk: AsyncDFPNClient, key: Key
) -> None:
    settings = make_settings(tmp_path, database, watch_sweep_interval=1000.0)
    async with running(settings, sdk) as api:
        request_id = await submit_and_analyse(api, key, network, tmp_path)

        async def finalized() -> dict[str, Any] | None:
            body = await status(api, key, request_id)
            return body if body["status"] == "Finalized" else None

        body = await eventually(finalized, timeout=10)
        assert body["result"]["verdict"] == "Manipulated"
        assert (await sdk.get_request(request_id)).status.value == "Finalized"
        # No sweep ran: the events alone woke the request
        assert watcher_of(api).sweeps == 0


async def test_control_without_subscription_nothing_reads_the_request(
    tmp_path: Path, database: Database, network: LocalNetwork, sdk: AsyncDFPNClient, key: Key
) -> None:
    settings = make_settings(tmp_path, database, watch_sweep_interval=1000.0, watch_subscribe=False)
    async with running(settings, sdk) as api:
        request_id = await submit_and_analyse(api, key, network, tmp_path)
        checks = watcher_of(api).checks
        await asyncio.sleep(3)
        # Finalizable on-chain, but the gateway neither finalized it nor looked at it again
        assert (await status(api, key, request_id))["status"] == "Open"
        assert (await sdk.get_request(request_id)).status.value == "Open"
        assert watcher_of(api).checks == checks


async def test_control_without_subscription_the_sweep_finalizes(
    tmp_path: Path, database: Database, network: LocalNetwork, sdk: AsyncDFPNClient, key: Key
) -> None:
    settings = make_settings(tmp_path, database, watch_sweep_interval=0.2, watch_subscribe=False)
    async with running(settings, sdk) as api:
        request_id = await submit_and_analyse(api, key, network, tmp_path)

        async def finalized() -> bool:
            return bool((await status(api, key, request_id))["status"] == "Finalized")

        await eventually(finalized, timeout=10)
        assert watcher_of(api).sweeps > 0


async def test_idle_open_requests_are_not_read_in_a_loop(
    tmp_path: Path, database: Database, network: LocalNetwork, sdk: AsyncDFPNClient, key: Key
) -> None:
    # Given 30 open requests that nothing happens to (no worker registered: nothing to draw)
    settings = make_settings(tmp_path, database, watch_sweep_interval=1000.0)
    async with running(settings, sdk) as api:
        for n in range(30):
            response = await api.post(
                "/v1/requests",
                headers=key.headers,
                data={"modalities": "FaceManipulation"},
                files={"file": ("a.png", PNG + bytes([n]))},
            )
            assert response.status_code == 202, response.text
        watcher = watcher_of(api)
        await eventually(lambda: len(watcher.following) == 30)
        # (once the first reads of the new requests have run: none in flight)
        await eventually(lambda: not watcher._checks)
        await asyncio.sleep(0.5)
        checks = watcher.checks
        # When two seconds pass (the client polls every 0.02 s: the old watcher read each one ~100 times)
        await asyncio.sleep(2)
        # Then none of them was read again
        assert watcher.checks == checks
        # And when the cluster clock passes their commit deadline, their timers wake them: each is expired
        network.advance(400)
        await eventually(lambda: not watcher.following, timeout=20)
        assert watcher.checks >= checks + 30
