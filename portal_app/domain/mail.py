"""Outgoing e-mail: queued in the database with the change it reports, delivered afterwards.

A message is written to the `outgoingmail` table inside the caller's transaction, so it exists if and
only if the change happened. `deliver_due_mail()` (run in a thread by the app, or by the CLI) sends it
through SMTP, or writes it as a .eml file in the outbox folder when no SMTP_HOST is configured. A
failure keeps the message and schedules a retry with a growing delay: never lost, never in the way of
the member's page. Once delivered, the body (which may carry a link) is erased.
"""

from __future__ import annotations

import logging
import smtplib
import ssl
from datetime import timedelta
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid

import sqlalchemy as sa
from sqlmodel import Session, select

from portal_app import settings
from portal_app.db.engine import session_scope
from portal_app.db.models import OutgoingMail
from portal_app.domain import clock

log = logging.getLogger(__name__)

CLAIM_SECONDS = 120
MAX_RETRY_DELAY = timedelta(hours=1)


def queue_mail(session: Session, recipient: str, subject: str, body: str) -> OutgoingMail:
    mail = OutgoingMail(recipient=recipient, subject=subject, body=body, next_attempt_at=clock.now())
    session.add(mail)
    session.flush()
    return mail


def _build_message(mail: OutgoingMail) -> EmailMessage:
    message = EmailMessage()
    message["From"] = settings.MAIL_FROM
    message["To"] = mail.recipient
    message["Subject"] = mail.subject
    message["Date"] = format_datetime(clock.now())
    message["Message-ID"] = make_msgid(domain="espace-assistance")
    message.set_content(mail.body or "")
    return message


def _transmit(message: EmailMessage, mail_id: int) -> None:
    if not settings.SMTP_HOST:
        settings.OUTBOX_DIR.mkdir(parents=True, exist_ok=True)
        stamp = clock.now().strftime("%Y%m%dT%H%M%S")
        path = settings.OUTBOX_DIR / f"{stamp}-{mail_id:06d}.eml"
        path.write_bytes(bytes(message))
        return
    with smtplib.SMTP(settings.SMTP_HOST, settings.SMTP_PORT, timeout=settings.SMTP_TIMEOUT_SECONDS) as smtp:
        if settings.SMTP_STARTTLS:
            smtp.starttls(context=ssl.create_default_context())
        if settings.SMTP_USER:
            smtp.login(settings.SMTP_USER, settings.SMTP_PASSWORD)
        smtp.send_message(message)


def _claim(mail_id: int) -> bool:
    """Take one message for this worker, so that two deliverers never send it twice."""
    now = clock.now()
    with session_scope() as session:
        result = session.execute(
            sa.update(OutgoingMail)
            .where(
                OutgoingMail.id == mail_id,
                OutgoingMail.sent_at.is_(None),
                sa.or_(OutgoingMail.claimed_until.is_(None), OutgoingMail.claimed_until < now),
            )
            .values(claimed_until=now + timedelta(seconds=CLAIM_SECONDS))
        )
        return result.rowcount == 1


def deliver_due_mail(limit: int = 50) -> int:
    """Send what is due; returns the number of messages delivered."""
    now = clock.now()
    with session_scope() as session:
        due_ids = session.exec(
            select(OutgoingMail.id)
            .where(OutgoingMail.sent_at.is_(None), OutgoingMail.next_attempt_at <= now)
            .order_by(OutgoingMail.id)
            .limit(limit)
        ).all()
    delivered = 0
    for mail_id in due_ids:
        if not _claim(mail_id):
            continue
        with session_scope() as session:
            mail = session.get(OutgoingMail, mail_id)
            message = _build_message(mail)
        try:
            _transmit(message, mail_id)
        except (OSError, smtplib.SMTPException) as exc:
            with session_scope() as session:
                mail = session.get(OutgoingMail, mail_id)
                mail.attempts += 1
                delay = min(timedelta(minutes=2 ** min(mail.attempts - 1, 10)), MAX_RETRY_DELAY)
                mail.next_attempt_at = clock.now() + delay
                mail.claimed_until = None
                mail.last_error = f"{type(exc).__name__}: {exc}"[:500]
                session.add(mail)
            log.warning(
                "mail %s not delivered (attempt %s), retry later: %s", mail_id, mail.attempts, type(exc).__name__
            )
            continue
        with session_scope() as session:
            mail = session.get(OutgoingMail, mail_id)
            mail.sent_at = clock.now()
            mail.attempts += 1
            mail.body = None
            mail.claimed_until = None
            mail.last_error = None
            session.add(mail)
        delivered += 1
    return delivered


def pending_count() -> int:
    with session_scope() as session:
        return len(session.exec(select(OutgoingMail.id).where(OutgoingMail.sent_at.is_(None))).all())
