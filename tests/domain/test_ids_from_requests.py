"""Ids from a request or an event are whatever the sender put there (security review, finding 9).

`/telechargement/justificatif/<id>` with an id beyond INTEGER answered 500: the database refused the query.
Any such id is now simply « not found ».
"""

from __future__ import annotations

import pytest

from portal_app.db.engine import get_by_id, session_scope
from portal_app.db.models import Account
from portal_app.domain.claims_backoffice import open_claim_file
from portal_app.domain.errors import NotFound


@pytest.mark.parametrize("file_id", [2**31, 2**63, 10**30, -1, 0])
def test_a_file_id_beyond_the_database_integer_is_not_found(claire, file_id):
    with pytest.raises(NotFound):
        open_claim_file(claire.token, file_id)


@pytest.mark.parametrize("row_id", [True, "1", 1.0, None, [1], 2**31, -5])
def test_get_by_id_refuses_what_is_not_an_id(claire, row_id):
    with session_scope() as session:
        assert get_by_id(session, Account, row_id) is None


def test_get_by_id_finds_a_real_row(claire):
    with session_scope() as session:
        assert get_by_id(session, Account, claire.token.account_id).email == claire.email
