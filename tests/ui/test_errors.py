"""An unexpected failure is told in French and logged without the exception's text (it may hold personal data)."""

import logging

from portal_app.ui.errors import UNEXPECTED, backend_exception_handler


def _failing():
    raise ValueError("INSERT … VALUES ('claire.martin@example.fr', '+33612345678')")


def test_unexpected_errors_are_logged_without_their_message(caplog):
    try:
        _failing()
    except ValueError as error:
        with caplog.at_level(logging.ERROR):
            spec = backend_exception_handler(error)
    logged = " ".join(record.getMessage() for record in caplog.records)
    assert "ValueError" in logged and "_failing" in logged
    assert "claire.martin" not in logged and "+33612345678" not in logged
    assert UNEXPECTED in str(spec)
