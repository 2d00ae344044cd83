"""The portal's closed vocabularies: every status, kind and role a column may hold, in one place.

Each is a `StrEnum`: a member is its word (`TripStatus.CANCELLED == "cancelled"`), so rows, forms and
tests keep using plain strings. The tables declare a CHECK constraint from each (see `one_of`), and
migration 0006 adds the same constraints: the database refuses any other word. Adding a word means a
member here and a migration replacing the constraint. Labels shown to people stay in the domain.
Lives under `db` because the tables use it; the domain imports it from here.
"""

from __future__ import annotations

from enum import StrEnum

import sqlalchemy as sa


class ContractStatus(StrEnum):
    ACTIVE = "active"


class Relation(StrEnum):
    """A beneficiary's link to the contract (the `lien` column of the insurers' files)."""

    ADHERENT = "adherent"
    CONJOINT = "conjoint"
    ENFANT = "enfant"
    AUTRE = "autre"


class Role(StrEnum):
    """Account.role."""

    MEMBER = "member"
    ADVISER = "adviser"


class ActorRole(StrEnum):
    """AuditEvent.actor_role: an account's role, nobody logged in, or the operator's command line."""

    ANONYMOUS = "anonymous"
    MEMBER = "member"
    ADVISER = "adviser"
    OPERATOR = "operator"


class TokenPurpose(StrEnum):
    """EmailToken.purpose: what the link sent by e-mail is for."""

    CONFIRM_EMAIL = "confirm_email"
    CHANGE_EMAIL = "change_email"
    RESET_PASSWORD = "reset_password"
    LOGIN_GRANT = "login_grant"  # not e-mailed: exchanged at once for the session cookie (domain.auth)


class ChallengePurpose(StrEnum):
    """WebAuthnChallenge.purpose: which passkey ceremony the challenge was made for."""

    REGISTER = "register"  # adding a passkey (Mon compte, /conseiller/compte)
    LOGIN = "login"  # a member's login without password (/connexion)
    SECOND_FACTOR = "second_factor"  # an adviser's second factor (/connexion/verification)


class EventType(StrEnum):
    """AssistanceFile.event_type: what happened to the beneficiary."""

    HOSPITALISATION = "hospitalisation"
    IMMOBILISATION = "immobilisation"
    MATERNITE = "maternite"
    AUTRE = "autre"


class FileStatus(StrEnum):
    """AssistanceFile.status."""

    OPEN = "open"
    CLOSED = "closed"


class Unit(StrEnum):
    """Entitlement.unit: euros are stored in cents."""

    TRAJETS = "trajets"
    HEURES = "heures"
    JOURS = "jours"
    EUROS = "euros"


class AddressKind(StrEnum):
    DOMICILE = "domicile"
    ECOLE_PRIMAIRE = "ecole_primaire"
    COLLEGE = "college"
    LYCEE = "lycee"
    AUTRE = "autre"


class Direction(StrEnum):
    """Trip.direction: aller is home → school, retour school → home."""

    ALLER = "aller"
    RETOUR = "retour"


class TripStatus(StrEnum):
    PLANNED = "planned"
    CONFIRMED = "confirmed"
    DONE = "done"
    NOT_DONE = "not_done"
    CANCELLED = "cancelled"


class ClaimStatus(StrEnum):
    """Claim.status and ClaimEvent.status (each step of the claim's timeline)."""

    SUBMITTED = "submitted"
    IN_PROGRESS = "in_progress"
    DOCUMENTS_REQUESTED = "documents_requested"
    ACCEPTED = "accepted"
    REFUSED = "refused"
    PAID = "paid"


class CallbackSubject(StrEnum):
    """CallbackRequest.subject: what the member wants to talk about (« Être rappelé »)."""

    TRAJETS = "trajets"
    REMBOURSEMENT = "remboursement"
    DOSSIER = "dossier"
    COMPTE = "compte"
    AUTRE = "autre"


class CallbackStatus(StrEnum):
    """CallbackRequest.status: open until the member cancels it or an adviser marks it done."""

    OPEN = "open"
    CANCELLED = "cancelled"
    DONE = "done"


class CallbackOutcome(StrEnum):
    """CallbackRequest.outcome, set with « done »: the member was called back, or could not be reached."""

    CALLED = "called"
    UNREACHABLE = "unreachable"


class MessageAuthor(StrEnum):
    """Message.author_role: who wrote a message of a thread (the member, or an adviser of the platform)."""

    MEMBER = "member"
    ADVISER = "adviser"


class DocumentKind(StrEnum):
    """The kind of document a member says a claim's file is (not stored: only invoices are accepted)."""

    FACTURE = "facture"
    DEVIS = "devis"


def one_of(column: str, vocabulary: type[StrEnum], name: str) -> sa.CheckConstraint:
    """CHECK (column IN ('a', 'b', …)), named: the database refuses any word outside the vocabulary."""
    return sa.CheckConstraint(condition(column, vocabulary), name=name)


def condition(column: str, vocabulary: type[StrEnum]) -> str:
    words = ", ".join(f"'{member.value}'" for member in vocabulary)
    return f"{column} IN ({words})"
