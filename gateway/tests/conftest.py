"""Fixtures. Every test that takes `database` (directly, or through `settings`, `store`, `key` or `api`) runs once
per backend: SQLite and PostgreSQL (a throwaway server this session starts: `dfpn_gateway.testing`, one fresh
database per test, copied from a migrated template). ``DFPN_GATEWAY_TEST_BACKENDS=sqlite`` (or ``postgres``) runs
one of them only."""

from __future__ import annotations

import itertools
import os
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx
import pytest

from dfpn import LAMPORTS_PER_SOL, AsyncDFPNClient, LocalNetwork
from dfpn_gateway.config import Settings
from dfpn_gateway.store import PostgresStore, Store
from dfpn_gateway.testing import ThrowawayPostgres

from helpers import PEPPER, SQLITE, Database, Key, make_settings, new_key, open_store, running

BACKENDS = [
    b.strip() for b in os.environ.get("DFPN_GATEWAY_TEST_BACKENDS", "sqlite,postgres").split(",") if b
]
TEMPLATE = "dfpn_template"
_names = itertools.count()


@pytest.fixture(scope="session")
def pg_server() -> Iterator[ThrowawayPostgres]:
    """The session's PostgreSQL server, with a template database migrated to the newest schema."""
    with ThrowawayPostgres() as server:
        PostgresStore(server.create_database(TEMPLATE), PEPPER.encode()).close()
        yield server


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Every test using `database` runs on each backend, those marked `sqlite_only` on SQLite alone."""
    if "database" in metafunc.fixturenames:
        marked = metafunc.definition.get_closest_marker("sqlite_only") is not None
        metafunc.parametrize("database", ["sqlite"] if marked else BACKENDS, indirect=True)


@pytest.fixture
def database(request: pytest.FixtureRequest) -> Iterator[Database]:
    if request.param == "sqlite":
        yield SQLITE
        return
    assert request.param == "postgres", f"unknown backend {request.param!r} in DFPN_GATEWAY_TEST_BACKENDS"
    server: ThrowawayPostgres = request.getfixturevalue("pg_server")
    name = f"t{os.getpid()}_{next(_names)}"
    yield Database("postgres", server.create_database(name, template=TEMPLATE))
    server.drop_database(name)


@pytest.fixture
def settings(tmp_path: Path, database: Database) -> Settings:
    return make_settings(tmp_path, database)


@pytest.fixture
def store(settings: Settings) -> Iterator[Store]:
    """A second connection to the gateway's database (as `dfpn-gateway keys ...` would open)."""
    s = open_store(settings)
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
