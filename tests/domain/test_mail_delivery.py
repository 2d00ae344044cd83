"""Outgoing mail: queued with the change, delivered by SMTP (or to the .eml outbox), retried, never sent twice."""

from __future__ import annotations

import email
import re
import threading
from datetime import timedelta
from email import policy

from portal_app import settings
from portal_app.db.engine import as_utc, session_scope
from portal_app.db.models import OutgoingMail
from portal_app.domain import mail, tokens
from portal_app.domain.account import confirm_email_link

from .support import CLAIRE, account_of, all_rows, register

LINK = re.compile(re.escape(settings.PUBLIC_URL) + r"/confirmation-email\?token=([A-Za-z0-9_\-]+)")


def queue(*recipients: str) -> None:
    with session_scope() as session:
        for recipient in recipients:
            mail.queue_mail(session, recipient, f"Message pour {recipient}", "Bonjour,\n\nUn message de test.")


def test_registration_mail_is_delivered_through_smtp(claire_contract, smtp_server):
    inbox = smtp_server.start()
    address = register(CLAIRE)

    delivered = mail.deliver_due_mail()

    assert delivered == 1
    [envelope] = inbox.envelopes
    assert envelope.rcpt_tos == [address]
    [message] = inbox.messages()
    assert message["To"] == address
    assert message["Subject"] == "Confirmez votre adresse e-mail – Espace Assistance"
    assert "Espace Assistance" in message["From"]
    body = message.get_content()
    assert "Bonjour Claire" in body
    token = LINK.search(body).group(1)
    confirm_email_link(tokens.digest(token))  # the page sees only the digest of the link's secret
    assert account_of(address).email_confirmed_at is not None


def test_body_is_erased_once_delivered(claire_contract, smtp_server):
    smtp_server.start()
    register(CLAIRE)

    mail.deliver_due_mail()

    [sent] = all_rows(OutgoingMail)
    assert sent.sent_at is not None
    assert sent.body is None
    assert sent.attempts == 1
    assert mail.pending_count() == 0


def test_delivered_mail_is_not_sent_again(claire_contract, smtp_server):
    inbox = smtp_server.start()
    register(CLAIRE)
    mail.deliver_due_mail()

    assert mail.deliver_due_mail() == 0
    assert len(inbox.envelopes) == 1


def test_without_smtp_host_mail_is_written_to_the_outbox_as_eml(claire_contract, outbox):
    address = register(CLAIRE)

    assert mail.deliver_due_mail() == 1

    [path] = list(outbox.glob("*.eml"))
    message = email.message_from_bytes(path.read_bytes(), policy=policy.default)
    assert message["To"] == address
    assert message["Subject"].startswith("Confirmez votre adresse e-mail")
    assert LINK.search(message.get_content())
    assert all_rows(OutgoingMail)[0].body is None


def test_registration_does_not_wait_for_the_smtp_server(claire_contract, smtp_settings):
    address = register(CLAIRE)  # nothing listens on the SMTP port

    [queued] = all_rows(OutgoingMail)
    assert (queued.recipient, queued.attempts, queued.sent_at) == (address, 0, None)


def test_mail_is_kept_and_retried_later_when_the_smtp_server_is_down(claire_contract, smtp_server, frozen_clock):
    register(CLAIRE)

    delivered = mail.deliver_due_mail()

    assert delivered == 0
    [kept] = all_rows(OutgoingMail)
    assert kept.attempts == 1
    assert kept.sent_at is None
    assert kept.body and "confirmation-email?token=" in kept.body
    assert as_utc(kept.next_attempt_at) > frozen_clock.now
    assert kept.last_error
    assert mail.pending_count() == 1


def test_kept_mail_is_delivered_once_the_server_is_up_and_the_retry_time_has_come(
    claire_contract, smtp_server, frozen_clock
):
    address = register(CLAIRE)
    mail.deliver_due_mail()  # server down
    retry_at = as_utc(all_rows(OutgoingMail)[0].next_attempt_at)
    inbox = smtp_server.start()

    assert mail.deliver_due_mail() == 0  # not due yet
    frozen_clock.set(retry_at + timedelta(seconds=1))
    delivered = mail.deliver_due_mail()

    assert delivered == 1
    assert [e.rcpt_tos for e in inbox.envelopes] == [[address]]
    [sent] = all_rows(OutgoingMail)
    assert (sent.attempts, sent.body, sent.last_error) == (2, None, None)


def test_retry_delay_grows_after_each_failure(claire_contract, smtp_server, frozen_clock):
    register(CLAIRE)
    delays = []
    for _ in range(3):
        mail.deliver_due_mail()
        next_attempt = as_utc(all_rows(OutgoingMail)[0].next_attempt_at)
        delays.append(next_attempt - frozen_clock.now)
        frozen_clock.set(next_attempt)

    assert delays[0] < delays[1] < delays[2]
    assert all_rows(OutgoingMail)[0].attempts == 3


def test_mail_claimed_by_another_deliverer_is_left_to_it(smtp_server, frozen_clock):
    inbox = smtp_server.start()
    queue("a@example.fr", "b@example.fr")
    with session_scope() as session:  # another deliverer is busy with the first message
        taken = session.get(OutgoingMail, all_rows(OutgoingMail)[0].id)
        taken.claimed_until = frozen_clock.now + timedelta(minutes=2)
        session.add(taken)

    assert mail.deliver_due_mail() == 1
    assert [e.rcpt_tos for e in inbox.envelopes] == [["b@example.fr"]]
    frozen_clock.advance(minutes=3)  # that deliverer died: its claim runs out
    assert mail.deliver_due_mail() == 1
    assert [e.rcpt_tos for e in inbox.envelopes] == [["b@example.fr"], ["a@example.fr"]]


def test_two_deliverers_at_once_send_each_message_once(smtp_server):
    inbox = smtp_server.start()
    inbox.delay_seconds = 0.05  # slow server: the two deliverers overlap
    recipients = [f"membre{i}@example.fr" for i in range(8)]
    queue(*recipients)
    start = threading.Barrier(2)
    counts: list[int] = []
    errors: list[BaseException] = []

    def deliverer() -> None:
        try:
            start.wait()
            counts.append(mail.deliver_due_mail())
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=deliverer) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert not errors
    assert sum(counts) == len(recipients)
    assert sorted(r for e in inbox.envelopes for r in e.rcpt_tos) == sorted(recipients)
    assert mail.pending_count() == 0
