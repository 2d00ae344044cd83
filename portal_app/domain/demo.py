"""Demo data for a laptop: three contracts that show each registration case, and one confirmed member."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import select

from portal_app import settings
from portal_app.db.engine import session_scope
from portal_app.db.models import Account, Contract
from portal_app.domain import clock
from portal_app.domain.contracts import ImportReport, import_contract_file
from portal_app.domain.passwords import hash_password
from portal_app.domain.text import member_number_key

DEMO_MEMBER_EMAIL = "claire.martin@example.fr"
DEMO_MEMBER_PASSWORD = "Tulipe-Horizon-47"
DEMO_MEMBER_PHONE = "+33612345678"

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
        if exists:
            return DemoSummary(report, member_created=False)
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
    return DemoSummary(report, member_created=True)
