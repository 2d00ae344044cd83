"""The day's work on /conseiller, under the search: one section per list of domain.adviser_day, each line a link
to the thing itself (the claim, the callbacks, the conversation, the day's run sheet, the member's file)."""

from __future__ import annotations

import reflex as rx

from portal_app.domain import adviser_day, messages_desk
from portal_app.ui import components as ui

TITLE = "Le travail du jour"
CLAIMS_TITLE = "Demandes de remboursement en attente"
CALLBACKS_TITLE = "Demandes de rappel"
MESSAGES_TITLE = "Messages sans réponse"
TRIPS_TITLE = "Trajets d'aujourd'hui et de demain"
ENDING_TITLE = f"Droits qui se terminent dans les {adviser_day.ENDING_WITHIN_DAYS} jours"
NO_CLAIM = "Aucune demande de remboursement n'attend de conseiller."
NO_CALLBACK = "Aucune demande de rappel en attente."
NO_MESSAGE = "Aucun message n'attend de réponse."
NO_ENDING = f"Aucun droit ne se termine dans les {adviser_day.ENDING_WITHIN_DAYS} prochains jours."
LINE = "border-b border-slate-200 py-2"
DETAIL = "text-sm text-slate-700"


def _heading(title: str, count: rx.Var, anchor: str) -> rx.Component:
    return rx.el.h3(title, " (", count.to_string(), ")", id=anchor, class_name="mb-2 text-lg font-semibold")


def _more(count: rx.Var, shown: rx.Var, text: str, href: str) -> rx.Component:
    return rx.cond(count > shown.length(), rx.el.p(ui.link(text, href), class_name="mt-2"))


def claim_line(c: rx.Var[adviser_day.WaitingClaim]) -> rx.Component:
    return rx.el.li(
        rx.el.a(
            c.reference,
            " — ",
            c.member,
            href="/conseiller/remboursements/demande?ref=" + c.reference,
            class_name=ui.LINK_CLASS + " font-semibold",
        ),
        rx.el.p(c.service, " · ", c.amount, " · ", c.status_label, " ", c.age, class_name=DETAIL),
        rx.cond(
            c.late,
            rx.el.p(adviser_day.LATE_TEXT, class_name="text-sm font-semibold text-red-700"),
        ),
        class_name=LINE,
    )


def callback_line(c: rx.Var[adviser_day.CallbackLine]) -> rx.Component:
    return rx.el.li(
        rx.el.a(c.member, " — ", c.subject, href="/conseiller/rappels", class_name=ui.LINK_CLASS + " font-semibold"),
        rx.el.p("Premier créneau : ", c.first_slot, class_name=DETAIL),
        class_name=LINE,
    )


def message_line(m: rx.Var[messages_desk.WaitingThread]) -> rx.Component:
    return rx.el.li(
        rx.el.a(
            m.subject,
            href="/conseiller/messages/fil?id=" + m.thread_id.to_string(),
            class_name=ui.LINK_CLASS + " font-semibold [overflow-wrap:anywhere]",
        ),
        rx.el.p(m.member, " (", m.member_number, ") · en attente depuis le ", m.waiting_since, class_name=DETAIL),
        class_name=LINE,
    )


def trip_day_line(d: rx.Var[adviser_day.TripDay]) -> rx.Component:
    return rx.el.li(
        rx.el.a(d.heading, href="/conseiller/trajets?jour=" + d.day_iso, class_name=ui.LINK_CLASS + " font-semibold"),
        rx.cond(d.planned_text != "", rx.el.p(d.planned_text, class_name=DETAIL)),
        class_name=LINE,
    )


def ending_line(e: rx.Var[adviser_day.EndingEntitlement]) -> rx.Component:
    return rx.el.li(
        rx.el.a(
            e.member,
            href="/conseiller/contrat?id=" + e.contract_id.to_string() + "#dossiers",
            class_name=ui.LINK_CLASS + " font-semibold",
        ),
        rx.el.p(
            e.file_reference,
            " · ",
            e.service,
            " : ",
            e.remaining,
            " · ",
            e.days_left,
            " (",
            e.ends,
            ")",
            class_name=DETAIL,
        ),
        class_name=LINE,
    )


def day_sections(state: type[rx.State]) -> rx.Component:
    """The five lists of the day, from the page state's vars (claims, callbacks, messages, trip_days, ending)."""
    return rx.el.section(
        rx.el.h2(TITLE, id="travail-du-jour", class_name="mb-4 text-xl font-semibold"),
        rx.el.section(
            _heading(CLAIMS_TITLE, state.claims_count, "remboursements-en-attente"),
            rx.el.p(
                adviser_day.USUAL_DELAY_TEXT,
                rx.cond(state.late_count > 0, " En retard : " + state.late_count.to_string() + ".", ""),
                class_name=DETAIL,
            ),
            rx.cond(
                state.claims.length() > 0,
                rx.el.ol(rx.foreach(state.claims, claim_line), aria_labelledby="remboursements-en-attente"),
                rx.el.p(NO_CLAIM),
            ),
            _more(
                state.claims_count, state.claims, "Toutes les demandes de remboursement", "/conseiller/remboursements"
            ),
            class_name="mb-8",
        ),
        rx.el.section(
            _heading(CALLBACKS_TITLE, state.callbacks_count, "rappels-en-attente"),
            rx.cond(
                state.callbacks.length() > 0,
                rx.el.ol(rx.foreach(state.callbacks, callback_line), aria_labelledby="rappels-en-attente"),
                rx.el.p(NO_CALLBACK),
            ),
            _more(state.callbacks_count, state.callbacks, "Toutes les demandes de rappel", "/conseiller/rappels"),
            class_name="mb-8",
        ),
        rx.el.section(
            _heading(MESSAGES_TITLE, state.messages_count, "messages-sans-reponse"),
            rx.cond(
                state.messages.length() > 0,
                rx.el.ol(rx.foreach(state.messages, message_line), aria_labelledby="messages-sans-reponse"),
                rx.el.p(NO_MESSAGE),
            ),
            _more(state.messages_count, state.messages, "Tous les messages en attente", "/conseiller/messages"),
            class_name="mb-8",
        ),
        rx.el.section(
            rx.el.h3(TRIPS_TITLE, id="trajets-du-jour", class_name="mb-2 text-lg font-semibold"),
            rx.el.ul(rx.foreach(state.trip_days, trip_day_line), aria_labelledby="trajets-du-jour"),
            class_name="mb-8",
        ),
        rx.el.section(
            _heading(ENDING_TITLE, state.ending_count, "droits-bientot-termines"),
            rx.cond(
                state.ending.length() > 0,
                rx.el.ol(rx.foreach(state.ending, ending_line), aria_labelledby="droits-bientot-termines"),
                rx.el.p(NO_ENDING),
            ),
            class_name="mb-8",
        ),
        aria_labelledby="travail-du-jour",
    )
