"""What every back-office page shares: the adviser's navigation and the opening check of its on_load."""

from __future__ import annotations

import reflex as rx

from portal_app.domain import advisers
from portal_app.ui import components as ui
from portal_app.ui import road
from portal_app.ui.session_state import SessionState


def adviser_nav() -> rx.Component:
    return rx.el.nav(
        ui.nav_link("Travail du jour", "/conseiller"),
        ui.nav_link("Trajets du jour", "/conseiller/trajets"),
        ui.nav_link("Remboursements", "/conseiller/remboursements"),
        ui.nav_link("Rappels", "/conseiller/rappels"),
        ui.nav_link("Messages", "/conseiller/messages"),
        ui.nav_link("Import de contrats", "/conseiller/import"),
        ui.nav_link("Journal d'audit", "/conseiller/journal"),
        ui.nav_link("Mon compte", "/conseiller/compte"),
        aria_label="Espace conseiller",
        class_name="mb-6 flex flex-wrap gap-1 border-b border-slate-200 pb-3",
    )


async def open_back_office(state: rx.State) -> None:
    """For a back-office page's on_load, inside a road handler: a verified adviser, or the road's NotAllowed.

    The header is told who is there too (a new tab starts blank: « Espace conseiller », « Déconnexion »).
    """
    await road.act(state, advisers.check_adviser)
    await signed_in_adviser(state)


async def signed_in_adviser(state: rx.State) -> None:
    """The domain just accepted the actor as an adviser: the header says so."""
    (await state.get_state(SessionState))._signed_in("adviser")
