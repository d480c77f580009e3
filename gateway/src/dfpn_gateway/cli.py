"""The `dfpn-gateway` command line.

```sh
dfpn-gateway serve --network devnet --wallet ~/.config/solana/gateway.json --storage ipfs
dfpn-gateway keys create --name acme --quota 1000 --rate 10/min     # prints the key and its webhook secret once
dfpn-gateway keys list [--json]
dfpn-gateway keys revoke <key id>
dfpn-gateway keys set-quota <key id> <N | unlimited>
dfpn-gateway db upgrade                      # migrate the schema (serve also does when it starts)
dfpn-gateway db current
dfpn-gateway openapi > gateway/openapi.json
```

Settings come from ``DFPN_GATEWAY_*`` environment variables (see `dfpn_gateway.config.Settings`); the options
override them. Exit codes: 0 ok, 1 a failure (printed as ``error: ...``), 2 a usage error.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
import time
from collections.abc import Sequence
from typing import Any, TextIO

from pydantic import ValidationError
from sqlalchemy.exc import DBAPIError

from dfpn_gateway import __version__
from dfpn_gateway import store as st
from dfpn_gateway.config import Settings
from dfpn_gateway.redact import redact_text

logger = logging.getLogger(__name__)

EXIT_OK, EXIT_ERROR, EXIT_USAGE = 0, 1, 2


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="dfpn-gateway", description="REST gateway for the Deepfake Proof Network"
    )
    p.add_argument("--version", action="version", version=f"dfpn-gateway {__version__}")
    p.add_argument("--db", help="SQLite database (DFPN_GATEWAY_DB_PATH)")
    p.add_argument(
        "--database-url",
        help="PostgreSQL DSN, postgresql://user:password@host/db (DFPN_GATEWAY_DATABASE_URL; prefer the variable: "
        "a command line is visible to other users)",
    )
    sub = p.add_subparsers(dest="command", required=True)

    serve = sub.add_parser("serve", help="run the HTTP server (uvicorn)")
    serve.add_argument("--host", help="listen address (DFPN_GATEWAY_HOST, default 127.0.0.1)")
    serve.add_argument("--port", type=int, help="listen port (DFPN_GATEWAY_PORT, default 8080)")
    serve.add_argument("--network", help="local, localnet, devnet or an RPC URL (DFPN_GATEWAY_NETWORK)")
    serve.add_argument("--wallet", help="keypair file of the paying wallet (DFPN_GATEWAY_WALLET)")
    serve.add_argument("--storage", choices=["file", "ipfs", "s3"], help="where uploads are pinned")
    serve.add_argument("--ipfs-api-url", help="Kubo RPC address (DFPN_GATEWAY_IPFS_API_URL)")
    serve.add_argument("--media-dir", help="directory of file:// media on the local network")
    serve.add_argument("--log-level", default="info", choices=["debug", "info", "warning", "error"])

    keys = sub.add_parser("keys", help="manage API keys").add_subparsers(dest="keys_command", required=True)
    create = keys.add_parser("create", help="create a key (printed once; only its hash is stored)")
    create.add_argument("--name", default="", help="who the key is for")
    create.add_argument(
        "--quota", type=int, help="requests this key may submit in total (default: unlimited)"
    )
    create.add_argument(
        "--rate", help="rate limit, e.g. 10/min, 5/sec, 1000/day (default DFPN_GATEWAY_DEFAULT_RATE)"
    )
    create.add_argument("--json", action="store_true", help="print JSON")
    listing = keys.add_parser("list", help="list keys with their quota, usage and state")
    listing.add_argument("--json", action="store_true", help="print JSON")
    revoke = keys.add_parser("revoke", help="revoke a key (its requests still finish and deliver webhooks)")
    revoke.add_argument("key_id")
    quota = keys.add_parser("set-quota", help="change a key's quota")
    quota.add_argument("key_id")
    quota.add_argument("quota", help="a number of requests, or 'unlimited'")

    db = sub.add_parser("db", help="the database's schema").add_subparsers(dest="db_command", required=True)
    upgrade = db.add_parser("upgrade", help="migrate the schema (the server also does when it starts)")
    upgrade.add_argument("--revision", default="head", help="target revision (default: the newest)")
    db.add_parser("current", help="print the schema's revision (exit 1 when it is not the newest)")

    sub.add_parser("openapi", help="print the OpenAPI document (committed as gateway/openapi.json)")
    return p


def _settings(args: argparse.Namespace) -> Settings:
    overrides: dict[str, Any] = {}
    for option, name in (
        ("db", "db_path"),
        ("database_url", "database_url"),
        ("host", "host"),
        ("port", "port"),
        ("network", "network"),
        ("wallet", "wallet"),
        ("storage", "storage"),
        ("ipfs_api_url", "ipfs_api_url"),
        ("media_dir", "media_dir"),
    ):
        value = getattr(args, option, None)
        if value is not None:
            overrides[name] = value
    return Settings(**overrides)


def _open_store(settings: Settings) -> st.Store:
    from dfpn_gateway.runtime import open_store

    return open_store(settings)


def _db(args: argparse.Namespace, settings: Settings, out: TextIO) -> int:
    """``db upgrade``: migrate the schema (to `--revision`, default the newest); ``db current``: print the
    database's revision and the newest one."""
    from dfpn_gateway import migrations
    from dfpn_gateway.runtime import open_store

    store = open_store(settings, migrate=False, check=False)
    try:
        if args.db_command == "upgrade":
            before, after = migrations.upgrade(store, args.revision)
            if before == after:
                print(f"{store.describe()}: already at revision {after}", file=out)
            else:
                print(
                    f"{store.describe()}: migrated from {before or 'an empty database'} to {after}", file=out
                )
            return EXIT_OK
        now, head = migrations.current(store), migrations.head()
        state = "up to date" if now == head else "run `dfpn-gateway db upgrade`"
        print(f"{store.describe()}: revision {now or 'none (empty)'}, newest {head} ({state})", file=out)
        return EXIT_OK if now == head else EXIT_ERROR
    finally:
        store.close()


def _key_json(key: st.ApiKey, store: st.Store) -> dict[str, Any]:
    return {
        "id": key.id,
        "name": key.name,
        "quota": key.quota,
        "used": key.used,
        "rate": str(key.rate),
        "createdAt": key.created_at,
        "revokedAt": key.revoked_at,
        "usage": [{"day": d, "requests": n, "feeLamports": f} for d, n, f in store.usage(key.id)],
    }


def _keys(args: argparse.Namespace, settings: Settings, out: TextIO) -> int:
    commands = {
        "create": _keys_create,
        "list": _keys_list,
        "revoke": _keys_revoke,
        "set-quota": _keys_set_quota,
    }
    command = commands.get(args.keys_command)
    store = _open_store(settings)
    try:
        if command is not None:
            return command(args, settings, store, out)
    finally:
        store.close()
    raise AssertionError(args.keys_command)


def _keys_create(args: argparse.Namespace, settings: Settings, store: st.Store, out: TextIO) -> int:
    rate = st.parse_rate(args.rate or settings.default_rate)
    record, key = store.create_key(args.name, quota=args.quota, rate=rate)
    if args.json:
        body = {**_key_json(record, store), "key": key, "webhookSecret": record.webhook_secret}
        print(json.dumps(body, indent=2), file=out)
    else:
        print(f"key id:         {record.id}", file=out)
        print(f"api key:        {key}", file=out)
        print(f"webhook secret: {record.webhook_secret}", file=out)
        print(f"quota:          {record.quota if record.quota is not None else 'unlimited'}", file=out)
        print(f"rate:           {record.rate}", file=out)
        print("The key is shown only now: the gateway stores its hash.", file=out)
    return EXIT_OK


def _keys_list(args: argparse.Namespace, _settings: Settings, store: st.Store, out: TextIO) -> int:
    keys = store.list_keys()
    if args.json:
        print(json.dumps([_key_json(k, store) for k in keys], indent=2), file=out)
        return EXIT_OK
    print(f"{'id':<14}{'name':<20}{'used/quota':<16}{'rate':<12}state", file=out)
    for k in keys:
        quota = f"{k.used}/{k.quota if k.quota is not None else '∞'}"
        state = (
            "revoked " + time.strftime("%Y-%m-%d", time.gmtime(k.revoked_at)) if k.revoked_at else "active"
        )
        print(f"{k.id:<14}{k.name[:19]:<20}{quota:<16}{k.rate!s:<12}{state}", file=out)
    return EXIT_OK


def _keys_revoke(args: argparse.Namespace, _settings: Settings, store: st.Store, out: TextIO) -> int:
    if not store.revoke_key(args.key_id):
        print(f"error: no active key {args.key_id}", file=sys.stderr)
        return EXIT_ERROR
    print(f"revoked {args.key_id}", file=out)
    return EXIT_OK


def _keys_set_quota(args: argparse.Namespace, _settings: Settings, store: st.Store, out: TextIO) -> int:
    value = None if args.quota == "unlimited" else int(args.quota)
    if not store.set_quota(args.key_id, value):
        print(f"error: no key {args.key_id}", file=sys.stderr)
        return EXIT_ERROR
    print(f"quota of {args.key_id}: {args.quota}", file=out)
    return EXIT_OK


def _serve(args: argparse.Namespace, settings: Settings) -> int:
    import uvicorn

    from dfpn_gateway.app import create_app
    from dfpn_gateway.server import connection_cap, server_config

    _log_to_stderr(args.log_level)
    config = server_config(create_app(settings), settings, log_config=None, log_level=args.log_level)
    logger.info(
        "limits: %d connections (%d per client), head %gs, body chunk %gs, upload %gs, keep-alive %ds",
        connection_cap(settings),
        settings.max_connections_per_client,
        settings.header_timeout,
        settings.body_chunk_timeout,
        settings.upload_timeout,
        settings.keep_alive_timeout,
    )
    uvicorn.Server(config).run()
    return EXIT_OK


def _log_to_stderr(level: str) -> None:
    """One handler on the root logger (uvicorn's loggers propagate to it), with URLs redacted: the RPC URL and
    webhook URLs may carry secrets in their query, userinfo or path."""
    from dfpn_gateway.redact import RedactingFormatter

    handler = logging.StreamHandler()
    handler.setFormatter(RedactingFormatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    logging.basicConfig(level=level.upper(), handlers=[handler], force=True)
    logging.getLogger("httpx").setLevel(logging.WARNING)  # one line per webhook and RPC call otherwise
    logging.getLogger("alembic").setLevel(logging.WARNING)  # dfpn_gateway.migrations says what was migrated


def main(argv: Sequence[str] | None = None, out: TextIO | None = None) -> int:
    out = out or sys.stdout
    parser = _parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as e:
        return int(e.code or 0)
    if args.command == "openapi":
        from dfpn_gateway.app import openapi_json

        out.write(openapi_json())
        return EXIT_OK
    try:
        settings = _settings(args)
        if args.command == "serve":
            return _serve(args, settings)
        if args.command == "db":
            return _db(args, settings, out)
        return _keys(args, settings, out)
    except ValidationError as e:
        print(f"error: bad configuration: {e}", file=sys.stderr)
        return EXIT_USAGE
    except ValueError as e:
        print(f"error: {e}", file=sys.stderr)
        return EXIT_USAGE
    except DBAPIError as e:
        print(f"error: the database cannot be used: {redact_text(str(e.orig))}", file=sys.stderr)
        return EXIT_ERROR
    except RuntimeError as e:
        print(f"error: {e}", file=sys.stderr)
        return EXIT_ERROR


def run() -> None:
    sys.exit(main())


__all__ = ["main", "run"]
