"""Reference worker nodes as separate `dfpn-worker run` processes against an RPC network (a local validator),
each with its own key, config file, state directory and JSON log."""

from __future__ import annotations

import asyncio
import json
import logging
import os
import signal
import subprocess
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from dfpn import Modality
from dfpn import instructions as ix
from dfpn.fees import LAMPORTS_PER_SOL
from dfpn.pda import model_address
from dfpn.rpc import RpcTransport
from dfpn.wallet import write_keypair
from dfpn_worker.config import WorkerConfig, pascal_name, write_config
from dfpn_worker.embedded import LOCAL_MEDIA_NETWORKS
from solders.keypair import Keypair
from solders.pubkey import Pubkey

logger = logging.getLogger(__name__)


@dataclass
class WorkerProcess:
    """One `dfpn-worker run` process."""

    keypair: Keypair
    config: Path
    log: Path
    env: dict[str, str]
    process: subprocess.Popen[bytes] | None = None
    #: Its metrics endpoint (`/metrics`, `/healthz`), when the local network exposes them (`metrics_port_base`).
    metrics_url: str | None = None

    @property
    def pubkey(self) -> Pubkey:
        return self.keypair.pubkey()

    def register(self) -> None:
        """`dfpn-worker register` (stake, modalities, models); raises with its output on failure."""
        done = subprocess.run(
            [sys.executable, "-m", "dfpn_worker", "register", "--config", str(self.config)],
            env=self.env,
            capture_output=True,
            text=True,
            timeout=180,
            check=False,
        )
        if done.returncode != 0:
            raise RuntimeError(
                f"dfpn-worker register failed ({done.returncode}):\n{done.stdout}{done.stderr}"
            )

    def start(self) -> None:
        with self.log.open("ab") as out:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "dfpn_worker", "run", "--config", str(self.config)],
                stdout=out,
                stderr=subprocess.STDOUT,
                env=self.env,
            )

    def stop(self, sig: int = signal.SIGTERM, timeout: float = 30) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(sig)
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def events(self) -> list[dict[str, Any]]:
        """The JSON log lines written so far."""
        found = []
        for line in self.log.read_text(errors="replace").splitlines():
            try:
                found.append(json.loads(line))
            except ValueError:
                continue
        return found


#: Settings the local network chooses for each of its workers (their config files): a `DFPN_WORKER_<KEY>` in the
#: environment would override them for every worker at once (one keypair, one state directory, one port for all),
#: so these are not passed through. Every other `DFPN_WORKER_*` variable reaches the workers (e.g.
#: DFPN_WORKER_CONCURRENCY, DFPN_WORKER_LOG_LEVEL, DFPN_WORKER_ANALYSIS_WORKERS).
PER_WORKER_SETTINGS = frozenset(
    {
        "CONFIG",
        "KEYPAIR",
        "NETWORK",
        "STAKE",
        "MODALITIES",
        "DETECTORS",
        "MODEL_DEVELOPER",
        "MODELS",
        "STORAGE",
        "STATE_DIR",
        "REPORTS_DIR",
        "METRICS_PORT",
        "MEDIA_ALLOW_NETWORKS",
        "LOG_FORMAT",  # the local network reads its workers' JSON logs (`WorkerProcess.events`)
    }
)


def worker_environment(environ: dict[str, str] | None = None) -> dict[str, str]:
    """The environment of the local network's worker processes: this one without the `DFPN_WORKER_*` settings
    the local network sets per worker (`PER_WORKER_SETTINGS`)."""
    source = dict(os.environ if environ is None else environ)
    return {
        k: v
        for k, v in source.items()
        if not (k.startswith("DFPN_WORKER_") and k.removeprefix("DFPN_WORKER_") in PER_WORKER_SETTINGS)
    }


async def launch_workers(
    url: str,
    count: int,
    base: Path,
    *,
    detectors: Sequence[Sequence[str]],
    modalities: Sequence[Modality],
    ipfs_api: str,
    developer: Keypair | None = None,
    poll_interval: float = 0.5,
    metrics_port_base: int | None = None,
) -> list[WorkerProcess]:
    """Register the detectors' model ids (developer: `developer` or a new key), then create, fund, register and
    start `count` worker processes, worker i running `detectors[i % len(detectors)]`, storing their reports in
    IPFS (`ipfs_api`); their configs name that developer (`model_developer`), so they declare and commit with its
    models' addresses. With `metrics_port_base`, worker i (from 0) serves its metrics on
    127.0.0.1:`metrics_port_base + i`; without, none does."""
    env = worker_environment()
    env["DFPN_IPFS_API"] = ipfs_api
    async with RpcTransport(url) as rpc:
        dev = developer or Keypair()
        await rpc.airdrop(dev.pubkey(), LAMPORTS_PER_SOL)
        for model in dict.fromkeys(n for names in detectors for n in names):
            if await rpc.get_account(model_address(dev.pubkey(), model, rpc.program_id)) is None:
                await rpc.send_transaction(
                    [
                        ix.register_model(
                            developer=dev.pubkey(),
                            model_id=model,
                            payout_wallet=dev.pubkey(),
                            modalities=modalities,
                            program_id=rpc.program_id,
                        )
                    ],
                    [dev],
                )
        workers = []
        for i in range(count):
            d = base / f"worker-{i + 1}"
            d.mkdir(parents=True, exist_ok=True)
            keypair = write_keypair(d / "key.json")
            await rpc.airdrop(keypair.pubkey(), 5 * LAMPORTS_PER_SOL)
            config = WorkerConfig(
                keypair=d / "key.json",
                network=url,
                stake="1",
                modalities=[pascal_name(m) for m in modalities],
                detectors=list(detectors[i % len(detectors)]),
                model_developer=str(dev.pubkey()),
                storage="ipfs",
                state_dir=d / "state",
                poll_interval=poll_interval,
                metrics_port=None if metrics_port_base is None else metrics_port_base + i,
                log_format="json",
                log_level="INFO",
                shutdown_grace=10,
                # Media served on this machine (a client's or the gateway's local server) is the point of a
                # local network; elsewhere a worker refuses loopback media (media_allow_networks).
                media_allow_networks=list(LOCAL_MEDIA_NETWORKS),
            )
            write_config(config, d / "worker.toml")
            metrics_url = (
                None if config.metrics_port is None else f"http://127.0.0.1:{config.metrics_port}/metrics"
            )
            workers.append(
                WorkerProcess(keypair, d / "worker.toml", d / "worker.log", env, metrics_url=metrics_url)
            )
    for w in workers:
        await asyncio.to_thread(w.register)
        w.start()
        logger.info("worker %s running (log %s)", w.pubkey, w.log)
    return workers


__all__ = [
    "LOCAL_MEDIA_NETWORKS",
    "PER_WORKER_SETTINGS",
    "WorkerProcess",
    "launch_workers",
    "worker_environment",
]
