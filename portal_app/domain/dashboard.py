"""« Mon Espace », the member's home: what to do now, the next trips, the claims in progress, what remains.

One function, `member_dashboard(actor)`, gathers it all so the page makes one call and a test reads the same
answer. Everything is the acting member's own, by account (claims, trips, messages, callback requests) like on
every other page: an earlier, closed account of the same contract keeps its own records to itself. The « reste »
of each entitlement is `domain.balances`' one figure, written with the same words as the claim form and the
adviser's file.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlmodel import select

from portal_app.db.engine import session_scope
from portal_app.db.models import Account, Claim, ClaimEvent, Trip
from portal_app.db.vocabulary import ClaimStatus
from portal_app.domain import account as accounts
from portal_app.domain import actors, assistance_files, callbacks, claims, clock, messages, trips
from portal_app.domain.actors import Actor
from portal_app.domain.formatting import counted

NEXT_TRIPS = 3
CLAIM_PAGE = "/mon-espace/remboursements/demande?ref="
CALLBACK_PAGE = "/mon-espace/rappel"
MESSAGES_PAGE = "/mon-espace/messages"

# The claims a member still waits on (paid and refused ones are done), and what happens next for each.
IN_PROGRESS = (*claims.OPEN_STATUSES, ClaimStatus.ACCEPTED)
NEXT_STEPS = {
    ClaimStatus.SUBMITTED: "Reçue : un conseiller va l'examiner",
    ClaimStatus.IN_PROGRESS: "En cours d'examen par un conseiller",
    ClaimStatus.DOCUMENTS_REQUESTED: "Ajoutez les pièces demandées",
    ClaimStatus.ACCEPTED: "Acceptée : paiement en cours",
}


@dataclass(frozen=True)
class TodoItem:
    """One line of « À faire »: what is waiting for the member, and the button that does it."""

    key: str  # unique on the page (the id its button refers to)
    title: str
    detail: str
    button: str
    href: str


@dataclass(frozen=True)
class NextTrip:
    trip_id: int
    line: str  # « lundi 7 décembre 2026 · 08:15 · Léa · aller (domicile → école) »


@dataclass(frozen=True)
class ClaimInProgress:
    reference: str
    service: str
    amount: str
    status: str
    status_label: str
    next_step: str
    href: str


@dataclass(frozen=True)
class Dashboard:
    overview: accounts.MemberOverview
    todo: list[TodoItem] = field(default_factory=list)
    next_trips: list[NextTrip] = field(default_factory=list)
    upcoming_trips: str = ""  # « 12 trajets à venir »
    claims: list[ClaimInProgress] = field(default_factory=list)
    files: list[assistance_files.AssistanceFileView] = field(default_factory=list)


def _trip_line(view: trips.TripView) -> str:
    direction = view.direction[:1].lower() + view.direction[1:]
    return f"{view.day} · {view.pickup_time} · {view.child} · {direction}"


def _upcoming(session, account: Account) -> list[Trip]:
    """The account's live trips still to come: from today on, and today only those not yet picked up."""
    now = clock.now().astimezone(clock.PARIS)
    today, time_now = now.date(), f"{now:%H:%M}"
    rows = session.exec(
        select(Trip)
        .where(Trip.account_id == account.id, Trip.status.in_(trips.LIVE), Trip.trip_date >= today)
        .order_by(Trip.trip_date, Trip.pickup_time, Trip.id)
    ).all()
    return [t for t in rows if t.trip_date > today or t.pickup_time >= time_now]


def _documents_asked(session, claim: Claim) -> str:
    """The adviser's message that asked for documents (the latest such step of the claim's timeline)."""
    event = session.exec(
        select(ClaimEvent)
        .where(ClaimEvent.claim_id == claim.id, ClaimEvent.status == ClaimStatus.DOCUMENTS_REQUESTED)
        .order_by(ClaimEvent.id.desc())
    ).first()
    return event.message if event else ""


def _todo(session, account: Account, open_claims: list[tuple[Claim, ClaimInProgress]], unread: int) -> list[TodoItem]:
    """Documents asked for (newest claim first), then the open callback request, then unread messages."""
    items = []
    for claim, line in open_claims:
        if claim.status == ClaimStatus.DOCUMENTS_REQUESTED:
            items.append(
                TodoItem(
                    key=f"pieces-{line.reference}",
                    title=f"Demande {line.reference} ({line.service}, {line.amount}) : pièces demandées",
                    detail=_documents_asked(session, claim),
                    button="Ajouter les pièces",
                    href=line.href,
                )
            )
    request = callbacks._open_request(session, account.id)
    if request is not None:
        view = callbacks._view(request)
        items.append(
            TodoItem(
                key="rappel",
                title=f"Rappel prévu : un conseiller vous appellera au {view.phone}",
                detail=f"Sujet : {view.subject}. Créneaux choisis : " + " ; ".join(view.slots) + ".",
                button="Voir ma demande de rappel",
                href=CALLBACK_PAGE,
            )
        )
    if unread:
        items.append(
            TodoItem(
                key="messages",
                title=counted(unread, "message non lu", "messages non lus") + " de la plateforme d'assistance",
                detail="",
                button="Lire mes messages",
                href=MESSAGES_PAGE,
            )
        )
    return items


def member_dashboard(actor: Actor) -> Dashboard:
    """Everything « Mon Espace » shows, for the acting member only (NotAllowed for anyone else)."""
    member = actors.member(actor)
    overview = accounts.member_overview(actor)
    files = assistance_files.files_for_member(actor)
    unread = messages.unread_count(actor)
    with session_scope() as session:
        account = session.get(Account, member.account_id)
        open_claims = list(
            session.exec(
                select(Claim)
                .where(Claim.account_id == account.id, Claim.status.in_(IN_PROGRESS))
                .order_by(Claim.id.desc())
            ).all()
        )
        upcoming = _upcoming(session, account)
        claim_lines: list[ClaimInProgress] = []
        for claim in open_claims:
            view = claims.claim_view(session, claim, with_details=False)
            claim_lines.append(
                ClaimInProgress(
                    reference=view.reference,
                    service=view.service,
                    amount=view.amount,
                    status=view.status,
                    status_label=view.status_label,
                    next_step=NEXT_STEPS[claim.status],
                    href=CLAIM_PAGE + view.reference,
                )
            )
        return Dashboard(
            overview=overview,
            todo=_todo(session, account, list(zip(open_claims, claim_lines, strict=True)), unread),
            next_trips=[NextTrip(v.trip_id, _trip_line(v)) for v in trips.trip_views(session, upcoming[:NEXT_TRIPS])],
            upcoming_trips=counted(len(upcoming), "trajet à venir", "trajets à venir") if upcoming else "",
            claims=claim_lines,
            files=files,
        )
