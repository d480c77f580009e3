"""Alembic's environment: migrations run on the connection the gateway passes in (`dfpn_gateway.migrations`), or,
from the ``alembic`` command line in gateway/, on the database of the settings (``DFPN_GATEWAY_DATABASE_URL`` or
``DFPN_GATEWAY_DB_PATH``)."""

from __future__ import annotations

from alembic import context

from dfpn_gateway.schema import metadata

connection = context.config.attributes.get("connection")
if context.is_offline_mode():
    raise RuntimeError("offline (--sql) migrations are not supported: run them against the database")
if connection is None:
    from dfpn_gateway.config import Settings
    from dfpn_gateway.runtime import open_store

    store = open_store(Settings(db_auto_migrate=False), check=False)
    with store.write() as conn:
        store.lock_for_migration(conn)
        context.configure(connection=conn, target_metadata=metadata)
        with context.begin_transaction():
            context.run_migrations()
    store.close()
else:
    context.configure(connection=connection, target_metadata=metadata)
    with context.begin_transaction():
        context.run_migrations()
