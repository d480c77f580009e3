from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx
import pytest

from dfpn import LAMPORTS_PER_SOL, AsyncDFPNClient, LocalNetwork
from dfpn_gateway.config import Settings
from dfpn_gateway.store import Store

from helpers import PEPPER, Key, make_settings, new_key, running


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return make_settings(tmp_path)


@pytest.fixture
def store(settings: Settings) -> Iterator[Store]:
    """A second connection to the gateway's database (as `dfpn-gateway keys ...` would open)."""
    s = Store(settings.db_path, PEPPER.encode())
    yield s
    s.close()


@pytest.fixture
def key(store: Store) -> Key:
    return new_key(store)


@pytest.fixture
def network() -> LocalNetwork:
    return LocalNetwork()


@pytest.fixture
async def sdk(network: LocalNetwork) -> AsyncIterator[AsyncDFPNClient]:
    """The SDK client the gateway uses: the local network, a funded wallet, fast polling."""
    async with AsyncDFPNClient(
        network, network.funded_keypair(100 * LAMPORTS_PER_SOL), poll_interval=0.02
    ) as c:
        yield c


@pytest.fixture
async def api(settings: Settings, sdk: AsyncDFPNClient) -> AsyncIterator[httpx.AsyncClient]:
    async with running(settings, sdk) as http:
        yield http
