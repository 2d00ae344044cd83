"""Messages, advisers' side: the threads waiting for an answer, reading one (audited), answering.

Every function starts by checking that the actor is an adviser whose second factor was given. Reading a
thread is recorded in the audit trail every time (`message_thread_viewed`): members write about their
health. An answer e-mails the member that a message is waiting, with a link to the portal and nothing else:
neither its text nor the subject (what the member wrote about their health stays in the portal).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlmodel import Session, select

from portal_app import settings
from portal_app.db.engine import get_by_id, session_scope
from portal_app.db.models import Account, Contract, Message, MessageThread
from portal_app.db.vocabulary import MessageAuthor
from portal_app.domain import audit, clock, mail, mail_texts
from portal_app.domain.actors import Actor
from portal_app.domain.advisers import require_adviser
from portal_app.domain.errors import NotFound, ValidationError
from portal_app.domain.formatting import paris_datetime
from portal_app.domain.messages import THREAD_NOT_FOUND, MessageView, clean_body, file_reference, messages_of

ACCOUNT_CLOSED = "Ce membre a clôturé son compte : il ne pourrait plus lire votre réponse."
MEMBER_THREAD_PATH = "/mon-espace/messages/fil"


@dataclass(frozen=True)
class WaitingThread:
    """One line of the advisers' queue."""

    thread_id: int
    subject: str
    member: str
    member_number: str
    file_reference: str
    waiting_since: str


@dataclass(frozen=True)
class DeskThreadView:
    thread_id: int
    subject: str
    member: str
    member_number: str
    contract_id: int
    file_reference: str
    waiting: bool
    account_closed: bool
    messages: list[MessageView] = field(default_factory=list)


def _member_name(contract: Contract) -> str:
    return f"{contract.holder_first_name} {contract.holder_last_name}"


def waiting_threads(actor: Actor, limit: int = 50) -> list[WaitingThread]:
    """Threads whose last member message has no answer yet, the one waiting longest first."""
    size = limit if isinstance(limit, int) and 0 < limit <= 500 else 50
    with session_scope() as session:
        require_adviser(session, actor)
        rows = session.exec(
            select(MessageThread, Contract)
            .join(Contract, Contract.id == MessageThread.contract_id)
            .where(MessageThread.waiting_since.is_not(None))
            .order_by(MessageThread.waiting_since, MessageThread.id)
            .limit(size)
        ).all()
        return [
            WaitingThread(
                t.id,
                t.subject,
                _member_name(c),
                c.member_number,
                file_reference(session, t),
                paris_datetime(t.waiting_since),
            )
            for t, c in rows
        ]


def _thread(session: Session, thread_id: object) -> MessageThread:
    thread = get_by_id(session, MessageThread, thread_id)
    if thread is None:
        raise NotFound(THREAD_NOT_FOUND)
    return thread


def _audit(session: Session, action: str, adviser: Account, thread: MessageThread) -> None:
    audit.record(
        session,
        action,
        adviser,
        target_type="message_thread",
        target_id=thread.id,
        member_account_id=thread.account_id,
        contract_id=thread.contract_id,
    )


def open_thread(actor: Actor, thread_id: int) -> DeskThreadView:
    """A thread with its messages in order: the member by name, each adviser by e-mail. Audited every time."""
    with session_scope() as session:
        adviser = require_adviser(session, actor)
        thread = _thread(session, thread_id)
        contract = session.get(Contract, thread.contract_id)
        member = session.get(Account, thread.account_id)
        emails = {}
        shown = []
        for m in messages_of(session, thread):
            if m.author_role == MessageAuthor.ADVISER:
                if m.author_account_id not in emails:
                    emails[m.author_account_id] = session.get(Account, m.author_account_id).email
                author = emails[m.author_account_id]
            else:
                author = _member_name(contract)
            shown.append(MessageView(author, paris_datetime(m.created_at), m.body, m.author_role == "adviser"))
        _audit(session, "message_thread_viewed", adviser, thread)
        return DeskThreadView(
            thread.id,
            thread.subject,
            _member_name(contract),
            contract.member_number,
            contract.id,
            file_reference(session, thread),
            thread.waiting_since is not None,
            member.closed_at is not None,
            shown,
        )


def reply(actor: Actor, thread_id: int, body: str) -> None:
    """The adviser answers: the thread leaves the queue, the member is told by e-mail (no text, no subject)."""
    text = clean_body(body)
    with session_scope() as session:
        adviser = require_adviser(session, actor)
        thread = _thread(session, thread_id)
        member = session.get(Account, thread.account_id)
        if member.closed_at is not None:
            raise ValidationError("body", ACCOUNT_CLOSED)
        now = clock.now()
        session.add(
            Message(
                thread_id=thread.id,
                author_role=MessageAuthor.ADVISER,
                author_account_id=adviser.id,
                body=text,
                created_at=now,
                updated_at=now,
            )
        )
        thread.last_message_at = now
        thread.waiting_since = None
        session.add(thread)
        contract = session.get(Contract, thread.contract_id)
        link = f"{settings.PUBLIC_URL}{MEMBER_THREAD_PATH}?id={thread.id}"
        subject, mail_body = mail_texts.new_message(contract.holder_first_name, link)
        mail.queue_mail(session, member.email, subject, mail_body)
        _audit(session, "message_answered", adviser, thread)
