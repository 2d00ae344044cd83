"""How a member reaches the assistance platform: its phone number (a `tel:` link) and its opening hours.

Both come from the settings (PORTAL_ASSISTANCE_PHONE, PORTAL_ASSISTANCE_HOURS) and are written the same way
on every page that shows them: « Appeler le 01 23 45 67 89 », « du lundi au vendredi (hors jours fériés),
de 9 h à 18 h ». The hours also bound the slots a member may choose for a callback (domain.callbacks).
"""

from __future__ import annotations

from dataclasses import dataclass

import phonenumbers

from portal_app import settings


def phone_display() -> str:
    """The platform's number as people read it (« 01 23 45 67 89 »), whatever way it was configured."""
    try:
        number = phonenumbers.parse(settings.ASSISTANCE_PHONE, "FR")
    except phonenumbers.NumberParseException:
        return settings.ASSISTANCE_PHONE
    if number.country_code == 33:
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


def phone_href() -> str:
    """The `tel:` address of the number (E.164): a phone dials it from any country."""
    try:
        number = phonenumbers.parse(settings.ASSISTANCE_PHONE, "FR")
        return "tel:" + phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    except phonenumbers.NumberParseException:
        return "tel:" + "".join(c for c in settings.ASSISTANCE_PHONE if c.isdigit() or c == "+")


def call_text() -> str:
    """The link's words: « Appeler le 01 23 45 67 89 »."""
    return f"Appeler le {phone_display()}"


def clock_time(minutes: int) -> str:
    """« 9 h », « 18 h 30 »: how French people write an opening hour."""
    hours, rest = divmod(minutes, 60)
    return f"{hours} h" if rest == 0 else f"{hours} h {rest:02d}"


def hours_text() -> str:
    """« du lundi au vendredi (hors jours fériés), de 9 h à 18 h »."""
    opening, closing = settings.assistance_hours()
    return f"du lundi au vendredi (hors jours fériés), de {clock_time(opening)} à {clock_time(closing)}"


@dataclass(frozen=True)
class Contact:
    """What a page shows to reach the platform."""

    call_text: str
    href: str
    hours: str


def contact() -> Contact:
    return Contact(call_text(), phone_href(), hours_text())
