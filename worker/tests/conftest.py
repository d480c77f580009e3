from __future__ import annotations

import asyncio
import os
import shutil
import tempfile
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from dfpn_localnet import Validator, find_validator, free_port_pair, initialise

from dfpn import AsyncDFPNClient, LocalNetwork
from dfpn.rpc import RpcTransport

from helpers import PNG_MAGIC, NodeFactory, RpcNetwork


@pytest.fixture
def network() -> LocalNetwork:
    """The real dfpn.so in LiteSVM, configured with the reference parameters."""
    return LocalNetwork()


@pytest.fixture
async def client(network: LocalNetwork) -> AsyncIterator[AsyncDFPNClient]:
    """A client that does not finalize or expire by itself: the workers must."""
    async with AsyncDFPNClient(network, auto_crank=False, poll_interval=0.01) as c:
        yield c


@pytest.fixture
def short_dir() -> Iterator[Path]:
    """A short directory: file:// report URIs must fit the program's 128 bytes."""
    path = Path(tempfile.mkdtemp(prefix="dfw"))
    yield path
    shutil.rmtree(path, ignore_errors=True)


@pytest.fixture
def media(short_dir: Path) -> Path:
    path = short_dir / "photo one.png"  # a space: the URI is percent-encoded
    path.write_bytes(PNG_MAGIC + b"a test image that is not decoded" * 8)
    return path


@pytest.fixture
async def make_node(network: LocalNetwork, short_dir: Path) -> AsyncIterator[NodeFactory]:
    factory = NodeFactory(network, short_dir, [], [])
    yield factory
    for task in factory.tasks:
        task.cancel()
    await asyncio.gather(*factory.tasks, return_exceptions=True)
    for node in factory.nodes:
        node.state.close()


# ---- a real RPC endpoint (the real-process kill test) ---------------------------------------------------------


@pytest.fixture(scope="session")
def rpc_url() -> Iterator[str]:
    """A real validator for the real-process tests: $DFPN_RPC_URL when set (program deployed, config initialised,
    a faucet), else a `solana-test-validator` started here with dfpn.so (`dfpn_localnet.Validator`; the binary from
    PATH or scripts/install-validator.sh) and configured with the reference parameters by the program's upgrade
    authority."""
    url = os.environ.get("DFPN_RPC_URL")
    if url:
        yield url
        return
    validator = Validator(binary=find_validator(), rpc_port=free_port_pair()).start()

    async def configure() -> None:
        async with RpcTransport(validator.url) as rpc:
            await initialise(rpc, validator.upgrade_authority)

    try:
        asyncio.run(configure())
        yield validator.url
    finally:
        validator.stop()


@pytest.fixture
async def rpc_network(rpc_url: str) -> AsyncIterator[RpcNetwork]:
    async with RpcTransport(rpc_url) as transport:
        yield RpcNetwork(rpc_url, transport)
