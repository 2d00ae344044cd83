"""The project's small set of components: page layout, labelled field with its error, buttons, notices.

Plain elements and Tailwind only (no Radix Themes): light pages for members on weak mobile signal.
"""

from __future__ import annotations

import reflex as rx

from portal_app.domain import platform
from portal_app.ui.session_state import SessionState

INPUT_CLASS = (
    "block w-full rounded-md border border-slate-500 bg-white px-3 py-3 text-base text-slate-900 "
    "focus:outline-none focus:ring-4 focus:ring-blue-300 focus:border-blue-800 "
    # A date's calendar button is focused inside the input (the input itself is then not :focus): ring it too.
    "focus-within:ring-4 focus-within:ring-blue-300 focus-within:border-blue-800 "
    "aria-[invalid=true]:border-red-700"
)
PRIMARY_BUTTON_CLASS = (
    "inline-flex w-full sm:w-auto justify-center items-center rounded-md bg-blue-800 px-5 py-3 text-base "
    "font-semibold text-white hover:bg-blue-900 focus:outline-none focus:ring-4 focus:ring-blue-300 "
    "disabled:opacity-60 cursor-pointer"
)
SECONDARY_BUTTON_CLASS = (
    "inline-flex w-full sm:w-auto justify-center items-center rounded-md border border-blue-800 bg-white px-5 py-3 "
    "text-base font-semibold text-blue-800 hover:bg-blue-50 focus:outline-none focus:ring-4 focus:ring-blue-300 "
    "cursor-pointer"
)
LINK_CLASS = "text-blue-800 underline underline-offset-2 hover:text-blue-950 focus:outline-none focus:ring-4 focus:ring-blue-300 rounded"


def link(text: str, href: str, **props) -> rx.Component:
    return rx.el.a(text, href=href, class_name=LINK_CLASS, **props)


def nav_link(text: str, href: str) -> rx.Component:
    return rx.el.a(
        text,
        href=href,
        class_name="px-3 py-2 rounded-md text-blue-800 font-medium hover:bg-blue-50 focus:outline-none focus:ring-4 focus:ring-blue-300",
    )


def header() -> rx.Component:
    return rx.el.header(
        rx.el.div(
            rx.el.a(
                "Espace Assistance",
                href="/",
                class_name="text-lg font-bold text-blue-900 focus:outline-none focus:ring-4 focus:ring-blue-300 rounded",
            ),
            rx.el.nav(
                rx.cond(
                    SessionState.is_logged_in,
                    rx.fragment(
                        rx.cond(
                            SessionState.role == "adviser",
                            nav_link("Espace conseiller", "/conseiller"),
                            nav_link("Mon Espace", "/mon-espace"),
                        ),
                        rx.el.button(
                            "Déconnexion",
                            type="button",
                            on_click=SessionState.log_out,
                            class_name="px-3 py-2 rounded-md text-blue-800 font-medium hover:bg-blue-50 focus:outline-none focus:ring-4 focus:ring-blue-300 cursor-pointer",
                        ),
                    ),
                    rx.fragment(
                        nav_link("Inscription", "/inscription"),
                        nav_link("Connexion", "/connexion"),
                    ),
                ),
                aria_label="Navigation principale",
                class_name="flex flex-wrap gap-1",
            ),
            class_name="mx-auto flex max-w-3xl flex-wrap items-center justify-between gap-2 px-4 py-3",
        ),
        class_name="border-b border-slate-200 bg-white print:hidden",
    )


OLD_BROWSER_SLOT_ID = "navigateur-ancien-place"
FOOTER_LINKS = (
    ("Questions fréquentes", "/faq"),
    ("Données personnelles", "/donnees-personnelles"),
    ("Cookies", "/cookies"),
    ("Navigateurs", "/navigateurs"),
    ("Mentions légales", "/mentions-legales"),
    ("Accessibilité : partiellement conforme", "/accessibilite"),
)


def call_link(**props) -> rx.Component:
    """« Appeler le 01 23 45 67 89 », a `tel:` link (the number comes from the settings, at build time)."""
    return rx.el.a(platform.call_text(), href=platform.phone_href(), class_name=LINK_CLASS + " font-semibold", **props)


def call_platform(lead: str = "Pour en parler avec un conseiller de la plateforme d'assistance : ") -> rx.Component:
    """Next to a message where a rule stops the member: the number to call and when."""
    return rx.el.span(
        " ",
        lead,
        call_link(),
        f" ({platform.hours_text()}).",
        class_name="call-platform",
    )


def footer() -> rx.Component:
    return rx.el.footer(
        rx.el.div(
            rx.cond(
                SessionState.is_logged_in & (SessionState.role == "member"),
                rx.el.p(
                    "Plateforme d'assistance : ",
                    call_link(),
                    f", {platform.hours_text()}.",
                    id="contact-plateforme",
                    class_name="mb-3",
                ),
            ),
            rx.el.nav(
                rx.el.ul(
                    *[rx.el.li(link(text, href), class_name="py-1") for text, href in FOOTER_LINKS],
                    class_name="flex flex-wrap gap-x-5 gap-y-1",
                ),
                aria_label="Informations",
                class_name="mb-3",
            ),
            rx.el.p("Espace Assistance — le portail de vos garanties d'assistance santé."),
            class_name="mx-auto max-w-3xl px-4 py-6 text-sm text-slate-700",
        ),
        class_name="border-t border-slate-200 bg-slate-50 mt-10 print:hidden",
    )


def page(title: str, *children: rx.Component, wide: bool = False) -> rx.Component:
    """A whole page: skip link, header, one <main> with the page's <h1>, footer.

    `wide`: the back-office's tables (the run sheet) use the width of a 1280 px screen instead of a column
    of text, so that no action button is pushed out of view.
    """
    return rx.el.div(
        rx.el.a(
            "Aller au contenu",
            href="#contenu",
            # The browser scrolls to #contenu but leaves the focus on the link: move it into the content.
            on_click=rx.call_script("document.getElementById('contenu')?.focus()"),
            class_name="sr-only focus:not-sr-only focus:absolute focus:left-2 focus:top-2 focus:z-50 focus:bg-white focus:p-2 print:hidden",
        ),
        rx.html("", id=OLD_BROWSER_SLOT_ID),  # the old-browser banner (info_pages.OLD_BROWSER_SCRIPT) goes here
        header(),
        rx.el.main(
            rx.el.h1(title, class_name="mb-6 text-2xl font-bold text-slate-900 sm:text-3xl"),
            *children,
            id="contenu",
            tab_index=-1,  # the skip link moves the focus here (not only the scroll position)
            class_name="mx-auto w-full flex-1 px-4 py-6 focus:outline-none " + ("max-w-7xl" if wide else "max-w-3xl"),
        ),
        footer(),
        class_name="flex min-h-screen flex-col bg-white text-slate-900 antialiased",
    )


def field(
    label: str,
    name: str,
    errors: rx.Var,
    input_type: str = "text",
    autocomplete: str = "off",
    hint: str | rx.Component | None = None,
    default_value: rx.Var | str | None = None,
    required: bool = True,
    **input_props,
) -> rx.Component:
    """A labelled input; its hint and its error are tied to it with aria-describedby."""
    error = errors.get(name, "")
    has_error = error != ""
    hint_id = f"{name}-aide"
    error_id = f"{name}-erreur"
    described_by = rx.cond(has_error, f"{hint_id} {error_id}" if hint else error_id, hint_id if hint else "")
    props = dict(input_props)
    if default_value is not None:
        props["default_value"] = default_value
    return rx.el.div(
        rx.el.label(label, html_for=name, class_name="mb-1 block font-semibold text-slate-900"),
        rx.el.p(hint, id=hint_id, class_name="mb-2 text-sm text-slate-700") if hint else rx.fragment(),
        rx.el.input(
            id=name,
            name=name,
            type=input_type,
            auto_complete=autocomplete,
            required=required,
            aria_invalid=rx.cond(has_error, "true", "false"),
            aria_describedby=described_by,
            class_name=INPUT_CLASS,
            **props,
        ),
        error_text(error, error_id),
        class_name="mb-5",
    )


def select_field(
    label: str,
    name: str,
    errors: rx.Var,
    options: list[tuple[str, str]] | rx.Var,
    hint: str | None = None,
    placeholder: str | None = None,
    default_value: rx.Var | str | None = None,
    **select_props,
) -> rx.Component:
    """A labelled <select>; `options` are (value, text) pairs or a Var of {"id", "label"} dicts."""
    error = errors.get(name, "")
    has_error = error != ""
    hint_id = f"{name}-aide"
    error_id = f"{name}-erreur"
    described_by = rx.cond(has_error, f"{hint_id} {error_id}" if hint else error_id, hint_id if hint else "")
    if isinstance(options, rx.Var):
        choices = [rx.foreach(options, lambda o: rx.el.option(o["label"], value=o["id"]))]
    else:
        choices = [rx.el.option(text, value=value) for value, text in options]
    if placeholder is not None:
        choices.insert(0, rx.el.option(placeholder, value=""))
    props = dict(select_props)
    if default_value is not None:
        props["default_value"] = default_value
    return rx.el.div(
        rx.el.label(label, html_for=name, class_name="mb-1 block font-semibold text-slate-900"),
        rx.el.p(hint, id=hint_id, class_name="mb-2 text-sm text-slate-700") if hint else rx.fragment(),
        rx.el.select(
            *choices,
            id=name,
            name=name,
            aria_invalid=rx.cond(has_error, "true", "false"),
            aria_describedby=described_by,
            class_name=INPUT_CLASS,
            **props,
        ),
        error_text(error, error_id),
        class_name="mb-5",
    )


def error_text(error: rx.Var, error_id: str) -> rx.Component:
    return rx.el.p(
        rx.cond(error != "", error, ""),
        id=error_id,
        role="alert",
        class_name=rx.cond(error != "", "mt-2 text-sm font-medium text-red-700", "hidden"),
    )


def checkbox(label: str | rx.Component, name: str, errors: rx.Var) -> rx.Component:
    error = errors.get(name, "")
    return rx.el.div(
        rx.el.div(
            rx.el.input(
                id=name,
                name=name,
                type="checkbox",
                aria_invalid=rx.cond(error != "", "true", "false"),
                aria_describedby=f"{name}-erreur",
                class_name="mt-1 h-6 w-6 shrink-0 accent-blue-800",
            ),
            rx.el.label(label, html_for=name, class_name="text-slate-900"),
            class_name="flex items-start gap-3",
        ),
        error_text(error, f"{name}-erreur"),
        class_name="mb-5",
    )


def submit_button(text: str, busy: rx.Var | bool = False, busy_text: str = "Veuillez patienter…") -> rx.Component:
    return rx.el.button(
        rx.cond(busy, busy_text, text),
        type="submit",
        disabled=busy,
        aria_busy=rx.cond(busy, "true", "false"),
        class_name=PRIMARY_BUTTON_CLASS,
    )


def notice(message: rx.Var | str, kind: str = "info", **props) -> rx.Component:
    """A message for the whole form (success or refusal), announced to screen readers."""
    colours = {
        "info": "border-blue-800 bg-blue-50 text-blue-950",
        "success": "border-green-800 bg-green-50 text-green-950",
        "error": "border-red-700 bg-red-50 text-red-900",
    }[kind]
    return rx.el.div(
        message,
        role="alert" if kind == "error" else "status",
        class_name=f"mb-6 rounded-md border-l-4 p-4 [overflow-wrap:anywhere] {colours}",
        **props,
    )


def definition(term: str, value: rx.Var | str) -> rx.Component:
    return rx.el.div(
        rx.el.dt(term, class_name="font-semibold text-slate-700"),
        rx.el.dd(value, class_name="mb-3 text-slate-900"),
    )


def loading() -> rx.Component:
    return rx.el.p("Chargement…", role="status", class_name="text-slate-700")


def scroll_region(child: rx.Component, label: str | rx.Var, **props) -> rx.Component:
    """A wide table's horizontal scroller, reachable and named: the keyboard can focus it to scroll it."""
    return rx.el.div(
        child,
        role="region",
        aria_label=label,
        tab_index=0,
        class_name="overflow-x-auto rounded focus:outline-none focus:ring-4 focus:ring-blue-300 "
        + props.pop("class_name", ""),
        **props,
    )


def hide_file_input(upload: rx.Component) -> rx.Component:
    """Keep the file input react-dropzone draws inside rx.upload.root out of the accessibility tree.

    It is visually hidden and out of the tab order: the upload's visible button is the one control, reached
    with Tab and opening the file chooser with Enter or Space. Left exposed, the input is an unlabelled
    form field (axe « label ») or, once labelled, a second « button » of the same name for screen readers.
    """

    def visit(component: rx.Component) -> bool:
        if getattr(component, "tag", "") == "input" and str(getattr(component, "type", "")).strip("\"'") == "file":
            component.custom_attrs = {**component.custom_attrs, "aria-hidden": "true"}
            return True
        return any(visit(c) for c in getattr(component, "children", []))

    if not visit(upload):
        raise ValueError("no file input in this upload component")
    return upload


def checkbox_group(
    legend: str,
    name: str,
    errors: rx.Var,
    items: list[tuple[str, str]],
    inline: bool = False,
    default_checked: bool = True,
    **input_props,
) -> rx.Component:
    """Checkboxes under one legend, the group's error below it; `items` are (input name, text) pairs.

    The fieldset carries the id `name` and is focusable, so that the focus can go to the group in error.
    """
    return rx.el.fieldset(
        rx.el.legend(legend, class_name="mb-1 font-semibold text-slate-900"),
        rx.el.div(
            *[
                rx.el.div(
                    rx.el.input(
                        id=item_name,
                        name=item_name,
                        type="checkbox",
                        default_checked=default_checked,
                        class_name="mt-1 h-6 w-6 shrink-0 accent-blue-800",
                        **input_props,
                    ),
                    rx.el.label(text, html_for=item_name, class_name="text-slate-900"),
                    class_name="flex items-start gap-3 py-1",
                )
                for item_name, text in items
            ],
            class_name="flex flex-wrap gap-x-6" if inline else "",
        ),
        error_text(errors.get(name, ""), f"{name}-erreur"),
        id=name,
        tab_index=-1,
        aria_describedby=f"{name}-erreur",
        class_name="mb-5",
    )


def confirm_box(
    question: rx.Component | rx.Var | str,
    confirm_text: str,
    on_confirm: rx.EventHandler | rx.event.EventSpec,
    keep_text: str,
    on_keep: rx.EventHandler | rx.event.EventSpec,
    **props,
) -> rx.Component:
    """An inline « are you sure? » in place of a row's buttons: the question, then confirm and keep."""
    return rx.el.div(
        rx.el.p(question, class_name="mb-2 font-semibold"),
        rx.el.div(
            rx.el.button(confirm_text, type="button", on_click=on_confirm, class_name=PRIMARY_BUTTON_CLASS),
            rx.el.button(keep_text, type="button", on_click=on_keep, class_name=SECONDARY_BUTTON_CLASS),
            class_name="flex flex-col gap-3 sm:flex-row",
        ),
        **props,
    )
