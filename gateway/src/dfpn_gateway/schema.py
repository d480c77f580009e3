"""The gateway's tables (SQLAlchemy Core), the same on SQLite and PostgreSQL. This is the schema the Alembic
migrations (`dfpn_gateway/migrations/versions/`) build; `tests/test_migrations.py` checks that they agree.

Times are Unix seconds as floats (``DOUBLE PRECISION``), counters 64-bit integers. Every statement the store runs
is written against these objects, so one implementation serves both databases (`dfpn_gateway.store`)."""

from __future__ import annotations

import sqlalchemy as sa

metadata = sa.MetaData()

Time = sa.Double
Count = sa.BigInteger

api_keys = sa.Table(
    "api_keys",
    metadata,
    sa.Column("id", sa.Text, primary_key=True),
    sa.Column("name", sa.Text, nullable=False),
    sa.Column("key_hash", sa.Text, nullable=False, unique=True),
    sa.Column("quota", Count),
    #: Requests recorded for the key (less those that never landed) plus reservations held (`quota_holds`).
    sa.Column("used", Count, nullable=False, server_default="0"),
    sa.Column("rate_count", Count, nullable=False),
    sa.Column("rate_seconds", Time, nullable=False),
    sa.Column("webhook_secret", sa.Text, nullable=False),
    sa.Column("created_at", Time, nullable=False),
    sa.Column("revoked_at", Time),
)

usage = sa.Table(
    "usage",
    metadata,
    sa.Column("key_id", sa.Text, sa.ForeignKey("api_keys.id"), primary_key=True),
    sa.Column("day", sa.Text, primary_key=True),
    sa.Column("requests", Count, nullable=False, server_default="0"),
    sa.Column("fee_lamports", Count, nullable=False, server_default="0"),
)

requests = sa.Table(
    "requests",
    metadata,
    sa.Column("id", sa.Text, primary_key=True),
    sa.Column("key_id", sa.Text, sa.ForeignKey("api_keys.id"), nullable=False),
    sa.Column("state", sa.Text, nullable=False),
    sa.Column("submitted", sa.Text, nullable=False),
    sa.Column("webhook_url", sa.Text),
    sa.Column("result", sa.Text),
    sa.Column("error_code", sa.Text),
    sa.Column("error_message", sa.Text),
    sa.Column("deadline", Count, nullable=False),
    sa.Column("created_at", Time, nullable=False),
    sa.Column("updated_at", Time, nullable=False),
    #: The replica sending (Submitting) or following (Open) the request; NULL when none does (it stopped).
    sa.Column("owner", sa.Text),
    sa.Index("requests_state", "state"),
    sa.Index("requests_key_created", "key_id", "created_at", "id"),
)

webhooks = sa.Table(
    "webhooks",
    metadata,
    sa.Column("request_id", sa.Text, sa.ForeignKey("requests.id"), primary_key=True),
    sa.Column("delivery_id", sa.Text, nullable=False),
    sa.Column("url", sa.Text, nullable=False),
    sa.Column("payload", sa.Text, nullable=False),
    sa.Column("state", sa.Text, nullable=False),
    sa.Column("attempts", Count, nullable=False, server_default="0"),
    sa.Column("next_at", Time, nullable=False),
    sa.Column("delivered_at", Time),
    sa.Column("last_status", Count),
    sa.Column("last_error", sa.Text),
    #: The replica delivering it right now, and until when its claim holds (then another may take it over).
    sa.Column("claimed_by", sa.Text),
    sa.Column("lease_until", Time),
    sa.Index("webhooks_due", "state", "next_at"),
)

#: Gateway processes sharing the database, each renewing its lease (`expires_at`) while it runs.
replicas = sa.Table(
    "replicas",
    metadata,
    sa.Column("id", sa.Text, primary_key=True),
    sa.Column("host", sa.Text, nullable=False),
    sa.Column("pid", Count, nullable=False),
    sa.Column("started_at", Time, nullable=False),
    sa.Column("seen_at", Time, nullable=False),
    sa.Column("expires_at", Time, nullable=False),
)

#: A quota reservation of a submission in flight (taken before pinning, turned into a request or given back).
quota_holds = sa.Table(
    "quota_holds",
    metadata,
    sa.Column("id", sa.Text, primary_key=True),
    sa.Column("key_id", sa.Text, sa.ForeignKey("api_keys.id"), nullable=False),
    sa.Column("owner", sa.Text, nullable=False),
    sa.Column("created_at", Time, nullable=False),
    sa.Index("quota_holds_owner", "owner"),
    sa.Index("quota_holds_key", "key_id"),
)

#: Per-key rate limits as GCRA (the "virtual scheduling" form of a token bucket): the theoretical arrival time of
#: the next request. One row and one conditional UPDATE per call.
rate_limits = sa.Table(
    "rate_limits",
    metadata,
    sa.Column("key_id", sa.Text, sa.ForeignKey("api_keys.id"), primary_key=True),
    sa.Column("tat", Time, nullable=False),
)

__all__ = ["api_keys", "metadata", "quota_holds", "rate_limits", "replicas", "requests", "usage", "webhooks"]
