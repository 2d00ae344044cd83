"""Importing insurers' contract files: all or nothing, idempotent, every bad line reported."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from datetime import date

from sqlmodel import Session, select

from portal_app.db.engine import session_scope
from portal_app.db.models import AssistanceFile, Beneficiary, Contract, Insurer, Offer, Trip
from portal_app.db.vocabulary import ContractStatus, Relation
from portal_app.domain.clock import today_in_paris
from portal_app.domain.formatting import counted
from portal_app.domain.offers import sync_offers
from portal_app.domain.text import fold_name, member_number_key

HEADER = ["numero_adherent", "assureur", "offre", "debut", "fin", "lien", "nom", "prenom", "date_naissance"]
RELATIONS = tuple(Relation)
_MEMBER_NUMBER_KEY = re.compile(r"^[A-Z0-9]{1,64}$")


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[tuple[int, str]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def summary(self) -> str:
        created = counted(self.created, "contrat créé", "contrats créés")
        return f"{created}, {self.updated} mis à jour, {counted(self.unchanged, 'inchangé')}"


@dataclass
class _Person:
    line: int
    relation: str
    last_name: str
    first_name: str
    birth_date: date


@dataclass
class _ContractRows:
    insurer: str
    member_number: str
    offer: str
    valid_from: date
    valid_to: date | None
    first_line: int
    people: list[_Person] = field(default_factory=list)


def _parse_date(value: str) -> date | None:
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


def _insurer_code(name: str) -> str:
    return re.sub(r"[^A-Z0-9]+", "_", fold_name(name).upper()).strip("_")[:64]


def parse_contract_file(
    content: bytes, known_offers: set[str], today: date
) -> tuple[list[_ContractRows], list[tuple[int, str]]]:
    """Checks every line; returns the contracts found and the list of (line number, reason)."""
    errors: list[tuple[int, str]] = []
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = content[: exc.start].count(b"\n") + 1
        return [], [(line, "le fichier doit être encodé en UTF-8")]
    lines = text.splitlines()
    if not lines:
        return [], [(1, "le fichier est vide")]
    reader = csv.reader(io.StringIO(text), delimiter=";")
    header = next(reader)
    if [h.strip() for h in header] != HEADER:
        return [], [(1, "en-tête attendu : " + ";".join(HEADER))]
    contracts: dict[tuple[str, str], _ContractRows] = {}
    for row in reader:
        line = reader.line_num
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(HEADER):
            errors.append((line, f"{len(row)} colonnes au lieu de {len(HEADER)}"))
            continue
        values = dict(zip(HEADER, (cell.strip() for cell in row), strict=True))
        problems = []
        key = member_number_key(values["numero_adherent"])
        if not _MEMBER_NUMBER_KEY.fullmatch(key):
            problems.append("numero_adherent vide ou invalide (lettres et chiffres seulement)")
        if not values["assureur"]:
            problems.append("assureur manquant")
        if values["offre"] not in known_offers:
            problems.append(f"offre inconnue « {values['offre']} »")
        valid_from = _parse_date(values["debut"])
        if valid_from is None:
            problems.append("debut n'est pas une date AAAA-MM-JJ")
        valid_to = None
        if values["fin"]:
            valid_to = _parse_date(values["fin"])
            if valid_to is None:
                problems.append("fin n'est pas une date AAAA-MM-JJ")
            elif valid_from is not None and valid_to < valid_from:
                problems.append("fin est avant debut")
        if values["lien"] not in RELATIONS:
            problems.append(f"lien « {values['lien']} » inconnu (attendu : {', '.join(RELATIONS)})")
        if not values["nom"]:
            problems.append("nom manquant")
        if not values["prenom"]:
            problems.append("prenom manquant")
        birth = _parse_date(values["date_naissance"])
        if birth is None:
            problems.append("date_naissance n'est pas une date AAAA-MM-JJ")
        elif birth > today:
            problems.append("date_naissance dans le futur")
        if problems:
            errors.append((line, "; ".join(problems)))
            continue
        group_key = (_insurer_code(values["assureur"]), key)
        group = contracts.get(group_key)
        if group is None:
            group = contracts[group_key] = _ContractRows(
                values["assureur"], values["numero_adherent"], values["offre"], valid_from, valid_to, line
            )
        elif (group.offer, group.valid_from, group.valid_to) != (values["offre"], valid_from, valid_to):
            errors.append(
                (line, f"offre ou dates différentes des autres lignes du contrat {values['numero_adherent']}")
            )
            continue
        person = _Person(line, values["lien"], values["nom"], values["prenom"], birth)
        identity = (fold_name(person.last_name), fold_name(person.first_name), person.birth_date)
        if any((fold_name(p.last_name), fold_name(p.first_name), p.birth_date) == identity for p in group.people):
            errors.append((line, "personne en double dans le contrat"))
            continue
        if person.relation == Relation.ADHERENT and any(p.relation == Relation.ADHERENT for p in group.people):
            errors.append((line, f"deuxième ligne « adherent » pour le contrat {values['numero_adherent']}"))
            continue
        group.people.append(person)
    for group in contracts.values():
        if not any(p.relation == Relation.ADHERENT for p in group.people):
            errors.append((group.first_line, f"le contrat {group.member_number} n'a pas de ligne « adherent »"))
    errors.sort()
    return list(contracts.values()), errors


def _apply(session: Session, rows: _ContractRows, offers: dict[str, Offer], report: ImportReport) -> None:
    code = _insurer_code(rows.insurer)
    insurer = session.exec(select(Insurer).where(Insurer.code == code)).first()
    if insurer is None:
        insurer = Insurer(code=code, name=rows.insurer)
        session.add(insurer)
        session.flush()
    holder = next(p for p in rows.people if p.relation == Relation.ADHERENT)
    key = member_number_key(rows.member_number)
    wanted = {
        "offer_id": offers[rows.offer].id,
        "member_number": rows.member_number,
        "holder_first_name": holder.first_name,
        "holder_last_name": holder.last_name,
        "valid_from": rows.valid_from,
        "valid_to": rows.valid_to,
        "status": ContractStatus.ACTIVE,
    }
    contract = session.exec(
        select(Contract).where(Contract.insurer_id == insurer.id, Contract.member_number_key == key)
    ).first()
    changed = False
    if contract is None:
        contract = Contract(insurer_id=insurer.id, member_number_key=key, **wanted)
        session.add(contract)
        session.flush()
        report.created += 1
        created = True
    else:
        created = False
        for name, value in wanted.items():
            if getattr(contract, name) != value:
                setattr(contract, name, value)
                changed = True
        if changed:
            session.add(contract)
    existing = session.exec(select(Beneficiary).where(Beneficiary.contract_id == contract.id)).all()
    by_identity = {(fold_name(b.last_name), fold_name(b.first_name), b.birth_date): b for b in existing}
    seen = set()
    for person in rows.people:
        identity = (fold_name(person.last_name), fold_name(person.first_name), person.birth_date)
        seen.add(identity)
        beneficiary = by_identity.get(identity)
        if beneficiary is None:
            session.add(
                Beneficiary(
                    contract_id=contract.id,
                    first_name=person.first_name,
                    last_name=person.last_name,
                    birth_date=person.birth_date,
                    relation=person.relation,
                )
            )
            changed = True
        elif (beneficiary.first_name, beneficiary.last_name, beneficiary.relation) != (
            person.first_name,
            person.last_name,
            person.relation,
        ):
            beneficiary.first_name, beneficiary.last_name = person.first_name, person.last_name
            beneficiary.relation = person.relation
            session.add(beneficiary)
            changed = True
    for identity, beneficiary in by_identity.items():
        if identity not in seen:
            if (
                session.exec(select(AssistanceFile.id).where(AssistanceFile.beneficiary_id == beneficiary.id)).first()
                or session.exec(select(Trip.id).where(Trip.beneficiary_id == beneficiary.id)).first()
            ):
                # The file's history needs the person: refuse the file rather than fail on the foreign key.
                report.errors.append(
                    (
                        rows.first_line,
                        f"{beneficiary.first_name} {beneficiary.last_name} ne peut pas être retiré(e) du contrat "
                        f"{rows.member_number} : un dossier d'assistance ou des trajets le ou la concernent "
                        "(voir avec un conseiller)",
                    )
                )
                continue
            session.delete(beneficiary)
            changed = True
    if not created:
        if changed:
            report.updated += 1
        else:
            report.unchanged += 1


def import_contract_file(content: bytes) -> ImportReport:
    """Validate every line first; write everything in one transaction, or nothing at all."""
    with session_scope() as session:
        report = import_into(session, content)
        if not report.ok:
            session.rollback()
    return report


def import_into(session: Session, content: bytes) -> ImportReport:
    """Check every line, then write in the caller's transaction; the caller adds its audit entry and commits.

    When the report has errors, part of the file may already be written: the caller rolls back.
    """
    report = ImportReport()
    sync_offers(session)
    offers = {offer.code: offer for offer in session.exec(select(Offer)).all()}
    contracts, errors = parse_contract_file(content, set(offers), today_in_paris())
    if errors:
        report.errors = errors
        return report
    for rows in contracts:
        _apply(session, rows, offers, report)
    if report.errors:  # found while applying: still all or nothing
        return ImportReport(errors=sorted(report.errors))
    return report
