"""Password rules (PRODUCT.md rule 1): the FAQ's rule, the obvious ones it warns about, common passwords."""

from __future__ import annotations

import pytest

from portal_app.domain.errors import ValidationError
from portal_app.domain.passwords import ADVICE_TEXT, RULE_TEXT, check_new_password, password_problems

from .support import FAQ_PASSWORD_RULE

SEQUENCE = "Le mot de passe ne doit pas contenir de suite évidente comme « 0000 », « 1234 » ou « azerty »."
COMMON = "Ce mot de passe fait partie des mots de passe les plus courants : choisissez-en un autre."


def test_strong_password_is_accepted():
    assert password_problems("Pivoine-Orage-93") == []


def test_rule_text_is_the_faq_sentence():
    assert RULE_TEXT == FAQ_PASSWORD_RULE


def test_advice_warns_about_first_name_and_0000():
    assert "prénom" in ADVICE_TEXT and "0000" in ADVICE_TEXT and "1234" in ADVICE_TEXT


@pytest.mark.parametrize(
    "password",
    [
        "Pivo-O9",  # 7 characters
        "pivoine-orage-93",  # no upper-case letter
        "PIVOINE-ORAGE-93",  # no lower-case letter
        "Pivoine-Orage-Kiwi",  # no digit
    ],
)
def test_password_breaking_the_faq_rule_is_refused_with_the_rule(password):
    assert FAQ_PASSWORD_RULE in password_problems(password)


@pytest.mark.parametrize(
    "password", ["Kiwi0000Orage", "Kiwi1234Orage", "Azerty-Kiwi-93", "Kiwi-4321-Orage", "Kiwi-Qwerty-93"]
)
def test_obvious_sequences_are_refused(password):
    assert SEQUENCE in password_problems(password)


@pytest.mark.parametrize("password", ["Soleil2024!", "Marseille13", "Doudou123!", "Motdepasse1", "Chocolat1"])
def test_common_french_passwords_are_refused(password):
    assert COMMON in password_problems(password)


def test_common_english_password_is_refused():
    assert COMMON in password_problems("Password1")


def test_password_that_passes_the_rule_but_is_easy_to_guess_is_refused():
    problems = password_problems("Bateau77")

    assert problems == [
        "Ce mot de passe est trop facile à deviner : allongez-le, par exemple avec plusieurs mots "
        "sans rapport entre eux."
    ]


def test_password_longer_than_128_characters_is_refused_with_a_message():
    assert password_problems("Aa1-" + "x" * 125) == ["Le mot de passe ne doit pas dépasser 128 caractères."]


def test_password_of_exactly_128_characters_is_allowed():
    assert password_problems(("Pivoine-Orage-93-" * 8)[:128]) == []


def test_personal_names_are_refused_without_regard_to_case_or_accents():
    problems = password_problems("Orage-ELOISE-93", ["Éloïse", "Dupré"])

    assert problems == ["Le mot de passe ne doit pas contenir votre prénom, votre nom ou votre ville."]


def test_check_new_password_names_the_fields_at_fault():
    with pytest.raises(ValidationError) as error:
        check_new_password("court", "autre", field="new_password", confirmation_field="new_password_confirmation")

    assert error.value.errors == {
        "new_password": FAQ_PASSWORD_RULE,
        "new_password_confirmation": "La confirmation ne correspond pas au mot de passe.",
    }


def test_no_more_bcrypt_computations_run_at_once_than_the_setting_allows(monkeypatch):
    """A login burst must leave a core to the event loop: the hashing threads queue beyond the bound."""
    import threading

    import bcrypt

    from portal_app.domain import passwords

    monkeypatch.setattr(passwords, "_BCRYPT_SLOTS", threading.BoundedSemaphore(1))
    running, most = 0, 0
    lock = threading.Lock()
    real_checkpw = bcrypt.checkpw

    def counted_checkpw(password: bytes, hashed: bytes) -> bool:
        nonlocal running, most
        with lock:
            running += 1
            most = max(most, running)
        try:
            return real_checkpw(password, hashed)
        finally:
            with lock:
                running -= 1

    monkeypatch.setattr(bcrypt, "checkpw", counted_checkpw)
    stored = passwords.hash_password("Pivoine-Orage-93")
    results: list[bool] = []
    threads = [
        threading.Thread(target=lambda: results.append(passwords.verify_password("Pivoine-Orage-93", stored)))
        for _ in range(4)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert results == [True] * 4
    assert most == 1


def test_the_default_bound_keeps_a_core_free():
    import os

    from portal_app import settings

    assert max(1, (os.cpu_count() or 2) - 1) == settings.BCRYPT_THREADS or "PORTAL_BCRYPT_THREADS" in os.environ
