"""The blocks of « Mon Espace » that say what matters now: À faire, next trips, claims in progress, rights.

Plain functions over the home state's vars (`portal_app.ui.member.MemberHomeState` holds them, typed by the
dataclasses of `domain.dashboard`); every word a member reads on these blocks is here.
"""

from __future__ import annotations

import reflex as rx

from portal_app.ui import components as ui

TODO_HEADING = "À faire"
NOTHING_TO_DO = "Rien à faire pour le moment."
TRIPS_HEADING = "Mes prochains trajets"
NO_TRIP = "Aucun trajet à venir."
ALL_TRIPS = "Tous mes trajets"
CLAIMS_HEADING = "Mes remboursements en cours"
NO_CLAIM = "Aucune demande de remboursement en cours."
ALL_CLAIMS = "Mes remboursements"
RIGHTS_HEADING = "Mes droits"
NEXT_STEP = "Prochaine étape : "

SECTION_CLASS = "mb-8"
HEADING_CLASS = "mb-3 text-xl font-semibold"
BUTTON_LINK_CLASS = ui.PRIMARY_BUTTON_CLASS + " no-underline"
BADGE_CLASSES = {
    "documents_requested": "border-amber-800 bg-amber-50 text-amber-950",
    "accepted": "border-green-800 bg-green-50 text-green-950",
}
BADGE_DEFAULT = "border-blue-800 bg-blue-50 text-blue-950"


def _section(heading_id: str, heading: str, *children: rx.Component) -> rx.Component:
    return rx.el.section(
        rx.el.h2(heading, id=heading_id, class_name=HEADING_CLASS),
        *children,
        aria_labelledby=heading_id,
        class_name=SECTION_CLASS,
    )


def _todo_item(item: rx.Var) -> rx.Component:
    title_id = "a-faire-" + item.key
    return rx.el.li(
        rx.el.p(item.title, id=title_id, class_name="mb-1 font-semibold [overflow-wrap:anywhere]"),
        rx.cond(item.detail != "", rx.el.p(item.detail, class_name="mb-3 text-slate-800 [overflow-wrap:anywhere]")),
        rx.el.a(item.button, href=item.href, aria_describedby=title_id, class_name=BUTTON_LINK_CLASS),
        class_name="mb-3 rounded-md border-l-4 border-amber-700 bg-amber-50 p-4",
    )


def todo_section(items: rx.Var) -> rx.Component:
    """What waits for the member, each with its button; nothing waiting says so in one line."""
    return _section(
        "a-faire",
        TODO_HEADING,
        rx.cond(
            items.length() > 0,
            rx.el.ul(rx.foreach(items, _todo_item), id="a-faire-liste"),
            rx.el.p(NOTHING_TO_DO, class_name="text-slate-800"),
        ),
    )


def trips_section(next_trips: rx.Var, upcoming: rx.Var) -> rx.Component:
    """The next three trips (day, time, child, direction) and the way to all of them."""
    return _section(
        "prochains-trajets",
        TRIPS_HEADING,
        rx.cond(
            next_trips.length() > 0,
            rx.fragment(
                rx.el.p(upcoming, class_name="mb-2 text-slate-800"),
                rx.el.ul(
                    rx.foreach(
                        next_trips,
                        lambda t: rx.el.li(t.line, class_name="border-b border-slate-200 py-2"),
                    ),
                    class_name="mb-3",
                ),
            ),
            rx.el.p(NO_TRIP, class_name="mb-3 text-slate-800"),
        ),
        rx.el.p(ui.link(ALL_TRIPS, "/mon-espace/trajets")),
    )


def _badge(status: rx.Var, label: rx.Var) -> rx.Component:
    colours = rx.match(
        status,
        *[(s, f"inline-block rounded border px-2 py-0.5 text-sm font-semibold {c}") for s, c in BADGE_CLASSES.items()],
        f"inline-block rounded border px-2 py-0.5 text-sm font-semibold {BADGE_DEFAULT}",
    )
    return rx.el.span(label, class_name=colours)


def _claim_item(c: rx.Var) -> rx.Component:
    return rx.el.li(
        rx.el.p(
            rx.el.a(c.reference, href=c.href, class_name=ui.LINK_CLASS + " font-semibold whitespace-nowrap"),
            rx.el.span(" — ", c.service, " · ", c.amount, " "),
            _badge(c.status, c.status_label),
            class_name="mb-1",
        ),
        rx.el.p(NEXT_STEP, c.next_step, class_name="text-slate-800"),
        class_name="border-b border-slate-200 py-2",
    )


def claims_section(claims: rx.Var) -> rx.Component:
    """The claims the member still waits on, each with its status and what happens next."""
    return _section(
        "remboursements-en-cours",
        CLAIMS_HEADING,
        rx.cond(
            claims.length() > 0,
            rx.el.ul(rx.foreach(claims, _claim_item), class_name="mb-3"),
            rx.el.p(NO_CLAIM, class_name="mb-3 text-slate-800"),
        ),
        rx.el.p(ui.link(ALL_CLAIMS, "/mon-espace/remboursements")),
    )


def rights_section(files: rx.Var, file_card, no_file: rx.Component) -> rx.Component:
    """Each assistance file and, for each entitlement, what remains and until when (domain.balances)."""
    return _section(
        "mes-droits",
        RIGHTS_HEADING,
        rx.cond(files.length() > 0, rx.foreach(files, file_card), no_file),
    )
