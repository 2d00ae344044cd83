"""What an uploaded invoice really is, told by maintained parsers (pypdf, Pillow), not by hand-read bytes.

The first bytes say which family a file claims to be; the parser then has to open it whole: a truncated
photo, a PDF without pages or one that needs a password is refused by its field, because an adviser could
not read it either.
"""

from __future__ import annotations

import io
import logging
import struct
import warnings
from enum import StrEnum

from PIL import Image, UnidentifiedImageError
from pypdf import PdfReader
from pypdf.errors import PyPdfError

PDF = "application/pdf"
JPEG = "image/jpeg"
PNG = "image/png"
_IMAGE_FORMATS = {"JPEG": JPEG, "PNG": PNG}

# pypdf logs every oddity it repairs, with bits of the file: nothing of a member's invoice goes to the logs.
logging.getLogger("pypdf").setLevel(logging.CRITICAL)


class Verdict(StrEnum):
    READABLE = "readable"
    NOT_AN_INVOICE_TYPE = "not_an_invoice_type"
    DAMAGED = "damaged"
    PASSWORD_PROTECTED = "password_protected"


def claimed_type(content: bytes) -> str | None:
    """The family the file's signature claims (PDF, JPEG, PNG), before anything is parsed."""
    if content.startswith(b"%PDF-"):
        return PDF
    if content.startswith(b"\xff\xd8\xff"):
        return JPEG
    if content.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    return None


def _pdf_verdict(content: bytes) -> Verdict:
    if b"%%EOF" not in content[-2048:]:
        return Verdict.DAMAGED  # cut short on the way: the end-of-file marker never arrived
    try:
        reader = PdfReader(io.BytesIO(content), strict=False)
        if reader.is_encrypted:
            return Verdict.PASSWORD_PROTECTED
        if len(reader.pages) == 0:
            return Verdict.DAMAGED
        first = reader.pages[0]
        _ = first.mediabox
        first.get_contents()
    except (PyPdfError, ValueError, TypeError, KeyError, AttributeError, IndexError, RecursionError, OSError):
        return Verdict.DAMAGED
    return Verdict.READABLE


def _image_verdict(content: bytes, expected: str) -> Verdict:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(content)) as image:
                if _IMAGE_FORMATS.get(image.format or "") != expected:
                    return Verdict.NOT_AN_INVOICE_TYPE
                image.verify()
            with Image.open(io.BytesIO(content)) as image:
                image.load()  # decodes every pixel: a truncated photo fails here
    except (
        UnidentifiedImageError,
        Image.DecompressionBombError,
        Image.DecompressionBombWarning,  # a few bytes that unfold into gigapixels
        OSError,
        SyntaxError,
        ValueError,
        EOFError,
        struct.error,
    ):
        return Verdict.DAMAGED
    return Verdict.READABLE


def examine(content: bytes) -> tuple[str | None, Verdict]:
    """(content type, verdict): the type is None when the file is no PDF, JPEG or PNG at all."""
    family = claimed_type(content)
    if family is None:
        return None, Verdict.NOT_AN_INVOICE_TYPE
    verdict = _pdf_verdict(content) if family == PDF else _image_verdict(content, family)
    return family, verdict
