"""The page /mon-espace/trajets, top-down as the screen: notices, the entitlement, the form or what is missing,
the lists."""

from __future__ import annotations

import reflex as rx

from portal_app.ui import components as ui
from portal_app.ui.member import member_nav
from portal_app.ui.trips import texts
from portal_app.ui.trips.form import plan_preview, planning_form
from portal_app.ui.trips.lists import trips_lists
from portal_app.ui.trips.state import TripsState


def missing_prerequisites() -> rx.Component:
    """Why the form is not shown, and where to go."""
    return rx.el.div(
        rx.el.h2("Avant de planifier", class_name="mb-2 text-lg font-semibold"),
        rx.el.ul(
            rx.cond(TripsState.remaining == "", rx.el.li(texts.NO_ENTITLEMENT, ui.call_platform(""))),
            rx.cond(TripsState.children.length() == 0, rx.el.li(texts.NO_CHILD, ui.call_platform(""))),
            rx.cond(
                TripsState.homes.length() == 0,
                rx.el.li(texts.NO_HOME, " ", ui.link("Ajouter une adresse", "/mon-espace/adresses")),
            ),
            rx.cond(
                TripsState.schools.length() == 0,
                rx.el.li(texts.NO_SCHOOL, " ", ui.link("Ajouter une adresse", "/mon-espace/adresses")),
            ),
            class_name="list-disc space-y-2 pl-6",
        ),
        id="avant-de-planifier",
        class_name="mb-8 rounded-md border-l-4 border-blue-800 bg-blue-50 p-4 text-blue-950",
    )


def trips_page() -> rx.Component:
    return ui.page(
        "Mes trajets",
        rx.cond(
            TripsState.loaded,
            rx.fragment(
                member_nav(),
                rx.el.div(
                    rx.cond(TripsState.message != "", ui.notice(TripsState.message, "success")),
                    rx.cond(
                        TripsState.problem != "",
                        ui.notice(rx.fragment(TripsState.problem, ui.call_platform()), "error"),
                    ),
                    id="message-trajets",
                    tab_index=-1,
                ),
                rx.cond(
                    TripsState.remaining != "",
                    rx.el.p(
                        "Conduite à l'école : ", rx.el.strong(TripsState.remaining), ".", class_name="mb-6 text-lg"
                    ),
                ),
                rx.cond(
                    TripsState.ready,
                    rx.cond(
                        TripsState.planning_folded,
                        rx.el.button(
                            "Planifier d'autres trajets",
                            type="button",
                            on_click=TripsState.plan_more,
                            class_name=ui.SECONDARY_BUTTON_CLASS + " mb-8",
                        ),
                        rx.fragment(
                            planning_form(),
                            rx.cond(TripsState.stale_plan, ui.notice(texts.FORM_CHANGED, "info", id="apercu-perime")),
                            rx.cond(TripsState.has_plan, plan_preview()),
                        ),
                    ),
                    missing_prerequisites(),
                ),
                trips_lists(),
            ),
            ui.loading(),
        ),
    )
