"""The trips of /mon-espace/trajets: to come (« Modifier l'heure », « Annuler », the .ics export) and past."""

from __future__ import annotations

import reflex as rx

from portal_app.domain.trips import TripView
from portal_app.ui import components as ui
from portal_app.ui.trips import texts
from portal_app.ui.trips.cancel_range import cancel_range_section
from portal_app.ui.trips.state import TripsState

ROW_BUTTON_CLASS = ui.SECONDARY_BUTTON_CLASS.replace("w-full ", "")


def change_form(t: TripView) -> rx.Component:
    return rx.el.form(
        ui.field(
            "Nouvelle heure de prise en charge",
            "change_pickup_time",
            TripsState.change_errors,
            input_type="time",
            default_value=t.pickup_time,
        ),
        ui.field(
            "Remarques pour le transporteur (facultatif)",
            "change_notes",
            TripsState.change_errors,
            default_value=t.notes,
            required=False,
        ),
        rx.el.div(
            ui.submit_button("Enregistrer l'heure"),
            rx.el.button(
                "Ne pas modifier", type="button", on_click=TripsState.stop_change, class_name=ui.SECONDARY_BUTTON_CLASS
            ),
            class_name="flex flex-col gap-3 sm:flex-row",
        ),
        on_submit=TripsState.save_change,
        no_validate=True,
        class_name="mt-3 max-w-md",
    )


def trip_actions(t: TripView) -> rx.Component:
    trip_id = t.trip_id
    return rx.cond(
        TripsState.editing_trip_id == trip_id,
        change_form(t),
        rx.cond(
            TripsState.confirm_cancel_id == trip_id,
            ui.confirm_box(
                "Annuler ce trajet ?",
                "Confirmer l'annulation",
                TripsState.cancel_trip(trip_id),
                "Garder ce trajet",
                TripsState.keep_trip,
                class_name="mt-2",
            ),
            rx.el.div(
                rx.el.button(
                    "Modifier l'heure",
                    type="button",
                    on_click=TripsState.start_change(trip_id),
                    class_name=ROW_BUTTON_CLASS,
                ),
                rx.el.button(
                    "Annuler",
                    type="button",
                    on_click=TripsState.ask_cancel(trip_id),
                    class_name=ROW_BUTTON_CLASS,
                ),
                class_name="mt-2 flex flex-wrap gap-3",
            ),
        ),
    )


def trip_item(t: TripView, upcoming: bool) -> rx.Component:
    return rx.el.li(
        rx.cond(t.first_of_week, rx.el.h3(t.week, class_name="mb-2 mt-2 text-lg font-semibold text-blue-900"))
        if upcoming
        else rx.fragment(),
        rx.el.p(
            rx.el.span(t.day, " à ", t.pickup_time, class_name="font-semibold"),
            " — ",
            t.child,
        ),
        rx.el.p(t.direction, " : ", t.from_label, " → ", t.to_label),
        rx.el.p("Statut : ", rx.el.span(t.status_label, class_name="font-semibold")),
        rx.cond(t.notes != "", rx.el.p("Remarques : ", t.notes, class_name="text-sm text-slate-700")),
        rx.cond(
            TripsState.trip_error_id == t.trip_id,
            rx.el.p(
                TripsState.trip_error, ui.call_platform(), role="alert", class_name="mt-2 font-medium text-red-700"
            ),
        ),
        rx.cond(
            t.can_change,
            trip_actions(t),
            rx.cond(
                t.status != "cancelled",
                rx.el.p(texts.NO_MORE_CHANGES, ui.call_platform(""), class_name="mt-2 text-sm text-slate-800"),
            ),
        )
        if upcoming
        else rx.fragment(),
        class_name="border-b border-slate-200 py-3",
    )


def trips_lists() -> rx.Component:
    return rx.fragment(
        rx.el.section(
            rx.el.h2("Trajets à venir", class_name="mb-3 text-xl font-semibold"),
            rx.cond(
                TripsState.upcoming.length() > 0,
                rx.fragment(
                    rx.el.button(
                        "Exporter en calendrier (.ics)",
                        type="button",
                        on_click=TripsState.export_calendar,
                        class_name=ui.SECONDARY_BUTTON_CLASS + " mb-2",
                    ),
                    rx.el.ul(
                        rx.foreach(TripsState.upcoming, lambda t: trip_item(t, True)), aria_label="Trajets à venir"
                    ),
                ),
                rx.el.p(texts.NO_UPCOMING),
            ),
            class_name="mb-8",
        ),
        rx.cond(TripsState.upcoming.length() > 0, cancel_range_section()),
        rx.el.section(
            rx.el.h2("Trajets annulés", class_name="mb-3 text-xl font-semibold"),
            rx.cond(
                TripsState.cancelled.length() > 0,
                rx.el.ul(rx.foreach(TripsState.cancelled, lambda t: trip_item(t, False)), aria_label="Trajets annulés"),
                rx.el.p(texts.NO_CANCELLED),
            ),
            class_name="mb-8",
        ),
        rx.el.section(
            rx.el.h2("Trajets passés", class_name="mb-3 text-xl font-semibold"),
            rx.cond(
                TripsState.past.length() > 0,
                rx.el.ul(rx.foreach(TripsState.past, lambda t: trip_item(t, False)), aria_label="Trajets passés"),
                rx.el.p(texts.NO_PAST),
            ),
        ),
    )
