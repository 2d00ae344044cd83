"""Messages, member's side: a member writes to the platform about one of their assistance files or in general.

A thread belongs to the account that started it (by account, like claims): another member's thread is
« introuvable », whatever id is sent, so nobody learns that it exists. Lengths are checked here, never
trusted to the browser. Opening a thread marks the advisers' messages read (the unread count of « Mon
Espace »). The member's own reading is not audited (like their claims); an adviser's is (messages_desk).

What closing an account does to threads: they are **kept**, like claims. An adviser's answer is part of
the record of the assistance given (what the member was told about their file, and when), which the
platform must keep as long as the file; the account itself is anonymised, so nobody can read them from the
portal any more, and a thread waiting for an answer leaves the advisers' queue (`forget_waiting`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import sqlalchemy as sa
from sqlmodel import Session, select

from portal_app.db.engine import get_by_id, session_scope
from portal_app.db.models import Account, AssistanceFile, Beneficiary, Message, MessageThread
from portal_app.db.vocabulary import MessageAuthor
from portal_app.domain import actors, audit, clock
from portal_app.domain.actors import Actor
from portal_app.domain.errors import NotFound, ValidationError
from portal_app.domain.formatting import paris_datetime

SUBJECT_MIN, SUBJECT_MAX = 3, 120
BODY_MAX = 4000
YOU = "Vous"
ADVISER_NAME = "Conseiller Espace Assistance"
THREAD_NOT_FOUND = "Cette conversation est introuvable."
SUBJECT_MISSING = f"Indiquez l'objet de votre message ({SUBJECT_MIN} caractères au moins)."
SUBJECT_TOO_LONG = f"L'objet ne peut pas dépasser {SUBJECT_MAX} caractères."
BODY_MISSING = "Écrivez votre message."
UNKNOWN_FILE = "Choisissez l'un de vos dossiers d'assistance, ou « Question générale »."
GENERAL = "Question générale"

# Control characters other than tab and line feed (PostgreSQL refuses NUL in text; the others are noise).
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def body_too_long(length: int) -> str:
    return f"Votre message ne peut pas dépasser 4 000 caractères (il en compte {length:,}).".replace(",", " ")


def clean_body(body: object, field_name: str = "body") -> str:
    """The message as it will be kept: line ends unified, control characters dropped; ValidationError else."""
    text = body if isinstance(body, str) else ""
    text = _CONTROL.sub("", text.replace("\r\n", "\n").replace("\r", "\n")).strip()
    if not text:
        raise ValidationError(field_name, BODY_MISSING)
    if len(text) > BODY_MAX:
        raise ValidationError(field_name, body_too_long(len(text)))
    return text


def _clean_subject(subject: object) -> str:
    text = " ".join(_CONTROL.sub(" ", subject if isinstance(subject, str) else "").split())
    if len(text) < SUBJECT_MIN:
        raise ValidationError("subject", SUBJECT_MISSING)
    if len(text) > SUBJECT_MAX:
        raise ValidationError("subject", SUBJECT_TOO_LONG)
    return text


@dataclass(frozen=True)
class MessageView:
    author: str
    when: str
    body: str
    from_adviser: bool


@dataclass(frozen=True)
class ThreadLine:
    """One line of the member's list of threads."""

    thread_id: int
    subject: str
    file_reference: str
    last_message: str
    unread: int


@dataclass(frozen=True)
class ThreadView:
    thread_id: int
    subject: str
    file_reference: str
    started: str
    messages: list[MessageView] = field(default_factory=list)


@dataclass(frozen=True)
class FileChoice:
    reference: str
    label: str


def file_reference(session: Session, thread: MessageThread) -> str:
    if thread.assistance_file_id is None:
        return ""
    return session.get(AssistanceFile, thread.assistance_file_id).reference


def messages_of(session: Session, thread: MessageThread) -> list[Message]:
    return list(session.exec(select(Message).where(Message.thread_id == thread.id).order_by(Message.id)).all())


def _own_thread(session: Session, member: actors.Member, thread_id: object) -> MessageThread:
    thread = get_by_id(session, MessageThread, thread_id)
    if thread is None or thread.account_id != member.account_id:
        raise NotFound(THREAD_NOT_FOUND)
    return thread


def _unread_by_thread(session: Session, account_id: int) -> dict[int, int]:
    rows = session.exec(
        select(Message.thread_id, sa.func.count(Message.id))
        .join(MessageThread, MessageThread.id == Message.thread_id)
        .where(
            MessageThread.account_id == account_id,
            Message.author_role == MessageAuthor.ADVISER,
            Message.read_at.is_(None),
        )
        .group_by(Message.thread_id)
    ).all()
    return {thread_id: int(count) for thread_id, count in rows}


def unread_count(actor: Actor) -> int:
    """How many advisers' messages the member has not opened yet (for « À faire » on « Mon Espace »)."""
    member = actors.member(actor)
    with session_scope() as session:
        return sum(_unread_by_thread(session, member.account_id).values())


def threads(actor: Actor) -> list[ThreadLine]:
    """The member's threads, the most recently active first, each with its unread count."""
    member = actors.member(actor)
    with session_scope() as session:
        unread = _unread_by_thread(session, member.account_id)
        rows = session.exec(
            select(MessageThread)
            .where(MessageThread.account_id == member.account_id)
            .order_by(MessageThread.last_message_at.desc(), MessageThread.id.desc())
        ).all()
        return [
            ThreadLine(
                t.id,
                t.subject,
                file_reference(session, t),
                paris_datetime(t.last_message_at),
                unread.get(t.id, 0),
            )
            for t in rows
        ]


def file_choices(actor: Actor) -> list[FileChoice]:
    """The member's assistance files (open or closed), for « À propos de » of the new-message form."""
    member = actors.member(actor)
    with session_scope() as session:
        rows = session.exec(
            select(AssistanceFile, Beneficiary)
            .join(Beneficiary, Beneficiary.id == AssistanceFile.beneficiary_id)
            .where(AssistanceFile.contract_id == member.contract_id)
            .order_by(AssistanceFile.id.desc())
        ).all()
        return [FileChoice(f.reference, f"Dossier {f.reference} ({b.first_name})") for f, b in rows]


def open_thread(actor: Actor, thread_id: int) -> ThreadView:
    """One of the member's threads, its messages in order; the advisers' messages are now read."""
    member = actors.member(actor)
    with session_scope() as session:
        thread = _own_thread(session, member, thread_id)
        session.execute(
            sa.update(Message)
            .where(
                Message.thread_id == thread.id,
                Message.author_role == MessageAuthor.ADVISER,
                Message.read_at.is_(None),
            )
            .values(read_at=clock.now())
        )
        shown = [
            MessageView(
                ADVISER_NAME if m.author_role == MessageAuthor.ADVISER else YOU,
                paris_datetime(m.created_at),
                m.body,
                m.author_role == MessageAuthor.ADVISER,
            )
            for m in messages_of(session, thread)
        ]
        return ThreadView(
            thread.id, thread.subject, file_reference(session, thread), paris_datetime(thread.created_at), shown
        )


def _file_of(session: Session, member: actors.Member, reference: object) -> AssistanceFile | None:
    """The chosen file, which must be one of the member's contract ("" is a general question)."""
    wanted = reference.strip() if isinstance(reference, str) else ""
    if not wanted:
        return None
    found = session.exec(select(AssistanceFile).where(AssistanceFile.reference == wanted[:20])).first()
    if found is None or found.contract_id != member.contract_id:
        raise ValidationError("file_reference", UNKNOWN_FILE)  # the same words whether it exists or not
    return found


def _add_member_message(session: Session, account: Account, thread: MessageThread, body: str) -> None:
    now = clock.now()
    session.add(
        Message(
            thread_id=thread.id,
            author_role=MessageAuthor.MEMBER,
            author_account_id=account.id,
            body=body,
            created_at=now,
            updated_at=now,
        )
    )
    thread.last_message_at = now
    thread.waiting_since = thread.waiting_since or now
    session.add(thread)


def start_thread(actor: Actor, subject: str, body: str, file_ref: str = "") -> int:
    """A new thread with its first message; returns its id. Every field is checked before anything is written."""
    member = actors.member(actor)
    errors: dict[str, str] = {}
    clean: dict[str, str] = {}
    for name, check in (("subject", _clean_subject), ("body", clean_body)):
        try:
            clean[name] = check(subject if name == "subject" else body)
        except ValidationError as error:
            errors.update(error.errors)
    with session_scope() as session:
        try:
            chosen = _file_of(session, member, file_ref)
        except ValidationError as error:
            errors = {**error.errors, **errors}
        if errors:
            raise ValidationError.many(errors)
        account = session.get(Account, member.account_id)
        thread = MessageThread(
            account_id=account.id,
            contract_id=member.contract_id,
            assistance_file_id=chosen.id if chosen else None,
            subject=clean["subject"],
        )
        session.add(thread)
        session.flush()
        _add_member_message(session, account, thread, clean["body"])
        _audit(session, "message_thread_started", account, thread)
        return thread.id


def reply(actor: Actor, thread_id: int, body: str) -> None:
    """The member writes again in one of their threads: it goes back to the advisers' queue if answered."""
    member = actors.member(actor)
    text = clean_body(body)
    with session_scope() as session:
        thread = _own_thread(session, member, thread_id)
        account = session.get(Account, member.account_id)
        _add_member_message(session, account, thread, text)
        _audit(session, "message_sent", account, thread)


def _audit(session: Session, action: str, who: Account, thread: MessageThread) -> None:
    """Never the subject nor the text in the trail: only which thread (health data stays in the messages)."""
    audit.record(
        session,
        action,
        who,
        target_type="message_thread",
        target_id=thread.id,
        member_account_id=thread.account_id,
        contract_id=thread.contract_id,
    )


def forget_waiting(session: Session, account_id: int) -> None:
    """On account closing: the threads are kept (see the module), but no longer wait for an adviser."""
    session.execute(sa.update(MessageThread).where(MessageThread.account_id == account_id).values(waiting_since=None))
