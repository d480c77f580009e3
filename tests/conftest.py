"""Fixtures for the cross-component tests: a real `solana-test-validator` with dfpn.so, configured.

By default the session starts its own validator (`dfpn_localnet.Validator`). Under `anchor test` (which starts
solana-test-validator with target/deploy/dfpn.so from Anchor.toml and sets ANCHOR_PROVIDER_URL), or with
DFPN_RPC_URL set, the tests use that validator instead and initialise the configuration if it is missing.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from dfpn.local import REFERENCE_PARAMS
from dfpn.models import Modality
from dfpn.rpc import RpcTransport
from dfpn_localnet import Kubo, Validator, find_validator, free_port_pair, initialise
from solders.keypair import Keypair

ROOT = Path(__file__).resolve().parents[1]
MODEL = "rpc-test-model"


class Endpoint:
    """Where the tests' validator answers."""

    def __init__(self, url: str) -> None:
        self.url = url


@pytest.fixture(scope="session")
def validator() -> Iterator[Endpoint]:
    """One validator for the session (it takes a few seconds to start): program deployed, config initialised,
    the test model registered. Tests use fresh keypairs, so they do not interfere."""
    external = os.environ.get("DFPN_RPC_URL") or os.environ.get("ANCHOR_PROVIDER_URL")
    started: Validator | None = None
    if external:
        url = external
    else:
        started = Validator(
            binary=find_validator(), rpc_port=free_port_pair(), program_path=ROOT / "target/deploy/dfpn.so"
        ).start()
        url = started.url

    async def setup() -> None:
        async with RpcTransport(url) as rpc:
            await initialise(rpc, Keypair(), params=REFERENCE_PARAMS, models=[(MODEL, list(Modality))])

    try:
        asyncio.run(setup())
        yield Endpoint(url)
    finally:
        if started is not None:
            started.stop()


@pytest.fixture(scope="session")
def kubo() -> Iterator[Kubo]:
    """A real IPFS node (Kubo, offline) for media and reports on the RPC network."""
    with Kubo() as node:
        yield node
