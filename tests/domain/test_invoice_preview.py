"""The adviser's preview of an invoice: a PNG drawn on the server from the first page, audited, advisers only."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from portal_app.db.models import AuditEvent
from portal_app.domain import invoice_preview
from portal_app.domain.errors import NotFound
from portal_app.domain.uploads import Upload

from .advisers_support import enrol_adviser
from .claims_support import entitlement_of, files_of, jpeg, open_file, pdf, png, submit
from .support import count


@pytest.fixture
def adviser(frozen_clock):
    return enrol_adviser()


@pytest.fixture
def entitlement(adviser, claire) -> int:
    return entitlement_of(open_file(adviser, claire.contract)).id


@pytest.mark.parametrize(
    ("name", "content"), [("facture.pdf", pdf()), ("photo.jpg", jpeg()), ("scan.png", png(1600, 900))]
)
def test_an_adviser_gets_the_first_page_as_a_png_no_wider_than_the_page(adviser, claire, entitlement, name, content):
    [stored] = files_of(submit(claire, entitlement, [Upload(name, content)]))

    picture = invoice_preview.preview(adviser.token, stored.id)

    with Image.open(io.BytesIO(picture)) as image:
        assert image.format == "PNG"
        assert 0 < image.width <= invoice_preview.PREVIEW_WIDTH
    assert picture != content
    assert count(AuditEvent, AuditEvent.action == "claim_file_previewed") == 1


def test_the_pdf_page_is_drawn_not_copied(adviser, claire, entitlement):
    [stored] = files_of(submit(claire, entitlement, [Upload("facture.pdf", pdf())]))

    with Image.open(io.BytesIO(invoice_preview.preview(adviser.token, stored.id))) as image:
        colours = image.convert("L").getextrema()
    assert colours[0] < 128 < colours[1]  # the invoice's text, dark on white


@pytest.mark.parametrize("who", ["member", "nobody"])
def test_anyone_but_an_adviser_gets_not_found(adviser, claire, entitlement, who):
    [stored] = files_of(submit(claire, entitlement))

    with pytest.raises(NotFound):
        invoice_preview.preview(claire.token if who == "member" else None, stored.id)
    assert count(AuditEvent, AuditEvent.action == "claim_file_previewed") == 0


@pytest.mark.parametrize("file_id", [0, -1, 2**31, 2**63, "1"])
def test_an_id_that_is_not_a_file_is_not_found(adviser, file_id):
    with pytest.raises(NotFound):
        invoice_preview.preview(adviser.token, file_id)
