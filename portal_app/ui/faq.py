"""/faq: the whole FAQ in the prerendered HTML (readable and indexable without JavaScript), and a search
box that hides the entries that don't match as one types (portal_app.domain.faq does the matching)."""

from __future__ import annotations

import re

import reflex as rx

from portal_app.domain import faq
from portal_app.ui import components as ui

SEARCH_LABEL = "Rechercher dans la FAQ"
NO_MATCH_TEXT = "Aucune réponse ne correspond à votre recherche."
MAX_QUERY_LENGTH = 200
ALL_IDS = [entry.id for entry in faq.entries()]


class FaqState(rx.State):
    """Only the ids of the entries shown: the words themselves never travel over the websocket."""

    matches: list[str] = ALL_IDS

    @rx.event
    def search(self, query: str):
        # Public handler: anyone may send anything; the query is text only, and short.
        self.matches = faq.matching_entry_ids(query[:MAX_QUERY_LENGTH] if isinstance(query, str) else "")

    @rx.var
    def summary(self) -> str:
        count = len(self.matches)
        if count == 0:
            return NO_MATCH_TEXT
        return "1 réponse" if count == 1 else f"{count} réponses"

    @rx.var
    def visible_themes(self) -> list[str]:
        shown = set(self.matches)
        return [theme.id for theme in faq.themes() if any(entry.id in shown for entry in theme.entries)]


def french_spacing(text: str) -> str:
    """A no-break space before « ? ! : ; » and inside « »: a question mark never starts a line alone."""
    return re.sub(r" ([?!:;»])", "\u00a0\\1", text).replace("« ", "«\u00a0")


def shown_if(condition: rx.Var, class_name: str) -> rx.Var:
    return rx.cond(condition, class_name, "hidden")


def list_item(item: faq.ListItem) -> rx.Component:
    text = ui.link(french_spacing(item.text), item.href) if item.href else french_spacing(item.text)
    note = rx.el.span(f" — {french_spacing(item.note)}", class_name="text-slate-700") if item.note else rx.fragment()
    return rx.el.li(text, note, class_name="mb-1")


def block(b: faq.Block) -> rx.Component:
    if isinstance(b, faq.BulletList):
        return rx.el.ul(*[list_item(item) for item in b.items], class_name="mb-3 list-disc pl-6")
    if isinstance(b, faq.Link):
        return rx.el.p(ui.link(french_spacing(b.text), b.href), class_name="mb-3")
    return rx.el.p(french_spacing(b.text), class_name="mb-3")


def entry_item(entry: faq.Entry) -> rx.Component:
    question = french_spacing(entry.question)
    return rx.el.article(
        rx.el.h3(
            question,
            id=entry.id,
            class_name="mb-2 scroll-mt-4 text-lg font-semibold text-slate-900 target:bg-yellow-100",
        ),
        *[block(b) for b in entry.answer],
        rx.el.p(
            rx.el.a(
                "Lien vers cette réponse",
                rx.el.span(f"\u00a0: {question}", class_name="sr-only"),
                href=f"#{entry.id}",
                class_name=ui.LINK_CLASS + " text-sm",
            ),
        ),
        class_name=shown_if(FaqState.matches.contains(entry.id), "mb-6 break-words border-b border-slate-200 pb-4"),
    )


def theme_section(theme: faq.Theme) -> rx.Component:
    return rx.el.section(
        rx.el.h2(theme.title, id=theme.id, class_name="mb-4 scroll-mt-4 text-xl font-semibold text-blue-900"),
        *[entry_item(entry) for entry in theme.entries],
        aria_labelledby=theme.id,
        class_name=shown_if(FaqState.visible_themes.contains(theme.id), "mb-8"),
    )


def search_box() -> rx.Component:
    return rx.el.div(
        rx.el.label(SEARCH_LABEL, html_for="recherche-faq", class_name="mb-1 block font-semibold text-slate-900"),
        rx.el.p(
            "Par exemple : numéro adhérent, mot de passe, devis.",
            id="recherche-faq-aide",
            class_name="mb-2 text-sm text-slate-700",
        ),
        rx.el.input(
            id="recherche-faq",
            type="search",
            auto_complete="off",
            max_length=MAX_QUERY_LENGTH,
            aria_describedby="recherche-faq-aide recherche-faq-resultat",
            aria_controls="faq-reponses",
            on_change=FaqState.search.debounce(250),
            class_name=ui.INPUT_CLASS,
        ),
        rx.el.p(
            FaqState.summary,
            id="recherche-faq-resultat",
            role="status",
            aria_live="polite",
            class_name=rx.cond(
                FaqState.matches.length() == 0,
                "mt-3 rounded-md border-l-4 border-blue-800 bg-blue-50 p-3 font-medium text-blue-950",
                "mt-2 text-sm text-slate-700",
            ),
        ),
        role="search",
        class_name="mb-8 max-w-xl",
    )


def themes_nav() -> rx.Component:
    return rx.el.nav(
        rx.el.h2("Thèmes", class_name="mb-2 font-semibold text-slate-900"),
        rx.el.ul(
            *[rx.el.li(ui.link(theme.title, f"#{theme.id}")) for theme in faq.themes()],
            class_name="flex flex-wrap gap-x-4 gap-y-2",
        ),
        aria_label="Thèmes de la FAQ",
        class_name="mb-6",
    )


def faq_page() -> rx.Component:
    return ui.page(
        "Questions fréquentes",
        themes_nav(),
        search_box(),
        rx.el.div(*[theme_section(theme) for theme in faq.themes()], id="faq-reponses"),
    )
