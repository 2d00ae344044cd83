"""The customer's FAQ as structured content (themes → questions → paragraphs, lists, links) and its search.

The words live in portal_app/data/faq.json (the customer's answers, spelling corrected, with a question
written for each); this module gives them types, stable ids for `/faq#id` links, and the search the page
uses while one types (accents, case and punctuation ignored).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from portal_app.domain.text import fold

DATA_FILE = Path(__file__).resolve().parent.parent / "data" / "faq.json"

# Entries other pages link to (`/faq#<id>`): a test checks that they exist.
MEMBERSHIP_NUMBER_ENTRY = "numero-adherent"
LOGIN_IDENTIFIERS_ENTRY = "identifiants-incorrects"
CLAIM_SCOPE_ENTRIES = ("perimetre-remboursement", "devis")
COOKIES_ENTRY = "desactiver-cookies"
BROWSERS_ENTRY = "navigateurs"

THEME_ORDER = (
    "Inscription",
    "Connexion et mot de passe",
    "Mon compte",
    "Adresses et trajets",
    "Demande de remboursement",
    "Données personnelles",
    "Navigateurs et cookies",
)

_URL_SAFE_ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_NOT_A_WORD = re.compile(r"[^0-9a-z]+")


@dataclass(frozen=True)
class Paragraph:
    text: str


@dataclass(frozen=True)
class ListItem:
    """A list line; with `href` its text is a link; `note` follows it (e.g. « n'est plus pris en charge »)."""

    text: str
    href: str = ""
    note: str = ""


@dataclass(frozen=True)
class BulletList:
    items: tuple[ListItem, ...]


@dataclass(frozen=True)
class Link:
    """A link on its own line, to the page where the answer's action is done."""

    text: str
    href: str


Block = Paragraph | BulletList | Link


@dataclass(frozen=True)
class Entry:
    id: str
    question: str
    answer: tuple[Block, ...]

    def plain_text(self) -> str:
        """Question and answer as one string, what the search looks in (link targets left out)."""
        parts = [self.question]
        for block in self.answer:
            if isinstance(block, BulletList):
                parts.extend(f"{item.text} {item.note}" for item in block.items)
            else:
                parts.append(block.text)
        return " ".join(parts)


@dataclass(frozen=True)
class Theme:
    id: str
    title: str
    entries: tuple[Entry, ...]


def _block(raw: dict) -> Block:
    if "p" in raw:
        return Paragraph(raw["p"])
    if "ul" in raw:
        items = (ListItem(item) if isinstance(item, str) else ListItem(**item) for item in raw["ul"])
        return BulletList(tuple(items))
    if "link" in raw:
        return Link(**raw["link"])
    raise ValueError(f"unknown FAQ block: {sorted(raw)}")


def _load(path: Path) -> tuple[Theme, ...]:
    data = json.loads(path.read_text(encoding="utf-8"))
    themes = tuple(
        Theme(
            theme["id"],
            theme["title"],
            tuple(
                Entry(entry["id"], entry["question"], tuple(_block(b) for b in entry["answer"]))
                for entry in theme["entries"]
            ),
        )
        for theme in data["themes"]
    )
    _check(themes)
    return themes


def _check(themes: tuple[Theme, ...]) -> None:
    """Refuse a data file whose themes are out of order or whose ids would break `/faq#id` links."""
    if tuple(theme.title for theme in themes) != THEME_ORDER:
        raise ValueError("FAQ themes differ from THEME_ORDER")
    ids = [theme.id for theme in themes] + [entry.id for theme in themes for entry in theme.entries]
    if len(ids) != len(set(ids)):
        raise ValueError("FAQ ids are not unique")
    bad = [i for i in ids if not _URL_SAFE_ID.match(i)]
    if bad:
        raise ValueError(f"FAQ ids not URL-safe: {bad}")
    linked = {MEMBERSHIP_NUMBER_ENTRY, LOGIN_IDENTIFIERS_ENTRY, COOKIES_ENTRY, BROWSERS_ENTRY, *CLAIM_SCOPE_ENTRIES}
    missing = linked - set(ids)
    if missing:
        raise ValueError(f"FAQ entries linked from other pages are missing: {sorted(missing)}")


@cache
def themes() -> tuple[Theme, ...]:
    """Every theme in the page's order, each with its entries (read once)."""
    return _load(DATA_FILE)


def entries() -> tuple[Entry, ...]:
    return tuple(entry for theme in themes() for entry in theme.entries)


def entry(entry_id: str) -> Entry:
    """One entry by id (KeyError if there is none): other pages may quote an answer."""
    for candidate in entries():
        if candidate.id == entry_id:
            return candidate
    raise KeyError(entry_id)


def _words(value: str) -> list[str]:
    """« Numéro d'adhérent ! » → ["numero", "d", "adherent"]: accents, case and punctuation dropped."""
    return _NOT_A_WORD.sub(" ", fold(value)).split()


@cache
def _searchable() -> tuple[tuple[str, str], ...]:
    return tuple((e.id, " ".join(_words(e.plain_text()))) for e in entries())


def matching_entry_ids(query: str) -> list[str]:
    """Ids of the entries whose question or answer contains every word of `query`, in page order.

    Accents, case and punctuation are ignored; a word may be the start or part of a word (« adher » finds
    « adhérent »), so results show while one is still typing. An empty query matches every entry.
    """
    words = _words(query)
    return [entry_id for entry_id, text in _searchable() if all(word in text for word in words)]
