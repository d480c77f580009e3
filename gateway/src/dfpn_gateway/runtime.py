"""What the gateway holds while it runs (`Runtime`: store, SDK client, media store, watcher, webhook deliverer, its
place in the fleet of replicas) and how each piece is built from the settings."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from solders.keypair import Keypair

from dfpn.client import AsyncDFPNClient
from dfpn.local import LocalNetwork
from dfpn.rpc import RpcTransport
from dfpn_gateway import store as st
from dfpn_gateway.config import Settings
from dfpn_gateway.fleet import Replica
from dfpn_gateway.media import MediaStore
from dfpn_gateway.watcher import Watcher
from dfpn_gateway.webhooks import WebhookDeliverer

#: Seconds between the RPC transport's confirmation polls (the SDK's default is 0.4).
RPC_POLL_INTERVAL = 0.1


def load_keypair(path: Path) -> Keypair:
    """A Solana CLI keypair file (JSON array of 64 bytes)."""
    try:
        raw = json.loads(path.expanduser().read_text())
        return Keypair.from_bytes(bytes(raw))
    except (OSError, ValueError, TypeError) as e:
        raise ValueError(
            f"{path} is not a readable Solana keypair file (a JSON array of 64 bytes): {e}"
        ) from e


@dataclass
class Runtime:
    """The gateway's open resources, from startup to shutdown."""

    store: st.Store
    client: AsyncDFPNClient
    media: MediaStore
    watcher: Watcher
    deliverer: WebhookDeliverer
    replica: Replica


def open_store(settings: Settings, *, migrate: bool | None = None, check: bool = True) -> st.Store:
    """The store of the settings: PostgreSQL at `database_url`, else the SQLite file at `db_path`; the key pepper
    from the settings or (SQLite) from its file beside the database. `migrate` (default `db_auto_migrate`):
    upgrade the schema first; else (`check`) refuse a database that is not at the newest revision."""
    pepper = (
        settings.key_pepper.get_secret_value().encode()
        if settings.key_pepper is not None
        else st.load_pepper(settings.pepper_path())
    )
    url = settings.database_url.get_secret_value() if settings.database_url is not None else None
    return st.open_store(
        url,
        settings.db_path,
        pepper,
        migrate=settings.db_auto_migrate if migrate is None else migrate,
        check=check,
        pool_size=settings.database_pool_size,
    )


def make_client(settings: Settings, media: MediaStore) -> AsyncDFPNClient:
    """The SDK client of the gateway's wallet; on the ``local`` network an embedded LiteSVM and, without a
    wallet file, a funded throwaway wallet."""
    s = settings
    wallet = load_keypair(s.wallet) if s.wallet is not None else None
    if s.network == "local":
        network = LocalNetwork(s.program_path)
        if wallet is None:
            wallet = network.funded_keypair(s.local_wallet_lamports)
        return AsyncDFPNClient(network, wallet, poll_interval=s.poll_interval, storage=media.client_storage)
    # Confirmations are polled every RPC_POLL_INTERVAL s, shared by every transaction in flight (one
    # getSignatureStatuses a round): an answer waits a tenth of a second at most for the poll, not 0.4 s.
    client = AsyncDFPNClient(s.network, wallet, poll_interval=s.poll_interval, storage=media.client_storage)
    if isinstance(client.transport, RpcTransport):
        client.transport.poll_interval = RPC_POLL_INTERVAL
    return client


def webhook_secrets(store: st.Store) -> Callable[[str], str | None]:
    """The webhook secret a request's deliveries are signed with: its API key's."""

    def secret_for(request_id: str) -> str | None:
        stored = store.get_request(request_id)
        key = store.get_key(stored.key_id) if stored is not None else None
        return key.webhook_secret if key is not None else None

    return secret_for


def open_runtime(settings: Settings, client: AsyncDFPNClient | None) -> Runtime:
    """Store, media store and client (`client` when given), and the watcher and deliverer on them (not started).
    Closes the store again when a later step fails."""
    store = open_store(settings)
    try:
        media = MediaStore(settings)
        client = client or make_client(settings, media)
    except BaseException:
        store.close()
        raise
    replica = Replica(store, settings)
    deliverer = WebhookDeliverer(store, settings, webhook_secrets(store), owner=replica.id)
    watcher = Watcher(store, client, settings, on_finished=lambda _id: deliverer.wake(), owner=replica.id)
    return Runtime(store, client, media, watcher, deliverer, replica)


__all__ = ["Runtime", "load_keypair", "make_client", "open_runtime", "open_store", "webhook_secrets"]
