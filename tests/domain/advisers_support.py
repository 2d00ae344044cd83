"""Builders for the back-office tests: an adviser enrolled with TOTP, and a logged-in adviser session."""

from __future__ import annotations

from dataclasses import dataclass

import pyotp
from sqlmodel import select

from portal_app.db.engine import session_scope
from portal_app.db.models import Contract
from portal_app.domain import actors, advisers, auth, clock, second_factor
from portal_app.domain.text import member_number_key

from .support import actor_of

ADVISER_EMAIL = "conseillere@example.fr"
ADVISER_PASSWORD = "Boussole-Marine-64"


@dataclass
class Adviser:
    email: str
    secret: str
    recovery_codes: list[str]
    token: actors.Actor  # the logged-in adviser, as the road resolves it


def enrol_adviser(email: str = ADVISER_EMAIL) -> Adviser:
    advisers.create_adviser(email, ADVISER_PASSWORD)
    result = auth.login(email, ADVISER_PASSWORD)
    assert result.second_factor_required
    session_token = auth.open_session(result.grant).session_token
    pending = actor_of(session_token)
    enrolment = second_factor.start_enrolment(pending)
    codes = second_factor.confirm_enrolment(pending, pyotp.TOTP(enrolment.secret).at(clock.now()))
    return Adviser(email, enrolment.secret, codes, actor_of(session_token))


def pending_adviser_token(email: str, password: str = ADVISER_PASSWORD) -> str:
    """An adviser's session after the password, before the second factor (the cookie's secret)."""
    return auth.open_session(auth.login(email, password).grant).session_token


def pending_adviser(email: str = "en.attente@example.fr") -> actors.Actor:
    """A new adviser who gave the password and not yet the second factor: opens nothing of the back-office."""
    advisers.create_adviser(email, ADVISER_PASSWORD)
    return actor_of(pending_adviser_token(email))


def relogin_adviser(adviser: Adviser) -> Adviser:
    """Sessions end after 30 idle minutes: a test that moves the clock further logs in again."""
    session_token = pending_adviser_token(adviser.email)
    second_factor.verify(actor_of(session_token), pyotp.TOTP(adviser.secret).at(clock.now()))
    adviser.token = actor_of(session_token)
    return adviser


def contract_id(number: str) -> int:
    with session_scope() as session:
        return session.exec(select(Contract.id).where(Contract.member_number_key == member_number_key(number))).one()
