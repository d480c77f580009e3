"""A known-answer challenger on the local network: governance registers the client wallet as a challenger, and a
`dfpn-challenger run` process submits challenges from a small generated corpus (`dfpn-localnet up --challenger`).

The challenger is the same key as the local client (`.localnet/client.json`), as docs/economics.md recommends: a
challenger that also carries ordinary traffic cannot be told apart by its key. The generated corpus
(`dfpn_challenger.sample`) holds only images whose PNG text names an image generator (labelled Manipulated), which
the reference workers' `ai-metadata-rules` detector recognises: none of the reference detectors says Authentic about
ordinary media (absence of evidence is Inconclusive), so an authentic challenge would slash every local worker.
Give your own corpus with `--challenger-corpus` to test other detectors.
"""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from dfpn import Modality
from dfpn import instructions as ix
from dfpn.pda import challenger_address
from dfpn.rpc import RpcTransport
from dfpn_challenger.sample import SAMPLE_ITEMS, sample_corpus
from solders.keypair import Keypair
from solders.pubkey import Pubkey

logger = logging.getLogger(__name__)


async def register_challenger(url: str, authority: Keypair, key: Pubkey) -> bool:
    """Register `key` as a challenger (signed by the configuration authority); False when it already is."""
    async with RpcTransport(url) as rpc:
        if await rpc.get_account(challenger_address(key, rpc.program_id)) is not None:
            return False
        await rpc.send_transaction(
            [ix.register_challenger(authority=authority.pubkey(), challenger=key, program_id=rpc.program_id)],
            [authority],
        )
        return True


@dataclass
class ChallengerProcess:
    """One `dfpn-challenger run` process."""

    args: list[str]
    log: Path
    report: Path
    state_dir: Path
    env: dict[str, str]
    process: subprocess.Popen[bytes] | None = None

    def start(self) -> ChallengerProcess:
        with self.log.open("ab") as out:
            self.process = subprocess.Popen(self.args, stdout=out, stderr=subprocess.STDOUT, env=self.env)
        return self

    def wait(self, timeout: float) -> int:
        assert self.process is not None
        return self.process.wait(timeout)

    def stop(self, timeout: float = 30) -> None:
        """SIGTERM: it stops starting challenges; those in flight stay in its state for the next start."""
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


async def launch_challenger(
    url: str,
    base: Path,
    *,
    authority: Keypair,
    keypair: Path,
    ipfs_api: str,
    modalities: Sequence[Modality],
    min_workers: int,
    interval: float = 60.0,
    corpus: Path | None = None,
    count: int | None = None,
) -> ChallengerProcess:
    """Register the key in `keypair` as a challenger (signed by `authority`, the configuration authority) and start
    `dfpn-challenger run` with it: media in IPFS (`ipfs_api`), one challenge every `interval` s on average asking for
    `min_workers` workers, state in `base/state`, log `base/challenger.log`, report `base/report.json`; the corpus is
    `corpus` or one generated in `base/corpus` (`sample_corpus`, asking for `modalities`). With `count` the process
    exits once that many challenges are finished."""
    from dfpn.wallet import load_keypair

    base.mkdir(parents=True, exist_ok=True)
    key = load_keypair(keypair).pubkey()
    if await register_challenger(url, authority, key):
        logger.info("challenger %s registered", key)
    corpus = corpus or sample_corpus(base / "corpus", modalities)
    args = [
        sys.executable,
        "-m",
        "dfpn_challenger",
        "-v",
        "run",
        "--network",
        url,
        "--keypair",
        str(keypair),
        "--corpus",
        str(corpus),
        "--state-dir",
        str(base / "state"),
        "--interval",
        str(interval),
        "--min-workers",
        str(min_workers),
        "--deadline",
        "120",
        "--report",
        str(base / "report.json"),
    ]
    image = [m.name for m in modalities if m in (Modality.IMAGE_AUTHENTICITY, Modality.AI_GENERATED_IMAGE)]
    if image:  # for a given corpus without a manifest (the generated one names its modalities)
        args += ["--image-modalities", ",".join(image)]
    if count is not None:
        args += ["--count", str(count)]
    env = {**os.environ, "DFPN_IPFS_API": ipfs_api}
    process = ChallengerProcess(args, base / "challenger.log", base / "report.json", base / "state", env)
    return process.start()


__all__ = ["SAMPLE_ITEMS", "ChallengerProcess", "launch_challenger", "register_challenger", "sample_corpus"]
