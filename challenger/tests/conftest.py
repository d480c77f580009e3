from __future__ import annotations

import asyncio
import shutil
import tempfile
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from dfpn import LocalNetwork

from helpers import Crew, contrary, honest, make_corpus


@pytest.fixture
def network() -> LocalNetwork:
    """The real dfpn.so in LiteSVM (`dfpn.LocalNetwork`, the local parameters: seats drawn uniformly)."""
    return LocalNetwork()


@pytest.fixture
def short_dir() -> Iterator[Path]:
    """A short directory: file:// media and report URIs must fit the program's 128 bytes."""
    path = Path(tempfile.mkdtemp(prefix="dfc"))
    yield path
    shutil.rmtree(path, ignore_errors=True)


@pytest.fixture
def corpus_dir(short_dir: Path) -> Path:
    return make_corpus(short_dir / "corpus", authentic=2, manipulated=2)


@pytest.fixture
async def crew(network: LocalNetwork, short_dir: Path) -> AsyncIterator[Crew]:
    """Three staked test workers answering in the background: two honest, one always wrong."""
    reports = short_dir / "r"
    reports.mkdir()
    team = await Crew.register(network, reports, [(honest, False), (honest, False), (contrary, False)])
    task = asyncio.create_task(team.run())
    yield team
    task.cancel()
    await asyncio.gather(task, return_exceptions=True)
