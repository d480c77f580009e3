"""Cutting the worker's websocket for real: a TCP proxy between the worker and the validator's websocket port is
closed while a request draws the worker, then opened again. The worker polls only every 60 s here, so only its
reaction to the drop (the SDK's replay of what it missed, or its gap marker answered by an immediate poll) can make
it accept that seat within seconds."""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from solders.keypair import Keypair

from dfpn import LAMPORTS_PER_SOL, AsyncDFPNClient
from dfpn import Modality as ChainModality
from dfpn.rpc import RpcTransport
from dfpn_detectors import Modality, Verdict
from dfpn_worker import Phase, WorkerNode
from dfpn_worker.registration import register_models, register_worker

from helpers import PNG_MAGIC, FixedDetector, MediaServer, RpcNetwork, worker_config

pytestmark = pytest.mark.rpc

#: Per variant a modality no other test's worker declares: the draw seats this test's worker.
MODALITY = {True: Modality.VOICE_CLONING, False: Modality.VIDEO_AUTHENTICITY}


class CuttableProxy:
    """Forwards TCP connections from 127.0.0.1:`port` to 127.0.0.1:`target`; `cut()` closes the listener and
    every connection (both sides), `resume()` listens again on the same port."""

    def __init__(self, target: int) -> None:
        self.target = target
        self.port = 0
        self.connections = 0
        self._server: asyncio.Server | None = None
        self._open: set[asyncio.StreamWriter] = set()
        self._pumps: set[asyncio.Task[None]] = set()

    async def start(self) -> None:
        self._server = await asyncio.start_server(self._handle, "127.0.0.1", self.port)
        self.port = int(self._server.sockets[0].getsockname()[1])

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        up_reader, up_writer = await asyncio.open_connection("127.0.0.1", self.target)
        self.connections += 1
        self._open |= {writer, up_writer}
        for src, dst in ((reader, up_writer), (up_reader, writer)):
            task = asyncio.create_task(self._pump(src, dst))
            self._pumps.add(task)
            task.add_done_callback(self._pumps.discard)

    async def _pump(self, src: asyncio.StreamReader, dst: asyncio.StreamWriter) -> None:
        with contextlib.suppress(ConnectionError, OSError):
            while chunk := await src.read(65536):
                dst.write(chunk)
                await dst.drain()
        dst.close()

    async def cut(self) -> None:
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()
            self._server = None
        for w in list(self._open):
            w.transport.abort()  # a hard close (RST), as a dropped link
        self._open.clear()

    async def resume(self) -> None:
        await self.start()

    async def close(self) -> None:
        await self.cut()
        for t in list(self._pumps):
            t.cancel()
        await asyncio.gather(*self._pumps, return_exceptions=True)


@pytest.fixture
async def proxy(rpc_network: RpcNetwork) -> AsyncIterator[CuttableProxy]:
    ws_port = int(rpc_network.url.rsplit(":", 1)[1]) + 1
    p = CuttableProxy(ws_port)
    await p.start()
    yield p
    await p.close()


async def _wait(predicate: Any, timeout: float, what: str) -> float:
    """Seconds until `predicate()`; fails after `timeout`."""
    start = time.monotonic()
    while not predicate():
        assert time.monotonic() - start < timeout, f"{what}: not within {timeout} s"
        await asyncio.sleep(0.1)
    return time.monotonic() - start


@pytest.mark.parametrize("replay", [True, False], ids=["replayed", "gap-marker"])
async def test_a_seat_drawn_while_the_websocket_was_cut_is_accepted_at_once(
    rpc_network: RpcNetwork, proxy: CuttableProxy, tmp_path: Path, replay: bool
) -> None:
    url = rpc_network.url
    rpc = rpc_network.transport
    media = PNG_MAGIC + b"a voice sample stand-in" * 16
    server = MediaServer(media)
    listener = await asyncio.start_server(server.handle, "127.0.0.1", 0)
    server.port = int(listener.sockets[0].getsockname()[1])
    # Given a worker whose log subscription goes through the proxy, polling only every 60 s
    keypair, client_kp = Keypair(), Keypair()
    for key in (keypair, client_kp):
        await rpc.airdrop(key.pubkey(), 20 * LAMPORTS_PER_SOL)
    modality = MODALITY[replay]
    detectors = [
        FixedDetector(f"fixed-{modality.value}", Verdict.AUTHENTIC, 70, modalities=frozenset({modality}))
    ]
    config = worker_config(
        tmp_path,
        "w",
        keypair,
        network=url,
        poll_interval=60,
        crank_draws=False,
        analysis_pool="thread",
        model_developer=str(keypair.pubkey()),
        media_allow_networks=["127.0.0.0/8"],
    )
    await register_models(rpc, keypair, detectors)
    await register_worker(rpc, keypair, config, detectors)
    transport = RpcTransport(url, ws_url=f"ws://127.0.0.1:{proxy.port}")
    if not replay:
        transport.replay_limit = 0  # every missed transaction is reported as a gap instead of replayed
    node = WorkerNode(config, transport, keypair, detectors)
    task = asyncio.create_task(node.run())
    client = AsyncDFPNClient(RpcTransport(url), client_kp, auto_crank=False)
    try:
        await _wait(lambda: node.discovery.last_poll is not None and proxy.connections > 0, 60, "subscribed")
        await asyncio.sleep(2.0)  # the subscription is confirmed (with room for a loaded machine)

        async def submit() -> str:
            sub = await client.submit_request(
                uri=server.url,
                content_hash=hashlib.sha256(media).digest(),
                modalities=[ChainModality[modality.name]],
                min_workers=1,
                deadline_seconds=120,
            )
            # The shared validator's pool holds every worker the session registered: one draw call tries a
            # bounded number of candidates, so draw again until this (the only eligible) worker is seated.
            drawn = list(sub.drawn)
            for _ in range(20):
                if drawn:
                    break
                drawn = list((await client.draw_seats(sub.id)).drawn)
            assert drawn == [str(keypair.pubkey())]
            return sub.id

        # (control: with the websocket up, a drawn seat is accepted within seconds, long before the next poll)
        first = await submit()
        await _wait(lambda: node.state.get(first) is not None, 20, "accepting with the websocket up")
        # (and past its commit: a job leaving the analysis part wakes discovery too, which must not happen below)
        revealed = (Phase.REVEALED, Phase.DONE)
        await _wait(lambda: getattr(node.state.get(first), "phase", None) in revealed, 60, "the first reveal")
        # When the websocket is cut, a request draws the worker meanwhile, and the websocket comes back
        await proxy.cut()
        second = await submit()
        drawn_at = time.monotonic()
        await asyncio.sleep(2.0)
        await proxy.resume()
        # Then the worker accepts that seat within seconds of its draw (its next poll is a minute away): by
        # replaying what it missed, or, told of a gap or having lost the subscription, by polling at once
        await _wait(lambda: node.state.get(second) is not None, 30, "accepting after the cut")
        assert time.monotonic() - drawn_at < 30
        if not replay:  # it was told of a gap, and caught up by polling at once
            caught_up = node.metrics.registry.get_sample_value("dfpn_worker_log_resubscribes_total")
            assert caught_up is not None and caught_up >= 1
    finally:
        node.stop()
        with contextlib.suppress(Exception):
            await asyncio.wait_for(task, 30)
        node.state.close()
        await client.close()
        await transport.close()
        listener.close()
