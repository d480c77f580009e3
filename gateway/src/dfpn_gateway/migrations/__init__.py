"""The schema's migrations (Alembic), run by the gateway itself: `upgrade` when a store opens (unless
``DFPN_GATEWAY_DB_AUTO_MIGRATE=false``) and by ``dfpn-gateway db upgrade``; ``dfpn-gateway db current`` prints the
revision.

- ``0001`` is the baseline: the schema of the gateway before migrations existed. A database of that gateway (its
  tables, no ``alembic_version``) is stamped at ``0001`` and then upgraded like any other.
- ``0002`` adds what a fleet of replicas needs (replicas, quota holds, rate limits in the database, delivery
  claims, request owners) and the index of the request list.

A migration runs in one transaction holding a lock (PostgreSQL: an advisory transaction lock; SQLite: its write
lock), so replicas starting together migrate once. New revisions: ``cd gateway && ../.venv/bin/alembic revision
-m "..."`` (``gateway/alembic.ini``), then write `upgrade()`; `tests/test_migrations.py` checks that the
migrated schema is `dfpn_gateway.schema`'s."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

if TYPE_CHECKING:
    from dfpn_gateway.store import Store

logger = logging.getLogger(__name__)

HERE = Path(__file__).resolve().parent
#: The revision of the schema before migrations existed.
BASELINE = "0001"


def config(connection: sa.Connection | None = None) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(HERE))
    if connection is not None:
        cfg.attributes["connection"] = connection
    return cfg


def head() -> str:
    revision = ScriptDirectory.from_config(config()).get_current_head()
    assert revision is not None
    return revision


def current(store: Store) -> str | None:
    """The database's revision (None: not migrated at all; an old gateway's database reads as the baseline)."""
    with store.read() as conn:
        revision = MigrationContext.configure(conn).get_current_revision()
        if revision is None and sa.inspect(conn).has_table("api_keys"):
            return BASELINE
        return revision


def upgrade(store: Store, revision: str = "head") -> tuple[str | None, str]:
    """Migrate the database to `revision` (default: the newest): (revision before, revision after)."""
    with store.write() as conn:
        store.lock_for_migration(conn)
        before = MigrationContext.configure(conn).get_current_revision()
        cfg = config(conn)
        if before is None and sa.inspect(conn).has_table("api_keys"):
            logger.info(
                "%s: a database of the gateway before migrations; stamped %s", store.describe(), BASELINE
            )
            command.stamp(cfg, BASELINE)
            before = BASELINE
        command.upgrade(cfg, revision)
        after = MigrationContext.configure(conn).get_current_revision()
    assert after is not None
    if before != after:
        logger.info("%s migrated from %s to %s", store.describe(), before or "an empty database", after)
    return before, after


def check_current(store: Store) -> None:
    """`RuntimeError` unless the database is at the newest revision (a store opened without migrating)."""
    now, newest = current(store), head()
    if now != newest:
        raise RuntimeError(
            f"the database {store.describe()} is at schema revision {now or 'none (empty)'}, this gateway needs "
            f"{newest}: run `dfpn-gateway db upgrade`"
        )


__all__ = ["BASELINE", "check_current", "config", "current", "head", "upgrade"]
