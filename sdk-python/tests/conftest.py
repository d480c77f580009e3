from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from dfpn import AsyncDFPNClient, DFPNClient, LocalNetwork

from helpers import TestWorker, register_model


@pytest.fixture
def network() -> LocalNetwork:
    """The real dfpn.so in LiteSVM, configured with the reference parameters."""
    return LocalNetwork()


@pytest.fixture
async def client(network: LocalNetwork) -> AsyncIterator[AsyncDFPNClient]:
    async with AsyncDFPNClient(network) as c:
        yield c


@pytest.fixture
def sync_client(network: LocalNetwork) -> Iterator[DFPNClient]:
    with DFPNClient(network) as c:
        yield c


@pytest.fixture
def media(tmp_path: Path) -> Path:
    path = tmp_path / "photo one.png"  # a space: the file:// URI must be percent-encoded
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + b"not really an image" * 10)
    return path


@pytest.fixture
def workers(network: LocalNetwork, tmp_path: Path) -> list[TestWorker]:
    """A registered model and three staked workers that support every modality."""
    _, model = register_model(network)
    reports = tmp_path / "reports"
    reports.mkdir()
    return [TestWorker.register(network, reports, model=model) for _ in range(3)]
