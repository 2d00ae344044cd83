"""The member's whole file for an adviser (/conseiller/contrat): besides the contract, the account and the
assistance files (domain.advisers, domain.assistance_files), what the member did and asked: their trips (to
come and past), their claims, their conversations, their callback requests and the last audit entries about
them, each line leading to its detail page.

By contract: what earlier accounts on the same contract left (trips, claims, threads) belongs to the file too.
The whole file is one reading: `whole_file` records it once (`member_file_viewed`, in domain.advisers).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import sqlalchemy as sa
from sqlmodel import Session, select

from portal_app.db.engine import session_scope
from portal_app.db.models import (
    Account,
    AssistanceFile,
    AuditEvent,
    Beneficiary,
    CallbackRequest,
    Claim,
    Contract,
    MessageThread,
    Trip,
)
from portal_app.db.vocabulary import CallbackStatus
from portal_app.domain import advisers, audit, clock
from portal_app.domain.actors import Actor
from portal_app.domain.callbacks import STATUS_LABELS as CALLBACK_STATUS_LABELS
from portal_app.domain.callbacks import SUBJECTS
from portal_app.domain.claims import STATUS_LABELS as CLAIM_STATUS_LABELS
from portal_app.domain.errors import NotFound
from portal_app.domain.formatting import long_date, paris_datetime
from portal_app.domain.messages import GENERAL
from portal_app.domain.offers import service_label
from portal_app.domain.quantities import format_quantity
from portal_app.domain.trips import DIRECTIONS, LIVE
from portal_app.domain.trips import STATUS_LABELS as TRIP_STATUS_LABELS

# Lines per list unless the adviser asks for all (« Voir les … »); all is still bounded.
FEW = 5
ALL = 200
CLAIMS_SHOWN = 10
AUDIT_SHOWN = 10


@dataclass(frozen=True)
class MemberTrip:
    trip_id: int
    day: str
    day_iso: str  # the run sheet of that day: /conseiller/trajets?jour=…
    pickup_time: str
    child: str
    direction: str
    status_label: str


@dataclass(frozen=True)
class MemberClaim:
    reference: str
    service: str
    amount: str
    status_label: str
    submitted: str


@dataclass(frozen=True)
class MemberThread:
    thread_id: int
    subject: str
    about: str  # the assistance file's reference, or « Question générale »
    last_message: str
    waiting: bool


@dataclass(frozen=True)
class MemberCallback:
    request_id: int
    subject: str
    first_slot: str
    status_label: str
    asked: str
    is_open: bool


@dataclass(frozen=True)
class MemberAuditLine:
    when: str
    actor: str
    action: str


@dataclass(frozen=True)
class MemberActivity:
    upcoming_trips: list[MemberTrip] = field(default_factory=list)
    upcoming_count: int = 0
    past_trips: list[MemberTrip] = field(default_factory=list)
    past_count: int = 0
    claims: list[MemberClaim] = field(default_factory=list)
    claims_count: int = 0
    threads: list[MemberThread] = field(default_factory=list)
    callbacks: list[MemberCallback] = field(default_factory=list)
    audit: list[MemberAuditLine] = field(default_factory=list)
    member_account_id: int = 0  # the journal's filter for the rest of the audit trail (0: no account)
    showing_all: bool = False


@dataclass(frozen=True)
class WholeFile:
    member: advisers.MemberFile
    activity: MemberActivity


def _trips(session: Session, contract_id: int) -> tuple[list[Trip], list[Trip]]:
    """(to come, past) as the member sees them: to come are the live trips from today on, soonest first."""
    rows = session.exec(
        select(Trip)
        .join(AssistanceFile, AssistanceFile.id == Trip.assistance_file_id)
        .where(AssistanceFile.contract_id == contract_id)
        .order_by(Trip.trip_date, Trip.pickup_time, Trip.id)
    ).all()
    today = clock.today_in_paris()
    upcoming = [t for t in rows if t.trip_date >= today and t.status in LIVE]
    past = [t for t in reversed(rows) if not (t.trip_date >= today and t.status in LIVE)]
    return upcoming, past


def _trip_views(session: Session, trips: list[Trip]) -> list[MemberTrip]:
    ids = {t.beneficiary_id for t in trips}
    children = {b.id: b.first_name for b in session.exec(select(Beneficiary).where(Beneficiary.id.in_(ids)))}
    return [
        MemberTrip(
            t.id,
            long_date(t.trip_date),
            t.trip_date.isoformat(),
            t.pickup_time,
            children.get(t.beneficiary_id, ""),
            DIRECTIONS[t.direction],
            TRIP_STATUS_LABELS[t.status],
        )
        for t in trips
    ]


def _claims(session: Session, contract_id: int, size: int) -> tuple[list[MemberClaim], int]:
    count = session.exec(select(sa.func.count(Claim.id)).where(Claim.contract_id == contract_id)).one()
    rows = session.exec(
        select(Claim).where(Claim.contract_id == contract_id).order_by(Claim.id.desc()).limit(size)
    ).all()
    lines = [
        MemberClaim(
            c.reference,
            service_label(c.service),
            format_quantity(c.amount_cents, "euros"),
            CLAIM_STATUS_LABELS[c.status],
            paris_datetime(c.created_at),
        )
        for c in rows
    ]
    return lines, int(count)


def _threads(session: Session, contract_id: int) -> list[MemberThread]:
    rows = session.exec(
        select(MessageThread, AssistanceFile.reference)
        .join(AssistanceFile, AssistanceFile.id == MessageThread.assistance_file_id, isouter=True)
        .where(MessageThread.contract_id == contract_id)
        .order_by(MessageThread.last_message_at.desc(), MessageThread.id.desc())
        .limit(50)
    ).all()
    return [
        MemberThread(
            t.id, t.subject, reference or GENERAL, paris_datetime(t.last_message_at), t.waiting_since is not None
        )
        for t, reference in rows
    ]


def _callbacks(session: Session, contract_id: int) -> list[MemberCallback]:
    rows = session.exec(
        select(CallbackRequest)
        .where(CallbackRequest.contract_id == contract_id)
        .order_by(CallbackRequest.id.desc())
        .limit(FEW)
    ).all()
    return [
        MemberCallback(
            r.id,
            SUBJECTS[r.subject],
            paris_datetime(r.slot_1_at),
            CALLBACK_STATUS_LABELS[r.status],
            paris_datetime(r.created_at),
            r.status == CallbackStatus.OPEN,
        )
        for r in rows
    ]


def _audit(session: Session, contract_id: int, account: Account | None) -> list[MemberAuditLine]:
    about = AuditEvent.contract_id == contract_id
    if account is not None:
        about = sa.or_(about, AuditEvent.member_account_id == account.id)
    events = session.exec(select(AuditEvent).where(about).order_by(AuditEvent.id.desc()).limit(AUDIT_SHOWN)).all()
    ids = {e.actor_account_id for e in events if e.actor_account_id}
    emails = dict(session.exec(select(Account.id, Account.email).where(Account.id.in_(ids))).all()) if ids else {}
    return [
        MemberAuditLine(
            paris_datetime(e.created_at),
            f"{emails.get(e.actor_account_id, 'anonyme')} ({e.actor_role})",
            audit.ACTIONS.get(e.action, e.action),
        )
        for e in events
    ]


def member_activity(actor: Actor, contract_id: int, show_all: bool = False) -> MemberActivity:
    """The member's trips, claims, conversations, callback requests and last audit entries (not audited: read
    it through `whole_file`, which records the reading)."""
    with session_scope() as session:
        advisers.require_adviser(session, actor)
        contract = session.get(Contract, contract_id) if isinstance(contract_id, int) else None
        if contract is None:
            raise NotFound("Contrat introuvable.")
        size = ALL if show_all is True else FEW
        upcoming, past = _trips(session, contract.id)
        claims, claims_count = _claims(session, contract.id, ALL if show_all is True else CLAIMS_SHOWN)
        account = session.exec(select(Account).where(Account.contract_id == contract.id)).first()
        return MemberActivity(
            upcoming_trips=_trip_views(session, upcoming[:size]),
            upcoming_count=len(upcoming),
            past_trips=_trip_views(session, past[:size]),
            past_count=len(past),
            claims=claims,
            claims_count=claims_count,
            threads=_threads(session, contract.id),
            callbacks=_callbacks(session, contract.id),
            audit=_audit(session, contract.id, account),
            member_account_id=account.id if account else 0,
            showing_all=show_all is True,
        )


def whole_file(actor: Actor, contract_id: int, show_all: bool = False) -> WholeFile:
    """The member's file (its reading audited, as every adviser read of it) and everything they did."""
    member = advisers.member_file(actor, contract_id)
    return WholeFile(member, member_activity(actor, member.contract_id, show_all))
