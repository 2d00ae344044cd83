"""/conseiller/messages: the members' conversations waiting for an answer, the one waiting longest first."""

from __future__ import annotations

import reflex as rx

from portal_app.domain import messages_desk
from portal_app.ui import components as ui
from portal_app.ui import road
from portal_app.ui.adviser.nav import adviser_nav, signed_in_adviser

TITLE = "Messages des membres"
THREAD_PATH = "/conseiller/messages/fil"
NOTHING_WAITING = "Aucun message n'attend de réponse."
QUEUE_SIZE = 100


class AdviserMessagesState(rx.State):
    loaded: bool = False
    waiting: list[messages_desk.WaitingThread] = []

    @road.handler()
    async def load(self):
        self.loaded = False
        self.waiting = await road.act(self, messages_desk.waiting_threads, QUEUE_SIZE)
        await signed_in_adviser(self)
        self.loaded = True


def waiting_row(w: rx.Var) -> rx.Component:
    return rx.el.li(
        rx.el.a(
            w.subject, href=THREAD_PATH + "?id=" + w.thread_id.to(str), class_name=ui.LINK_CLASS + " font-semibold"
        ),
        rx.el.p(
            w.member,
            " (",
            w.member_number,
            ")",
            rx.cond(w.file_reference != "", " · dossier " + w.file_reference, " · question générale"),
            " · en attente depuis le ",
            w.waiting_since,
            class_name="text-sm text-slate-700",
        ),
        class_name="border-b border-slate-200 py-3",
    )


def adviser_messages_page() -> rx.Component:
    return ui.page(
        TITLE,
        rx.cond(
            AdviserMessagesState.loaded,
            rx.fragment(
                adviser_nav(),
                rx.el.h2("En attente de réponse", class_name="mb-3 text-xl font-semibold"),
                rx.cond(
                    AdviserMessagesState.waiting.length() > 0,
                    rx.el.ul(rx.foreach(AdviserMessagesState.waiting, waiting_row), id="messages-en-attente"),
                    rx.el.p(NOTHING_WAITING, class_name="text-slate-800"),
                ),
            ),
            ui.loading(),
        ),
    )
