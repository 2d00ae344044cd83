"""French postcodes and their communes (data/postcodes_communes.csv, see data/README.md)."""

from __future__ import annotations

import csv
import functools
import re

from portal_app import settings
from portal_app.domain.text import fold_name

_POSTCODE = re.compile(r"^\d{5}$")


@functools.cache
def _communes_by_postcode() -> dict[str, tuple[str, ...]]:
    table: dict[str, list[str]] = {}
    path = settings.REPO_ROOT / "data" / "postcodes_communes.csv"
    with path.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle, delimiter=";"):
            names = table.setdefault(row["code_postal"], [])
            if row["nom_commune"] not in names:
                names.append(row["nom_commune"])
    return {code: tuple(sorted(names)) for code, names in table.items()}


def normalize_postcode(raw: str) -> str:
    return re.sub(r"\s+", "", raw or "")


def communes(postcode: str) -> tuple[str, ...]:
    """The communes of a postcode (empty when the postcode does not exist)."""
    code = normalize_postcode(postcode)
    if not _POSTCODE.fullmatch(code):
        return ()
    return _communes_by_postcode().get(code, ())


_ARRONDISSEMENT = re.compile(r"^(?P<city>.+) \d+(er|e) arrondissement$", re.IGNORECASE)


def official_city(postcode: str, city: str) -> str | None:
    """The commune's official spelling when it belongs to the postcode (accents and case ignored).

    Paris, Lyon and Marseille are listed by arrondissement; « Paris » is accepted for 75011.
    """
    wanted = fold_name(city or "")
    for name in communes(postcode):
        if fold_name(name) == wanted:
            return name
        district = _ARRONDISSEMENT.match(name)
        if district and fold_name(district.group("city")) == wanted:
            return district.group("city")
    return None


def department(postcode: str) -> str:
    """« 75011 » → « 75 »; Corsica « 20xxx » → « 2A »/« 2B » is not needed for school zones."""
    return normalize_postcode(postcode)[:2]
