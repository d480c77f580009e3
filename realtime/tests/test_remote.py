"""Remote analysis over a websocket: round trip, auth, reconnect with backoff and jitter."""

from __future__ import annotations

import asyncio
import itertools
import random

import pytest

from dfpn_realtime import (
    Backoff,
    ConfigError,
    FakeClock,
    LocalDetectorsBackend,
    Monitor,
    MonitorConfig,
    RemoteBackend,
    RemoteServer,
    Sample,
)
from dfpn_realtime.media import encode_jpeg

from helpers import RED, MarkerDetector, feed_frames, frame, levels


def sample(color: tuple[int, int, int] = RED) -> Sample:
    return Sample("video", "p", "t", encode_jpeg(frame(color)), "image/jpeg", 0.0, 1)


def test_backoff_is_exponential_with_jitter_between_1_and_10_s() -> None:
    # Given the default backoff, When it is asked for ten delays in a row
    b = Backoff(rng=random.Random(7))
    delays = [b.next() for _ in range(10)]
    # Then they grow roughly ×2 from 1 s, jittered down by up to 20 %, and stay within 1 s … 10 s
    assert all(1.0 <= d <= 10.0 for d in delays)
    assert (
        delays[0] == 1.0 and 1.6 <= delays[1] <= 2.0 and 3.2 <= delays[2] <= 4.0 and 6.4 <= delays[3] <= 8.0
    )
    assert all(8.0 <= d <= 10.0 for d in delays[4:])
    # And two clients do not retry in lockstep
    other = Backoff(rng=random.Random(8))
    assert [other.next() for _ in range(10)] != delays
    # And a successful connection starts over
    b.reset()
    assert b.next() == 1.0


async def test_remote_round_trip() -> None:
    # Given a server running the local detectors and a client with the right key
    server = RemoteServer(LocalDetectorsBackend([MarkerDetector()]), "s3cret", port=0)
    await server.start()
    client = RemoteBackend(server.url, "s3cret")
    await client.start()
    try:
        await asyncio.wait_for(client.connected.wait(), 5)
        # When a red and a clean frame are sent
        red, clean = await asyncio.gather(client.analyze(sample()), client.analyze(sample((180, 140, 120))))
        # Then the answers come back with the detectors' analyses
        assert (red.score, str(red.verdict), red.backend) == (0.95, "Manipulated", "local")
        assert red.analyses[0].model_id == "test-marker" and red.analyses[0].detections[0].type == "face_swap"
        assert clean.score is not None and clean.score < 0.4
    finally:
        await client.close()
        await server.close()


async def test_wrong_key_is_refused_and_retried_with_backoff() -> None:
    server = RemoteServer(LocalDetectorsBackend([MarkerDetector()]), "right", port=0)
    await server.start()
    clock = FakeClock()
    client = RemoteBackend(server.url, "wrong", clock=clock, rng=random.Random(1))
    await client.start()
    try:
        # When the key is wrong, Then every attempt gets HTTP 401, and the client backs off 1 s → 10 s
        for _ in range(200):
            if len(client.delays) >= 6:
                break
            await asyncio.sleep(0.01)
        assert client.last_error == "HTTP 401" and client.connections == 0
        d = client.delays[:6]
        assert d[0] == 1.0 and all(a < b for a, b in itertools.pairwise(d[:4])) and max(d) <= 10.0
        assert clock.sleeps[:6] == d
        # And a sample sent meanwhile is answered inconclusive at once instead of waiting
        r = await asyncio.wait_for(client.analyze(sample()), 1)
        assert r.score is None and "not connected" in r.analyses[0].notes
    finally:
        await client.close()
        await server.close()


async def test_reconnects_after_the_server_comes_back() -> None:
    # Given a connected client
    server = RemoteServer(LocalDetectorsBackend([MarkerDetector()]), "k", port=0)
    await server.start()
    port = server.port
    client = RemoteBackend(server.url, "k", backoff_initial=0.05, backoff_max=0.2)
    await client.start()
    try:
        await asyncio.wait_for(client.connected.wait(), 5)
        # When the server goes away
        await server.close()
        for _ in range(200):
            if not client.connected.is_set() and len(client.delays) >= 2:
                break
            await asyncio.sleep(0.02)
        assert not client.connected.is_set() and len(client.delays) >= 2
        # And comes back on the same port
        server = RemoteServer(LocalDetectorsBackend([MarkerDetector()]), "k", port=port)
        await server.start()
        await asyncio.wait_for(client.connected.wait(), 5)
        # Then the client reconnected by itself and analyses again
        assert client.connections == 2
        assert (await client.analyze(sample())).score == 0.95
    finally:
        await client.close()
        await server.close()


async def test_a_monitor_on_a_remote_backend_raises_alerts() -> None:
    server = RemoteServer(LocalDetectorsBackend([MarkerDetector()]), "k", port=0)
    await server.start()
    clock = FakeClock()
    cfg = MonitorConfig.from_env({"DFPN_RT_REMOTE_URL": server.url, "DFPN_RT_API_KEY": "k"})
    try:
        async with Monitor(cfg, clock=clock) as m:
            assert isinstance(m.backend, RemoteBackend)
            await asyncio.wait_for(m.backend.connected.wait(), 5)
            await feed_frames(m, clock, 12, make=lambda now: frame(RED))
            await m.drain()
            assert levels(m.events) == ["suspicious", "alert"]
    finally:
        await server.close()


@pytest.mark.parametrize(
    ("env", "needle"),
    [
        ({"DFPN_RT_REMOTE_URL": "ws://127.0.0.1:1"}, "DFPN_RT_API_KEY"),
        ({"DFPN_RT_REMOTE_URL": "http://x", "DFPN_RT_API_KEY": "k"}, "ws://"),
    ],
)
async def test_missing_remote_credentials_are_clear_errors(env: dict[str, str], needle: str) -> None:
    with pytest.raises(ConfigError, match=needle):
        await Monitor(MonitorConfig.from_env(env)).start()


def test_cli_serve_needs_an_api_key() -> None:
    import os
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if k != "DFPN_RT_API_KEY"}
    proc = subprocess.run(
        [sys.executable, "-m", "dfpn_realtime.cli", "serve", "--port", "0"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode != 0 and "DFPN_RT_API_KEY" in proc.stderr
