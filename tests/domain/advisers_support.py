"""Builders for the back-office tests: an adviser enrolled with TOTP, and a logged-in adviser session."""

from __future__ import annotations

from dataclasses import dataclass

import pyotp
from sqlmodel import select

from portal_app.db.engine import session_scope
from portal_app.db.models import Contract
from portal_app.domain import advisers, auth, clock, second_factor
from portal_app.domain.text import member_number_key

ADVISER_EMAIL = "conseillere@example.fr"
ADVISER_PASSWORD = "Boussole-Marine-64"


@dataclass
class Adviser:
    email: str
    secret: str
    recovery_codes: list[str]
    token: str


def enrol_adviser(email: str = ADVISER_EMAIL) -> Adviser:
    advisers.create_adviser(email, ADVISER_PASSWORD)
    pending = auth.login(email, ADVISER_PASSWORD)
    assert pending.second_factor_required
    enrolment = second_factor.start_enrolment(pending.session_token)
    codes = second_factor.confirm_enrolment(pending.session_token, pyotp.TOTP(enrolment.secret).at(clock.now()))
    return Adviser(email, enrolment.secret, codes, pending.session_token)


def contract_id(number: str) -> int:
    with session_scope() as session:
        return session.exec(select(Contract.id).where(Contract.member_number_key == member_number_key(number))).one()
