"""/conseiller/messages/fil?id=N: a member's conversation (each opening is audited) and the answer box.

The answer e-mails the member that a message is waiting, without its text (messages_desk.reply).
"""

from __future__ import annotations

import reflex as rx

from portal_app.domain import messages_desk
from portal_app.domain.errors import NotFound
from portal_app.ui import components as ui
from portal_app.ui import road
from portal_app.ui.adviser.nav import adviser_nav, signed_in_adviser
from portal_app.ui.forms import focus_when_shown, text
from portal_app.ui.message_thread import thread_id_of
from portal_app.ui.messages import body_box, message_list

TITLE = "Conversation avec un membre"
QUEUE_PATH = "/conseiller/messages"
ANSWER_LABEL = "Votre réponse au membre"
ANSWER_HINT = "4 000 caractères au plus. Le membre est prévenu par e-mail, sans le contenu de votre réponse."
ANSWERED = "Réponse envoyée : le membre est prévenu par e-mail."
CLOSED = "Ce membre a clôturé son compte : la conversation est conservée, elle ne peut plus recevoir de réponse."


class AdviserThreadState(rx.State):
    loaded: bool = False
    busy: bool = False
    problem: str = ""
    message: str = ""
    thread: messages_desk.DeskThreadView | None = None
    errors: dict[str, str] = {}
    form_key: int = 0
    _thread_id: int = 0

    def _on_not_found(self, error: NotFound) -> None:
        self.problem, self.loaded = error.message, True

    async def _reload(self) -> None:
        self.thread = await road.act(self, messages_desk.open_thread, self._thread_id)
        await signed_in_adviser(self)
        self.loaded = True

    @road.handler()
    async def load(self):
        self.loaded, self.problem, self.message, self.errors, self.thread = False, "", "", {}, None
        self._thread_id = thread_id_of(self.router.url.query_parameters.get("id", ""))
        await self._reload()

    @road.handler(["body"], busy=True, sends_mail=True)
    async def send(self, form_data: dict):
        self.errors, self.message = {}, ""
        await road.act(self, messages_desk.reply, self._thread_id, text(form_data, "body", 20000))
        self.message = ANSWERED
        self.form_key += 1
        await self._reload()
        return focus_when_shown("reponse-envoyee")


def thread_details() -> rx.Component:
    t = AdviserThreadState.thread
    return rx.fragment(
        rx.el.h2(t.subject, class_name="mb-1 text-xl font-semibold [overflow-wrap:anywhere]"),
        rx.el.p(
            rx.el.a(
                t.member + " (" + t.member_number + ")",
                href="/conseiller/contrat?id=" + t.contract_id.to(str),
                class_name=ui.LINK_CLASS,
            ),
            rx.cond(t.file_reference != "", " · dossier " + t.file_reference, " · question générale"),
            class_name="mb-4 text-sm",
        ),
        message_list(t.messages),
        rx.cond(
            AdviserThreadState.message != "",
            ui.notice(AdviserThreadState.message, "success", id="reponse-envoyee", tab_index=-1),
        ),
        rx.cond(
            t.account_closed,
            ui.notice(CLOSED, "info"),
            rx.el.form(
                body_box(ANSWER_LABEL, AdviserThreadState.errors, ANSWER_HINT),
                ui.submit_button("Envoyer la réponse", AdviserThreadState.busy, "Envoi en cours…"),
                key=AdviserThreadState.form_key,
                id="repondre",
                on_submit=AdviserThreadState.send,
                class_name="max-w-xl",
            ),
        ),
    )


def adviser_thread_page() -> rx.Component:
    return ui.page(
        TITLE,
        rx.cond(
            AdviserThreadState.loaded,
            rx.fragment(
                adviser_nav(),
                rx.el.p(ui.link("Tous les messages en attente", QUEUE_PATH), class_name="mb-4"),
                rx.cond(
                    AdviserThreadState.problem != "",
                    ui.notice(AdviserThreadState.problem, "error"),
                    thread_details(),
                ),
            ),
            ui.loading(),
        ),
    )
