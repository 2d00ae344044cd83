"""The legal notices' settings: demo values on a laptop, refused in production."""

import pytest

from portal_app import settings

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
