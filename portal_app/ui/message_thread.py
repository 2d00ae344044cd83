"""/mon-espace/messages/fil?id=N: one of the member's conversations, in order, and the box to answer.

Opening it marks the advisers' messages read. Another member's thread, or a number that is none, is
« introuvable » (the domain decides, the road shows it).
"""

from __future__ import annotations

import reflex as rx

from portal_app.domain import messages
from portal_app.domain.errors import NotFound
from portal_app.ui import components as ui
from portal_app.ui import road
from portal_app.ui.forms import focus_when_shown, text
from portal_app.ui.member import member_nav
from portal_app.ui.messages import MESSAGES_PATH, body_box, message_list
from portal_app.ui.session_state import SessionState

TITLE = "Conversation"
ALL_MESSAGES = "Tous mes messages"
REPLY_LABEL = "Votre réponse"
SEND = "Envoyer"
SENT = "Votre message a été envoyé. Un conseiller vous répondra ici."


def thread_id_of(raw: object) -> int:
    """The number in ?id=, or 0 (which no thread has): anything else is what the sender typed."""
    value = raw if isinstance(raw, str) else ""
    return int(value) if value.isdigit() and len(value) <= 9 else 0


class MessageThreadState(rx.State):
    loaded: bool = False
    busy: bool = False
    problem: str = ""
    message: str = ""
    thread: messages.ThreadView | None = None
    errors: dict[str, str] = {}
    form_key: int = 0
    _thread_id: int = 0

    def _on_not_found(self, error: NotFound) -> None:
        self.problem, self.loaded = error.message, True

    async def _reload(self) -> None:
        self.thread = await road.act(self, messages.open_thread, self._thread_id)
        (await self.get_state(SessionState))._signed_in("member")
        self.loaded = True

    @road.handler()
    async def load(self):
        self.loaded, self.problem, self.message, self.errors, self.thread = False, "", "", {}, None
        self._thread_id = thread_id_of(self.router.url.query_parameters.get("id", ""))
        await self._reload()

    @road.handler(["body"], busy=True)
    async def send(self, form_data: dict):
        self.errors, self.message = {}, ""
        await road.act(self, messages.reply, self._thread_id, text(form_data, "body", 20000))
        self.message = SENT
        self.form_key += 1
        await self._reload()
        return focus_when_shown("message-envoye")


def thread_details() -> rx.Component:
    t = MessageThreadState.thread
    return rx.fragment(
        rx.el.h2(t.subject, class_name="mb-1 text-xl font-semibold [overflow-wrap:anywhere]"),
        rx.el.p(
            rx.cond(t.file_reference != "", "Dossier " + t.file_reference + " · ", ""),
            "Commencée le ",
            t.started,
            class_name="mb-4 text-sm text-slate-700",
        ),
        message_list(t.messages),
        rx.cond(
            MessageThreadState.message != "",
            ui.notice(MessageThreadState.message, "success", id="message-envoye", tab_index=-1),
        ),
        rx.el.form(
            body_box(REPLY_LABEL, MessageThreadState.errors),
            ui.submit_button(SEND, MessageThreadState.busy, "Envoi en cours…"),
            key=MessageThreadState.form_key,
            id="repondre",
            on_submit=MessageThreadState.send,
            class_name="max-w-xl",
        ),
    )


def message_thread_page() -> rx.Component:
    return ui.page(
        TITLE,
        rx.cond(
            MessageThreadState.loaded,
            rx.fragment(
                member_nav(),
                rx.el.p(ui.link(ALL_MESSAGES, MESSAGES_PATH), class_name="mb-4"),
                rx.cond(
                    MessageThreadState.problem != "",
                    ui.notice(MessageThreadState.problem, "error"),
                    thread_details(),
                ),
            ),
            ui.loading(),
        ),
    )
