"""French mobile numbers (PRODUCT.md rule 2), parsed with the `phonenumbers` library."""

from __future__ import annotations

import phonenumbers

from portal_app.domain.errors import ValidationError

PHONE_RULE = "Le numéro doit être au format 06 xx xx xx xx ou 07 xx xx xx xx."


def normalize_mobile(raw: str, field: str = "phone") -> str:
    """What the member typed (« 06.12.34.56.78 », « +33 6 12 34 56 78 »…) → E.164 « +33612345678 »."""
    text = (raw or "").strip()
    if not text:
        raise ValidationError(field, "Veuillez indiquer votre numéro de téléphone mobile. " + PHONE_RULE)
    try:
        number = phonenumbers.parse(text, "FR")
    except phonenumbers.NumberParseException:
        raise ValidationError(field, PHONE_RULE) from None
    national = str(number.national_number)
    if (
        number.country_code != 33
        or not phonenumbers.is_valid_number(number)
        or phonenumbers.number_type(number) != phonenumbers.PhoneNumberType.MOBILE
        or national[:1] not in {"6", "7"}
    ):
        raise ValidationError(field, PHONE_RULE)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def display_mobile(e164: str | None) -> str:
    """« +33612345678 » → « 06 12 34 56 78 »."""
    if not e164:
        return ""
    number = phonenumbers.parse(e164, "FR")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)
