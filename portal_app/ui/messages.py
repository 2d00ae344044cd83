"""/mon-espace/messages: the member's conversations with the platform, and the « Nouveau message » form.

The domain (messages.py) decides whose threads these are and checks every length; this page shows the list,
the form, and what was refused next to its field (the typed text stays). What shows a thread's messages and
the message box is shared with the thread pages (member's and adviser's).
"""

from __future__ import annotations

import reflex as rx

from portal_app.domain import messages
from portal_app.ui import components as ui
from portal_app.ui import road
from portal_app.ui.forms import text
from portal_app.ui.member import member_nav
from portal_app.ui.session_state import SessionState

MESSAGES_PATH = "/mon-espace/messages"
THREAD_PATH = "/mon-espace/messages/fil"
TITLE = "Mes messages"
INTRO = (
    "Écrivez à la plateforme d'assistance au sujet de l'un de vos dossiers ou pour une question générale. "
    "Un conseiller vous répond ici ; vous êtes prévenu par e-mail, sans le contenu du message."
)
NONE_YET = "Vous n'avez encore écrit aucun message."
NEW_HEADING = "Nouveau message"
SUBJECT_LABEL = "Objet"
SUBJECT_HINT = f"De {messages.SUBJECT_MIN} à {messages.SUBJECT_MAX} caractères."
FILE_LABEL = "À propos de"
BODY_LABEL = "Votre message"
BODY_HINT = "4 000 caractères au plus. N'y mettez que ce qui est utile au traitement de votre demande."
SEND = "Envoyer le message"
SENDING = "Envoi en cours…"
FIELDS = ["subject", "file_reference", "body"]


# --- shared by the thread pages ----------------------------------------------------------------------


def message_item(m: rx.Var) -> rx.Component:
    return rx.el.li(
        rx.el.p(
            rx.el.span(m.author, class_name="font-semibold"),
            " — ",
            rx.el.span(m.when, class_name="text-slate-700"),
        ),
        rx.el.p(m.body, class_name="mt-1 whitespace-pre-line [overflow-wrap:anywhere] text-slate-900"),
        class_name=rx.cond(
            m.from_adviser,
            "mb-3 rounded-md border-l-4 border-blue-800 bg-blue-50 p-3",
            "mb-3 rounded-md border-l-4 border-slate-500 bg-slate-50 p-3",
        ),
    )


def message_list(items: rx.Var) -> rx.Component:
    return rx.el.ol(rx.foreach(items, message_item), id="messages-du-fil", class_name="mb-6")


def body_box(label: str, errors: rx.Var, hint: str = BODY_HINT) -> rx.Component:
    """A labelled textarea named « body »; its hint and its error are tied to it (aria-describedby)."""
    error = errors.get("body", "")
    return rx.el.div(
        rx.el.label(label, html_for="body", class_name="mb-1 block font-semibold text-slate-900"),
        rx.el.p(hint, id="body-aide", class_name="mb-2 text-sm text-slate-700"),
        rx.el.textarea(
            id="body",
            name="body",
            rows=6,
            max_length=messages.BODY_MAX,
            required=True,
            aria_invalid=rx.cond(error != "", "true", "false"),
            aria_describedby=rx.cond(error != "", "body-aide body-erreur", "body-aide"),
            class_name=ui.INPUT_CLASS,
        ),
        ui.error_text(error, "body-erreur"),
        class_name="mb-5",
    )


# --- the page's state --------------------------------------------------------------------------------


class MessagesState(rx.State):
    loaded: bool = False
    busy: bool = False
    threads: list[messages.ThreadLine] = []
    files: list[dict[str, str]] = []
    errors: dict[str, str] = {}
    form_key: int = 0  # a new key empties the form after a message is sent

    async def _reload(self) -> None:
        self.threads = await road.act(self, messages.threads)
        choices = await road.act(self, messages.file_choices)
        self.files = [{"id": c.reference, "label": c.label} for c in choices]
        (await self.get_state(SessionState))._signed_in("member")
        self.loaded = True

    @road.handler()
    async def load(self):
        self.loaded, self.errors = False, {}
        await self._reload()

    @road.handler(FIELDS, busy=True)
    async def send(self, form_data: dict):
        self.errors = {}
        thread_id = await road.act(
            self,
            messages.start_thread,
            text(form_data, "subject", 400),
            text(form_data, "body", 20000),
            text(form_data, "file_reference", 40),
        )
        self.form_key += 1
        return rx.redirect(f"{THREAD_PATH}?id={thread_id}")


# --- the page ----------------------------------------------------------------------------------------


def thread_line(t: rx.Var) -> rx.Component:
    return rx.el.li(
        rx.el.a(
            t.subject, href=THREAD_PATH + "?id=" + t.thread_id.to(str), class_name=ui.LINK_CLASS + " font-semibold"
        ),
        rx.cond(
            t.unread > 0,
            rx.el.span(
                " — ",
                rx.cond(t.unread > 1, t.unread.to(str) + " nouveaux messages", "1 nouveau message"),
                class_name="font-semibold text-blue-900",
            ),
        ),
        rx.el.p(
            rx.cond(t.file_reference != "", "Dossier " + t.file_reference + " · ", ""),
            "Dernier message le ",
            t.last_message,
            class_name="text-sm text-slate-700",
        ),
        class_name="border-b border-slate-200 py-3",
    )


def new_message_form() -> rx.Component:
    errors = MessagesState.errors
    return rx.el.form(
        rx.el.h2(NEW_HEADING, class_name="mb-3 text-xl font-semibold"),
        ui.field(SUBJECT_LABEL, "subject", errors, hint=SUBJECT_HINT, max_length=messages.SUBJECT_MAX),
        ui.select_field(FILE_LABEL, "file_reference", errors, MessagesState.files, placeholder=messages.GENERAL),
        body_box(BODY_LABEL, errors),
        ui.submit_button(SEND, MessagesState.busy, SENDING),
        key=MessagesState.form_key,
        id="nouveau-message",
        on_submit=MessagesState.send,
        class_name="max-w-xl rounded-md border border-slate-300 p-4",
    )


def messages_page() -> rx.Component:
    return ui.page(
        TITLE,
        rx.cond(
            MessagesState.loaded,
            rx.fragment(
                member_nav(),
                rx.el.p(INTRO, class_name="mb-6"),
                rx.el.section(
                    rx.el.h2("Mes conversations", class_name="mb-3 text-xl font-semibold"),
                    rx.cond(
                        MessagesState.threads.length() > 0,
                        rx.el.ul(rx.foreach(MessagesState.threads, thread_line), id="conversations"),
                        rx.el.p(NONE_YET, class_name="text-slate-800"),
                    ),
                    class_name="mb-8",
                ),
                new_message_form(),
            ),
            ui.loading(),
        ),
    )
