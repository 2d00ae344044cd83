"""Comparing what people type: case, accents, spaces and punctuation ignored where they don't matter."""

from __future__ import annotations

import re
import unicodedata

_MEMBER_NUMBER_NOISE = re.compile(r"[\s.\-]+")


def fold(value: str) -> str:
    """Lower-case, accents removed, inner spaces collapsed: « Éloïse  Dupré » → « eloise dupre »."""
    decomposed = unicodedata.normalize("NFKD", value)
    without_marks = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(without_marks.casefold().split())


def fold_name(value: str) -> str:
    """Names compare without accents, case, hyphens or apostrophes: « Jean-Marc » = « jean marc »."""
    return " ".join(re.sub(r"[-'’\s]+", " ", fold(value)).split())


def member_number_key(value: str) -> str:
    """The numéro adhérent as compared: upper-case, no spaces, dots or dashes."""
    return _MEMBER_NUMBER_NOISE.sub("", value).upper()
