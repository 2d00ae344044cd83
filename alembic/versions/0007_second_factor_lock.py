"""second factor lock: failed_attempts and locked_at on secondfactor

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-03 20:00:00.000000

Wrong second-factor codes are counted per adviser account across logins; after too many the second factor
is locked until an operator or another adviser unlocks it. Existing rows start at 0, unlocked.
"""

from collections.abc import Sequence

import sqlalchemy as sa

from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("secondfactor", schema=None) as batch_op:
        batch_op.add_column(sa.Column("failed_attempts", sa.Integer(), nullable=False, server_default="0"))
        batch_op.add_column(sa.Column("locked_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("secondfactor", schema=None) as batch_op:
        batch_op.drop_column("locked_at")
        batch_op.drop_column("failed_attempts")
