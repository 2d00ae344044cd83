"""Advisers log in with a password and a TOTP code; a pending session opens nothing."""

import pyotp
import pytest

from portal_app.domain import actors, advisers, auth, clock, second_factor
from portal_app.domain.errors import NotAllowed, ValidationError

from .advisers_support import ADVISER_EMAIL, ADVISER_PASSWORD, enrol_adviser, pending_adviser_token
from .support import account_of, actor_of


def is_adviser(token: str) -> bool:
    """Does a request carrying this session cookie reach the back-office (password and code given)?"""
    try:
        adviser = actors.adviser(actor_of(token))
    except NotAllowed:
        return False
    return adviser.account_id == account_of(ADVISER_EMAIL).id


def test_adviser_password_alone_opens_nothing():
    advisers.create_adviser(ADVISER_EMAIL, ADVISER_PASSWORD)
    result = auth.login(ADVISER_EMAIL, ADVISER_PASSWORD)
    assert result.second_factor_required and result.role == "adviser"
    opened = auth.open_session(result.grant)
    assert opened.pending and opened.role == "adviser"
    pending = actor_of(opened.session_token)
    assert isinstance(pending, actors.PendingAdviser)
    assert actors.role_of(pending) == ""
    with pytest.raises(NotAllowed):
        actors.adviser(pending)
    with pytest.raises(NotAllowed):
        actors.member(pending)
    assert not is_adviser(opened.session_token)


def test_first_login_enrols_with_a_qr_code_and_gives_recovery_codes():
    advisers.create_adviser(ADVISER_EMAIL, ADVISER_PASSWORD)
    token = pending_adviser_token(ADVISER_EMAIL)
    pending = actor_of(token)
    assert second_factor.needs_enrolment(pending)
    enrolment = second_factor.start_enrolment(pending)
    assert enrolment.qr_svg_data_uri.startswith("data:image/svg+xml")
    codes = second_factor.confirm_enrolment(pending, pyotp.TOTP(enrolment.secret).at(clock.now()))
    assert len(codes) == 10 and len(set(codes)) == 10
    assert is_adviser(token)


def test_reloading_the_enrolment_page_keeps_the_same_secret_until_a_code_is_confirmed():
    advisers.create_adviser(ADVISER_EMAIL, ADVISER_PASSWORD)
    pending = actor_of(pending_adviser_token(ADVISER_EMAIL))
    first = second_factor.start_enrolment(pending)
    again = second_factor.start_enrolment(pending)
    assert again.secret == first.secret
    # The next login (the adviser went away with the code scanned) still shows the scanned key…
    token = pending_adviser_token(ADVISER_EMAIL)
    later = actor_of(token)
    assert second_factor.start_enrolment(later).secret == first.secret
    # …and the code the app shows for it is the one that activates the second factor.
    second_factor.confirm_enrolment(later, pyotp.TOTP(first.secret).at(clock.now()))
    assert is_adviser(token)


def test_the_recovery_codes_page_is_left_only_once_their_keeping_is_ticked():
    adviser = enrol_adviser()
    with pytest.raises(ValidationError) as refused:
        second_factor.acknowledge_recovery_codes(adviser.token, False)
    assert refused.value.errors == {"codes_conserves": second_factor.CODES_NOT_KEPT}
    second_factor.acknowledge_recovery_codes(adviser.token, True)
    with pytest.raises(NotAllowed):
        second_factor.acknowledge_recovery_codes(actor_of(pending_adviser_token(ADVISER_EMAIL)), True)


def test_a_wrong_code_at_enrolment_is_refused():
    advisers.create_adviser(ADVISER_EMAIL, ADVISER_PASSWORD)
    token = pending_adviser_token(ADVISER_EMAIL)
    pending = actor_of(token)
    second_factor.start_enrolment(pending)
    with pytest.raises(ValidationError) as refused:
        second_factor.confirm_enrolment(pending, "000000")
    assert "code" in refused.value.errors
    assert not is_adviser(token)


def test_every_later_login_asks_the_code(frozen_clock):
    adviser = enrol_adviser()
    frozen_clock.advance(minutes=5)
    token = pending_adviser_token(ADVISER_EMAIL)
    pending = actor_of(token)
    assert not second_factor.needs_enrolment(pending)
    assert not is_adviser(token)
    second_factor.verify(pending, pyotp.TOTP(adviser.secret).at(frozen_clock.now))
    assert is_adviser(token)


def test_a_code_cannot_be_used_twice(frozen_clock):
    adviser = enrol_adviser()
    frozen_clock.advance(minutes=5)
    code = pyotp.TOTP(adviser.secret).at(frozen_clock.now)
    second_factor.verify(actor_of(pending_adviser_token(ADVISER_EMAIL)), code)
    again = actor_of(pending_adviser_token(ADVISER_EMAIL))
    with pytest.raises(ValidationError):
        second_factor.verify(again, code)


def test_a_recovery_code_works_once(frozen_clock):
    adviser = enrol_adviser()
    first = pending_adviser_token(ADVISER_EMAIL)
    second_factor.verify(actor_of(first), adviser.recovery_codes[0].lower())
    assert is_adviser(first)
    second = actor_of(pending_adviser_token(ADVISER_EMAIL))
    with pytest.raises(ValidationError):
        second_factor.verify(second, adviser.recovery_codes[0])


def test_five_wrong_codes_end_the_pending_login(frozen_clock):
    adviser = enrol_adviser()
    token = pending_adviser_token(ADVISER_EMAIL)
    pending = actor_of(token)
    for _ in range(5):
        with pytest.raises(ValidationError):
            second_factor.verify(pending, "123456")
    with pytest.raises(NotAllowed):
        second_factor.verify(pending, pyotp.TOTP(adviser.secret).at(frozen_clock.now))
    with pytest.raises(NotAllowed):
        actor_of(token)


def test_a_pending_login_expires_after_ten_minutes(frozen_clock):
    adviser = enrol_adviser()
    token = pending_adviser_token(ADVISER_EMAIL)
    pending = actor_of(token)
    frozen_clock.advance(minutes=11)
    with pytest.raises(NotAllowed):
        second_factor.verify(pending, pyotp.TOTP(adviser.secret).at(frozen_clock.now))
    with pytest.raises(NotAllowed):
        actor_of(token)


def test_a_member_session_cannot_enrol_or_verify(claire):
    with pytest.raises(NotAllowed):
        second_factor.start_enrolment(claire.token)
    with pytest.raises(NotAllowed):
        second_factor.verify(claire.token, "123456")


def test_an_adviser_already_logged_in_cannot_verify_again(frozen_clock):
    adviser = enrol_adviser()
    frozen_clock.advance(minutes=5)
    with pytest.raises(NotAllowed):
        second_factor.verify(adviser.token, pyotp.TOTP(adviser.secret).at(frozen_clock.now))
    with pytest.raises(NotAllowed):
        second_factor.start_enrolment(adviser.token)


def test_the_totp_secret_is_stored_encrypted():
    from sqlmodel import select

    from portal_app.db.engine import session_scope
    from portal_app.db.models import SecondFactor

    adviser = enrol_adviser()
    with session_scope() as session:
        stored = session.exec(select(SecondFactor)).one()
    assert adviser.secret not in stored.secret_encrypted
