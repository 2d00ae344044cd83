"""Mon Espace, Mon compte, Mot de passe (PRODUCT.md rules 7, 8, 11): only the member's own data."""

from __future__ import annotations

import re

import pytest

from portal_app.domain import actors, auth, tokens
from portal_app.domain.account import (
    account_details,
    change_password,
    confirm_email_link,
    member_overview,
    update_contact_details,
)
from portal_app.domain.errors import NotAllowed, ValidationError
from portal_app.domain.password_reset import request_password_reset, reset_password

from .support import (
    CLAIRE,
    FAQ_PASSWORD_RULE,
    FAQ_PHONE_RULE,
    NEW_PASSWORD,
    PASSWORD,
    PAUL,
    account_of,
    actor_of,
    confirm,
    link_token,
    login,
    login_token,
    mails_to,
    register,
)

NEW_EMAIL = "claire.nouvelle@example.fr"


# --- who may see what -------------------------------------------------------------------------------


@pytest.mark.parametrize("view", [member_overview, account_details])
@pytest.mark.parametrize("cookie", ["", "pas-un-jeton"], ids=["no-cookie", "made-up-cookie"])
def test_pages_need_a_valid_session(claire, view, cookie):
    with pytest.raises(NotAllowed):
        view(actors.resolve(tokens.digest(cookie)))


@pytest.mark.parametrize("view", [member_overview, account_details])
def test_pages_take_only_a_member_actor(claire, view):
    """The action decides who may act: no actor, a string, or an adviser (even one sharing Claire's ids)."""
    ids = (claire.token.account_id, claire.token.session_id)
    for not_a_member in (None, "pas-un-jeton", actors.Adviser(*ids), actors.PendingAdviser(*ids)):
        with pytest.raises(NotAllowed):
            view(not_a_member)


@pytest.mark.parametrize("view", [member_overview, account_details])
def test_pages_are_refused_after_logout(claire, view):
    token = login_token(claire.email)
    assert view(actor_of(token))

    auth.logout(tokens.digest(token))

    with pytest.raises(NotAllowed):
        view(actor_of(token))


def test_contact_details_cannot_be_changed_without_a_session(claire):
    with pytest.raises(NotAllowed):
        update_contact_details("pas-un-jeton", "07 51 23 45 67", claire.email, "")

    assert account_of(claire.email).phone == "+33612345678"


def test_password_cannot_be_changed_without_a_session(claire):
    with pytest.raises(NotAllowed):
        change_password("pas-un-jeton", PASSWORD, NEW_PASSWORD, NEW_PASSWORD)


def test_each_member_sees_only_their_own_contract(claire, paul):
    claire_view = member_overview(claire.token)
    paul_view = member_overview(paul.token)

    assert (claire_view.member_number, claire_view.first_name) == ("AB 123 456", "Claire")
    assert (paul_view.member_number, paul_view.first_name) == ("XY-987-654", "Paul")
    assert {b.first_name for b in claire_view.beneficiaries} == {"Claire", "Julien", "Léa", "Hugo"}
    assert {b.first_name for b in paul_view.beneficiaries} == {"Paul", "Zoé"}


def test_each_member_sees_only_their_own_account(claire, paul):
    assert account_details(claire.token).email == claire.email
    assert account_details(paul.token).email == paul.email
    assert account_details(paul.token).phone == "07 51 23 45 67"


def test_a_member_changes_only_their_own_phone(claire, paul):
    update_contact_details(claire.token, "07 81 23 45 67", claire.email, "")

    assert account_of(claire.email).phone == "+33781234567"
    assert account_of(paul.email).phone == "+33751234567"


# --- Mon Espace and Mon compte ----------------------------------------------------------------------


def test_overview_shows_contract_insurer_offer_and_validity(claire):
    overview = member_overview(claire.token)

    assert (overview.first_name, overview.last_name) == ("Claire", "Martin")
    assert (overview.insurer, overview.offer) == ("Mutuelle Horizon", "Assistance Plus")
    assert overview.validity == "depuis le mercredi 1er janvier 2020"
    assert overview.is_valid


def test_account_details_show_the_personal_data(claire):
    details = account_details(claire.token)

    assert (details.first_name, details.last_name, details.member_number) == ("Claire", "Martin", "AB 123 456")
    assert details.email == CLAIRE.email
    assert details.phone == "06 12 34 56 78"
    assert details.pending_email == ""
    assert re.search(r" à \d{2}:\d{2}$", details.last_login)
    assert len(details.beneficiaries) == 4


# --- Modifier: phone ---------------------------------------------------------------------------------


def test_phone_change_takes_effect_at_once(claire):
    message = update_contact_details(claire.token, "07.51.23.45.67", claire.email, "")

    assert "téléphone" in message
    assert account_of(claire.email).phone == "+33751234567"
    assert account_details(claire.token).phone == "07 51 23 45 67"


def test_bad_phone_is_refused_and_nothing_changes(claire):
    with pytest.raises(ValidationError) as error:
        update_contact_details(claire.token, "01 23 45 67 89", claire.email, "")

    assert error.value.errors == {"phone": FAQ_PHONE_RULE}
    assert account_of(claire.email).phone == "+33612345678"


# --- Modifier: e-mail --------------------------------------------------------------------------------


def test_new_email_asks_for_the_current_password(claire):
    with pytest.raises(ValidationError) as error:
        update_contact_details(claire.token, CLAIRE.phone, NEW_EMAIL, "")

    assert set(error.value.errors) == {"current_password"}
    assert mails_to(NEW_EMAIL) == []


def test_new_email_with_a_wrong_current_password_is_refused(claire):
    with pytest.raises(ValidationError) as error:
        update_contact_details(claire.token, CLAIRE.phone, NEW_EMAIL, "Mauvais-Mot-2-Passe")

    assert error.value.errors == {"current_password": "Le mot de passe actuel est incorrect."}
    assert mails_to(NEW_EMAIL) == []


def test_email_used_by_another_member_is_refused(claire, paul):
    with pytest.raises(ValidationError) as error:
        update_contact_details(claire.token, CLAIRE.phone, paul.email.upper(), PASSWORD)

    assert set(error.value.errors) == {"email"}
    assert account_of(claire.email).email == CLAIRE.email


def test_new_email_is_sent_a_confirmation_link_and_the_old_one_stays_until_then(claire):
    message = update_contact_details(claire.token, CLAIRE.phone, NEW_EMAIL, PASSWORD)

    assert NEW_EMAIL in message
    assert link_token(NEW_EMAIL, "/confirmation-email")
    assert mails_to(claire.email)[-1].subject.startswith("Demande de changement d'adresse e-mail")
    assert account_of(claire.email).email == CLAIRE.email
    details = account_details(claire.token)
    assert (details.email, details.pending_email) == (CLAIRE.email, NEW_EMAIL)
    assert login(CLAIRE.email)
    with pytest.raises(auth.LoginRefused):
        auth.login(NEW_EMAIL, PASSWORD)


def test_confirming_the_new_email_switches_the_login_address(claire):
    update_contact_details(claire.token, CLAIRE.phone, NEW_EMAIL, PASSWORD)

    message = confirm(NEW_EMAIL)

    assert NEW_EMAIL in message
    assert account_details(claire.token).email == NEW_EMAIL
    assert account_details(claire.token).pending_email == ""
    assert login(NEW_EMAIL)
    with pytest.raises(auth.LoginRefused) as refused:
        auth.login(CLAIRE.email, PASSWORD)
    assert refused.value.reason == "invalid"


def test_new_email_taken_before_its_confirmation_is_refused(claire, paul_contract):
    update_contact_details(claire.token, CLAIRE.phone, NEW_EMAIL, PASSWORD)
    link = tokens.digest(link_token(NEW_EMAIL, "/confirmation-email"))
    register(PAUL, email=NEW_EMAIL)

    with pytest.raises(ValidationError):
        confirm_email_link(link)

    assert account_of(CLAIRE.email).email == CLAIRE.email
    assert account_of(NEW_EMAIL).id != account_of(CLAIRE.email).id


def test_unchanged_details_change_nothing(claire):
    message = update_contact_details(claire.token, CLAIRE.phone, CLAIRE.email.upper(), "")

    assert message == "Aucune modification à enregistrer."


# --- Mot de passe ------------------------------------------------------------------------------------


def test_change_password_with_a_wrong_current_password_is_refused(claire):
    with pytest.raises(ValidationError) as error:
        change_password(claire.token, "Mauvais-Mot-2-Passe", NEW_PASSWORD, NEW_PASSWORD)

    assert error.value.errors == {"current_password": "Le mot de passe actuel est incorrect."}
    assert login(claire.email, PASSWORD)


def test_new_password_must_follow_the_rules(claire):
    with pytest.raises(ValidationError) as error:
        change_password(claire.token, PASSWORD, "faible", "faible")

    assert error.value.errors == {"new_password": FAQ_PASSWORD_RULE}


def test_new_password_must_not_contain_a_name_of_the_contract(claire):
    with pytest.raises(ValidationError) as error:
        change_password(claire.token, PASSWORD, "Orage-HUGO-93-Kiwi", "Orage-HUGO-93-Kiwi")

    assert "prénom" in error.value.errors["new_password"]


def test_new_password_confirmation_must_match(claire):
    with pytest.raises(ValidationError) as error:
        change_password(claire.token, PASSWORD, NEW_PASSWORD, NEW_PASSWORD + "!")

    assert set(error.value.errors) == {"new_password_confirmation"}


def test_new_password_is_the_one_asked_at_the_next_login(claire):
    change_password(claire.token, PASSWORD, NEW_PASSWORD, NEW_PASSWORD)

    assert login(claire.email, NEW_PASSWORD)
    with pytest.raises(auth.LoginRefused):
        auth.login(claire.email, PASSWORD)


def test_password_change_sends_a_mail(claire):
    change_password(claire.token, PASSWORD, NEW_PASSWORD, NEW_PASSWORD)

    assert mails_to(claire.email)[-1].subject.startswith("Votre mot de passe a été modifié")


def test_password_change_stores_a_new_bcrypt_hash(claire):
    before = account_of(claire.email).password_hash

    change_password(claire.token, PASSWORD, NEW_PASSWORD, NEW_PASSWORD)

    after = account_of(claire.email).password_hash
    assert after != before and after.startswith("$2b$12$")


def test_changing_the_password_cancels_a_pending_email_change(claire):
    # The notice sent to the old address says: not you? change your password. That must be enough.
    update_contact_details(claire.token, CLAIRE.phone, NEW_EMAIL, PASSWORD)
    link = tokens.digest(link_token(NEW_EMAIL, "/confirmation-email"))

    change_password(claire.token, PASSWORD, NEW_PASSWORD, NEW_PASSWORD)

    with pytest.raises(ValidationError):
        confirm_email_link(link)
    assert account_of(CLAIRE.email).email == CLAIRE.email
    assert account_details(claire.token).pending_email == ""


def test_password_reset_cancels_a_pending_email_change(claire):
    update_contact_details(claire.token, CLAIRE.phone, NEW_EMAIL, PASSWORD)
    link = tokens.digest(link_token(NEW_EMAIL, "/confirmation-email"))
    request_password_reset(CLAIRE.email)

    reset_password(tokens.digest(link_token(CLAIRE.email, "/nouveau-mot-de-passe")), NEW_PASSWORD, NEW_PASSWORD)

    with pytest.raises(ValidationError):
        confirm_email_link(link)
    assert account_of(CLAIRE.email).email == CLAIRE.email
