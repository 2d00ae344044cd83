"""Messages (issue 13): a member writes to the platform with the keyboard only, an adviser answers from the
back-office, the member is told by an e-mail holding neither the text nor the subject, and reads the answer.

The member is the demo member (Claire, assistance file AS-2026-000001); the adviser is made with the
operator's command and enrols TOTP through the UI (codes from pyotp), as in test_adviser.py.
"""

from __future__ import annotations

import re
import subprocess

import pytest
from playwright.sync_api import Page, expect

from .axe import assert_no_axe_violations
from .conftest import DESKTOP
from .support import (
    CLAIRE_EMAIL,
    CLAIRE_PASSWORD,
    AdviserKeys,
    adviser_log_in,
    goto,
    login,
    mail_body,
    session_cookie,
    track_hydration,
)

pytestmark = pytest.mark.e2e

DESK = AdviserKeys("conseiller.messages@example.fr", "Boussole-Mistral-73")
SUBJECT = "Reprise de l'aide ménagère"
BODY = "Mon fils sort de l'hôpital vendredi : l'aide ménagère peut-elle reprendre lundi ?"
ANSWER = "Oui : l'intervenante passera lundi à 9 h, pour deux heures."


@pytest.fixture(scope="module")
def desk_cookie(browser, portal, portal_server) -> str:
    """`create-adviser` (password typed twice on stdin), then login with TOTP enrolment: the session cookie."""
    result = subprocess.run(
        ["python", "-m", "portal_app.cli", "create-adviser", "--email", DESK.email],
        cwd=portal_server.app_dir,
        env=portal_server.env,
        input=f"{DESK.password}\n{DESK.password}\n",
        capture_output=True,
        text=True,
        timeout=120,
        start_new_session=True,  # getpass reads stdin only without a controlling terminal
    )
    assert result.returncode == 0, result.stdout + result.stderr
    context = browser.new_context(base_url=portal, locale="fr-FR", **DESKTOP)
    context.set_default_timeout(20_000)
    try:
        page = context.new_page()
        track_hydration(page)
        adviser_log_in(page, DESK)
        cookie = session_cookie(page)
        assert cookie and cookie["value"]
        return cookie["value"]
    finally:
        context.close()


def tab_to(page: Page, element_id: str, limit: int = 10) -> None:
    """Tab until the element has the focus, as a keyboard user would."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement && document.activeElement.id") == element_id:
            return
    raise AssertionError(f"#{element_id} never got the focus with Tab")


def test_a_member_writes_an_adviser_answers_and_the_mail_holds_no_text(
    new_page, portal, portal_server, desk_cookie, wait_for_mail
):
    member = new_page("phone")
    login(member, CLAIRE_EMAIL, CLAIRE_PASSWORD)
    goto(member, "/mon-espace/messages")
    expect(member.get_by_role("heading", name="Nouveau message")).to_be_visible()
    assert_no_axe_violations(member, "/mon-espace/messages")

    # Keyboard only: a subject too short comes back by its field, announced, the text kept.
    member.get_by_label("Objet").focus()
    member.keyboard.type("ab")
    tab_to(member, "file_reference")
    member.keyboard.press("ArrowDown")  # the demo file AS-2026-000001
    tab_to(member, "body")
    member.keyboard.type(BODY)
    member.keyboard.press("Tab")
    expect(member.get_by_role("button", name="Envoyer le message")).to_be_focused()
    member.keyboard.press("Enter")
    error = member.locator("#subject-erreur")
    expect(error).to_contain_text("3 caractères au moins")
    expect(error).to_have_attribute("role", "alert")
    expect(member.get_by_label("Objet")).to_be_focused()
    expect(member.get_by_label("Votre message")).to_have_value(BODY)
    assert_no_axe_violations(member, "/mon-espace/messages with an error")

    member.keyboard.press("Control+A")
    member.keyboard.type(SUBJECT)
    member.keyboard.press("Enter")  # Enter in a text field submits its form
    expect(member).to_have_url(re.compile(r"/mon-espace/messages/fil\?id=\d+"))
    expect(member.get_by_role("heading", name=SUBJECT)).to_be_visible()
    expect(member.get_by_text("Dossier AS-2026-000001", exact=False)).to_be_visible()
    thread = member.locator("#messages-du-fil li")
    expect(thread).to_have_count(1)
    expect(thread.first).to_contain_text("Vous")
    expect(thread.first).to_contain_text(BODY)
    assert_no_axe_violations(member, "/mon-espace/messages/fil")
    thread_path = member.url.removeprefix(portal)

    # The adviser finds it in the queue and answers.
    adviser = new_page("desktop")
    adviser.context.add_cookies([{"name": "ea_session", "value": desk_cookie, "url": portal, "sameSite": "Strict"}])
    goto(adviser, "/conseiller/messages")
    adviser.get_by_role("link", name=SUBJECT).click()
    expect(adviser).to_have_url(re.compile(r"/conseiller/messages/fil\?id=\d+"))
    expect(adviser.locator("#messages-du-fil li").first).to_contain_text("Claire Martin")
    assert_no_axe_violations(adviser, "/conseiller/messages/fil")
    adviser.get_by_label("Votre réponse au membre").fill(ANSWER)
    adviser.get_by_role("button", name="Envoyer la réponse").click()
    expect(adviser.get_by_text("Réponse envoyée")).to_be_visible()
    expect(adviser.locator("#messages-du-fil li")).to_have_count(2)
    expect(adviser.locator("#messages-du-fil li").last).to_contain_text(DESK.email)

    # The mail says there is a message, with a link, and nothing of what was written.
    mail = wait_for_mail(CLAIRE_EMAIL, "Nouveau message")
    text = f"{mail['Subject']}\n{mail_body(mail)}"
    assert thread_path in text
    for secret in (SUBJECT, BODY, ANSWER, "aide ménagère", "intervenante"):
        assert secret not in text

    # The member reads the answer, from the platform.
    goto(member, thread_path, expect_path="/mon-espace/messages/fil")
    answer = member.locator("#messages-du-fil li").last
    expect(answer).to_contain_text("Conseiller Espace Assistance")
    expect(answer).to_contain_text(ANSWER)
    assert DESK.email not in member.content()
