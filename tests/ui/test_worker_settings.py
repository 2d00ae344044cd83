"""Several workers: refused without Redis (each would keep its own Reflex states), and Granian told how many."""

import os
import subprocess
import sys

import pytest

from portal_app import settings


def test_several_workers_without_redis_are_refused(monkeypatch):
    monkeypatch.setattr(settings, "WORKERS", 2)
    monkeypatch.setattr(settings, "REDIS_URL", "")
    with pytest.raises(settings.ConfigurationError, match="REFLEX_REDIS_URL"):
        settings.check_production_settings()


def test_several_workers_with_redis_start(monkeypatch):
    monkeypatch.setattr(settings, "WORKERS", 2)
    monkeypatch.setattr(settings, "REDIS_URL", "redis://127.0.0.1:6379/0")
    settings.check_production_settings()  # no error


def _settings_in_a_fresh_process(**env: str) -> list[str]:
    environment = {k: v for k, v in os.environ.items() if k not in {"PORTAL_WORKERS", "GRANIAN_WORKERS"}}
    code = "from portal_app import settings; import os; print(settings.WORKERS, os.environ['GRANIAN_WORKERS'])"
    output = subprocess.run([sys.executable, "-c", code], env={**environment, **env}, capture_output=True, text=True)
    return output.stdout.split()


def test_one_worker_by_default_even_with_redis():
    """Reflex alone would start 2 × cores + 1 workers as soon as Redis is configured."""
    assert _settings_in_a_fresh_process(REFLEX_REDIS_URL="redis://127.0.0.1:6379/0") == ["1", "1"]


def test_portal_workers_is_what_granian_runs():
    assert _settings_in_a_fresh_process(PORTAL_WORKERS="3") == ["3", "3"]


def test_state_ttl_is_the_redis_token_expiration():
    import rxconfig

    assert rxconfig.config.redis_token_expiration == settings.STATE_TTL_SECONDS == 3600
