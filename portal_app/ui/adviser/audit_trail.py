"""/conseiller/journal: the audit trail, newest first, filtered by member, author, kind of event and dates."""

from __future__ import annotations

import reflex as rx

from portal_app.domain import advisers, audit
from portal_app.ui import components as ui
from portal_app.ui import road
from portal_app.ui.adviser.nav import adviser_nav, signed_in_adviser
from portal_app.ui.forms import text

FILTER_FIELDS = ["member_email", "adviser_email", "date_from", "date_to"]
HEADINGS = ("Quand", "Qui", "Quoi", "Cible", "D'où")


class AuditTrailState(rx.State):
    loaded: bool = False
    lines: list[advisers.AuditLine] = []
    errors: dict[str, str] = {}
    member_email: str = ""  # pre-filled from a member's file: ?membre=<account id>

    @road.handler(FILTER_FIELDS)
    async def load(self):
        self.loaded, self.errors, self.member_email = False, {}, ""
        raw = self.router.url.query_parameters.get("membre", "")
        if raw.isdigit() and len(raw) < 12:
            self.member_email = await road.act(self, advisers.member_email_of, int(raw))
        self.lines = await road.act(self, advisers.filtered_audit_trail, self.member_email)
        await signed_in_adviser(self)
        self.loaded = True

    @road.handler(FILTER_FIELDS)
    async def filter(self, form_data: dict):
        self.errors = {}
        self.lines = await road.act(
            self,
            advisers.filtered_audit_trail,
            text(form_data, "member_email", 254),
            text(form_data, "adviser_email", 254),
            text(form_data, "action", 60),
            text(form_data, "date_from", 10),
            text(form_data, "date_to", 10),
        )


def audit_row(line: rx.Var[advisers.AuditLine]) -> rx.Component:
    return rx.el.tr(
        rx.el.td(line.when, class_name="p-2"),
        rx.el.td(line.actor, class_name="p-2"),
        rx.el.td(line.action, class_name="p-2"),
        rx.el.td(line.target, class_name="p-2"),
        rx.el.td(line.origin, class_name="p-2 text-sm"),
        class_name="border-b border-slate-200 align-top",
    )


def filter_form() -> rx.Component:
    errors = AuditTrailState.errors
    return rx.el.form(
        ui.field(
            "Membre (adresse e-mail)",
            "member_email",
            errors,
            input_type="email",
            required=False,
            default_value=AuditTrailState.member_email,
        ),
        ui.field("Auteur (adresse e-mail)", "adviser_email", errors, input_type="email", required=False),
        rx.el.div(
            rx.el.label("Type d'événement", html_for="action", class_name="mb-1 block font-semibold"),
            rx.el.select(
                rx.el.option("Tous", value=""),
                *[rx.el.option(label, value=code) for code, label in audit.ACTIONS.items()],
                id="action",
                name="action",
                class_name=ui.INPUT_CLASS,
            ),
            class_name="mb-5",
        ),
        ui.field("Du", "date_from", errors, input_type="date", required=False),
        ui.field("Au", "date_to", errors, input_type="date", required=False),
        ui.submit_button("Filtrer"),
        on_submit=AuditTrailState.filter,
        no_validate=True,
        class_name="mb-6 max-w-md",
    )


def audit_trail_page() -> rx.Component:
    return ui.page(
        "Journal d'audit",
        rx.cond(
            AuditTrailState.loaded,
            rx.fragment(
                adviser_nav(),
                filter_form(),
                ui.scroll_region(
                    rx.el.table(
                        rx.el.caption("Événements les plus récents d'abord (heure de Paris)", class_name="text-left"),
                        rx.el.thead(
                            rx.el.tr(*[rx.el.th(h, scope="col", class_name="p-2 text-left") for h in HEADINGS])
                        ),
                        rx.el.tbody(rx.foreach(AuditTrailState.lines, audit_row)),
                        class_name="w-full text-sm",
                    ),
                    "Journal d'audit",
                ),
            ),
            ui.loading(),
        ),
    )
