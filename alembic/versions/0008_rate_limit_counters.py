"""rate limit counters; the password lock gives way to the login brake

Revision ID: 0008
Revises: 0011
Create Date: 2026-12-04 15:00:00.000000

Security review, findings 2–4: registration checks, mails sent on request and failed logins are counted in
`ratelimitcounter` (when Redis is not configured), shared by every worker. Failed logins no longer lock an
account (anyone could lock a victim's): the locks set by the old rule are lifted, the brake's growing delay
takes over.
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel

from alembic import op

revision: str = "0008"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "ratelimitcounter",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("key", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column("hits", sa.Integer(), nullable=False),
        sa.Column("last_hit_ms", sa.BigInteger(), nullable=False),
        sa.Column("resets_at_ms", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("key"),
    )
    with op.batch_alter_table("ratelimitcounter", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_ratelimitcounter_resets_at_ms"), ["resets_at_ms"], unique=False)
    op.execute(
        "UPDATE account SET locked_at = NULL, failed_login_count = 0, last_failed_login_at = NULL "
        "WHERE locked_at IS NOT NULL"
    )


def downgrade() -> None:
    with op.batch_alter_table("ratelimitcounter", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_ratelimitcounter_resets_at_ms"))
    op.drop_table("ratelimitcounter")
