"""Builders shared by the domain tests: insurers' contract files, members, and the links of queued mail."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from sqlmodel import select

from portal_app.db.engine import session_scope
from portal_app.db.models import Account, OutgoingMail
from portal_app.domain import account, actors, auth, rate_limits, registration, tokens
from portal_app.domain.contracts import ImportReport, import_contract_file

HEADER = "numero_adherent;assureur;offre;debut;fin;lien;nom;prenom;date_naissance"

# Strong enough for every rule; none contains a name of the test contracts.
PASSWORD = "Pivoine-Orage-93"
NEW_PASSWORD = "Cerisier-Lagune-57"

# The FAQ's sentence, typed here rather than imported: the test must catch a change of wording.
FAQ_NO_ACCESS = (
    "Veuillez vous assurer que vous avez souscrit à une offre vous donnant l'accès au service, et que cette "
    "offre est en cours de validité. Le cas échéant, rapprochez-vous de votre conseiller."
)
FAQ_PASSWORD_RULE = (
    "Le mot de passe doit contenir au minimum 8 caractères dont au moins une majuscule, une minuscule et un chiffre."
)
FAQ_PHONE_RULE = "Le numéro doit être au format 06 xx xx xx xx ou 07 xx xx xx xx."


@dataclass(frozen=True)
class ContractSpec:
    """One contract of an insurer's file; `people` are (lien, nom, prenom, date_naissance)."""

    number: str
    people: tuple[tuple[str, str, str, str], ...]
    insurer: str = "Mutuelle Horizon"
    offer: str = "ASSISTANCE_PLUS"
    start: str = "2020-01-01"
    end: str = ""
    email: str = ""
    phone: str = "06 12 34 56 78"

    @property
    def last_name(self) -> str:
        return next(p[1] for p in self.people if p[0] == "adherent")

    @property
    def first_name(self) -> str:
        return next(p[2] for p in self.people if p[0] == "adherent")

    def but(self, **changes) -> ContractSpec:
        return replace(self, **changes)

    def lines(self, **changes) -> list[str]:
        spec = replace(self, **changes)
        return [
            ";".join([spec.number, spec.insurer, spec.offer, spec.start, spec.end, *person]) for person in spec.people
        ]


CLAIRE = ContractSpec(
    number="AB 123 456",
    people=(
        ("adherent", "Martin", "Claire", "1984-03-12"),
        ("conjoint", "Martin", "Julien", "1982-07-30"),
        ("enfant", "Martin", "Léa", "2015-09-04"),
        ("enfant", "Martin", "Hugo", "2018-05-21"),
    ),
    email="claire.martin@example.fr",
)
PAUL = ContractSpec(
    number="XY-987-654",
    people=(("adherent", "Durand", "Paul", "1979-01-15"), ("enfant", "Durand", "Zoé", "2014-02-02")),
    insurer="Assurances du Littoral",
    email="paul.durand@example.fr",
    phone="07 51 23 45 67",
)


@dataclass(frozen=True)
class Member:
    contract: ContractSpec
    email: str
    password: str
    token: actors.Actor | str  # the logged-in member as the domain takes it, "" when not logged in


def csv_file(*lines: str, header: str = HEADER, bom: bool = False) -> bytes:
    data = ("\n".join([header, *lines]) + "\n").encode("utf-8")
    return b"\xef\xbb\xbf" + data if bom else data


def import_ok(*lines: str) -> ImportReport:
    report = import_contract_file(csv_file(*lines))
    assert report.ok, report.errors
    return report


def all_rows(model, *conditions) -> list:
    with session_scope() as session:
        return list(session.exec(select(model).where(*conditions).order_by(model.id)).all())


def count(model, *conditions) -> int:
    return len(all_rows(model, *conditions))


def account_of(email: str) -> Account:
    with session_scope() as session:
        return session.exec(select(Account).where(Account.email == email.lower())).one()


def mails_to(recipient: str) -> list[OutgoingMail]:
    return all_rows(OutgoingMail, OutgoingMail.recipient == recipient)


def link_token(recipient: str, path: str) -> str:
    """The token of the newest queued mail to `recipient` carrying a link to `path`."""
    pattern = re.compile(re.escape(path) + r"\?token=([A-Za-z0-9_\-]+)")
    for mail in reversed(mails_to(recipient)):
        found = pattern.search(mail.body or "")
        if found:
            return found.group(1)
    raise AssertionError(f"no mail to {recipient} with a link to {path}")


def register(
    spec: ContractSpec,
    *,
    email: str | None = None,
    phone: str | None = None,
    password: str = PASSWORD,
    confirmation: str | None = None,
    terms: bool = True,
) -> str:
    return registration.register_account(
        spec.number,
        spec.first_name,
        spec.last_name,
        spec.email if email is None else email,
        spec.phone if phone is None else phone,
        password,
        password if confirmation is None else confirmation,
        terms,
    )


def confirm(email: str) -> str:
    return account.confirm_email_link(tokens.digest(link_token(email, "/confirmation-email")))


def login_token(email: str, password: str = PASSWORD) -> str:
    """The session cookie's secret, as the HTTP route gives it in exchange for the login's grant."""
    return auth.open_session(auth.login(email, password).grant).session_token


def actor_of(session_token: str) -> actors.Actor:
    """What the road resolves for a request carrying this session cookie."""
    return actors.resolve(tokens.digest(session_token))


def login(email: str, password: str = PASSWORD) -> actors.Actor:
    """A logged-in member: the actor the domain's actions take."""
    return actor_of(login_token(email, password))


def brake_failures(email: str) -> int:
    """Failed logins the brake holds for this address (in the configured store)."""
    counted = rate_limits.store().peek(rate_limits.key(rate_limits.LOGIN_BRAKE.name, email))
    return counted.hits if counted else 0
