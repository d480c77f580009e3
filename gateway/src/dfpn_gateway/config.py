"""Gateway settings (pydantic-settings): every field can be set as ``DFPN_GATEWAY_<FIELD>`` in the environment,
in a ``.env`` file given to `Settings(_env_file=...)`, or by keyword.

```sh
DFPN_GATEWAY_NETWORK=devnet DFPN_GATEWAY_WALLET=~/.config/solana/gateway.json \
DFPN_GATEWAY_STORAGE=ipfs DFPN_GATEWAY_IPFS_API_URL=http://127.0.0.1:5001 dfpn-gateway serve
```
"""

from __future__ import annotations

import ipaddress
import logging
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from dfpn.models import Modality

logger = logging.getLogger(__name__)

MB = 1_000_000

#: What a media kind is called in settings, errors and responses.
MediaKind = Literal["image", "video", "audio"]

#: Which media kinds each modality analyses. A request's allowed kinds are the intersection over its modalities.
MODALITY_KINDS: dict[Modality, frozenset[str]] = {
    Modality.IMAGE_AUTHENTICITY: frozenset({"image"}),
    Modality.FACE_MANIPULATION: frozenset({"image", "video"}),
    Modality.AI_GENERATED_IMAGE: frozenset({"image"}),
    Modality.VIDEO_AUTHENTICITY: frozenset({"video"}),
    Modality.VOICE_CLONING: frozenset({"audio", "video"}),
}


class Settings(BaseSettings):
    """Everything the gateway is configured with. Frozen: build a new one to change a value."""

    model_config = SettingsConfigDict(env_prefix="DFPN_GATEWAY_", frozen=True, extra="ignore")

    # ---- network and wallet ----------------------------------------------------------------------------------
    #: "local" (an embedded LiteSVM with the program, in this process), "localnet", "devnet", or an RPC URL.
    network: str = "local"
    #: Solana CLI keypair file (JSON array of 64 bytes) of the wallet that pays for every request. Required on
    #: RPC networks; on "local" a funded throwaway wallet is created when unset.
    wallet: Path | None = None
    #: dfpn.so for the "local" network (default: $DFPN_PROGRAM_SO or target/deploy/dfpn.so found upwards).
    program_path: Path | None = None
    #: Lamports the throwaway wallet gets on the "local" network.
    local_wallet_lamports: int = Field(default=100_000_000_000, gt=0)

    # ---- storage of uploaded media ---------------------------------------------------------------------------
    #: Where uploads are pinned: "file" (only on "local": file:// URIs under `media_dir`), "ipfs" (a Kubo daemon's
    #: RPC at `ipfs_api_url`, pinned) or "s3" (`s3_bucket`). Default: "file" on "local", else "ipfs".
    storage: Literal["file", "ipfs", "s3"] | None = None
    media_dir: Path = Path("gateway-data/media")
    ipfs_api_url: str = "http://127.0.0.1:5001"
    s3_bucket: str | None = None
    s3_endpoint_url: str | None = None
    s3_prefix: str = "dfpn/"
    #: Scratch space for uploads in progress (default: the system temp directory).
    upload_tmp_dir: Path | None = None

    # ---- state -----------------------------------------------------------------------------------------------
    #: SQLite database (when `database_url` is unset): API keys, quotas, submitted requests, results and webhook
    #: deliveries.
    db_path: Path = Path("gateway-data/gateway.db")
    #: PostgreSQL DSN (``postgresql://user:password@host:5432/dbname``): the state of several gateway replicas
    #: behind a load balancer. Unset: the SQLite file at `db_path`.
    database_url: SecretStr | None = None
    #: Connections each gateway process keeps open to PostgreSQL (and as many more under load).
    database_pool_size: int = Field(default=5, ge=1, le=100)
    #: Upgrade the database's schema when the gateway (or a `keys` command) opens it. Off: it must be at the
    #: newest revision already (``dfpn-gateway db upgrade``, e.g. as a deployment step).
    db_auto_migrate: bool = True
    #: Server-side secret mixed into API key hashes (HMAC-SHA256). Unset: a random pepper is created once in
    #: `<db_path>.pepper` (mode 0600); required with `database_url` (every replica needs the same one). Changing
    #: it invalidates every key.
    key_pepper: SecretStr | None = None
    #: A replica renews its lease in the database every third of this; one whose lease ran out this long ago is
    #: taken for dead: its open requests are followed by another replica, its quota reservations given back, and
    #: the webhook deliveries it was sending retried. (A replica whose process is gone from this same host is taken
    #: for dead at once.)
    replica_lease_seconds: float = Field(default=20.0, ge=1.0)

    # ---- limits ----------------------------------------------------------------------------------------------
    max_image_bytes: int = Field(default=50 * MB, gt=0)
    max_audio_bytes: int = Field(default=20 * MB, gt=0)
    max_video_bytes: int = Field(default=250 * MB, gt=0)
    default_min_workers: int = Field(default=3, ge=1, le=10)
    default_deadline_seconds: int = Field(default=300, ge=1)
    max_deadline_seconds: int = Field(default=3600, ge=60)
    #: Highest max fee (lamports) one request may escrow from the gateway's wallet; None: no cap.
    max_fee_cap_lamports: int | None = Field(default=100_000_000, gt=0)
    #: Rate limit of keys created without `--rate` ("N/sec", "N/min", "N/hour", "N/day").
    default_rate: str = "60/min"

    # ---- following requests ----------------------------------------------------------------------------------
    #: Seconds between checks of a running request (None: the SDK's default for the network).
    poll_interval: float | None = Field(default=None, gt=0)
    #: A request still open this many seconds after its deadline (nobody finalized or expired it, and this
    #: gateway could not) is marked Failed.
    watch_grace_seconds: int = Field(default=600, ge=0)
    #: Follow open requests by the program's log subscription (one for the whole gateway). Off: only the sweep
    #: and the requests' timers notice changes.
    watch_subscribe: bool = True
    #: Seconds between sweeps of every open request (batched account reads, a safety net for lost events).
    watch_sweep_interval: float = Field(default=60.0, gt=0)
    #: Seconds the on-chain configuration (fees, worker floor, limits) is reused before it is read again.
    config_cache_seconds: float = Field(default=5.0, ge=0)
    #: When a key's quota is held only by submissions still in flight, a new submission waits up to this long for
    #: one of them to fail (and give its reservation back) before it is refused with 429.
    quota_wait_seconds: float = Field(default=30.0, ge=0)
    #: On an RPC network, what a submission's answer waits for: "sent" (the node accepted the transaction after
    #: simulating it: program errors are still answered; the watcher then checks that it lands, and marks it
    #: Failed, giving the quota back, when it has not within a minute and a half), "processed" or "confirmed".
    submit_wait: Literal["sent", "processed", "confirmed"] = "sent"

    # ---- webhooks --------------------------------------------------------------------------------------------
    webhook_max_attempts: int = Field(default=10, ge=1)
    #: First retry delay in seconds; doubles per attempt (with full jitter) up to `webhook_max_delay`.
    webhook_base_delay: float = Field(default=2.0, gt=0)
    webhook_max_delay: float = Field(default=900.0, gt=0)
    webhook_timeout: float = Field(default=10.0, gt=0)
    #: Refuse http:// webhook URLs (https only).
    webhook_require_https: bool = True
    #: Allow webhook URLs whose host is loopback, private, link-local or otherwise not public (SSRF guard; the
    #: address a name resolves to is checked again at delivery time).
    webhook_allow_private: bool = False
    #: Networks (CIDRs) webhooks may reach although not public, e.g. ["10.1.0.0/16"] for receivers inside the
    #: operator's network (`dfpn.netguard.DestinationPolicy.allow_networks`).
    webhook_allow_networks: tuple[str, ...] = ()
    #: At shutdown, deliveries in flight get this long (at most `webhook_timeout`) before they are cancelled (a
    #: cancelled one is sent again after a restart; receivers deduplicate with X-DFPN-Delivery).
    webhook_stop_grace: float = Field(default=5.0, ge=0)

    # ---- HTTP server (dfpn-gateway serve) --------------------------------------------------------------------
    host: str = "127.0.0.1"
    port: int = Field(default=8080, ge=0, le=65535)
    #: Seconds a connection has to send a complete request head (line and headers), counted from the connection
    #: (or from the previous answer on a kept-alive connection); then it is closed.
    header_timeout: float = Field(default=10.0, gt=0)
    #: Seconds a request body may pause between two chunks while the gateway waits for it (408, closed).
    body_chunk_timeout: float = Field(default=30.0, gt=0)
    #: Seconds a whole request body (an upload) may take (408, closed).
    upload_timeout: float = Field(default=900.0, gt=0)
    #: Seconds an idle kept-alive connection stays open after an answer.
    keep_alive_timeout: int = Field(default=5, ge=1)
    #: Open connections at most (more are answered 503 and closed at once); also kept below what the process's
    #: file descriptor limit allows (each upload holds a socket and a temporary file).
    max_connections: int = Field(default=1000, ge=1)
    #: Open connections at most from one client address (by socket peer: behind a reverse proxy, raise it).
    max_connections_per_client: int = Field(default=64, ge=1)
    #: At shutdown, seconds requests in progress get to finish before their connections are closed.
    shutdown_timeout: int = Field(default=10, ge=0)

    @model_validator(mode="after")
    def _check(self) -> Settings:
        if self.storage == "file" and self.network != "local":
            raise ValueError("storage 'file' (file:// URIs) works only on the 'local' network")
        if self.storage == "s3" and not self.s3_bucket:
            raise ValueError("storage 's3' needs s3_bucket (DFPN_GATEWAY_S3_BUCKET)")
        for cidr in self.webhook_allow_networks:
            try:
                ipaddress.ip_network(cidr.strip())
            except ValueError as e:
                raise ValueError(f"webhook_allow_networks: {cidr!r} is not a CIDR network ({e})") from e
        if self.database_url is not None:
            from dfpn_gateway.store import postgres_url

            url = self.database_url.get_secret_value()
            if not url.startswith("sqlite:///"):
                postgres_url(url)  # ValueError for another scheme
                if self.key_pepper is None:
                    raise ValueError(
                        "database_url (PostgreSQL) needs key_pepper (DFPN_GATEWAY_KEY_PEPPER): every replica must "
                        "hash API keys with the same secret"
                    )
        if self.network != "local" and self.wallet is None:
            raise ValueError(f"network {self.network!r} needs wallet= (DFPN_GATEWAY_WALLET: a keypair file)")
        return self

    @property
    def storage_backend(self) -> Literal["file", "ipfs", "s3"]:
        if self.storage is not None:
            return self.storage
        return "file" if self.network == "local" else "ipfs"

    def kind_limit(self, kind: str) -> int:
        """The size limit in bytes of a media kind."""
        return {"image": self.max_image_bytes, "audio": self.max_audio_bytes, "video": self.max_video_bytes}[
            kind
        ]

    @property
    def max_upload_bytes(self) -> int:
        return max(self.max_image_bytes, self.max_audio_bytes, self.max_video_bytes)

    def pepper_path(self) -> Path:
        return self.db_path.with_name(self.db_path.name + ".pepper")

    @property
    def webhook_lease_seconds(self) -> float:
        """How long a replica's claim on a delivery holds: longer than an attempt may take (`webhook_timeout`),
        so that no other replica sends it meanwhile."""
        return 2 * self.webhook_timeout + 5.0


def allowed_kinds(modalities: list[Modality]) -> frozenset[str]:
    """The media kinds every one of `modalities` can analyse."""
    kinds = frozenset({"image", "video", "audio"})
    for m in modalities:
        kinds &= MODALITY_KINDS[m]
    return kinds


__all__ = ["MB", "MODALITY_KINDS", "MediaKind", "Settings", "allowed_kinds"]
