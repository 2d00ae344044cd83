"""passkeys: passkey and webauthnchallenge tables

Revision ID: 0009
Revises: 0007
Create Date: 2026-12-04 15:00:00.000000

A member (or an adviser, as second factor) may register passkeys (WebAuthn credentials: public key only).
Each ceremony's challenge is kept server-side, single use, for a few minutes.
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel

from alembic import op

revision: str = "0009"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "passkey",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("credential_id", sqlmodel.sql.sqltypes.AutoString(length=1400), nullable=False),
        sa.Column("public_key", sa.LargeBinary(), nullable=False),
        sa.Column("user_handle", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column("sign_count", sa.Integer(), nullable=False),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(length=60), nullable=False),
        sa.Column("transports", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("last_used_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["account_id"], ["account.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("credential_id"),
    )
    op.create_index(op.f("ix_passkey_account_id"), "passkey", ["account_id"], unique=False)
    op.create_table(
        "webauthnchallenge",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("purpose", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("challenge", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=True),
        sa.Column("login_session_id", sa.Integer(), nullable=True),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "purpose IN ('register', 'login', 'second_factor')", name="ck_webauthnchallenge_purpose"
        ),
        sa.ForeignKeyConstraint(["account_id"], ["account.id"]),
        sa.ForeignKeyConstraint(["login_session_id"], ["loginsession.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("challenge"),
    )
    op.create_index(op.f("ix_webauthnchallenge_account_id"), "webauthnchallenge", ["account_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_webauthnchallenge_account_id"), table_name="webauthnchallenge")
    op.drop_table("webauthnchallenge")
    op.drop_index(op.f("ix_passkey_account_id"), table_name="passkey")
    op.drop_table("passkey")
