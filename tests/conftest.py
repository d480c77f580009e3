"""Fixtures for the cross-component tests: a real `solana-test-validator` with dfpn.so, configured.

By default the session starts its own validator (`dfpn_localnet.Validator`, dfpn.so loaded with the upgradeable
loader and a fresh upgrade authority, which initialises the configuration). Under `anchor test` (which starts
solana-test-validator with target/deploy/dfpn.so from Anchor.toml and sets ANCHOR_PROVIDER_URL), or with
DFPN_RPC_URL set, the tests use that validator instead and initialise the configuration if it is missing, signed by
the program's upgrade authority: the keypair file in DFPN_AUTHORITY_KEYPAIR, else ANCHOR_WALLET (Anchor's provider
wallet, the upgrade authority of what `anchor test` deploys).
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from dfpn.local import LOCAL_PARAMS
from dfpn.models import Modality
from dfpn.rpc import RpcTransport
from dfpn.wallet import load_keypair
from dfpn_localnet import Kubo, Validator, find_validator, free_port_pair, initialise
from solders.keypair import Keypair
from solders.pubkey import Pubkey

ROOT = Path(__file__).resolve().parents[1]
MODEL = "rpc-test-model"


class Endpoint:
    """Where the tests' validator answers, the address of the test model (`MODEL`, registered by the
    configuration authority: `["model", authority, MODEL]`) and that authority's key (governance tests: registering
    a challenger)."""

    def __init__(self, url: str, model: Pubkey, authority: Keypair, pid: int | None = None) -> None:
        self.url = url
        self.model = model
        self.authority = authority
        #: The validator's process id when the session started it (None: a validator started elsewhere).
        self.pid = pid


def _external_authority() -> Keypair:
    """The upgrade authority of a validator started elsewhere (see the module docstring); a fresh key when none is
    named, which can only use a configuration that already exists."""
    path = os.environ.get("DFPN_AUTHORITY_KEYPAIR") or os.environ.get("ANCHOR_WALLET")
    return load_keypair(Path(path).expanduser()) if path else Keypair()


@pytest.fixture(scope="session")
def validator() -> Iterator[Endpoint]:
    """One validator for the session (it takes a few seconds to start): program deployed, config initialised,
    the test model registered. Tests use fresh keypairs, so they do not interfere."""
    external = os.environ.get("DFPN_RPC_URL") or os.environ.get("ANCHOR_PROVIDER_URL")
    started: Validator | None = None
    if external:
        url = external
        authority = _external_authority()
    else:
        started = Validator(
            binary=find_validator(), rpc_port=free_port_pair(), program_path=ROOT / "target/deploy/dfpn.so"
        ).start()
        url = started.url
        authority = started.upgrade_authority

    async def setup() -> Pubkey:
        async with RpcTransport(url) as rpc:
            models = await initialise(rpc, authority, params=LOCAL_PARAMS, models=[(MODEL, list(Modality))])
            return models[MODEL]

    try:
        model = asyncio.run(setup())
        pid = started.process.pid if started is not None and started.process is not None else None
        yield Endpoint(url, model, authority, pid)
    finally:
        if started is not None:
            started.stop()


@pytest.fixture(scope="session")
def kubo() -> Iterator[Kubo]:
    """A real IPFS node (Kubo, offline) for media and reports on the RPC network."""
    with Kubo() as node:
        yield node


def start_localnet_up(
    state: Path, log: Path, port: int, *extra: str, env: dict[str, str] | None = None
) -> subprocess.Popen[bytes]:
    """`dfpn-localnet up` on `port` with one worker running `ai-metadata-rules` and no challenger (it would submit
    as the same client wallet: tests/test_localnet_challenger.py), its output in `log`; `extra`: more options."""
    command = [
        sys.executable,
        "-m",
        "dfpn_localnet.cli",
        "up",
        "--port",
        str(port),
        "--state-dir",
        str(state),
    ]
    command += ["--workers", "1", "--detectors", "ai-metadata-rules", "--no-challenger", *extra]
    with log.open("w") as out:
        return subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT, env=env)


def wait_until_up(up: subprocess.Popen[bytes], log: Path, seconds: float) -> str:
    """The log of `up` once it says it is up ("Ctrl-C to stop"); fails if it exits or takes over `seconds`."""
    give_up = time.monotonic() + seconds
    while "Ctrl-C to stop" not in log.read_text():
        assert up.poll() is None, log.read_text()
        assert time.monotonic() < give_up, log.read_text()
        time.sleep(0.5)
    return log.read_text()
