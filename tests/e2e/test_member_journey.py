"""The whole life of a member account, in French, on a phone and on a desktop (issue 2, point 3).

Register → confirm by e-mail → log in → Mon Espace → Mon compte (« Modifier » the phone, change
the e-mail) → Mot de passe → Déconnexion → come back to a protected page → forgotten password.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from .support import (
    AGNES,
    EMILIE,
    fill_contract_step,
    fill_credentials_step,
    goto,
    link_from,
    log_out,
    login,
    login_refusal,
    mail_body,
    mark,
    open_link,
    submit_login,
    url_re,
    wait_hydrated,
)

pytestmark = pytest.mark.e2e

LOGIN_FAILED = "Adresse e-mail ou mot de passe incorrect."
RESET_ANSWER = "Si cette adresse correspond à un compte, un e-mail vient d'y être envoyé."

JOURNEYS = {
    # viewport: (contract, number as typed, first e-mail, new e-mail, passwords)
    "phone": (EMILIE, "GH777888", "emilie.lefevre@example.org", "emilie.nouvelle@example.org"),
    "desktop": (AGNES, "e2e.200.001", "agnes.rousseau@example.org", "agnes.nouvelle@example.org"),
}
FIRST_PASSWORD = "Baleine-Cerise-83"
SECOND_PASSWORD = "Nuage-Piano-Fusee-58"
THIRD_PASSWORD = "Orage-Lampion-Castor-26"


@pytest.mark.parametrize("kind", ["phone", "desktop"])
def test_member_journey(kind, new_page, mailbox, wait_for_mail):
    contract, typed_number, email, new_email = JOURNEYS[kind]
    page = new_page(kind)

    # --- Registration, step 1: the contract, names matched without case or accents.
    goto(page, "/inscription")
    expect(page.get_by_role("heading", name="Étape 1 sur 3")).to_be_visible()
    fill_contract_step(page, contract, number=typed_number)

    # Step 2: the contract's beneficiaries, as the insurer sent them.
    expect(page.get_by_role("heading", name="Étape 2 sur 3")).to_be_visible()
    main = page.locator("main")
    expect(main).to_contain_text(f"{contract.first_name} {contract.last_name}")
    expect(main).to_contain_text(contract.insurer)
    expect(main).to_contain_text(contract.offer)
    for child in contract.beneficiaries:
        expect(page.locator("main li").filter(has_text=child)).to_be_visible()
    # First names and relations only: no birth date to whoever knows what is printed on a card.
    expect(main).not_to_contain_text(re.compile(r"né\(e\)|(?<![0-9])(19|20)[0-9]{2}(?![0-9])"))
    page.get_by_role("button", name="Continuer").click()

    # Step 3: e-mail, phone typed with dots, password.
    expect(page.get_by_role("heading", name="Étape 3 sur 3")).to_be_visible()
    fill_credentials_step(page, email, "06.12.34.56.78", FIRST_PASSWORD)
    expect(page.get_by_role("heading", name="Votre compte est créé")).to_be_visible(timeout=30_000)
    expect(main).to_contain_text(email)
    first_mail = wait_for_mail(email, "Confirmez votre adresse e-mail")
    assert contract.first_name in mail_body(first_mail)

    # --- Logging in before confirming: said so, and a second e-mail can be asked for.
    goto(page, "/connexion")
    submit_login(page, email, FIRST_PASSWORD)
    expect(login_refusal(page)).to_contain_text("Votre adresse e-mail n'est pas encore confirmée")
    page.get_by_role("button", name="Renvoyer l'e-mail de confirmation").click()
    expect(page.get_by_text("un nouvel e-mail de confirmation vient de lui être envoyé")).to_be_visible()
    second_mail = wait_for_mail(email, "Confirmez votre adresse e-mail")
    assert len(mailbox.messages_to(email, "Confirmez votre adresse e-mail")) == 2
    first_link, second_link = link_from(first_mail), link_from(second_mail)
    assert first_link != second_link

    # --- The newest link confirms the address; opened again, it says so and offers to log in.
    open_link(page, second_link, "/confirmation-email")
    expect(page.get_by_text("Votre adresse e-mail est confirmée")).to_be_visible()
    expect(page).to_have_url(url_re("/confirmation-email"))
    assert "token=" not in page.url, "the secret stays in the address bar"
    open_link(page, second_link, "/confirmation-email")
    expect(page.get_by_text("Votre adresse e-mail est déjà confirmée : vous pouvez vous connecter.")).to_be_visible()
    expect(page.get_by_role("link", name="Aller à la page de connexion")).to_be_visible()

    # --- Mon Espace: greeting, contract number, insurer, offer, validity, beneficiaries.
    login(page, email, FIRST_PASSWORD)
    expect(page.get_by_role("heading", name="Mon Espace", level=1)).to_be_visible()
    expect(main).to_contain_text(f"Bonjour {contract.first_name} {contract.last_name}")
    expect(main).to_contain_text(contract.number)
    expect(main).to_contain_text(contract.insurer)
    expect(main).to_contain_text(contract.offer)
    expect(main).to_contain_text("Validité")
    for child in contract.beneficiaries:
        expect(page.locator("main li").filter(has_text=child)).to_be_visible()

    # --- Mon compte: personal data, the phone shown the French way.
    since = mark(page)
    page.get_by_role("navigation", name="Mon Espace").get_by_role("link", name="Mon compte").click()
    expect(page).to_have_url(url_re("/mon-espace/compte"))
    wait_hydrated(page, since, "/mon-espace/compte")
    expect(page.get_by_role("heading", name="Mon compte", level=1)).to_be_visible()
    expect(main).to_contain_text("06 12 34 56 78")
    expect(main).to_contain_text(email)
    expect(main).to_contain_text(contract.number)
    expect(main).to_contain_text("rapprochez-vous de votre conseiller")

    # « Modifier » the phone: saved at once, no password needed.
    page.get_by_role("button", name="Modifier").click()
    expect(page.get_by_label("Téléphone mobile")).to_be_focused()
    expect(page.get_by_label("Prénom")).to_have_count(0)  # names come from the insurer: read-only
    page.get_by_label("Téléphone mobile").fill("+33 7 98 76 54 32")
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_text("Votre numéro de téléphone mobile a été enregistré.")).to_be_visible()
    expect(main).to_contain_text("07 98 76 54 32")

    # Changing the e-mail asks for the current password, then a link is sent to the new address.
    page.get_by_role("button", name="Modifier").click()
    page.get_by_label("Adresse e-mail").fill(new_email)
    page.get_by_role("button", name="Enregistrer").click()
    current = page.get_by_label("Mot de passe actuel")
    expect(current).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#current_password-erreur")).to_contain_text("indiquez votre mot de passe actuel")
    expect(current).to_be_focused()
    current.fill(FIRST_PASSWORD)
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_text(f"Un e-mail de confirmation a été envoyé à {new_email}")).to_be_visible(timeout=30_000)
    wait_for_mail(email, "Demande de changement d'adresse e-mail")
    change_link = link_from(wait_for_mail(new_email, "Confirmez votre nouvelle adresse e-mail"))
    open_link(page, change_link, "/confirmation-email")
    expect(page.get_by_text(f"Votre nouvelle adresse e-mail {new_email} est confirmée")).to_be_visible()

    # The new address logs in; the old one no longer does.
    goto(page, "/mon-espace")
    log_out(page)
    submit_login(page, email, FIRST_PASSWORD)
    expect(login_refusal(page)).to_contain_text(LOGIN_FAILED)
    login(page, new_email, FIRST_PASSWORD)

    # --- Mot de passe: current + new + confirmation; a mail says it changed.
    since = mark(page)
    page.get_by_role("navigation", name="Mon Espace").get_by_role("link", name="Mot de passe").click()
    wait_hydrated(page, since, "/mon-espace/mot-de-passe")
    page.get_by_label("Mot de passe actuel").fill(FIRST_PASSWORD)
    page.get_by_label("Nouveau mot de passe").fill(SECOND_PASSWORD)
    page.get_by_label("Confirmation du mot de passe").fill(SECOND_PASSWORD)
    page.get_by_role("button", name="Changer mon mot de passe").click()
    expect(page.get_by_text("Votre mot de passe a été modifié")).to_be_visible(timeout=30_000)
    wait_for_mail(new_email, "Votre mot de passe a été modifié")

    # --- Déconnexion; a protected page sends to /connexion?next=… and comes back after login.
    log_out(page)
    goto(page, "/mon-espace/compte", expect_path="/connexion")
    expect(page).to_have_url(url_re("/connexion"))
    assert "next=/mon-espace/compte" in page.url
    submit_login(page, new_email, FIRST_PASSWORD)  # the old password is no longer accepted
    expect(login_refusal(page)).to_contain_text(LOGIN_FAILED)
    since = mark(page)
    submit_login(page, new_email, SECOND_PASSWORD)
    expect(page).to_have_url(url_re("/mon-espace/compte"), timeout=30_000)
    wait_hydrated(page, since, "/mon-espace/compte")
    expect(main).to_contain_text("07 98 76 54 32")

    # --- Forgotten password: the same answer for an unknown address, a link, a new password.
    log_out(page)
    since = mark(page)
    page.get_by_role("link", name="J'ai oublié mon mot de passe").click()
    expect(page).to_have_url(url_re("/mot-de-passe-oublie"))
    wait_hydrated(page, since, "/mot-de-passe-oublie")
    unknown = f"personne.{kind}@example.org"
    page.get_by_label("Adresse e-mail").fill(unknown)
    page.get_by_role("button", name="Recevoir le lien").click()
    answer = page.get_by_role("status").filter(has_text=RESET_ANSWER)
    expect(answer).to_be_visible()
    answer_for_unknown = answer.inner_text()

    goto(page, "/mot-de-passe-oublie")
    page.get_by_label("Adresse e-mail").fill(new_email.upper())
    page.get_by_role("button", name="Recevoir le lien").click()
    expect(answer).to_be_visible()
    assert answer.inner_text() == answer_for_unknown
    reset_link = link_from(wait_for_mail(new_email, "Renouvellement de votre mot de passe"))
    assert mailbox.messages_to(unknown) == [], "no mail for an address without an account"

    open_link(page, reset_link, "/nouveau-mot-de-passe")
    page.get_by_label("Mot de passe", exact=True).fill(THIRD_PASSWORD)
    page.get_by_label("Confirmation du mot de passe").fill(THIRD_PASSWORD)
    page.get_by_role("button", name="Enregistrer le nouveau mot de passe").click()
    expect(page.get_by_text("Votre mot de passe a été modifié. Vous pouvez maintenant vous connecter")).to_be_visible(
        timeout=30_000
    )
    wait_for_mail(new_email, "Votre mot de passe a été modifié")
    # The reset link is single-use.
    open_link(page, reset_link, "/nouveau-mot-de-passe")
    expect(page.get_by_text("Ce lien n'est plus valable")).to_be_visible()

    goto(page, "/connexion")
    submit_login(page, new_email, SECOND_PASSWORD)
    expect(login_refusal(page)).to_contain_text(LOGIN_FAILED)
    login(page, new_email, THIRD_PASSWORD)
    expect(main).to_contain_text(f"Bonjour {contract.first_name} {contract.last_name}")
