"""The schema's migrations (Alembic) on SQLite and PostgreSQL: an empty database migrated is exactly
`dfpn_gateway.schema`; a database of the gateway before migrations is upgraded with its data; without
auto-migration an old schema is refused until ``dfpn-gateway db upgrade``; replicas starting together on an empty
database migrate it once."""

from __future__ import annotations

import hashlib
import hmac
import io
import itertools
import sqlite3
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from dfpn_gateway import migrations
from dfpn_gateway import store as st
from dfpn_gateway.cli import main
from dfpn_gateway.config import Settings
from dfpn_gateway.schema import metadata
from dfpn_gateway.testing import ThrowawayPostgres

from helpers import PEPPER, Database, make_settings, open_store, sqlite_only

_names = itertools.count()


@pytest.fixture
def empty(tmp_path: Path, database: Database, request: pytest.FixtureRequest) -> Iterator[Settings]:
    """Settings of an empty database of the test's backend (not the migrated template)."""
    if database.url is None:
        yield make_settings(tmp_path / "empty")
        return
    server: ThrowawayPostgres = request.getfixturevalue("pg_server")
    name = f"empty_{next(_names)}"
    url = server.create_database(name)
    yield make_settings(tmp_path, Database("postgres", url))
    server.drop_database(name)


def test_the_migrated_schema_is_the_models(empty: Settings) -> None:
    store = open_store(empty)
    try:
        assert migrations.current(store) == migrations.head() == "0002"
        with store.read() as conn:
            diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), metadata)
            tables = set(sa.inspect(conn).get_table_names())
        assert diff == []
        assert tables == {*metadata.tables, "alembic_version"}
    finally:
        store.close()


#: The schema the gateway created before migrations existed (commit 71b87b8's parent, store.py `_SCHEMA`).
OLD_SCHEMA = """
CREATE TABLE IF NOT EXISTS api_keys (
    id TEXT PRIMARY KEY, name TEXT NOT NULL, key_hash TEXT NOT NULL UNIQUE, quota INTEGER,
    used INTEGER NOT NULL DEFAULT 0, rate_count INTEGER NOT NULL, rate_seconds REAL NOT NULL,
    webhook_secret TEXT NOT NULL, created_at REAL NOT NULL, revoked_at REAL
);
CREATE TABLE IF NOT EXISTS usage (
    key_id TEXT NOT NULL REFERENCES api_keys(id), day TEXT NOT NULL, requests INTEGER NOT NULL DEFAULT 0,
    fee_lamports INTEGER NOT NULL DEFAULT 0, PRIMARY KEY (key_id, day)
);
CREATE TABLE IF NOT EXISTS requests (
    id TEXT PRIMARY KEY, key_id TEXT NOT NULL REFERENCES api_keys(id), state TEXT NOT NULL, submitted TEXT NOT NULL,
    webhook_url TEXT, result TEXT, error_code TEXT, error_message TEXT, deadline INTEGER NOT NULL,
    created_at REAL NOT NULL, updated_at REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS requests_state ON requests(state);
CREATE TABLE IF NOT EXISTS webhooks (
    request_id TEXT PRIMARY KEY REFERENCES requests(id), delivery_id TEXT NOT NULL, url TEXT NOT NULL,
    payload TEXT NOT NULL, state TEXT NOT NULL, attempts INTEGER NOT NULL DEFAULT 0, next_at REAL NOT NULL,
    delivered_at REAL, last_status INTEGER, last_error TEXT
);
CREATE INDEX IF NOT EXISTS webhooks_due ON webhooks(state, next_at);
"""


@sqlite_only
def test_an_old_gateways_database_is_upgraded_with_its_data(tmp_path: Path, database: Database) -> None:
    # Given a database as the gateway before migrations left it: a key (hashed with the pepper), an open request, a
    # finished one whose webhook is pending, and 2 of the key's quota used
    settings = make_settings(tmp_path)
    key = "dfpn_0123456789ab_" + "k" * 43
    old = sqlite3.connect(settings.db_path)
    old.executescript(OLD_SCHEMA)
    old_hash = hmac.new(
        PEPPER.encode(), key.encode(), hashlib.sha256
    ).hexdigest()  # as the old gateway hashed
    old.execute(
        "INSERT INTO api_keys VALUES ('0123456789ab', 'old', ?, 10, 2, 60, 60.0, 'whsec_old', 1.0, NULL)",
        (old_hash,),
    )
    old.execute(
        "INSERT INTO requests VALUES ('OPEN', '0123456789ab', 'Open', '{}', NULL, NULL, NULL, NULL, 9, 2, 2)"
    )
    old.execute(
        "INSERT INTO requests VALUES ('DONE', '0123456789ab', 'Finalized', '{}', 'https://h/x', '{}', NULL, NULL,"
        " 9, 3, 3)"
    )
    old.execute(
        "INSERT INTO webhooks VALUES ('DONE', 'dlv_1', 'https://h/x', '{}', 'pending', 1, 5.0, NULL, 500, 'x')"
    )
    old.commit()
    old.close()
    # (positive control: it reads as the baseline, not yet as the newest revision)
    peek = st.SQLiteStore(settings.db_path, PEPPER.encode(), migrate=False, check=False)
    assert migrations.current(peek) == migrations.BASELINE != migrations.head()
    peek.close()
    # When a gateway of today opens it
    store = open_store(settings)
    try:
        # Then it is at the newest revision, and everything is still there
        assert migrations.current(store) == migrations.head()
        record = store.verify_key(key)
        assert record is not None and (record.name, record.quota, record.used) == ("old", 10, 2)
        opened = store.get_request("OPEN")
        assert opened is not None and (opened.state, opened.owner) == ("Open", None)
        delivery = store.get_delivery("DONE")
        assert delivery is not None and (delivery.state, delivery.attempts, delivery.claimed_by) == (
            "pending",
            1,
            None,
        )
        assert store.reconcile_quotas() == {}
        # And the request that no replica follows yet is taken over by the first that looks
        store.register_replica("first", host="h", pid=1, lease_seconds=60)
        assert store.claim_orphans("first") == (["OPEN"], [])
        # And its rate limit works on the new table
        assert store.take_rate_token(record.id, record.rate) == 0.0
    finally:
        store.close()


def run_cli(*args: str) -> tuple[int, str]:
    out = io.StringIO()
    return main(list(args), out=out), out.getvalue()


def test_without_auto_migration_the_schema_must_be_upgraded_first(
    empty: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DFPN_GATEWAY_KEY_PEPPER", PEPPER)
    monkeypatch.setenv("DFPN_GATEWAY_DB_PATH", str(empty.db_path))
    if empty.database_url is not None:
        monkeypatch.setenv("DFPN_GATEWAY_DATABASE_URL", empty.database_url.get_secret_value())
    # Refused, with what to do
    manual = empty.model_copy(update={"db_auto_migrate": False})
    with pytest.raises(
        RuntimeError, match=r"revision none \(empty\), this gateway needs 0002: run `dfpn-gateway db"
    ):
        open_store(manual)
    monkeypatch.setenv("DFPN_GATEWAY_DB_AUTO_MIGRATE", "false")
    assert run_cli("keys", "list")[0] == 1
    code, out = run_cli("db", "current")
    assert code == 1 and "revision none (empty), newest 0002 (run `dfpn-gateway db upgrade`)" in out
    # The command migrates it, once
    code, out = run_cli("db", "upgrade")
    assert code == 0 and "migrated from an empty database to 0002" in out, out
    code, out = run_cli("db", "upgrade")
    assert code == 0 and "already at revision 0002" in out
    code, out = run_cli("db", "current")
    assert code == 0 and "revision 0002, newest 0002 (up to date)" in out
    # and now the store opens without migrating
    open_store(manual).close()
    assert run_cli("keys", "list")[0] == 0


def test_replicas_starting_together_migrate_once(empty: Settings) -> None:
    start = threading.Barrier(6)

    def open_one(_n: int) -> str | None:
        start.wait()
        store = open_store(empty)
        try:
            return migrations.current(store)
        finally:
            store.close()

    with ThreadPoolExecutor(6) as pool:
        assert list(pool.map(open_one, range(6))) == ["0002"] * 6
    store = open_store(empty)
    with store.read() as conn:
        assert conn.exec_driver_sql("SELECT version_num FROM alembic_version").all() == [("0002",)]
    store.close()


@sqlite_only
def test_processes_opening_a_new_sqlite_file_together_all_switch_it_to_wal(tmp_path: Path) -> None:
    # Given eight connections made at once to a new file, a hundred times over (each round a new file)
    # When each enters WAL mode, which SQLite refuses at once ("database is locked", no busy wait) while another
    # fresh connection also holds its read lock
    # Then every connection opens, and the file is in WAL mode
    def connect_together(path: Path) -> list[str]:
        start = threading.Barrier(8)
        stores = [st.SQLiteStore(path, PEPPER.encode(), migrate=False, check=False) for _ in range(8)]

        def mode(store: st.Store) -> str:
            start.wait()
            with store.read() as conn:
                return str(conn.exec_driver_sql("PRAGMA journal_mode").scalar_one())

        try:
            with ThreadPoolExecutor(8) as pool:
                return list(pool.map(mode, stores))
        finally:
            for store in stores:
                store.close()

    for round_ in range(100):
        assert connect_together(tmp_path / f"round{round_}.db") == ["wal"] * 8
