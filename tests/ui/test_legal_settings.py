"""The legal notices' settings and the platform's number and hours: demo values on a laptop, refused in production."""

import pytest

from portal_app import settings
from portal_app.domain import platform

GOOD_PRODUCTION = {
    "IS_PRODUCTION": True,
    "SECRET_KEY": "x" * 40,
    "PUBLIC_URL": "https://assistance.example.fr",
    "SMTP_HOST": "smtp.example.fr",
    "FILE_KEYS_SPEC": "k1:AAAA",
    "FILE_KEY_ID": "k1",
}
REAL_LEGAL = {
    "PUBLISHER_NAME": "Mutuelle Exemple SA",
    "PUBLISHER_ADDRESS": "10 rue Réelle, 75001 Paris",
    "PUBLISHER_REGISTRATION": "RCS Paris 123 456 789",
    "PUBLICATION_DIRECTOR": "Jeanne Directrice",
    "CONTACT_EMAIL": "contact@mutuelle.example.fr",
    "DPO_EMAIL": "dpo@mutuelle.example.fr",
    "HOST_NAME": "Hébergeur Santé SAS",
    "HOST_ADDRESS": "5 quai de l'Hébergement, 69002 Lyon",
    "ASSISTANCE_PHONE": "09 70 80 90 10",
    "ASSISTANCE_HOURS": "08:30-19:00",
}


def _set(monkeypatch, values):
    for name, value in values.items():
        monkeypatch.setattr(settings, name, value)


def test_a_laptop_gets_the_demo_legal_values():
    # The test process sets none of them.
    assert sorted(settings.demo_legal_settings()) == sorted(settings.DEMO_LEGAL_DEFAULTS)


def test_production_refuses_the_demo_legal_values(monkeypatch):
    _set(monkeypatch, GOOD_PRODUCTION)
    with pytest.raises(settings.ConfigurationError) as refused:
        settings.check_production_settings()
    message = str(refused.value)
    for name in settings.DEMO_LEGAL_DEFAULTS:
        assert name in message
    assert "PORTAL_SECRET_KEY" not in message


def test_production_refuses_even_one_demo_legal_value(monkeypatch):
    _set(monkeypatch, GOOD_PRODUCTION | REAL_LEGAL | {"HOST_NAME": settings.DEMO_LEGAL_DEFAULTS["PORTAL_HOST_NAME"]})
    with pytest.raises(settings.ConfigurationError, match="PORTAL_HOST_NAME") as refused:
        settings.check_production_settings()
    assert "PORTAL_DPO_EMAIL" not in str(refused.value)


def test_production_starts_with_real_legal_values(monkeypatch):
    _set(monkeypatch, GOOD_PRODUCTION | REAL_LEGAL)
    settings.check_production_settings()  # no error
    assert settings.demo_legal_settings() == []


def test_production_refuses_the_demo_phone_number_and_hours(monkeypatch):
    _set(
        monkeypatch,
        GOOD_PRODUCTION | REAL_LEGAL | {"ASSISTANCE_PHONE": "01 23 45 67 89", "ASSISTANCE_HOURS": "09:00-18:00"},
    )
    with pytest.raises(settings.ConfigurationError) as refused:
        settings.check_production_settings()
    assert "PORTAL_ASSISTANCE_PHONE" in str(refused.value) and "PORTAL_ASSISTANCE_HOURS" in str(refused.value)
    assert "PORTAL_HOST_NAME" not in str(refused.value)


@pytest.mark.parametrize("hours", ["9h-18h", "18:00-09:00", "09:00", "25:00-26:00", "09:00-09:00"])
def test_unreadable_opening_hours_are_refused_even_on_a_laptop(monkeypatch, hours):
    monkeypatch.setattr(settings, "ASSISTANCE_HOURS", hours)
    with pytest.raises(settings.ConfigurationError, match="PORTAL_ASSISTANCE_HOURS"):
        settings.check_production_settings()


def test_the_number_is_a_tel_link_written_the_french_way(monkeypatch):
    assert platform.call_text() == "Appeler le 01 23 45 67 89"
    assert platform.phone_href() == "tel:+33123456789"
    assert platform.hours_text() == "du lundi au vendredi (hors jours fériés), de 9 h à 18 h"
    monkeypatch.setattr(settings, "ASSISTANCE_PHONE", "+33970809010")
    monkeypatch.setattr(settings, "ASSISTANCE_HOURS", "08:30 - 19:00")
    assert platform.call_text() == "Appeler le 09 70 80 90 10"
    assert platform.phone_href() == "tel:+33970809010"
    assert platform.hours_text().endswith("de 8 h 30 à 19 h")
