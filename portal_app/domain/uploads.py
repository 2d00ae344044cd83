"""Checking uploaded invoices: what a file is comes from its content, never its name or the browser.

Limits are enforced here, on the server (the browser's are only a courtesy).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from portal_app.domain import invoice_files, scanner
from portal_app.domain.errors import ValidationError

MAX_FILE_BYTES = 10 * 1024 * 1024
MAX_TOTAL_BYTES = 20 * 1024 * 1024
MAX_FILES = 5
ACCEPTED = "PDF, JPEG ou PNG"


@dataclass(frozen=True)
class Upload:
    filename: str
    content: bytes


@dataclass(frozen=True)
class CheckedFile:
    filename: str
    content_type: str
    content: bytes


def sniff(content: bytes) -> str | None:
    """The real type of a PDF, JPEG or PNG file that opens whole; None for anything else."""
    content_type, verdict = invoice_files.examine(content)
    return content_type if verdict == invoice_files.Verdict.READABLE else None


def _problem(name: str, verdict: invoice_files.Verdict) -> str:
    if verdict == invoice_files.Verdict.DAMAGED:
        return f"« {name} » est endommagé ou incomplet et ne s'ouvre pas : enregistrez-le à nouveau, ou envoyez une photo nette de la facture."
    if verdict == invoice_files.Verdict.PASSWORD_PROTECTED:
        return f"« {name} » est protégé par un mot de passe : envoyez une version sans mot de passe."
    return f"« {name} » n'est pas un fichier {ACCEPTED} (son contenu ne correspond pas)."


def safe_filename(name: str) -> str:
    """The name shown and given back on download: no path, no control characters, 150 characters at most."""
    base = re.split(r"[\\/]", name or "")[-1]
    base = "".join(ch for ch in unicodedata.normalize("NFC", base) if ch.isprintable() and ch not in '"<>:|?*')
    base = base.strip(" .") or "justificatif"
    return base[:150]


def size_text(size: int) -> str:
    if size >= 1024 * 1024:
        return f"{size / 1024 / 1024:.1f} Mo".replace(".", ",")
    return f"{max(1, round(size / 1024))} Ko"


def check_files(uploads: list[Upload], already: int = 0) -> list[CheckedFile]:
    """Every file PDF/JPEG/PNG by content, ≤ 10 Mo, ≤ 20 Mo together, 1 to 5; scanned when a scanner is set."""
    if not uploads:
        raise ValidationError("files", "Joignez au moins une facture (PDF, JPEG ou PNG).")
    if len(uploads) + already > MAX_FILES:
        raise ValidationError("files", f"{MAX_FILES} fichiers au plus par demande.")
    problems = []
    total = 0
    checked = []
    for upload in uploads:
        name = safe_filename(upload.filename)
        size = len(upload.content)
        total += size
        if size == 0:
            problems.append(f"« {name} » est vide.")
            continue
        if size > MAX_FILE_BYTES:
            problems.append(f"« {name} » dépasse 10 Mo ({size_text(size)}).")
            continue
        content_type, verdict = invoice_files.examine(upload.content)
        if verdict != invoice_files.Verdict.READABLE:
            problems.append(_problem(name, verdict))
            continue
        checked.append(CheckedFile(name, content_type, upload.content))
    if total > MAX_TOTAL_BYTES:
        problems.append(f"Les fichiers dépassent 20 Mo au total ({size_text(total)}).")
    if not problems and scanner.is_configured():
        for item in checked:
            try:
                found = scanner.scan(item.content)
            except scanner.ScannerUnavailable:
                raise ValidationError(
                    "files", "L'analyse antivirus est momentanément indisponible : réessayez dans quelques minutes."
                ) from None
            if found:
                problems.append(f"« {item.filename} » a été refusé par l'analyse antivirus.")
    if problems:
        raise ValidationError("files", " ".join(problems))
    return checked
