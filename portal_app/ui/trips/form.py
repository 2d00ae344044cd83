"""The planning form of /mon-espace/trajets (« Voir les dates ») and its preview (« Confirmer la planification »)."""

from __future__ import annotations

import reflex as rx

from portal_app.domain import trips
from portal_app.ui import components as ui
from portal_app.ui.trips import texts
from portal_app.ui.trips.state import PlannedLine, SkippedLine, TripsState


def notes_field() -> rx.Component:
    errors = TripsState.errors
    return rx.el.div(
        rx.el.label(
            "Remarques pour le transporteur (facultatif)",
            html_for="notes",
            class_name="mb-1 block font-semibold text-slate-900",
        ),
        rx.el.textarea(
            id="notes",
            name="notes",
            rows=3,
            max_length=300,
            aria_invalid=rx.cond(errors.get("notes", "") != "", "true", "false"),
            aria_describedby="notes-erreur",
            on_change=TripsState.form_changed,
            class_name=ui.INPUT_CLASS,
        ),
        ui.error_text(errors.get("notes", ""), "notes-erreur"),
        class_name="mb-5",
    )


def planning_form() -> rx.Component:
    errors = TripsState.errors
    changed = TripsState.form_changed
    return rx.el.form(
        rx.el.h2("Planifier des trajets", class_name="mb-3 text-xl font-semibold"),
        rx.el.p(texts.RULES_HINT, class_name="mb-4 text-sm text-slate-700"),
        ui.select_field("Enfant", "child", errors, TripsState.children, on_change=changed),
        ui.select_field("Domicile", "home", errors, TripsState.homes, on_change=changed),
        ui.select_field("Établissement scolaire", "school", errors, TripsState.schools, on_change=changed),
        ui.checkbox_group(
            "Trajets",
            "directions",
            errors,
            [(f"direction_{d}", label) for d, label in trips.DIRECTIONS.items()],
            on_change=changed,
        ),
        ui.field(
            "Heure de prise en charge à l'aller",
            "outward_time",
            errors,
            input_type="time",
            hint="À votre domicile, par exemple 08:00.",
            required=False,
            on_change=changed,
        ),
        ui.field(
            "Heure de prise en charge au retour",
            "return_time",
            errors,
            input_type="time",
            hint="À l'établissement scolaire, par exemple 16:30.",
            required=False,
            on_change=changed,
        ),
        ui.field(
            "Du",
            "date_from",
            errors,
            input_type="date",
            hint=texts.DATES_HINT,
            min=TripsState.tomorrow,
            on_change=changed,
        ),
        ui.field("Au", "date_to", errors, input_type="date", min=TripsState.tomorrow, on_change=changed),
        ui.checkbox_group(
            "Jours",
            "weekdays",
            errors,
            [(f"weekday_{i}", day) for i, day in enumerate(texts.WEEKDAYS)],
            inline=True,
            on_change=changed,
        ),
        notes_field(),
        rx.cond(
            errors.get("general", "") != "",
            rx.el.div(ui.notice(errors.get("general", ""), "error"), id="general", tab_index=-1),
        ),
        ui.submit_button("Voir les dates", TripsState.busy),
        id="form-trajets",
        on_submit=TripsState.preview,
        no_validate=True,
        class_name="mb-6 max-w-md print:hidden",
    )


def planned_day(d: PlannedLine) -> rx.Component:
    return rx.el.li(
        rx.el.span(d.label, class_name="font-semibold"),
        " — ",
        d.directions,
        rx.cond(d.note != "", rx.el.span(" (", d.note, ")", class_name="text-slate-700")),
        class_name="py-1",
    )


def skipped_day(s: SkippedLine) -> rx.Component:
    return rx.el.li(rx.el.span(s.label, class_name="font-semibold"), " : ", s.reason, class_name="py-1")


def plan_preview() -> rx.Component:
    plan = TripsState.plan
    return rx.el.section(
        rx.el.h2("Dates à réserver", class_name="mb-3 text-xl font-semibold"),
        rx.cond(
            plan.days.length() > 0,
            rx.el.ul(rx.foreach(plan.days, planned_day), class_name="mb-4 list-disc pl-6"),
            rx.el.p(texts.NOTHING_TO_BOOK, class_name="mb-4"),
        ),
        rx.cond(
            plan.skipped.length() > 0,
            rx.fragment(
                rx.el.h3("Dates non retenues", class_name="mb-2 text-lg font-semibold"),
                rx.el.ul(rx.foreach(plan.skipped, skipped_day), class_name="mb-4 list-disc pl-6"),
            ),
        ),
        rx.el.p(
            "Trajets à réserver : ",
            rx.el.strong(plan.trips),
            ". Droits restants : ",
            plan.remaining_before,
            rx.cond(plan.remaining_before > 1, " trajets", " trajet"),
            " aujourd'hui, ",
            rx.el.strong(plan.remaining_after),
            " après confirmation.",
            class_name="mb-4",
        ),
        rx.cond(
            plan.trips > 0,
            rx.el.button(
                rx.cond(TripsState.busy, "Veuillez patienter…", "Confirmer la planification"),
                type="button",
                disabled=TripsState.busy,
                on_click=TripsState.confirm,
                class_name=ui.PRIMARY_BUTTON_CLASS,
            ),
        ),
        id="apercu",
        tab_index=-1,
        aria_label="Dates à réserver",
        class_name="mb-8 rounded-md border border-blue-800 p-4 print:hidden",
    )
