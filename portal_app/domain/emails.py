"""E-mail addresses: validated with `email-validator`, compared and stored lower-case."""

from __future__ import annotations

from email_validator import EmailNotValidError, validate_email

from portal_app.domain.errors import ValidationError


def normalize_email(raw: str, field: str = "email") -> str:
    """A syntactically valid address, lower-cased. No DNS lookup: the confirmation link proves it."""
    text = (raw or "").strip()
    if not text:
        raise ValidationError(field, "Veuillez indiquer votre adresse e-mail.")
    try:
        result = validate_email(text, check_deliverability=False)
    except EmailNotValidError:
        raise ValidationError(
            field, "Cette adresse e-mail n'est pas valide (exemple : prenom.nom@exemple.fr)."
        ) from None
    return result.normalized.lower()
