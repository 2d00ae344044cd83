"""Demo data for a laptop: three contracts that show each registration case, and one confirmed member."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlmodel import select

from portal_app import settings
from portal_app.db.engine import session_scope
from portal_app.db.models import Account, AssistanceFile, Beneficiary, Contract, Entitlement
from portal_app.domain import clock
from portal_app.domain.contracts import ImportReport, import_contract_file
from portal_app.domain.passwords import hash_password
from portal_app.domain.references import next_reference
from portal_app.domain.text import member_number_key

DEMO_MEMBER_EMAIL = "claire.martin@example.fr"
DEMO_MEMBER_PASSWORD = "Tulipe-Horizon-47"
DEMO_MEMBER_PHONE = "+33612345678"
DEMO_ADVISER_EMAIL = "conseiller@example.fr"
DEMO_ADVISER_PASSWORD = "Conseil-Orage-58"

DEMO_CONTRACTS_CSV = """numero_adherent;assureur;offre;debut;fin;lien;nom;prenom;date_naissance
AB 123 456;Mutuelle Horizon;ASSISTANCE_PLUS;2026-01-01;;adherent;Martin;Claire;1984-03-12
AB 123 456;Mutuelle Horizon;ASSISTANCE_PLUS;2026-01-01;;conjoint;Martin;Julien;1982-07-30
AB 123 456;Mutuelle Horizon;ASSISTANCE_PLUS;2026-01-01;;enfant;Martin;Léa;2015-09-04
AB 123 456;Mutuelle Horizon;ASSISTANCE_PLUS;2026-01-01;;enfant;Martin;Hugo;2018-05-21
CD-654-321;Mutuelle Horizon;ASSISTANCE_PLUS;2023-01-01;2024-12-31;adherent;Bernard;Paul;1975-11-02
EF.111.222;Assurances du Littoral;SANTE_SEULE;2025-01-01;;adherent;Petit;Sophie;1990-02-14
GH777888;Assurances du Littoral;ASSISTANCE_PLUS;2026-01-01;2027-12-31;adherent;Lefèvre;Émilie;1988-06-09
GH777888;Assurances du Littoral;ASSISTANCE_PLUS;2026-01-01;2027-12-31;enfant;Lefèvre;Jules;2016-10-17
"""


class ProductionRefused(RuntimeError):
    pass


@dataclass
class DemoSummary:
    contracts: ImportReport
    member_created: bool
    adviser_created: bool = False
    file_reference: str = ""


def _seed_adviser_and_file(session, contract: Contract) -> tuple[bool, str]:
    """A demo adviser (enrols TOTP at first login) and an open file with entitlements for Claire."""
    adviser_created = False
    adviser = session.exec(select(Account).where(Account.email == DEMO_ADVISER_EMAIL)).first()
    if adviser is None:
        adviser = Account(
            email=DEMO_ADVISER_EMAIL,
            role="adviser",
            email_confirmed_at=clock.now(),
            password_hash=hash_password(DEMO_ADVISER_PASSWORD),
            password_changed_at=clock.now(),
        )
        session.add(adviser)
        session.flush()
        adviser_created = True
    existing = session.exec(select(AssistanceFile).where(AssistanceFile.contract_id == contract.id)).first()
    if existing is not None:
        return adviser_created, existing.reference
    child = session.exec(
        select(Beneficiary).where(Beneficiary.contract_id == contract.id, Beneficiary.first_name == "Hugo")
    ).one()
    today = clock.today_in_paris()
    assistance_file = AssistanceFile(
        reference=next_reference(session, "AS"),
        contract_id=contract.id,
        beneficiary_id=child.id,
        event_type="hospitalisation",
        event_date=today - timedelta(days=3),
        opened_by_account_id=adviser.id,
    )
    session.add(assistance_file)
    session.flush()
    # Trips from today; home help since the hospitalisation, as an amount (reimbursed on invoice).
    for service, unit, quantity, start in (
        ("transport_scolaire", "trajets", 20, today),
        ("aide_menagere", "euros", 500_00, today - timedelta(days=3)),
    ):
        session.add(
            Entitlement(
                assistance_file_id=assistance_file.id,
                service=service,
                unit=unit,
                quantity=quantity,
                valid_from=start,
                valid_to=today + timedelta(days=30),
            )
        )
    return adviser_created, assistance_file.reference


def seed_demo() -> DemoSummary:
    """Idempotent: a second run changes nothing and keeps what members did since."""
    if settings.IS_PRODUCTION:
        raise ProductionRefused("seed-demo refuses to run when PORTAL_ENV=production")
    report = import_contract_file(DEMO_CONTRACTS_CSV.encode("utf-8"))
    if not report.ok:
        raise RuntimeError(f"demo contracts rejected: {report.errors}")
    with session_scope() as session:
        contract = session.exec(
            select(Contract).where(Contract.member_number_key == member_number_key("AB123456"))
        ).one()
        exists = session.exec(
            select(Account.id).where((Account.contract_id == contract.id) | (Account.email == DEMO_MEMBER_EMAIL))
        ).first()
        adviser_created, reference = _seed_adviser_and_file(session, contract)
        if exists:
            return DemoSummary(report, False, adviser_created, reference)
        session.add(
            Account(
                contract_id=contract.id,
                email=DEMO_MEMBER_EMAIL,
                email_confirmed_at=clock.now(),
                phone=DEMO_MEMBER_PHONE,
                password_hash=hash_password(DEMO_MEMBER_PASSWORD),
                password_changed_at=clock.now(),
                role="member",
            )
        )
    return DemoSummary(report, True, adviser_created, reference)
