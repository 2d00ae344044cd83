"""messages: threads between a member and the platform, and their messages

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-04 15:30:00.000000

The author role's words are written out here (see 0006 for why).
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel

from alembic import op

revision: str = "0012"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "messagethread",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("contract_id", sa.Integer(), nullable=False),
        sa.Column("assistance_file_id", sa.Integer(), nullable=True),
        sa.Column("subject", sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
        sa.Column("last_message_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("waiting_since", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["account_id"], ["account.id"]),
        sa.ForeignKeyConstraint(["assistance_file_id"], ["assistancefile.id"]),
        sa.ForeignKeyConstraint(["contract_id"], ["contract.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("messagethread", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_messagethread_account_id"), ["account_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_messagethread_contract_id"), ["contract_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_messagethread_waiting_since"), ["waiting_since"], unique=False)

    op.create_table(
        "message",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("thread_id", sa.Integer(), nullable=False),
        sa.Column("author_role", sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
        sa.Column("author_account_id", sa.Integer(), nullable=False),
        sa.Column("body", sqlmodel.sql.sqltypes.AutoString(length=4000), nullable=False),
        sa.Column("read_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint("author_role IN ('member', 'adviser')", name="ck_message_author_role"),
        sa.ForeignKeyConstraint(["author_account_id"], ["account.id"]),
        sa.ForeignKeyConstraint(["thread_id"], ["messagethread.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("message", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_message_thread_id"), ["thread_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("message", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_message_thread_id"))
    op.drop_table("message")
    with op.batch_alter_table("messagethread", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_messagethread_waiting_since"))
        batch_op.drop_index(batch_op.f("ix_messagethread_contract_id"))
        batch_op.drop_index(batch_op.f("ix_messagethread_account_id"))
    op.drop_table("messagethread")
