"""Registration: the contract check (numéro adhérent + holder), then the account (PRODUCT.md rules 3 and 4)."""

from __future__ import annotations

import pytest

from portal_app import settings
from portal_app.db.models import Account, EmailToken, OutgoingMail
from portal_app.domain import auth
from portal_app.domain.errors import ValidationError
from portal_app.domain.passwords import verify_password
from portal_app.domain.registration import RegistrationRefused, check_contract

from .support import (
    CLAIRE,
    FAQ_NO_ACCESS,
    FAQ_PASSWORD_RULE,
    FAQ_PHONE_RULE,
    PASSWORD,
    PAUL,
    account_of,
    all_rows,
    confirm,
    count,
    import_ok,
    login,
    mails_to,
    register,
)

# --- step 1: the contract ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("number", "first_name", "last_name"),
    [
        ("AB 123 456", "Claire", "Martin"),
        ("ab-123.456", "CLAIRE", "martin"),
        ("AB123456", "  claire ", " MARTIN "),
        ("a b.1-2 3456", "Clairé", "Mârtin"),
    ],
)
def test_contract_is_found_ignoring_case_accents_and_number_separators(claire_contract, number, first_name, last_name):
    preview = check_contract(number, first_name, last_name)

    assert preview.member_number == "AB 123 456"
    assert (preview.holder_first_name, preview.holder_last_name) == ("Claire", "Martin")


def test_holder_with_accents_is_found_when_typed_without_them():
    import_ok(*PAUL.lines(people=(("adherent", "Lefèvre", "Émilie", "1988-06-09"),)))

    preview = check_contract(PAUL.number, "EMILIE", "lefevre")

    assert preview.holder_last_name == "Lefèvre"


def test_preview_lists_the_beneficiaries_of_the_contract(claire_contract):
    preview = check_contract("AB 123 456", "Claire", "Martin")

    assert [(b.first_name, b.relation) for b in preview.beneficiaries] == [
        ("Claire", "Adhérent"),
        ("Julien", "Conjoint"),
        ("Léa", "Enfant"),
        ("Hugo", "Enfant"),
    ]
    assert not any(hasattr(b, "birth_date") for b in preview.beneficiaries)
    assert (preview.insurer, preview.offer) == ("Mutuelle Horizon", "Assistance Plus")


def test_unknown_number_is_refused_as_no_contract(claire_contract):
    with pytest.raises(RegistrationRefused) as refused:
        check_contract("AB 123 457", "Claire", "Martin")

    assert refused.value.reason == "no_contract"
    assert "Aucun contrat" in refused.value.message


def test_right_number_with_another_person_is_refused_as_no_contract(claire_contract):
    with pytest.raises(RegistrationRefused) as refused:
        check_contract("AB 123 456", "Julien", "Martin")  # beneficiary, not the holder

    assert refused.value.reason == "no_contract"


def test_offer_without_portal_access_is_refused_with_the_faq_sentence():
    import_ok(*CLAIRE.lines(offer="SANTE_SEULE"))

    with pytest.raises(RegistrationRefused) as refused:
        check_contract("AB 123 456", "Claire", "Martin")

    assert refused.value.reason == "no_access"
    assert refused.value.message == FAQ_NO_ACCESS


def test_expired_contract_is_refused_with_the_faq_sentence():
    import_ok(*CLAIRE.lines(start="2023-01-01", end="2024-12-31"))

    with pytest.raises(RegistrationRefused) as refused:
        check_contract("AB 123 456", "Claire", "Martin")

    assert refused.value.reason == "no_access"
    assert refused.value.message == FAQ_NO_ACCESS


def test_contract_not_yet_started_is_refused_with_the_faq_sentence():
    import_ok(*CLAIRE.lines(start="2099-01-01"))

    with pytest.raises(RegistrationRefused) as refused:
        check_contract("AB 123 456", "Claire", "Martin")

    assert refused.value.reason == "no_access"
    assert refused.value.message == FAQ_NO_ACCESS


def test_contract_is_valid_on_its_first_and_last_day(frozen_clock):
    import_ok(*CLAIRE.lines(start="2026-03-10", end="2026-03-11"))

    check_contract("AB 123 456", "Claire", "Martin")
    frozen_clock.advance(days=1)
    check_contract("AB 123 456", "Claire", "Martin")
    frozen_clock.advance(days=1)
    with pytest.raises(RegistrationRefused):
        check_contract("AB 123 456", "Claire", "Martin")


def test_contract_with_an_account_is_refused_as_account_exists(claire_contract):
    register(CLAIRE)

    with pytest.raises(RegistrationRefused) as refused:
        check_contract("AB 123 456", "Claire", "Martin")

    assert refused.value.reason == "account_exists"
    assert "Un compte existe déjà" in refused.value.message


def test_missing_fields_are_reported_on_each_field(claire_contract):
    with pytest.raises(ValidationError) as error:
        check_contract(" ", "", "  ")

    assert set(error.value.errors) == {"member_number", "first_name", "last_name"}


# --- step 3: the account ----------------------------------------------------------------------------


def test_registration_creates_an_unconfirmed_account_with_the_phone_in_e164(claire_contract):
    address = register(CLAIRE, email="Claire.Martin@Example.FR", phone="06.12.34.56.78")

    account = account_of(address)
    assert address == "claire.martin@example.fr"
    assert account.email == "claire.martin@example.fr"
    assert account.email_confirmed_at is None
    assert account.phone == "+33612345678"
    assert account.role == "member"


def test_registration_queues_a_confirmation_mail_with_a_link(claire_contract):
    address = register(CLAIRE)

    [mail] = mails_to(address)
    assert mail.subject.startswith("Confirmez votre adresse e-mail")
    assert f"{settings.PUBLIC_URL}/confirmation-email?token=" in mail.body
    assert "Bonjour Claire" in mail.body
    assert mail.sent_at is None


def test_email_already_used_is_refused_on_the_email_field_and_nothing_is_created(claire_contract, paul_contract):
    register(PAUL, email="famille@example.fr")

    with pytest.raises(ValidationError) as error:
        register(CLAIRE, email="Famille@Example.fr")

    assert error.value.errors == {"email": "Cette adresse e-mail est déjà utilisée par un autre compte."}
    assert count(Account) == 1
    assert len(all_rows(OutgoingMail)) == 1


def test_invalid_email_is_refused(claire_contract):
    with pytest.raises(ValidationError) as error:
        register(CLAIRE, email="claire.martin@")

    assert set(error.value.errors) == {"email"}
    assert count(Account) == 0


def test_bad_phone_is_refused_with_the_rule_and_no_account_is_created(claire_contract):
    with pytest.raises(ValidationError) as error:
        register(CLAIRE, phone="01 23 45 67 89")

    assert error.value.errors == {"phone": FAQ_PHONE_RULE}
    assert count(Account) == 0


def test_weak_password_is_refused_and_no_account_is_created(claire_contract):
    with pytest.raises(ValidationError) as error:
        register(CLAIRE, password="motdepasse")

    assert set(error.value.errors) == {"password"}
    assert FAQ_PASSWORD_RULE in error.value.errors["password"]
    assert count(Account) == 0


def test_confirmation_that_differs_is_refused_and_no_account_is_created(claire_contract):
    with pytest.raises(ValidationError) as error:
        register(CLAIRE, confirmation=PASSWORD + "x")

    assert error.value.errors == {"password_confirmation": "La confirmation ne correspond pas au mot de passe."}
    assert count(Account) == 0


def test_terms_not_accepted_is_refused_and_no_account_is_created(claire_contract):
    with pytest.raises(ValidationError) as error:
        register(CLAIRE, terms=False)

    assert set(error.value.errors) == {"terms"}
    assert count(Account) == 0


def test_every_bad_field_is_reported_at_once(claire_contract):
    with pytest.raises(ValidationError) as error:
        register(CLAIRE, email="pas-une-adresse", phone="bonjour", password="abc", confirmation="abd", terms=False)

    assert set(error.value.errors) == {"email", "phone", "password", "password_confirmation", "terms"}
    assert count(Account) == 0
    assert count(OutgoingMail) == 0


def test_registration_rechecks_the_contract(claire_contract):
    import_ok(*CLAIRE.lines(end="2024-12-31"))  # expired between step 1 and step 3

    with pytest.raises(RegistrationRefused) as refused:
        register(CLAIRE)

    assert refused.value.reason == "no_access"
    assert count(Account) == 0


def test_second_account_for_the_same_contract_is_refused(claire_contract):
    register(CLAIRE)

    with pytest.raises(RegistrationRefused) as refused:
        register(CLAIRE, email="autre.adresse@example.fr")

    assert refused.value.reason == "account_exists"
    assert count(Account) == 1


@pytest.mark.parametrize(
    "password",
    [
        "Orage-CLAIRE-93",  # holder, other case
        "Orage-Martin-93",  # holder's last name
        "Orage-lEa-93-Kiwi",  # child « Léa », without the accent
        "Orage-Hugo-93",  # the other child
        "Orage-Julién-93",  # spouse, with an accent he does not have
    ],
)
def test_password_containing_a_name_of_the_contract_is_refused(claire_contract, password):
    with pytest.raises(ValidationError) as error:
        register(CLAIRE, password=password)

    assert "ne doit pas contenir votre prénom, votre nom ou votre ville" in error.value.errors["password"]
    assert count(Account) == 0


def test_password_of_128_characters_works_whole(claire_contract):
    password = ("Pivoine-Orage-93-" * 8)[:128]
    address = register(CLAIRE, password=password)
    account = account_of(address)
    one_changed_at_100 = password[:99] + ("X" if password[99] != "X" else "Y") + password[100:]

    assert verify_password(password, account.password_hash)
    assert not verify_password(one_changed_at_100, account.password_hash)
    assert not verify_password(password[:72], account.password_hash)


def test_password_of_128_characters_logs_in(claire_contract):
    password = ("Pivoine-Orage-93-" * 8)[:128]
    address = register(CLAIRE, password=password)
    confirm(address)

    assert login(address, password).account_id == account_of(address).id
    with pytest.raises(auth.LoginRefused):
        auth.login(address, password[:100] + "x" + password[101:])


def test_password_longer_than_128_characters_is_refused_with_a_message(claire_contract):
    with pytest.raises(ValidationError) as error:
        register(CLAIRE, password=("Pivoine-Orage-93-" * 8)[:129])

    assert error.value.errors["password"] == "Le mot de passe ne doit pas dépasser 128 caractères."


def test_password_is_hashed_with_bcrypt_cost_12_and_never_stored_in_clear(claire_contract):
    address = register(CLAIRE)

    account = account_of(address)
    assert account.password_hash.startswith("$2b$12$")
    stored = [str(value) for row in all_rows(Account) + all_rows(EmailToken) for value in row.model_dump().values()]
    stored += [mail.body or "" for mail in all_rows(OutgoingMail)]
    assert not any(PASSWORD in value for value in stored)
