"""Fleet: replicas with leases, quota holds, rate limits in the database, webhook delivery claims, request owners;
the index of a key's request list.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-10
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision: str | None = "0001"
branch_labels: str | None = None
depends_on: str | None = None

Time = sa.Double
Count = sa.BigInteger


def upgrade() -> None:
    op.create_table(
        "replicas",
        sa.Column("id", sa.Text, primary_key=True),
        sa.Column("host", sa.Text, nullable=False),
        sa.Column("pid", Count, nullable=False),
        sa.Column("started_at", Time, nullable=False),
        sa.Column("seen_at", Time, nullable=False),
        sa.Column("expires_at", Time, nullable=False),
    )
    op.create_table(
        "quota_holds",
        sa.Column("id", sa.Text, primary_key=True),
        sa.Column("key_id", sa.Text, sa.ForeignKey("api_keys.id"), nullable=False),
        sa.Column("owner", sa.Text, nullable=False),
        sa.Column("created_at", Time, nullable=False),
    )
    op.create_index("quota_holds_owner", "quota_holds", ["owner"])
    op.create_index("quota_holds_key", "quota_holds", ["key_id"])
    op.create_table(
        "rate_limits",
        sa.Column("key_id", sa.Text, sa.ForeignKey("api_keys.id"), primary_key=True),
        sa.Column("tat", Time, nullable=False),
    )
    # Nullable columns: SQLite adds them with ALTER TABLE, no table rebuild.
    op.add_column("requests", sa.Column("owner", sa.Text))
    op.create_index("requests_key_created", "requests", ["key_id", "created_at", "id"])
    op.add_column("webhooks", sa.Column("claimed_by", sa.Text))
    op.add_column("webhooks", sa.Column("lease_until", Time))


def downgrade() -> None:
    with op.batch_alter_table("webhooks") as batch:
        batch.drop_column("lease_until")
        batch.drop_column("claimed_by")
    op.drop_index("requests_key_created", "requests")
    with op.batch_alter_table("requests") as batch:
        batch.drop_column("owner")
    op.drop_table("rate_limits")
    op.drop_table("quota_holds")
    op.drop_table("replicas")
