"""Small helpers shared by form states: read a submitted form, focus the first field in error."""

from __future__ import annotations

import json

import reflex as rx

from portal_app.domain.errors import ValidationError


def text(form_data: dict, name: str, limit: int = 300) -> str:
    """A submitted value as a string, cut at a sane length (any event can carry anything)."""
    value = form_data.get(name, "")
    if not isinstance(value, str):
        value = ""
    return value[:limit]


def checked(form_data: dict, name: str) -> bool:
    return form_data.get(name) in ("on", True, "true")


def focus_first_error(error: ValidationError, order: list[str]) -> rx.event.EventSpec:
    """After an error, focus goes to the first field in error (in the order of the form)."""
    fields = [name for name in order if name in error.errors] or list(error.errors)
    target = json.dumps(fields[0])
    return rx.call_script(f"document.getElementById({target})?.focus()")


# The first error message drawn (in the order of the page), then its field: the element whose id is the
# message's without « -erreur », else the one it describes (a radio of a group). Tried for a moment, as the
# messages appear once React has drawn the new state.
_FOCUS_FIRST_SHOWN_ERROR = """(() => { let tries = 0; const attempt = () => {
    const shown = [...document.querySelectorAll('[id$="-erreur"]')].find(
        (e) => e.textContent.trim() !== '' && e.offsetParent !== null);
    if (!shown) { if (++tries < 20) setTimeout(attempt, 50); return; }
    const errorId = shown.id, fieldId = errorId.slice(0, -'-erreur'.length);
    const field = document.getElementById(fieldId)
        || document.querySelector(`[aria-describedby~="${CSS.escape(errorId)}"]`);
    field?.focus();
}; attempt(); })()"""


def focus_first_shown_error() -> rx.event.EventSpec:
    """After an error, focus goes to the first field in error as the page shows it (forms whose handler does
    not know the order of its fields: the open-file form, whose services come from the database)."""
    return rx.call_script(_FOCUS_FIRST_SHOWN_ERROR)


def focus_when_shown(element_id: str) -> rx.event.EventSpec:
    """Focus an element the new state is about to draw (a notice): tried for a moment until it exists."""
    target = json.dumps(element_id)
    return rx.call_script(
        "(() => { let tries = 0; const attempt = () => { const el = document.getElementById("
        f"{target}); if (el) el.focus(); else if (++tries < 20) setTimeout(attempt, 50); }}; attempt(); }})()"
    )
