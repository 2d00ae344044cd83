"""Each refusal of /inscription has its own message; field errors sit next to their field."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from .support import (
    CLAIRE_EMAIL,
    FANNY,
    NO_ACCESS_MESSAGE,
    TestContract,
    fill_contract_step,
    fill_credentials_step,
    goto,
    reach_credentials_step,
)

pytestmark = pytest.mark.e2e

NO_CONTRACT = "Aucun contrat ne correspond à ce numéro adhérent, ce prénom et ce nom."
ACCOUNT_EXISTS = "Un compte existe déjà pour ce contrat."
EMAIL_TAKEN = "Cette adresse e-mail est déjà utilisée par un autre compte."
PHONE_RULE = "Le numéro doit être au format 06 xx xx xx xx ou 07 xx xx xx xx."


def person(number: str, first: str, last: str) -> TestContract:
    return TestContract(number, first, last, first, last, "", "", ())


def refusal(page):
    return page.locator("#refus-inscription")


def expect_field_error(page, field_id: str, text: str) -> None:
    """The input says it is invalid and points (aria-describedby) at the error shown next to it."""
    field = page.locator(f"#{field_id}")
    expect(field).to_have_attribute("aria-invalid", "true")
    error = page.locator(f"#{field_id}-erreur")
    expect(error).to_be_visible()
    expect(error).to_contain_text(text)
    described_by = (field.get_attribute("aria-describedby") or "").split()
    assert f"{field_id}-erreur" in described_by, f"#{field_id} aria-describedby={described_by}"
    # The error sits in the field's own block (at most two levels up), after the input.
    assert page.evaluate(
        """([f, e]) => {
            const input = document.getElementById(f), error = document.getElementById(e);
            const near = input.parentElement.contains(error) || input.parentElement.parentElement.contains(error);
            return near && !!(input.compareDocumentPosition(error) & Node.DOCUMENT_POSITION_FOLLOWING);
        }""",
        [field_id, f"{field_id}-erreur"],
    ), f"the error of #{field_id} is not next to it"


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        (person("ZZ 999 999", "Jean", "Dupont"), NO_CONTRACT),
        (person("GH777888", "Émilie", "Dupont"), NO_CONTRACT),  # right number, wrong holder
        (person("CD-654-321", "Paul", "Bernard"), NO_ACCESS_MESSAGE),  # offer expired
        (person("EF.111.222", "Sophie", "Petit"), NO_ACCESS_MESSAGE),  # SANTE_SEULE: no access
        (person("cd 654 321", "paul", "BERNARD"), NO_ACCESS_MESSAGE),  # typed another way
    ],
    ids=["unknown", "wrong-holder", "expired", "no-access-offer", "typed-otherwise"],
)
def test_contract_refusals(desktop, who, expected):
    goto(desktop, "/inscription")
    fill_contract_step(desktop, who)
    expect(refusal(desktop)).to_be_visible()
    if expected == NO_ACCESS_MESSAGE:
        expect(refusal(desktop).locator("p").first).to_have_text(NO_ACCESS_MESSAGE)
    else:
        expect(refusal(desktop)).to_contain_text(expected)
        expect(refusal(desktop)).not_to_contain_text(NO_ACCESS_MESSAGE)
    expect(refusal(desktop)).to_have_attribute("role", "alert")
    expect(desktop.get_by_role("heading", name="Étape 1 sur 3")).to_be_visible()


def test_existing_account_offers_login_and_reset(phone):
    goto(phone, "/inscription")
    fill_contract_step(phone, person("AB 123 456", "Claire", "Martin"))
    block = refusal(phone)
    expect(block).to_contain_text(ACCOUNT_EXISTS)
    expect(block.get_by_role("link", name="Se connecter")).to_have_attribute("href", "/connexion")
    expect(block.get_by_role("link", name="J'ai oublié mon mot de passe")).to_have_attribute(
        "href", "/mot-de-passe-oublie"
    )
    expect(block).not_to_contain_text("Léa")  # nothing of the contract is shown


def test_empty_contract_step_marks_every_field(phone):
    goto(phone, "/inscription")
    phone.get_by_role("button", name="Continuer").click()
    expect_field_error(phone, "member_number", "numéro adhérent")
    expect_field_error(phone, "first_name", "prénom")
    expect_field_error(phone, "last_name", "nom")
    expect(phone.get_by_label("Numéro adhérent")).to_be_focused()


def test_email_already_used(desktop, mailbox):
    reach_credentials_step(desktop, FANNY)
    fill_credentials_step(desktop, CLAIRE_EMAIL.upper(), "06 22 33 44 55", "Bruyere-Citron-Zebre-71")
    expect_field_error(desktop, "email", EMAIL_TAKEN)
    expect(desktop.get_by_label("Adresse e-mail")).to_be_focused()
    expect(desktop.get_by_role("heading", name="Étape 3 sur 3")).to_be_visible()
    expect(desktop.get_by_label("Téléphone mobile")).to_have_attribute("aria-invalid", "false")


def test_weak_password_and_bad_phone(phone, mailbox):
    reach_credentials_step(phone, FANNY)
    fill_credentials_step(phone, "fanny.girard@example.org", "01 23 45 67 89", "motdepasse")
    expect_field_error(phone, "phone", PHONE_RULE)
    expect_field_error(phone, "password", "au minimum 8 caractères")
    expect(phone.get_by_label("Adresse e-mail")).to_have_attribute("aria-invalid", "false")
    # Focus goes to the first field in error, in the order of the form.
    expect(phone.get_by_label("Téléphone mobile")).to_be_focused()

    # A password with the member's name (without accents or case) and a confirmation that differs.
    phone.get_by_label("Téléphone mobile").fill("07 81 22 33 44")
    phone.get_by_label("Mot de passe", exact=True).fill("Soleil-GIRARD-2931")
    phone.get_by_label("Confirmation du mot de passe").fill("Soleil-GIRARD-2932")
    phone.get_by_role("button", name="Créer mon compte").click()
    expect_field_error(phone, "password", "ne doit pas contenir votre prénom, votre nom")
    expect_field_error(phone, "password_confirmation", "La confirmation ne correspond pas")
    expect(phone.get_by_label("Téléphone mobile")).to_have_attribute("aria-invalid", "false")
    expect(phone.get_by_label("Mot de passe", exact=True)).to_be_focused()

    # A common French password, and the terms not accepted.
    phone.get_by_label("Mot de passe", exact=True).fill("Doudou2024!")
    phone.get_by_label("Confirmation du mot de passe").fill("Doudou2024!")
    phone.get_by_label("J'accepte les conditions d'utilisation").uncheck()
    phone.get_by_role("button", name="Créer mon compte").click()
    expect_field_error(phone, "terms", "accepter les conditions")
    expect(phone.locator("#password")).to_have_attribute("aria-invalid", "true")
    assert mailbox.messages_to("fanny.girard@example.org") == [], "no account, no mail"


def test_checks_of_one_number_are_limited_with_the_wait_said(desktop):
    """Step 1 tells the FAQ's refusals apart: 5 checks of a number per 15 minutes, then a wait in words."""
    stranger = person("ZZ 123 789", "Jean", "Dupont")
    for _ in range(5):
        goto(desktop, "/inscription")
        fill_contract_step(desktop, stranger)
        expect(refusal(desktop)).to_contain_text(NO_CONTRACT)
    goto(desktop, "/inscription")
    fill_contract_step(desktop, stranger)
    expect(refusal(desktop)).to_contain_text("Trop d'essais. Réessayez dans 15 minutes.")
    expect(refusal(desktop)).to_have_attribute("role", "alert")
