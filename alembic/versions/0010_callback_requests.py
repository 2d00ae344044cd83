"""callback requests: « Être rappelé » (callbackrequest)

Revision ID: 0010
Revises: 0011 (written on 0007; re-chained after 0011, already on main)
Create Date: 2026-12-04 15:00:00.000000

A member asks the platform to call back: subject, up to three slots, phone, a short note. One open request
per account (partial unique index); the vocabularies are CHECK constraints, written out here as in 0006.
"""

from collections.abc import Sequence

import sqlalchemy as sa

from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SUBJECTS = ("trajets", "remboursement", "dossier", "compte", "autre")
STATUSES = ("open", "cancelled", "done")
OUTCOMES = ("called", "unreachable")


def _condition(column: str, words: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(word) for word in words)})"


def upgrade() -> None:
    op.create_table(
        "callbackrequest",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("contract_id", sa.Integer(), nullable=False),
        sa.Column("subject", sa.String(length=20), nullable=False),
        sa.Column("phone", sa.String(length=20), nullable=False),
        sa.Column("note", sa.String(length=500), nullable=False),
        sa.Column("slot_1_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("slot_2_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("slot_3_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("outcome", sa.String(length=20), nullable=True),
        sa.Column("adviser_note", sa.String(length=500), nullable=False),
        sa.Column("handled_by_account_id", sa.Integer(), nullable=True),
        sa.Column("handled_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("cancelled_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["account_id"], ["account.id"]),
        sa.ForeignKeyConstraint(["contract_id"], ["contract.id"]),
        sa.ForeignKeyConstraint(["handled_by_account_id"], ["account.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.CheckConstraint(_condition("subject", SUBJECTS), name="ck_callbackrequest_subject"),
        sa.CheckConstraint(_condition("status", STATUSES), name="ck_callbackrequest_status"),
        sa.CheckConstraint(_condition("outcome", OUTCOMES), name="ck_callbackrequest_outcome"),
    )
    with op.batch_alter_table("callbackrequest", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_callbackrequest_account_id"), ["account_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_callbackrequest_contract_id"), ["contract_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_callbackrequest_slot_1_at"), ["slot_1_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_callbackrequest_status"), ["status"], unique=False)
        batch_op.create_index(
            "uq_callbackrequest_one_open",
            ["account_id"],
            unique=True,
            postgresql_where=sa.text("status = 'open'"),
            sqlite_where=sa.text("status = 'open'"),
        )


def downgrade() -> None:
    with op.batch_alter_table("callbackrequest", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_callbackrequest_one_open",
            postgresql_where=sa.text("status = 'open'"),
            sqlite_where=sa.text("status = 'open'"),
        )
        batch_op.drop_index(batch_op.f("ix_callbackrequest_status"))
        batch_op.drop_index(batch_op.f("ix_callbackrequest_slot_1_at"))
        batch_op.drop_index(batch_op.f("ix_callbackrequest_contract_id"))
        batch_op.drop_index(batch_op.f("ix_callbackrequest_account_id"))
    op.drop_table("callbackrequest")
