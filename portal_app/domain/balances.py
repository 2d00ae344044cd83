"""« Reste »: what an entitlement still allows, defined once and written the same way on every page.

For an amount in euros: what is granted, minus what open claims commit (the amount asked while a claim is
déposée, en cours or pièces demandées; the amount accepted while it is acceptée and not yet paid), minus what
is paid. The claim form, Mon Espace, the adviser's file and the adviser's claim page all read it here, so a
member never sees 200 € left on one page and 500 € on another. For trips, hours and days, what is used is the
trips booked (or the hours and days given): reste = granted − used.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlmodel import Session, select

from portal_app.db.models import Claim, Entitlement
from portal_app.db.vocabulary import ClaimStatus, Unit
from portal_app.domain.quantities import format_quantity

# Claims asked and not yet decided: their amount is committed (reserved) on the entitlement.
OPEN_STATUSES = (ClaimStatus.SUBMITTED, ClaimStatus.IN_PROGRESS, ClaimStatus.DOCUMENTS_REQUESTED)


@dataclass(frozen=True)
class Balance:
    """An entitlement's figures, in its unit (euros in cents)."""

    unit: str
    granted: int
    committed: int  # euros: asked by open claims + accepted, not yet paid; otherwise what is used
    paid: int = 0  # euros only

    @property
    def remaining(self) -> int:
        return max(self.granted - self.committed - self.paid, 0)


def _sum(session: Session, column, entitlement_id: int, statuses) -> int:
    total = session.exec(
        select(sa.func.coalesce(sa.func.sum(column), 0)).where(
            Claim.entitlement_id == entitlement_id, Claim.status.in_(statuses)
        )
    ).one()
    return int(total)


def balance(session: Session, entitlement: Entitlement) -> Balance:
    """The entitlement's balance now, from its claims (euros) or what is used (trips, hours, days)."""
    if entitlement.unit != Unit.EUROS:
        return Balance(entitlement.unit, entitlement.quantity, entitlement.used)
    asked = _sum(session, Claim.amount_cents, entitlement.id, OPEN_STATUSES)
    paid = _sum(session, Claim.accepted_amount_cents, entitlement.id, (ClaimStatus.PAID,))
    # `used` counts what advisers accepted (acceptée and payée): the part not paid yet is still committed.
    accepted_not_paid = max(entitlement.used - paid, 0)
    return Balance(entitlement.unit, entitlement.quantity, asked + accepted_not_paid, paid)


def remaining(session: Session, entitlement: Entitlement) -> int:
    return balance(session, entitlement).remaining


def reste_text(b: Balance) -> str:
    """« reste 200,00 € », « reste 12 trajets »: the one figure every page shows."""
    return f"reste {format_quantity(b.remaining, b.unit)}"


def detail_text(b: Balance) -> str:
    """What makes the figure: « accordé 500,00 €, engagé 300,00 € par les demandes en cours, payé 0,00 € »."""
    granted = format_quantity(b.granted, b.unit)
    if b.unit == Unit.EUROS:
        return (
            f"accordé {granted}, engagé {format_quantity(b.committed, b.unit)} par les demandes en cours, "
            f"payé {format_quantity(b.paid, b.unit)}"
        )
    return f"accordé {granted}, utilisé {format_quantity(b.committed, b.unit)}"


def balance_text(b: Balance) -> str:
    """The adviser's line: « accordé 500,00 €, engagé 300,00 € par les demandes en cours, payé 0,00 €, reste 200,00 € »."""
    return f"{detail_text(b)}, {reste_text(b)}"
