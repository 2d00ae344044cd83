"""The adviser's day on one screen (/conseiller): what waits for the platform, oldest first, each line leading
to the thing itself.

Five lists: claims waiting for an adviser (déposée, or « en cours » again because the member added the
documents asked for), open callback requests by earliest slot, messages without an answer, today's and
tomorrow's trips with how many are still « planifié », and entitlements of open files ending within
ENDING_WITHIN_DAYS days. A claim waiting longer than USUAL_DELAY_WORKING_DAYS working days (Monday to Friday,
French public holidays excluded) is flagged late.

Only an adviser whose second factor was given reads it (NotAllowed for anyone else). It is a to-do list:
names, references, subjects and counts, never a note, a message's text or an invoice, so reading it is not
audited (each thing opened from it is, as on its own page).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

import sqlalchemy as sa
from sqlmodel import Session, select

from portal_app.db.engine import as_utc, session_scope
from portal_app.db.models import (
    AssistanceFile,
    CallbackRequest,
    Claim,
    ClaimEvent,
    Contract,
    Entitlement,
    MessageThread,
    Trip,
)
from portal_app.db.vocabulary import CallbackStatus, ClaimStatus, FileStatus, TripStatus
from portal_app.domain import balances, clock, messages_desk
from portal_app.domain.actors import Actor
from portal_app.domain.advisers import require_adviser
from portal_app.domain.callbacks import SUBJECTS
from portal_app.domain.claims import STATUS_LABELS as CLAIM_STATUS_LABELS
from portal_app.domain.formatting import counted, long_date, paris_datetime
from portal_app.domain.offers import service_label
from portal_app.domain.quantities import format_quantity
from portal_app.domain.school_calendar import public_holiday

# The usual delay of a claim's first answer: past it, the day's list flags the claim « en retard ».
USUAL_DELAY_WORKING_DAYS = 5
# Entitlements ending within this many days (today included) are listed, so they can be extended in time.
ENDING_WITHIN_DAYS = 15
# Lines shown per list; the full queues are on their own pages (« Tout voir »).
LIST_SIZE = 20
DOCUMENTS_ADDED = "pièces ajoutées"
USUAL_DELAY_TEXT = f"Délai habituel : {USUAL_DELAY_WORKING_DAYS} jours ouvrés."
LATE_TEXT = f"En retard : plus de {USUAL_DELAY_WORKING_DAYS} jours ouvrés"


@dataclass(frozen=True)
class WaitingClaim:
    reference: str
    member: str  # « Claire Martin (AB 123 456) »
    service: str
    amount: str
    status_label: str  # « déposée » or « pièces ajoutées »
    waiting_since: str
    age_days: int  # calendar days since it started waiting
    age: str  # « depuis aujourd'hui », « depuis 8 jours »
    late: bool  # more than USUAL_DELAY_WORKING_DAYS working days


@dataclass(frozen=True)
class CallbackLine:
    request_id: int
    contract_id: int
    member: str
    subject: str
    first_slot: str


@dataclass(frozen=True)
class TripDay:
    day_iso: str
    heading: str  # « Aujourd'hui, jeudi 3 décembre 2026 : 12 trajets »
    total: int
    planned: int
    planned_text: str  # « dont 3 encore planifiés », « tous confirmés »


@dataclass(frozen=True)
class EndingEntitlement:
    contract_id: int
    member: str
    file_reference: str
    service: str
    remaining: str  # the one « reste » (domain.balances)
    ends: str
    days_left: str  # « se termine aujourd'hui », « dans 3 jours »


@dataclass(frozen=True)
class AdviserDay:
    claims: list[WaitingClaim] = field(default_factory=list)
    claims_count: int = 0
    late_count: int = 0
    callbacks: list[CallbackLine] = field(default_factory=list)
    callbacks_count: int = 0
    messages: list[messages_desk.WaitingThread] = field(default_factory=list)
    messages_count: int = 0
    trip_days: list[TripDay] = field(default_factory=list)
    ending: list[EndingEntitlement] = field(default_factory=list)
    ending_count: int = 0


def is_working_day(day: date) -> bool:
    return day.weekday() < 5 and public_holiday(day) is None


def working_days_between(start: date, end: date) -> int:
    """Working days after `start` up to `end` included: a claim filed on Friday is 1 working day old on Monday."""
    count, day = 0, start + timedelta(days=1)
    while day <= end:
        count += is_working_day(day)
        day += timedelta(days=1)
    return count


def _paris_day(moment: datetime) -> date:
    return as_utc(moment).astimezone(clock.PARIS).date()


def _member(contract: Contract) -> str:
    return f"{contract.holder_first_name} {contract.holder_last_name} ({contract.member_number})"


def _age(days: int) -> str:
    return "depuis aujourd'hui" if days <= 0 else f"depuis {counted(days, 'jour')}"


def _waiting_claims(session: Session, today: date) -> list[WaitingClaim]:
    """Déposée, or en cours with the member's added documents as last step: waiting since that step."""
    rows = session.exec(
        select(Claim, Contract)
        .join(Contract, Contract.id == Claim.contract_id)
        .where(Claim.status.in_((ClaimStatus.SUBMITTED, ClaimStatus.IN_PROGRESS)))
        .order_by(Claim.created_at, Claim.id)
        .limit(2000)
    ).all()
    last_steps: dict[int, ClaimEvent] = {}
    if rows:
        latest = (
            select(sa.func.max(ClaimEvent.id))
            .where(ClaimEvent.claim_id.in_([c.id for c, _ in rows]))
            .group_by(ClaimEvent.claim_id)
        )
        last_steps = {e.claim_id: e for e in session.exec(select(ClaimEvent).where(ClaimEvent.id.in_(latest))).all()}
    waiting = []
    for claim, contract in rows:
        step = last_steps.get(claim.id)
        if claim.status == ClaimStatus.SUBMITTED:
            label, since = CLAIM_STATUS_LABELS[ClaimStatus.SUBMITTED], claim.created_at
        elif step is not None and step.author_account_id == claim.account_id:  # the member added documents
            label, since = DOCUMENTS_ADDED, step.created_at
        else:  # taken by an adviser: in their hands, not waiting
            continue
        started = _paris_day(since)
        waiting.append(
            (
                as_utc(since),
                WaitingClaim(
                    reference=claim.reference,
                    member=_member(contract),
                    service=service_label(claim.service),
                    amount=format_quantity(claim.amount_cents, "euros"),
                    status_label=label,
                    waiting_since=paris_datetime(since),
                    age_days=(today - started).days,
                    age=_age((today - started).days),
                    late=working_days_between(started, today) > USUAL_DELAY_WORKING_DAYS,
                ),
            )
        )
    waiting.sort(key=lambda pair: pair[0])
    return [line for _, line in waiting]


def _callbacks(session: Session) -> tuple[list[CallbackLine], int]:
    query = select(CallbackRequest, Contract).join(Contract, Contract.id == CallbackRequest.contract_id)
    query = query.where(CallbackRequest.status == CallbackStatus.OPEN)
    count = session.exec(
        select(sa.func.count(CallbackRequest.id)).where(CallbackRequest.status == CallbackStatus.OPEN)
    ).one()
    rows = session.exec(query.order_by(CallbackRequest.slot_1_at, CallbackRequest.id).limit(LIST_SIZE)).all()
    lines = [CallbackLine(r.id, c.id, _member(c), SUBJECTS[r.subject], paris_datetime(r.slot_1_at)) for r, c in rows]
    return lines, int(count)


def _trip_day(session: Session, day: date, word: str) -> TripDay:
    counts = dict(
        session.exec(
            select(Trip.status, sa.func.count(Trip.id))
            .where(Trip.trip_date == day, Trip.status != TripStatus.CANCELLED)
            .group_by(Trip.status)
        ).all()
    )
    total, planned = sum(int(n) for n in counts.values()), int(counts.get(TripStatus.PLANNED, 0))
    if total == 0:
        planned_text = ""
    elif planned == 0:
        planned_text = "aucun encore planifié"
    else:
        planned_text = f"dont {counted(planned, 'encore planifié', 'encore planifiés')}"
    trips_word = "aucun trajet" if total == 0 else counted(total, "trajet")
    return TripDay(day.isoformat(), f"{word}, {long_date(day)} : {trips_word}", total, planned, planned_text)


def _days_left(days: int) -> str:
    if days <= 0:
        return "se termine aujourd'hui"
    return "se termine demain" if days == 1 else f"se termine dans {days} jours"


def _ending(session: Session, today: date) -> tuple[list[EndingEntitlement], int]:
    last_day = today + timedelta(days=ENDING_WITHIN_DAYS)
    rows = session.exec(
        select(Entitlement, AssistanceFile, Contract)
        .join(AssistanceFile, AssistanceFile.id == Entitlement.assistance_file_id)
        .join(Contract, Contract.id == AssistanceFile.contract_id)
        .where(
            AssistanceFile.status == FileStatus.OPEN,
            Entitlement.valid_to >= today,
            Entitlement.valid_to <= last_day,
        )
        .order_by(Entitlement.valid_to, AssistanceFile.reference, Entitlement.service)
        .limit(500)
    ).all()
    lines = [
        EndingEntitlement(
            contract_id=c.id,
            member=_member(c),
            file_reference=f.reference,
            service=service_label(e.service),
            remaining=balances.reste_text(balances.balance(session, e)),
            ends=long_date(e.valid_to),
            days_left=_days_left((e.valid_to - today).days),
        )
        for e, f, c in rows
    ]
    return lines[:LIST_SIZE], len(lines)


def adviser_day(actor: Actor) -> AdviserDay:
    """Everything waiting for the platform today, oldest first, for the adviser's home page."""
    with session_scope() as session:
        require_adviser(session, actor)
        today = clock.today_in_paris()
        claims = _waiting_claims(session, today)
        callbacks, callbacks_count = _callbacks(session)
        messages_count = session.exec(
            select(sa.func.count(MessageThread.id)).where(MessageThread.waiting_since.is_not(None))
        ).one()
        trip_days = [
            _trip_day(session, today, "Aujourd'hui"),
            _trip_day(session, today + timedelta(days=1), "Demain"),
        ]
        ending, ending_count = _ending(session, today)
    return AdviserDay(
        claims=claims[:LIST_SIZE],
        claims_count=len(claims),
        late_count=sum(c.late for c in claims),
        callbacks=callbacks,
        callbacks_count=callbacks_count,
        messages=messages_desk.waiting_threads(actor, LIST_SIZE),
        messages_count=int(messages_count),
        trip_days=trip_days,
        ending=ending,
        ending_count=ending_count,
    )
