"""Dates and times as a French reader writes them (« jeudi 26 novembre 2026 », « 08:15 »)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from portal_app.domain.formatting import counted, day_date, long_date, paris_datetime


def test_long_date_has_the_weekday():
    assert long_date(date(2026, 11, 26)) == "jeudi 26 novembre 2026"


def test_first_of_the_month_is_written_1er():
    assert long_date(date(2026, 7, 1)) == "mercredi 1er juillet 2026"
    assert day_date(date(2018, 5, 1)) == "1er mai 2018"


def test_birth_dates_have_no_weekday():
    assert day_date(date(1984, 3, 12)) == "12 mars 1984"


def test_times_are_shown_in_paris_time():
    assert paris_datetime(datetime(2026, 11, 26, 7, 15, tzinfo=UTC)) == "jeudi 26 novembre 2026 à 08:15"
    assert paris_datetime(datetime(2026, 7, 1, 6, 15, tzinfo=UTC)) == "mercredi 1er juillet 2026 à 08:15"


@pytest.mark.parametrize(
    ("count", "expected"),
    [(0, "0 trajet restant"), (1, "1 trajet restant"), (2, "2 trajets restants"), (20, "20 trajets restants")],
)
def test_counts_are_written_with_french_plurals(count, expected):
    assert counted(count, "trajet restant") == expected


def test_an_irregular_plural_is_given():
    assert counted(3, "contrat créé", "contrats créés") == "3 contrats créés"
