"""Reference workers on an embedded network (`dfpn.LocalNetwork`), in the process that created it.

A network nobody works on answers nothing: `DFPNClient(network="local")` starts these workers through the entry point
`dfpn.local_workers` (the SDK never imports this package), and `dfpn-localnet demo` starts them directly. Each worker
is a real `WorkerNode` with the installed detectors (`diverse_detector_sets`), registered and staked under a fresh
key, its models registered by one throwaway developer key, its state and reports in a temporary directory.

```python
workers = await start_embedded_workers(network, count=3)
...  # submit requests: the drawn workers accept, analyse, commit and reveal
await workers.aclose()
```
"""

from __future__ import annotations

import asyncio
import logging
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from solders.keypair import Keypair
from solders.pubkey import Pubkey

from dfpn import LocalNetwork
from dfpn.fees import LAMPORTS_PER_SOL
from dfpn_detectors import Detector
from dfpn_worker.cli import load_worker_detectors
from dfpn_worker.config import WorkerConfig
from dfpn_worker.node import WorkerNode
from dfpn_worker.registration import diverse_detector_sets, register_models, register_worker

logger = logging.getLogger(__name__)

#: Networks the embedded workers download media from: the client's files and servers on this machine.
LOCAL_MEDIA_NETWORKS = ("127.0.0.0/8", "::1/128")

#: Lamports each embedded worker key (and the model developer) starts with: stake, seat bonds and fees.
WORKER_FUNDS = 10 * LAMPORTS_PER_SOL


def embedded_config(**overrides: object) -> WorkerConfig:
    """The settings of a worker on an embedded network: file storage, loopback media, a fast poll, no metrics port,
    quiet logs; `overrides` on top."""
    settings: dict[str, object] = {
        "network": "local",
        "storage": "file",
        "media_allow_networks": list(LOCAL_MEDIA_NETWORKS),
        "poll_interval": 0.05,
        "metrics_port": None,
        "log_format": "text",
        "log_level": "WARNING",
        "stake": "1",
        **overrides,
    }
    return WorkerConfig.model_validate(settings)


@dataclass
class EmbeddedWorkers:
    """Workers running as tasks of the current event loop; `aclose` stops them and removes their files."""

    network: LocalNetwork
    nodes: list[WorkerNode]
    detectors: list[Detector]
    developer: Pubkey
    tasks: list[asyncio.Task[None]] = field(default_factory=list)
    _scratch: tempfile.TemporaryDirectory[str] | None = None

    @property
    def authorities(self) -> list[Pubkey]:
        return [node.authority for node in self.nodes]

    async def aclose(self) -> None:
        for node in self.nodes:
            node.stop()
        await asyncio.gather(*self.tasks, return_exceptions=True)
        self.tasks.clear()
        if self._scratch is not None:
            self._scratch.cleanup()
            self._scratch = None


async def start_embedded_workers(
    network: LocalNetwork,
    count: int = 3,
    *,
    work_dir: Path | None = None,
    base: WorkerConfig | None = None,
    detectors: Sequence[Detector] | None = None,
    detector_sets: Sequence[Sequence[Detector]] | None = None,
) -> EmbeddedWorkers:
    """Register the detectors' models and `count` staked workers on `network`, and run them.

    `work_dir` holds each worker's state and reports (`w<i>`, `r<i>`; default: a temporary directory removed by
    `aclose`, short because file:// report URIs are at most 128 bytes). `base`: the workers' settings
    (`embedded_config()`). What each worker runs: `detector_sets[i % len]` when given; else `detectors` for all;
    else the installed detectors in `diverse_detector_sets` (worker 0 all of them, each other one leaves out a
    different forensic detector, so the workers can disagree as independent ones would).
    """
    if count < 1:
        raise ValueError(f"count must be at least 1, got {count}")
    scratch = tempfile.TemporaryDirectory(prefix="dfw") if work_dir is None else None
    root = Path(scratch.name) if scratch is not None else work_dir
    assert root is not None
    try:
        base = base or embedded_config()
        if detector_sets is None:
            if detectors is None:
                detector_sets = diverse_detector_sets(load_worker_detectors(base), count)
            else:
                detector_sets = [list(detectors)]
        sets = [list(detector_sets[i % len(detector_sets)]) for i in range(count)]
        chosen = list({d.model_id: d for s in sets for d in s}.values())
        developer = network.funded_keypair(WORKER_FUNDS)
        await register_models(network, developer, chosen)
        # The workers declare the models by their developer and id (`["model", developer, id]`).
        base = base.model_copy(update={"model_developer": str(developer.pubkey())})
        nodes = [await _register(network, base, sets[i], root, i) for i in range(count)]
    except BaseException:
        if scratch is not None:
            scratch.cleanup()
        raise
    workers = EmbeddedWorkers(network, nodes, chosen, developer.pubkey(), _scratch=scratch)
    workers.tasks = [asyncio.create_task(n.run(), name=f"embedded worker {i}") for i, n in enumerate(nodes)]
    for i, s in enumerate(sets):
        logger.info("embedded worker %d runs %s", i, ", ".join(d.model_id for d in s))
    return workers


async def _register(
    network: LocalNetwork, base: WorkerConfig, detectors: list[Detector], root: Path, index: int
) -> WorkerNode:
    keypair: Keypair = network.funded_keypair(WORKER_FUNDS)
    reports = root / f"r{index}"
    reports.mkdir(parents=True, exist_ok=True)
    config = base.model_copy(update={"state_dir": root / f"w{index}", "reports_dir": reports})
    await register_worker(network, keypair, config, detectors)
    return WorkerNode(config, network, keypair, detectors)


async def start_local_workers(network: LocalNetwork, *, count: int) -> EmbeddedWorkers:
    """The `dfpn.local_workers` entry point: `count` reference workers in a temporary directory."""
    return await start_embedded_workers(network, count)


__all__ = [
    "LOCAL_MEDIA_NETWORKS",
    "EmbeddedWorkers",
    "embedded_config",
    "start_embedded_workers",
    "start_local_workers",
]
