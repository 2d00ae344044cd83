"""/conseiller: the adviser's home. The search first (a member's contract by numéro adhérent, a beneficiary's name
or an e-mail address; access key « R »), its results, then the day's work (ui/adviser/day.py)."""

from __future__ import annotations

import reflex as rx

from portal_app.domain import adviser_day, advisers, messages_desk
from portal_app.ui import components as ui
from portal_app.ui import road
from portal_app.ui.adviser.day import day_sections
from portal_app.ui.adviser.nav import adviser_nav, signed_in_adviser
from portal_app.ui.forms import text

NO_HIT_TEXT = "Aucun contrat ne correspond à cette recherche."
SEARCH_HINT = "Numéro adhérent, nom d'un bénéficiaire ou adresse e-mail. Touche d'accès : R."
SEARCH_KEY = "r"


class AdviserSearchState(rx.State):
    loaded: bool = False
    hits: list[advisers.ContractHit] = []
    errors: dict[str, str] = {}
    searched: bool = False
    claims: list[adviser_day.WaitingClaim] = []
    claims_count: int = 0
    late_count: int = 0
    callbacks: list[adviser_day.CallbackLine] = []
    callbacks_count: int = 0
    messages: list[messages_desk.WaitingThread] = []
    messages_count: int = 0
    trip_days: list[adviser_day.TripDay] = []
    ending: list[adviser_day.EndingEntitlement] = []
    ending_count: int = 0

    @road.handler()
    async def load(self):
        self.loaded, self.hits, self.errors, self.searched = False, [], {}, False
        day = await road.act(self, adviser_day.adviser_day)
        self.claims, self.claims_count, self.late_count = day.claims, day.claims_count, day.late_count
        self.callbacks, self.callbacks_count = day.callbacks, day.callbacks_count
        self.messages, self.messages_count = day.messages, day.messages_count
        self.trip_days, self.ending, self.ending_count = day.trip_days, day.ending, day.ending_count
        await signed_in_adviser(self)
        self.loaded = True

    @road.handler(["query"])
    async def search(self, form_data: dict):
        self.errors = {}
        self.hits = await road.act(self, advisers.search, text(form_data, "query", 100))
        self.searched = True
        await signed_in_adviser(self)


def hit_row(hit: rx.Var[advisers.ContractHit]) -> rx.Component:
    return rx.el.li(
        rx.el.a(
            hit.member_number,
            " — ",
            hit.holder,
            href="/conseiller/contrat?id=" + hit.contract_id.to_string(),
            class_name=ui.LINK_CLASS + " font-semibold",
        ),
        rx.el.span(" · ", hit.insurer, rx.cond(hit.email != "", " · " + hit.email, " · sans compte")),
        class_name="border-b border-slate-200 py-2",
    )


def adviser_search_page() -> rx.Component:
    return ui.page(
        "Espace conseiller",
        rx.cond(
            AdviserSearchState.loaded,
            rx.fragment(
                adviser_nav(),
                rx.el.form(
                    ui.field(
                        "Rechercher un membre ou un contrat",
                        "query",
                        AdviserSearchState.errors,
                        input_type="search",
                        hint=SEARCH_HINT,
                        access_key=SEARCH_KEY,
                    ),
                    ui.submit_button("Rechercher"),
                    on_submit=AdviserSearchState.search,
                    no_validate=True,
                    role="search",
                    aria_label="Recherche",
                    class_name="mb-6 max-w-md",
                ),
                rx.cond(
                    AdviserSearchState.searched,
                    rx.cond(
                        AdviserSearchState.hits.length() > 0,
                        rx.el.ul(rx.foreach(AdviserSearchState.hits, hit_row), aria_label="Résultats"),
                        rx.el.p(NO_HIT_TEXT, role="status"),
                    ),
                ),
                day_sections(AdviserSearchState),
            ),
            ui.loading(),
        ),
    )
