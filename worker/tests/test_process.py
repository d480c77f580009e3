"""`dfpn-worker` as a real process: SIGTERM stops it gracefully; SIGKILL between commit and reveal, then a restart,
still ends in the reveal (against a real validator over JSON-RPC: the `rpc_network` fixture)."""

from __future__ import annotations

import asyncio
import hashlib
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from solders.keypair import Keypair
from solders.pubkey import Pubkey

from dfpn import LAMPORTS_PER_SOL, AsyncDFPNClient
from dfpn import Modality as ChainModality
from dfpn import Verdict as ChainVerdict
from dfpn.generated.types import Request
from dfpn_worker.config import WorkerConfig, write_config
from dfpn_worker.state import Phase, StateStore

from helpers import PNG_MAGIC, MediaServer, RpcNetwork, write_keypair

TESTS = Path(__file__).resolve().parent
DETECTOR = "helpers:fixed_detector"


def _config(base: Path, network: str, keypair: Keypair, model_id: str, **overrides: Any) -> Path:
    """A config file whose one detector is the tests' FixedDetector, loaded by import path."""
    values: dict[str, Any] = {
        "keypair": write_keypair(base / "key.json", keypair),
        "network": network,
        "state_dir": base / "state",
        "reports_dir": base / "r",
        "detectors": [DETECTOR],
        "detector_config": {DETECTOR: {"model_id": model_id, "verdict": "Manipulated", "confidence": 83}},
        "poll_interval": 0.2,
        "metrics_port": None,
        "log_format": "json",
        "log_level": "INFO",
        "shutdown_grace": 10,
    }
    values.update(overrides)
    path = base / "worker.toml"
    write_config(WorkerConfig(**values), path)
    return path


def _env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DFPN_WORKER_")}
    env["PYTHONPATH"] = os.pathsep.join([str(TESTS), env.get("PYTHONPATH", "")]).rstrip(os.pathsep)
    return env


def _worker(*args: str, log: Path) -> subprocess.Popen[bytes]:
    with log.open("ab") as out:
        return subprocess.Popen(
            [sys.executable, "-m", "dfpn_worker", *args], stdout=out, stderr=subprocess.STDOUT, env=_env()
        )


def _events(log: Path) -> list[dict[str, Any]]:
    events = []
    for line in log.read_text().splitlines():
        try:
            events.append(json.loads(line))
        except ValueError:
            continue
    return events


async def _wait_event(log: Path, event: str, proc: subprocess.Popen[bytes], timeout: float = 60.0) -> None:
    give_up = time.monotonic() + timeout
    while not any(e.get("event") == event for e in _events(log)):
        if proc.poll() is not None:
            raise AssertionError(
                f"worker exited ({proc.returncode}) before {event!r}:\n{log.read_text()[-3000:]}"
            )
        if time.monotonic() > give_up:
            raise AssertionError(f"no {event!r} within {timeout}s:\n{log.read_text()[-3000:]}")
        await asyncio.sleep(0.1)


@pytest.fixture
def processes() -> Iterator[list[subprocess.Popen[bytes]]]:
    procs: list[subprocess.Popen[bytes]] = []
    yield procs
    for p in procs:
        if p.poll() is None:
            p.kill()
            p.wait(10)


async def test_sigterm_stops_a_running_worker_gracefully(
    short_dir: Path, processes: list[subprocess.Popen[bytes]]
) -> None:
    # Given `dfpn-worker run` on the embedded network (it bootstraps a development worker there)
    config = _config(short_dir, "local", Keypair(), "fixed-a")
    log = short_dir / "worker.log"
    proc = _worker("run", "--config", str(config), log=log)
    processes.append(proc)
    await _wait_event(log, "started", proc)
    # When it receives SIGTERM
    proc.send_signal(signal.SIGTERM)
    # Then it stops on its own with exit code 0, logging the hand-over
    assert await asyncio.to_thread(proc.wait, 20) == 0
    stopped = [e for e in _events(log) if e.get("event") == "stopped"]
    assert stopped and stopped[0]["handed_over"] == 0


@pytest.mark.rpc
async def test_a_worker_killed_between_commit_and_reveal_reveals_after_restart(
    rpc_network: RpcNetwork, short_dir: Path, processes: list[subprocess.Popen[bytes]]
) -> None:
    rpc = rpc_network.transport
    # Given a funded worker key, its config (this test's fixed detector, model registered by `register`)
    keypair = Keypair()
    await rpc.airdrop(keypair.pubkey(), 5 * LAMPORTS_PER_SOL)
    model_id = f"kill-{os.urandom(4).hex()}"
    config = _config(short_dir, rpc_network.url, keypair, model_id, media_allow_networks=["127.0.0.0/8"])
    log = short_dir / "worker.log"
    register = await asyncio.to_thread(
        subprocess.run,
        [sys.executable, "-m", "dfpn_worker", "register", "--register-models", "--config", str(config)],
        env=_env(),
        capture_output=True,
        timeout=120,
    )
    assert register.returncode == 0, register.stderr.decode()
    # And a request for 1-2 workers whose media is served over HTTP: with one worker the commit phase stays open
    # until the commit deadline (deadline − 20 s), so the worker commits long before it may reveal
    media = PNG_MAGIC + os.urandom(256)
    server = MediaServer(media)
    listener = await asyncio.start_server(server.handle, "127.0.0.1", 0)
    server.port = int(listener.sockets[0].getsockname()[1])
    client_key = Keypair()
    await rpc.airdrop(client_key.pubkey(), 2 * LAMPORTS_PER_SOL)
    # (the client finalizes its own request as soon as every committer revealed: a worker may only once the grace
    # period after the deadline is over)
    async with listener, AsyncDFPNClient(rpc, client_key) as client:
        sub = await client.submit_request(
            uri=server.url,
            content_hash=hashlib.sha256(media).digest(),
            modalities=[ChainModality.FACE_MANIPULATION],
            min_workers=1,
            max_workers=2,
            deadline_seconds=60,
        )
        address = Pubkey.from_string(sub.id)

        async def request() -> Request:
            account = await rpc.get_account(address)
            assert account is not None
            return Request.from_account_data(account.data)

        # When the worker runs and commits
        proc = _worker("run", "--config", str(config), log=log)
        processes.append(proc)
        give_up = time.monotonic() + 60
        while (await request()).commits == 0:
            assert proc.poll() is None, log.read_text()[-3000:]
            assert time.monotonic() < give_up, log.read_text()[-3000:]
            await asyncio.sleep(0.2)
        # And is killed with SIGKILL before it could reveal
        proc.kill()
        await asyncio.to_thread(proc.wait, 10)
        assert (await request()).reveals == 0
        with StateStore(short_dir / "state", str(keypair.pubkey())) as state:
            job = state.get(sub.id)
            assert job is not None and job.phase in (Phase.PREPARED, Phase.COMMITTED)
        # And restarted from the same config and state directory
        restarted = _worker("run", "--config", str(config), log=log)
        processes.append(restarted)
        # Then it reveals what it committed once the reveal phase opens, and the client finalizes
        result = await client.wait_for_result(sub.id, timeout=120, poll_interval=0.5)
        assert result.verdict is ChainVerdict.MANIPULATED and result.confidence == 83
        assert result.audit.reveal_count == 1 and result.worker_results[0].report_verified
        restarted.send_signal(signal.SIGTERM)
        assert await asyncio.to_thread(restarted.wait, 30) == 0
