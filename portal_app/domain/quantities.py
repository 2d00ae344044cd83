"""Quantities of an entitlement as people read them: « 12 trajets », « 1 234,50 € » (euros are kept in cents)."""

from __future__ import annotations

from decimal import Decimal

from portal_app.db.vocabulary import Unit

UNITS = {
    Unit.TRAJETS: ("trajet", "trajets"),
    Unit.HEURES: ("heure", "heures"),
    Unit.JOURS: ("jour", "jours"),
    Unit.EUROS: ("€", "€"),
}


def format_quantity(quantity: int, unit: str) -> str:
    if unit == "euros":
        euros = Decimal(quantity) / 100
        text = f"{euros:,.2f}".replace(",", "\u202f").replace(".", ",")
        return f"{text} €"
    singular, plural = UNITS[unit]
    return f"{quantity} {singular if abs(quantity) < 2 else plural}"  # French: « 0 trajet », « 1 trajet »
