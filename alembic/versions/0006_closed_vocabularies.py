"""closed vocabularies: CHECK constraints on every status, kind and role column

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-28 10:00:00.000000

The words are written out here, not read from portal_app.db.vocabulary: a migration describes the
schema at its revision, and a later word comes with a later migration that replaces the constraint.
On SQLite, Alembic's batch mode rebuilds each table with its constraint (see migrate.py for why the
foreign keys are switched off meanwhile); PostgreSQL adds the constraint and checks existing rows.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

CLAIM_STATUSES = ("submitted", "in_progress", "documents_requested", "accepted", "refused", "paid")

# table → (constraint name, column, allowed words)
CHECKS: dict[str, list[tuple[str, str, tuple[str, ...]]]] = {
    "contract": [("ck_contract_status", "status", ("active",))],
    "beneficiary": [("ck_beneficiary_relation", "relation", ("adherent", "conjoint", "enfant", "autre"))],
    "account": [("ck_account_role", "role", ("member", "adviser"))],
    "emailtoken": [("ck_emailtoken_purpose", "purpose", ("confirm_email", "change_email", "reset_password", "login_grant"))],
    "auditevent": [("ck_auditevent_actor_role", "actor_role", ("anonymous", "member", "adviser", "operator"))],
    "assistancefile": [
        ("ck_assistancefile_event_type", "event_type", ("hospitalisation", "immobilisation", "maternite", "autre")),
        ("ck_assistancefile_status", "status", ("open", "closed")),
    ],
    "entitlement": [("ck_entitlement_unit", "unit", ("trajets", "heures", "jours", "euros"))],
    "address": [("ck_address_kind", "kind", ("domicile", "ecole_primaire", "college", "lycee", "autre"))],
    "trip": [
        ("ck_trip_direction", "direction", ("aller", "retour")),
        ("ck_trip_status", "status", ("planned", "confirmed", "done", "not_done", "cancelled")),
    ],
    "claim": [("ck_claim_status", "status", CLAIM_STATUSES)],
    "claimevent": [("ck_claimevent_status", "status", CLAIM_STATUSES)],
}


def _condition(column: str, words: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(word) for word in words)})"


def upgrade() -> None:
    for table, checks in CHECKS.items():
        with op.batch_alter_table(table, schema=None) as batch_op:
            for name, column, words in checks:
                batch_op.create_check_constraint(name, _condition(column, words))


def downgrade() -> None:
    for table, checks in reversed(CHECKS.items()):
        with op.batch_alter_table(table, schema=None) as batch_op:
            for name, _column, _words in reversed(checks):
                batch_op.drop_constraint(name, type_="check")
