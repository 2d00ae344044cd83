"""The decisions on a claim's adviser page: the forms, and the question « Accepter la demande RB-… de Claire
Martin pour 300,00 € ? » that accepting, refusing and paying ask first (the state: claims_backoffice).

The components take the page's state class, so that this module does not import the page's.
"""

from __future__ import annotations

import reflex as rx

from portal_app.domain import claims_backoffice
from portal_app.ui import components as ui
from portal_app.ui.claims import select_field

CONFIRM_TEXTS = {"accepted": "Oui, accepter", "refused": "Oui, refuser", "paid": "Oui, marquer comme payée"}
KEEP_TEXT = "Revenir à la demande"


def _form_box(title: str, *children: rx.Component, **props) -> rx.Component:
    return rx.el.form(
        rx.el.h3(title, class_name="mb-3 text-lg font-semibold"),
        *children,
        no_validate=True,
        class_name="mb-6 rounded-md border border-slate-300 p-4",
        **props,
    )


def textarea_field(label: str, name: str, errors: rx.Var, hint: str = "", required: bool = True) -> rx.Component:
    error = errors.get(name, "")
    has_error = error != ""
    described_by = f"{name}-aide {name}-erreur" if hint else f"{name}-erreur"
    return rx.el.div(
        rx.el.label(label, html_for=name, class_name="mb-1 block font-semibold text-slate-900"),
        rx.el.p(hint, id=f"{name}-aide", class_name="mb-2 text-sm text-slate-700") if hint else rx.fragment(),
        rx.el.textarea(
            id=name,
            name=name,
            rows=4,
            max_length=2000,
            required=required,
            aria_invalid=rx.cond(has_error, "true", "false"),
            aria_describedby=described_by,
            class_name=ui.INPUT_CLASS,
        ),
        ui.error_text(error, f"{name}-erreur"),
        class_name="mb-5",
    )


def decisions(state: type[rx.State]) -> rx.Component:
    status = state.claim.status
    errors = state.errors
    can = {d: rx.Var.create(list(allowed)).contains(status) for d, allowed in claims_backoffice.TRANSITIONS.items()}
    return rx.el.section(
        rx.el.h2("Décision", id="decisions", tab_index=-1, class_name="mb-3 text-xl font-semibold focus:outline-none"),
        rx.cond(state.pending != "", confirmation_box(state)),
        rx.el.div(
            decision_forms(state, status, errors, can),
            # Hidden, not removed, while the question is asked: « Revenir à la demande » finds what was typed.
            class_name=rx.cond(state.pending != "", "hidden", ""),
        ),
        rx.cond(
            (status == "refused") | (status == "paid"),
            rx.el.p("Cette demande est close : aucune décision n'est plus possible."),
        ),
        class_name="mb-8 max-w-xl",
    )


def confirmation_box(state: type[rx.State]) -> rx.Component:
    """« Accepter la demande RB-… de Claire Martin pour 300,00 € ? », then « Oui, accepter » or back."""
    return rx.el.div(
        rx.match(
            state.pending,
            *[
                (
                    decision,
                    ui.confirm_box(
                        state.question,
                        confirm_text,
                        state.confirm,
                        KEEP_TEXT,
                        state.keep,
                    ),
                )
                for decision, confirm_text in CONFIRM_TEXTS.items()
            ],
        ),
        id="confirmation",
        tab_index=-1,
        role="group",
        aria_label=state.question,
        class_name="mb-6 rounded-md border-2 border-blue-800 bg-blue-50 p-4 focus:outline-none focus:ring-4 "
        "focus:ring-blue-300",
    )


def decision_forms(state: type[rx.State], status: rx.Var, errors: rx.Var, can: dict) -> rx.Component:
    return rx.fragment(
        rx.cond(
            can["in_progress"],
            rx.el.div(
                rx.el.button(
                    "Prendre en charge",
                    type="button",
                    on_click=state.take,
                    class_name=ui.PRIMARY_BUTTON_CLASS,
                ),
                class_name="mb-6",
            ),
        ),
        rx.cond(
            can["documents_requested"],
            _form_box(
                "Demander des pièces",
                textarea_field(
                    "Message au membre",
                    "message",
                    errors,
                    hint="Les pièces attendues ; le membre reçoit ce message par e-mail et dans le suivi.",
                ),
                ui.submit_button("Demander des pièces"),
                id="form-pieces",
                on_submit=state.request_documents,
            ),
        ),
        rx.cond(
            can["accepted"],
            _form_box(
                "Accepter",
                ui.field(
                    "Montant accepté (€)",
                    "amount",
                    errors,
                    hint=rx.fragment(
                        "Au plus le montant demandé, dans ce que le droit permet encore (",
                        state.acceptable,
                        ").",
                    ),
                    default_value=state.amount_input,
                    input_mode="decimal",
                    max_length=20,
                    key=state.amount_input,
                ),
                ui.submit_button("Accepter"),
                id="form-accepter",
                on_submit=state.accept,
            ),
        ),
        rx.cond(
            can["refused"],
            _form_box(
                "Refuser",
                select_field(
                    "Motif du refus",
                    "reason",
                    errors,
                    list(claims_backoffice.REFUSAL_REASONS.items()),
                    placeholder="Choisissez un motif",
                ),
                textarea_field(
                    "Précisions pour le membre",
                    "refusal_message",
                    errors,
                    hint="Facultatif : ajoutées au motif dans le message au membre.",
                    required=False,
                ),
                ui.submit_button("Refuser"),
                id="form-refuser",
                on_submit=state.refuse,
            ),
        ),
        rx.cond(
            can["paid"],
            rx.el.button(
                "Marquer comme payée",
                type="button",
                on_click=state.mark_paid,
                class_name=ui.PRIMARY_BUTTON_CLASS,
            ),
        ),
    )
