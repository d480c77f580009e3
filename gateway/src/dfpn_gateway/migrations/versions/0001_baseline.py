"""Baseline: the schema of the gateway before migrations (API keys, usage, requests, webhook deliveries).

A database created by that gateway already has these tables: it is stamped at this revision, not migrated.

Revision ID: 0001
Revises:
Create Date: 2026-12-10
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision: str | None = None
branch_labels: str | None = None
depends_on: str | None = None

Time = sa.Double
Count = sa.BigInteger


def upgrade() -> None:
    op.create_table(
        "api_keys",
        sa.Column("id", sa.Text, primary_key=True),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("key_hash", sa.Text, nullable=False, unique=True),
        sa.Column("quota", Count),
        sa.Column("used", Count, nullable=False, server_default="0"),
        sa.Column("rate_count", Count, nullable=False),
        sa.Column("rate_seconds", Time, nullable=False),
        sa.Column("webhook_secret", sa.Text, nullable=False),
        sa.Column("created_at", Time, nullable=False),
        sa.Column("revoked_at", Time),
    )
    op.create_table(
        "usage",
        sa.Column("key_id", sa.Text, sa.ForeignKey("api_keys.id"), primary_key=True),
        sa.Column("day", sa.Text, primary_key=True),
        sa.Column("requests", Count, nullable=False, server_default="0"),
        sa.Column("fee_lamports", Count, nullable=False, server_default="0"),
    )
    op.create_table(
        "requests",
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
    )
    op.create_index("requests_state", "requests", ["state"])
    op.create_table(
        "webhooks",
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
    )
    op.create_index("webhooks_due", "webhooks", ["state", "next_at"])


def downgrade() -> None:
    op.drop_table("webhooks")
    op.drop_table("requests")
    op.drop_table("usage")
    op.drop_table("api_keys")
