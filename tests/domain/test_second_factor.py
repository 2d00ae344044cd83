"""Advisers log in with a password and a TOTP code; a pending session opens nothing."""

import pyotp
import pytest

from portal_app.domain import advisers, auth, clock, second_factor
from portal_app.domain.errors import NotAllowed, ValidationError

from .advisers_support import ADVISER_EMAIL, ADVISER_PASSWORD, enrol_adviser


def test_adviser_password_alone_opens_nothing():
    advisers.create_adviser(ADVISER_EMAIL, ADVISER_PASSWORD)
    pending = auth.login(ADVISER_EMAIL, ADVISER_PASSWORD)
    assert pending.second_factor_required and pending.role == "adviser"
    with pytest.raises(NotAllowed):
        auth.authenticate(pending.session_token)
    with pytest.raises(NotAllowed):
        advisers.check_adviser(pending.session_token)


def test_first_login_enrols_with_a_qr_code_and_gives_recovery_codes():
    advisers.create_adviser(ADVISER_EMAIL, ADVISER_PASSWORD)
    pending = auth.login(ADVISER_EMAIL, ADVISER_PASSWORD).session_token
    assert second_factor.needs_enrolment(pending)
    enrolment = second_factor.start_enrolment(pending)
    assert enrolment.qr_svg_data_uri.startswith("data:image/svg+xml")
    codes = second_factor.confirm_enrolment(pending, pyotp.TOTP(enrolment.secret).at(clock.now()))
    assert len(codes) == 10 and len(set(codes)) == 10
    assert advisers.check_adviser(pending) == ADVISER_EMAIL


def test_a_wrong_code_at_enrolment_is_refused():
    advisers.create_adviser(ADVISER_EMAIL, ADVISER_PASSWORD)
    pending = auth.login(ADVISER_EMAIL, ADVISER_PASSWORD).session_token
    second_factor.start_enrolment(pending)
    with pytest.raises(ValidationError) as refused:
        second_factor.confirm_enrolment(pending, "000000")
    assert "code" in refused.value.errors
    with pytest.raises(NotAllowed):
        advisers.check_adviser(pending)


def test_every_later_login_asks_the_code(frozen_clock):
    adviser = enrol_adviser()
    frozen_clock.advance(minutes=5)
    pending = auth.login(ADVISER_EMAIL, ADVISER_PASSWORD).session_token
    assert not second_factor.needs_enrolment(pending)
    with pytest.raises(NotAllowed):
        advisers.check_adviser(pending)
    second_factor.verify(pending, pyotp.TOTP(adviser.secret).at(frozen_clock.now))
    assert advisers.check_adviser(pending) == ADVISER_EMAIL


def test_a_code_cannot_be_used_twice(frozen_clock):
    adviser = enrol_adviser()
    frozen_clock.advance(minutes=5)
    code = pyotp.TOTP(adviser.secret).at(frozen_clock.now)
    second_factor.verify(auth.login(ADVISER_EMAIL, ADVISER_PASSWORD).session_token, code)
    again = auth.login(ADVISER_EMAIL, ADVISER_PASSWORD).session_token
    with pytest.raises(ValidationError):
        second_factor.verify(again, code)


def test_a_recovery_code_works_once(frozen_clock):
    adviser = enrol_adviser()
    first = auth.login(ADVISER_EMAIL, ADVISER_PASSWORD).session_token
    second_factor.verify(first, adviser.recovery_codes[0].lower())
    assert advisers.check_adviser(first) == ADVISER_EMAIL
    second = auth.login(ADVISER_EMAIL, ADVISER_PASSWORD).session_token
    with pytest.raises(ValidationError):
        second_factor.verify(second, adviser.recovery_codes[0])


def test_five_wrong_codes_end_the_pending_login(frozen_clock):
    adviser = enrol_adviser()
    pending = auth.login(ADVISER_EMAIL, ADVISER_PASSWORD).session_token
    for _ in range(5):
        with pytest.raises(ValidationError):
            second_factor.verify(pending, "123456")
    with pytest.raises(NotAllowed):
        second_factor.verify(pending, pyotp.TOTP(adviser.secret).at(frozen_clock.now))


def test_a_pending_login_expires_after_ten_minutes(frozen_clock):
    adviser = enrol_adviser()
    pending = auth.login(ADVISER_EMAIL, ADVISER_PASSWORD).session_token
    frozen_clock.advance(minutes=11)
    with pytest.raises(NotAllowed):
        second_factor.verify(pending, pyotp.TOTP(adviser.secret).at(frozen_clock.now))


def test_a_member_session_cannot_enrol_or_verify(claire):
    with pytest.raises(NotAllowed):
        second_factor.start_enrolment(claire.token)
    with pytest.raises(NotAllowed):
        second_factor.verify(claire.token, "123456")


def test_the_totp_secret_is_stored_encrypted():
    from sqlmodel import select

    from portal_app.db.engine import session_scope
    from portal_app.db.models import SecondFactor

    adviser = enrol_adviser()
    with session_scope() as session:
        stored = session.exec(select(SecondFactor)).one()
    assert adviser.secret not in stored.secret_encrypted
