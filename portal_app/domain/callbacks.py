"""« Être rappelé »: a member asks the assistance platform to call back; an adviser calls and marks it done.

The member picks a subject, one to three preferred slots among the next five working days within the
platform's opening hours (PORTAL_ASSISTANCE_HOURS; Monday to Friday, public holidays from `holidays`
excluded), confirms the phone number (a French mobile, domain.phone) and may add a short note. The slots
are computed again when the form is sent: a slot that has passed meanwhile is refused. One open request at
a time (also a partial unique index); the member may cancel it. Every function checks who acts: a member
reads and cancels only the requests of their own account (another's is « introuvable »), only an adviser
lists and closes them. The confirmation e-mail lists the slots, never the note (it may hold health details).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

import sqlalchemy as sa
from sqlmodel import Session, select

from portal_app import settings
from portal_app.db.engine import as_utc, session_scope
from portal_app.db.models import Account, CallbackRequest, Contract
from portal_app.db.vocabulary import CallbackOutcome, CallbackStatus, CallbackSubject
from portal_app.domain import actors, audit, clock, mail, mail_texts
from portal_app.domain.actors import Actor
from portal_app.domain.advisers import require_adviser
from portal_app.domain.clock import PARIS
from portal_app.domain.errors import NotFound, ValidationError
from portal_app.domain.formatting import long_date, paris_datetime
from portal_app.domain.phone import display_mobile, normalize_mobile
from portal_app.domain.platform import clock_time
from portal_app.domain.school_calendar import public_holiday

SUBJECTS = {
    CallbackSubject.TRAJETS: "Mes trajets",
    CallbackSubject.REMBOURSEMENT: "Un remboursement",
    CallbackSubject.DOSSIER: "Mon dossier d'assistance",
    CallbackSubject.COMPTE: "Mon compte",
    CallbackSubject.AUTRE: "Autre chose",
}
STATUS_LABELS = {
    CallbackStatus.OPEN: "en attente de rappel",
    CallbackStatus.CANCELLED: "annulée",
    CallbackStatus.DONE: "traitée",
}
OUTCOMES = {CallbackOutcome.CALLED: "rappelé", CallbackOutcome.UNREACHABLE: "injoignable"}
WORKING_DAYS = 5
SLOT_MINUTES = 120
MAX_SLOTS = 3
NOTE_MAX = 500
ADVISER_NOTE_MAX = 500

ALREADY_OPEN = (
    "Vous avez déjà une demande de rappel en attente : un conseiller vous appellera. Annulez-la pour en faire "
    "une autre."
)
NO_SLOT = "Choisissez au moins un créneau."
SLOT_GONE = "Ce créneau n'est plus proposé : choisissez-en un autre."
SAME_SLOT = "Vous avez choisi deux fois le même créneau."
NOT_OPEN = "Cette demande n'est plus en attente : rechargez la page."


# --- slots -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Slot:
    """A time slot, its value in the form (« 2026-12-07T09:00 », Paris time) and its words."""

    value: str
    label: str


def _is_working_day(day: date) -> bool:
    return day.weekday() < 5 and public_holiday(day) is None


def _slot_label(start: datetime) -> str:
    """« lundi 7 décembre 2026, de 9 h à 11 h » (Paris time)."""
    local = start.astimezone(PARIS)
    minutes = local.hour * 60 + local.minute
    _opening, closing = settings.assistance_hours()
    return f"{long_date(local.date())}, de {clock_time(minutes)} à {clock_time(min(minutes + SLOT_MINUTES, closing))}"


def _slot_starts(now: datetime) -> list[datetime]:
    """The starts of the slots still ahead over the next five working days (today counts while it has some)."""
    opening, closing = settings.assistance_hours()
    starts: list[datetime] = []
    day, days = now.astimezone(PARIS).date(), 0
    while days < WORKING_DAYS:
        if _is_working_day(day):
            ahead = [
                datetime.combine(day, time(m // 60, m % 60), tzinfo=PARIS)
                for m in range(opening, closing, SLOT_MINUTES)
            ]
            ahead = [s for s in ahead if s > now]
            if ahead:
                starts.extend(ahead)
                days += 1
        day += timedelta(days=1)
    return starts


def _value(start: datetime) -> str:
    return start.astimezone(PARIS).strftime("%Y-%m-%dT%H:%M")


def available_slots() -> list[Slot]:
    """The slots a member may choose now."""
    return [Slot(_value(s), _slot_label(s)) for s in _slot_starts(clock.now())]


# --- the member's side ----------------------------------------------------------------------------


@dataclass(frozen=True)
class CallbackView:
    request_id: int
    subject: str
    slots: list[str]
    phone: str
    note: str
    status: str
    status_label: str
    outcome: str
    asked: str
    handled: str
    is_open: bool


@dataclass(frozen=True)
class CallbackForm:
    """What the page needs: the slots, the subjects, the phone to pre-fill, the member's requests."""

    slots: list[Slot]
    subjects: list[tuple[str, str]]
    phone: str
    requests: list[CallbackView]


def _slots_of(request: CallbackRequest) -> list[str]:
    chosen = (request.slot_1_at, request.slot_2_at, request.slot_3_at)
    return [_slot_label(as_utc(s)) for s in chosen if s is not None]


def _view(request: CallbackRequest) -> CallbackView:
    return CallbackView(
        request_id=request.id,
        subject=SUBJECTS[request.subject],
        slots=_slots_of(request),
        phone=display_mobile(request.phone),
        note=request.note,
        status=request.status,
        status_label=STATUS_LABELS[request.status],
        outcome=OUTCOMES.get(request.outcome, "") if request.outcome else "",
        asked=paris_datetime(request.created_at),
        handled=paris_datetime(request.handled_at or request.cancelled_at),
        is_open=request.status == CallbackStatus.OPEN,
    )


def _account(session: Session, actor: Actor) -> Account:
    return session.get(Account, actors.member(actor).account_id)


def _requests(session: Session, account_id: int) -> list[CallbackRequest]:
    return list(
        session.exec(
            select(CallbackRequest)
            .where(CallbackRequest.account_id == account_id)
            .order_by(CallbackRequest.id.desc())
            .limit(20)
        ).all()
    )


def callback_form(actor: Actor) -> CallbackForm:
    """The member's own form and requests (the account comes from the actor, never from the request)."""
    with session_scope() as session:
        account = _account(session, actor)
        return CallbackForm(
            slots=available_slots(),
            subjects=[(s.value, label) for s, label in SUBJECTS.items()],
            phone=display_mobile(account.phone),
            requests=[_view(r) for r in _requests(session, account.id)],
        )


def member_callback(actor: Actor, request_id: int) -> CallbackView:
    """One of the member's own requests; anyone else's is « introuvable » (its existence is not told)."""
    with session_scope() as session:
        return _view(_own(session, _account(session, actor), request_id))


def _own(session: Session, account: Account, request_id: int) -> CallbackRequest:
    request = session.get(CallbackRequest, request_id) if isinstance(request_id, int) else None
    if request is None or request.account_id != account.id:
        raise NotFound("Demande de rappel introuvable.")
    return request


def _check_slots(chosen: list[str]) -> list[datetime]:
    offered = {_value(s): s for s in _slot_starts(clock.now())}
    picked = [(i, (value or "").strip()) for i, value in enumerate(chosen[:MAX_SLOTS], start=1)]
    picked = [(i, value) for i, value in picked if value]
    errors: dict[str, str] = {}
    starts: list[datetime] = []
    for i, value in picked:
        if value not in offered:
            errors[f"slot_{i}"] = SLOT_GONE
        elif offered[value] in starts:
            errors[f"slot_{i}"] = SAME_SLOT
        else:
            starts.append(offered[value])
    if not picked:
        errors["slot_1"] = NO_SLOT
    if errors:
        raise ValidationError.many(errors)
    return sorted(s.astimezone(UTC) for s in starts)  # stored in UTC (SQLite keeps no time zone)


def request_callback(actor: Actor, subject: str, slots: list[str], phone: str, note: str) -> CallbackView:
    """Record the request, queue the confirmation e-mail (slots, no note) and audit it, in one transaction."""
    with session_scope() as session:
        account = _account(session, actor)
        errors: dict[str, str] = {}
        if subject not in SUBJECTS:
            errors["subject"] = "Choisissez le sujet de l'appel."
        starts: list[datetime] = []
        try:
            starts = _check_slots(list(slots or []))
        except ValidationError as error:
            errors.update(error.errors)
        number = ""
        try:
            number = normalize_mobile(phone, "phone")
        except ValidationError as error:
            errors.update(error.errors)
        note = (note or "").strip()
        if len(note) > NOTE_MAX:
            errors["note"] = f"{NOTE_MAX} caractères au plus ({len(note)} saisis)."
        if errors:
            raise ValidationError.many(errors)
        if _open_request(session, account.id) is not None:
            raise ValidationError("general", ALREADY_OPEN)
        request = CallbackRequest(
            account_id=account.id,
            contract_id=account.contract_id,
            subject=subject,
            phone=number,
            note=note,
            slot_1_at=starts[0],
            slot_2_at=starts[1] if len(starts) > 1 else None,
            slot_3_at=starts[2] if len(starts) > 2 else None,
            created_at=clock.now(),
            updated_at=clock.now(),
        )
        session.add(request)
        try:
            session.flush()
        except sa.exc.IntegrityError:  # the same member, in another tab, at the same moment
            session.rollback()
            raise ValidationError("general", ALREADY_OPEN) from None
        contract = session.get(Contract, account.contract_id)
        mail_subject, body = mail_texts.callback_requested(
            contract.holder_first_name, SUBJECTS[request.subject], _slots_of(request), display_mobile(number)
        )
        mail.queue_mail(session, account.email, mail_subject, body)
        audit.record(
            session,
            "callback_requested",
            account,
            target_type="callback_request",
            target_id=request.id,
            member_account_id=account.id,
            contract_id=account.contract_id,
            detail=request.subject,
        )
        return _view(request)


def _open_request(session: Session, account_id: int) -> CallbackRequest | None:
    return session.exec(
        select(CallbackRequest).where(
            CallbackRequest.account_id == account_id, CallbackRequest.status == CallbackStatus.OPEN
        )
    ).first()


def cancel_callback(actor: Actor, request_id: int) -> None:
    """The member cancels their own open request (a conditional update: an adviser may be closing it)."""
    with session_scope() as session:
        account = _account(session, actor)
        request = _own(session, account, request_id)
        result = session.execute(
            sa.update(CallbackRequest)
            .where(CallbackRequest.id == request.id, CallbackRequest.status == CallbackStatus.OPEN)
            .values(status=CallbackStatus.CANCELLED, cancelled_at=clock.now(), updated_at=clock.now())
        )
        if result.rowcount != 1:
            raise ValidationError("general", NOT_OPEN)
        audit.record(
            session,
            "callback_cancelled",
            account,
            target_type="callback_request",
            target_id=request.id,
            member_account_id=account.id,
            contract_id=account.contract_id,
        )


def erase_for_closing(session: Session, account_id: int) -> None:
    """Account closing: the requests go (phone, note and slots are not kept once the account is closed)."""
    session.execute(sa.delete(CallbackRequest).where(CallbackRequest.account_id == account_id))


# --- the adviser's side ---------------------------------------------------------------------------


@dataclass(frozen=True)
class AdviserCallbackLine:
    request_id: int
    member: str
    member_number: str
    contract_id: int
    phone: str
    phone_href: str
    subject: str
    slots: list[str]
    note: str
    asked: str


def open_requests(actor: Actor) -> list[AdviserCallbackLine]:
    """Open requests, the earliest slot first; the reading is audited (notes may hold health details)."""
    with session_scope() as session:
        adviser = require_adviser(session, actor)
        rows = session.exec(
            select(CallbackRequest, Contract)
            .join(Contract, Contract.id == CallbackRequest.contract_id)
            .where(CallbackRequest.status == CallbackStatus.OPEN)
            .order_by(CallbackRequest.slot_1_at, CallbackRequest.id)
            .limit(500)
        ).all()
        audit.record(session, "callbacks_viewed", adviser, target_type="callback_request", detail=f"{len(rows)}")
        return [
            AdviserCallbackLine(
                request_id=r.id,
                member=f"{c.holder_first_name} {c.holder_last_name}",
                member_number=c.member_number,
                contract_id=c.id,
                phone=display_mobile(r.phone),
                phone_href=f"tel:{r.phone}",
                subject=SUBJECTS[r.subject],
                slots=_slots_of(r),
                note=r.note,
                asked=_view(r).asked,
            )
            for r, c in rows
        ]


def mark_done(actor: Actor, request_id: int, outcome: str, note: str) -> str:
    """An adviser closes an open request with its outcome (« rappelé », « injoignable ») and a note."""
    with session_scope() as session:
        adviser = require_adviser(session, actor)
        request = session.get(CallbackRequest, request_id) if isinstance(request_id, int) else None
        if request is None:
            raise NotFound("Demande de rappel introuvable.")
        errors: dict[str, str] = {}
        if outcome not in OUTCOMES:
            errors["outcome"] = "Indiquez le résultat de l'appel : rappelé ou injoignable."
        note = (note or "").strip()
        if len(note) > ADVISER_NOTE_MAX:
            errors["adviser_note"] = f"{ADVISER_NOTE_MAX} caractères au plus ({len(note)} saisis)."
        if errors:
            raise ValidationError.many(errors)
        result = session.execute(
            sa.update(CallbackRequest)
            .where(CallbackRequest.id == request.id, CallbackRequest.status == CallbackStatus.OPEN)
            .values(
                status=CallbackStatus.DONE,
                outcome=outcome,
                adviser_note=note,
                handled_by_account_id=adviser.id,
                handled_at=clock.now(),
                updated_at=clock.now(),
            )
        )
        if result.rowcount != 1:
            raise ValidationError("general", NOT_OPEN)
        audit.record(
            session,
            "callback_done",
            adviser,
            target_type="callback_request",
            target_id=request.id,
            member_account_id=request.account_id,
            contract_id=request.contract_id,
            detail=outcome,
        )
        contract = session.get(Contract, request.contract_id)
        return f"Demande de {contract.holder_first_name} {contract.holder_last_name} : {OUTCOMES[outcome]}."
