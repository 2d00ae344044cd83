"""The portal's own HTTP routes (downloads) as a client sees them: any id answers 404, and the audited address
is the client's behind the configured proxies, never what a client writes in X-Forwarded-For by itself."""

from __future__ import annotations

import pytest
from domain.conftest import _empty_tables, claire_confirmed, claire_contract, database  # noqa: F401
from domain.support import login_token
from sqlmodel import select
from starlette.requests import Request
from starlette.testclient import TestClient

from portal_app import settings
from portal_app.db.engine import session_scope
from portal_app.db.models import AuditEvent
from portal_app.ui.downloads import routes
from portal_app.ui.request_origin import client_ip
from portal_app.ui.session_cookie import SESSION_COOKIE


@pytest.fixture
def claire(claire_confirmed) -> str:  # noqa: F811 (the fixture imported above)
    """Claire's session cookie."""
    return login_token(claire_confirmed.email)


def request_from(peer: str, forwarded_for: str | None) -> Request:
    headers = [(b"x-forwarded-for", forwarded_for.encode())] if forwarded_for is not None else []
    return Request({"type": "http", "client": (peer, 1234), "headers": headers, "method": "GET", "path": "/"})


@pytest.mark.parametrize(
    ("hops", "forwarded_for", "expected"),
    [
        (0, "198.51.100.9", "10.0.0.2"),  # no proxy configured: the header is the client's own words
        (1, "198.51.100.9", "198.51.100.9"),
        (1, "6.6.6.6, 198.51.100.9", "198.51.100.9"),  # what the client wrote before the proxy is ignored
        (2, "6.6.6.6, 198.51.100.9, 10.0.0.3", "198.51.100.9"),
        (2, "198.51.100.9", "10.0.0.2"),  # fewer addresses than proxies: not trusted
        (1, None, "10.0.0.2"),
    ],
)
def test_the_client_address_is_taken_through_the_configured_hops_only(hops, forwarded_for, expected):
    assert client_ip(request_from("10.0.0.2", forwarded_for), trusted_hops=hops) == expected


@pytest.mark.parametrize(
    "file_id", ["0", "99999999999", "9223372036854775808", "1" * 60, "-1", "abc", "1.5", "%00", "1e3"]
)
def test_an_invoice_download_answers_404_for_any_id(claire, file_id):
    client = TestClient(routes, raise_server_exceptions=False)
    client.cookies.set(SESSION_COOKIE, claire)
    assert client.get(f"/telechargement/justificatif/{file_id}").status_code == 404


def exports_audited_from() -> list[str]:
    with session_scope() as session:
        events = session.exec(select(AuditEvent).where(AuditEvent.action == "personal_data_exported")).all()
        return [event.ip for event in events]


@pytest.mark.parametrize(("hops", "expected"), [(0, "testclient"), (1, "198.51.100.9")])
def test_the_audit_trail_records_the_client_behind_the_proxy(claire, monkeypatch, hops, expected):
    monkeypatch.setattr(settings, "TRUSTED_PROXY_HOPS", hops)
    client = TestClient(routes)
    client.cookies.set(SESSION_COOKIE, claire)
    answer = client.get("/telechargement/mes-donnees", headers={"X-Forwarded-For": "198.51.100.9"})
    assert answer.status_code == 200
    assert exports_audited_from() == [expected]
