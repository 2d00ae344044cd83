"""Typed errors raised by the domain, each carrying a French message meant for a person."""

from __future__ import annotations


class DomainError(Exception):
    """Base class: `message` is shown to the person as it is."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class ValidationError(DomainError):
    """Bad input for one field (or several): nothing was changed."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.errors: dict[str, str] = {field: message}

    @classmethod
    def many(cls, errors: dict[str, str]) -> ValidationError:
        field, message = next(iter(errors.items()))
        error = cls(field, message)
        error.errors = dict(errors)
        return error


class NotAllowed(DomainError):
    """The acting account may not do this (not logged in, not the owner, wrong role)."""

    def __init__(self, message: str = "Vous n'avez pas accès à cette page. Veuillez vous connecter.") -> None:
        super().__init__(message)


class NotFound(DomainError):
    """The record does not exist, or the acting account may not know it exists."""

    def __init__(self, message: str = "Élément introuvable.") -> None:
        super().__init__(message)
