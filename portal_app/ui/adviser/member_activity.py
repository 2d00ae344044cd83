"""The member's activity on their file (/conseiller/contrat): trips to come and past, claims, conversations and
callback requests, the last audit entries about them. Each line or section leads to its detail page; a long
list shows a few lines and a link to all of them (`&tout=1`)."""

from __future__ import annotations

import reflex as rx

from portal_app.domain import member_overview
from portal_app.ui import components as ui
from portal_app.ui.adviser.member_file_state import AdviserContractState

LINE = "border-b border-slate-200 py-2"
DETAIL = "text-sm text-slate-700"
H2 = "mb-3 text-xl font-semibold"
H3 = "mb-2 mt-4 text-lg font-semibold"


def _all_link(count: rx.Var, shown: rx.Var, words: str, anchor: str) -> rx.Component:
    """« Voir les 12 trajets à venir »: the same file with every line (bounded by the domain)."""
    a = AdviserContractState.activity
    href = "/conseiller/contrat?id=" + AdviserContractState.contract_id.to_string() + "&tout=1#" + anchor
    return rx.cond(
        (count > shown.length()) & ~a.showing_all,
        rx.el.p(ui.link("Voir les " + count.to_string() + " " + words, href), class_name="mt-2"),
    )


def trip_line(t: rx.Var[member_overview.MemberTrip]) -> rx.Component:
    return rx.el.li(
        rx.el.a(
            t.day,
            " à ",
            t.pickup_time,
            href="/conseiller/trajets?jour=" + t.day_iso,
            class_name=ui.LINK_CLASS + " font-semibold",
        ),
        rx.el.p(t.child, " · ", t.direction, " · ", t.status_label, class_name=DETAIL),
        class_name=LINE,
    )


def trips_section() -> rx.Component:
    a = AdviserContractState.activity
    return rx.el.section(
        rx.el.h2("Trajets", id="trajets", class_name=H2),
        rx.el.p("Chaque date ouvre la feuille de route de ce jour.", class_name=DETAIL),
        rx.el.h3("À venir (", a.upcoming_count.to_string(), ")", id="trajets-a-venir", class_name=H3),
        rx.cond(
            a.upcoming_trips.length() > 0,
            rx.el.ul(rx.foreach(a.upcoming_trips, trip_line), aria_labelledby="trajets-a-venir"),
            rx.el.p("Aucun trajet à venir."),
        ),
        _all_link(a.upcoming_count, a.upcoming_trips, "trajets à venir", "trajets"),
        rx.el.h3("Passés ou annulés (", a.past_count.to_string(), ")", id="trajets-passes", class_name=H3),
        rx.cond(
            a.past_trips.length() > 0,
            rx.el.ul(rx.foreach(a.past_trips, trip_line), aria_labelledby="trajets-passes"),
            rx.el.p("Aucun trajet passé."),
        ),
        _all_link(a.past_count, a.past_trips, "trajets passés ou annulés", "trajets"),
        class_name="mb-8",
    )


def claim_line(c: rx.Var[member_overview.MemberClaim]) -> rx.Component:
    return rx.el.li(
        rx.el.a(
            c.reference,
            href="/conseiller/remboursements/demande?ref=" + c.reference,
            class_name=ui.LINK_CLASS + " font-semibold",
        ),
        rx.el.span(" — ", c.status_label),
        rx.el.p(c.service, " · ", c.amount, " · déposée le ", c.submitted, class_name=DETAIL),
        class_name=LINE,
    )


def claims_section() -> rx.Component:
    a = AdviserContractState.activity
    return rx.el.section(
        rx.el.h2("Demandes de remboursement (", a.claims_count.to_string(), ")", id="remboursements", class_name=H2),
        rx.cond(
            a.claims.length() > 0,
            rx.el.ul(rx.foreach(a.claims, claim_line), aria_labelledby="remboursements"),
            rx.el.p("Aucune demande de remboursement."),
        ),
        _all_link(a.claims_count, a.claims, "demandes", "remboursements"),
        class_name="mb-8",
    )


def thread_line(t: rx.Var[member_overview.MemberThread]) -> rx.Component:
    return rx.el.li(
        rx.el.a(
            t.subject,
            href="/conseiller/messages/fil?id=" + t.thread_id.to_string(),
            class_name=ui.LINK_CLASS + " font-semibold [overflow-wrap:anywhere]",
        ),
        rx.cond(t.waiting, rx.el.span(" — attend une réponse", class_name="font-semibold text-red-700")),
        rx.el.p(t.about, " · dernier message le ", t.last_message, class_name=DETAIL),
        class_name=LINE,
    )


def callback_line(c: rx.Var[member_overview.MemberCallback]) -> rx.Component:
    return rx.el.li(
        rx.cond(
            c.is_open,
            rx.el.a(c.subject, href="/conseiller/rappels", class_name=ui.LINK_CLASS + " font-semibold"),
            rx.el.span(c.subject, class_name="font-semibold"),
        ),
        rx.el.span(" — ", c.status_label),
        rx.el.p("Demandée le ", c.asked, " · premier créneau : ", c.first_slot, class_name=DETAIL),
        class_name=LINE,
    )


def contacts_section() -> rx.Component:
    a = AdviserContractState.activity
    return rx.el.section(
        rx.el.h2("Messages et demandes de rappel", id="echanges", class_name=H2),
        rx.el.h3("Conversations", id="conversations", class_name=H3),
        rx.cond(
            a.threads.length() > 0,
            rx.el.ul(rx.foreach(a.threads, thread_line), aria_labelledby="conversations"),
            rx.el.p("Aucune conversation."),
        ),
        rx.el.h3("Demandes de rappel", id="rappels", class_name=H3),
        rx.cond(
            a.callbacks.length() > 0,
            rx.el.ul(rx.foreach(a.callbacks, callback_line), aria_labelledby="rappels"),
            rx.el.p("Aucune demande de rappel."),
        ),
        class_name="mb-8",
    )


def audit_line(line: rx.Var[member_overview.MemberAuditLine]) -> rx.Component:
    return rx.el.li(
        rx.el.span(line.when, class_name="font-semibold"),
        " — ",
        line.action,
        rx.el.p(line.actor, class_name=DETAIL + " [overflow-wrap:anywhere]"),
        class_name=LINE,
    )


def audit_section() -> rx.Component:
    a = AdviserContractState.activity
    return rx.el.section(
        rx.el.h2("Derniers événements du journal d'audit", id="journal", class_name=H2),
        rx.el.ol(rx.foreach(a.audit, audit_line), aria_labelledby="journal"),
        rx.el.p(
            ui.link(
                "Tout le journal de ce membre",
                rx.cond(
                    a.member_account_id > 0,
                    "/conseiller/journal?membre=" + a.member_account_id.to_string(),
                    "/conseiller/journal",
                ),
            ),
            class_name="mt-2",
        ),
        class_name="mb-8",
    )
