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
