"""Invoice files: real uploads checked by content and size, written with their claim or not at all,
encrypted at rest (and re-encrypted under a new key), scanned by a real ClamAV daemon, downloaded only
by their owner or an adviser through the authenticated route.
"""

from __future__ import annotations

import base64
import io
import os
import shutil
import socket
import struct
import subprocess
import threading
import time
import warnings
import zlib

import pyotp
import pytest
from cryptography.exceptions import InvalidTag
from pypdf import PdfWriter
from sqlmodel import select

from portal_app import settings
from portal_app.db.engine import session_scope
from portal_app.db.models import AuditEvent, Claim, ClaimEvent, ClaimFile, OutgoingMail
from portal_app.domain import audit, claims, clock, file_store, scanner, second_factor
from portal_app.domain.claims_backoffice import open_claim_file
from portal_app.domain.errors import NotFound, ValidationError
from portal_app.domain.uploads import Upload, sniff
from portal_app.ui.downloads import routes

from .advisers_support import enrol_adviser, pending_adviser_token
from .claims_support import (
    EICAR,
    HTML_PAGE,
    MB,
    claim_input,
    entitlement_of,
    files_of,
    invoice,
    jpeg,
    open_file,
    pdf,
    pdf_of_size,
    png,
    submit,
)
from .support import actor_of, count, login_token
from .test_cli import run_cli

with warnings.catch_warnings():  # Starlette would prefer httpx2, which is not installed: httpx works as well
    warnings.filterwarnings("ignore", message="Using `httpx` with `starlette.testclient`")
    from starlette.testclient import TestClient


@pytest.fixture
def adviser(frozen_clock):
    return enrol_adviser()


@pytest.fixture
def entitlement(adviser, claire) -> int:
    return entitlement_of(open_file(adviser, claire.contract)).id


def refused_files(member, entitlement_id, files) -> str:
    with pytest.raises(ValidationError) as refused:
        submit(member, entitlement_id, files)
    assert set(refused.value.errors) == {"files"}
    return refused.value.errors["files"]


def nothing_written() -> bool:
    return count(Claim) == 0 and count(ClaimFile) == 0 and count(ClaimEvent) == 0


def key_text() -> str:
    return base64.b64encode(os.urandom(32)).decode("ascii")


# --- what a file is -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "content", "content_type"),
    [("facture.pdf", pdf(), "application/pdf"), ("photo.jpg", jpeg(), "image/jpeg"), ("scan.png", png(), "image/png")],
)
def test_a_real_pdf_jpeg_or_png_is_accepted(claire, entitlement, name, content, content_type):
    reference = submit(claire, entitlement, [Upload(name, content)])

    [stored] = files_of(reference)
    assert (stored.filename, stored.content_type, stored.size_bytes) == (name, content_type, len(content))


def test_the_type_comes_from_the_content_not_the_name(claire, entitlement):
    reference = submit(claire, entitlement, [Upload("facture.pdf", png())])

    assert files_of(reference)[0].content_type == "image/png"


def test_an_html_page_named_pdf_is_refused_and_named(claire, entitlement):
    reason = refused_files(claire, entitlement, [Upload("facture.pdf", HTML_PAGE)])

    assert reason == "« facture.pdf » n'est pas un fichier PDF, JPEG ou PNG (son contenu ne correspond pas)."
    assert nothing_written()


def test_a_file_of_another_kind_is_refused(claire, entitlement):
    assert "n'est pas un fichier PDF, JPEG ou PNG" in refused_files(
        claire, entitlement, [Upload("f.pdf", b"MZ\x90\x00 an executable")]
    )


def pdf_without_pages() -> bytes:
    return (
        b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n2 0 obj\n<< /Type /Pages /Kids [] /Count 0 >>\n"
        b"endobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
    )


def password_protected_pdf() -> bytes:
    writer = PdfWriter(clone_from=io.BytesIO(pdf()))
    writer.encrypt(user_password="secret", owner_password="secret")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def png_claiming_gigapixels() -> bytes:
    """A few hundred bytes whose header announces 40 000 × 40 000 pixels (a decompression bomb)."""
    real = png()
    header = struct.pack(">IIBBBBB", 40_000, 40_000, 8, 2, 0, 0, 0)
    chunk = b"IHDR" + header
    return real[:8] + struct.pack(">I", 13) + chunk + struct.pack(">I", zlib.crc32(chunk) & 0xFFFFFFFF) + real[33:]


@pytest.mark.parametrize(
    "content",
    [
        pytest.param(b"%PDF-1.4\n<html>no end of file marker", id="pdf-header-on-something-else"),
        pytest.param(pdf()[: len(pdf()) // 2], id="pdf-cut-in-half"),
        pytest.param(pdf()[:-40] + b"%%EOF\n", id="pdf-without-cross-reference"),
        pytest.param(pdf_without_pages(), id="pdf-without-pages"),
        pytest.param(b"\xff\xd8\xff\xe0 truncated jpeg\xff\xd9", id="jpeg-header-only"),
        pytest.param(jpeg()[:-12] + b"\xff\xd9", id="jpeg-cut-before-its-scan"),
        pytest.param(b"\x89PNG\r\n\x1a\n" + b"\0" * 30, id="png-header-only"),
        pytest.param(png(60, 40)[:-40] + png()[-12:], id="png-cut-in-its-pixels"),
        pytest.param(png_claiming_gigapixels(), id="png-decompression-bomb"),
    ],
)
def test_a_damaged_invoice_is_refused_by_its_field(claire, entitlement, content):
    """Today's signatures let these through; the parsers open each file whole and refuse them."""
    reason = refused_files(claire, entitlement, [Upload("facture.pdf", content)])

    assert reason.startswith("« facture.pdf » est endommagé ou incomplet et ne s'ouvre pas")
    assert nothing_written()


def test_a_password_protected_pdf_is_refused_with_its_reason(claire, entitlement):
    reason = refused_files(claire, entitlement, [Upload("facture.pdf", password_protected_pdf())])

    assert reason == "« facture.pdf » est protégé par un mot de passe : envoyez une version sans mot de passe."
    assert nothing_written()


def test_the_recognised_types():
    assert sniff(pdf()) == "application/pdf"
    assert sniff(jpeg()) == "image/jpeg"
    assert sniff(png()) == "image/png"
    assert sniff(HTML_PAGE) is None


def test_a_file_over_ten_megabytes_is_refused_and_named(claire, entitlement):
    big = pdf_of_size(11 * MB)

    reason = refused_files(claire, entitlement, [Upload("gros-scan.pdf", big)])

    assert reason == "« gros-scan.pdf » dépasse 10 Mo (11,0 Mo)."
    assert nothing_written()


def test_a_file_of_exactly_ten_megabytes_is_accepted(claire, entitlement):
    exact = pdf_of_size(10 * MB)

    assert len(files_of(submit(claire, entitlement, [Upload("scan.pdf", exact)]))) == 1


def test_more_than_twenty_megabytes_together_is_refused(claire, entitlement):
    files = [Upload(f"page-{n}.pdf", pdf_of_size(7 * MB)) for n in (1, 2, 3)]

    reason = refused_files(claire, entitlement, files)

    assert reason.startswith("Les fichiers dépassent 20 Mo au total (21,0 Mo)")
    assert nothing_written()


def test_an_empty_file_is_refused_and_named(claire, entitlement):
    reason = refused_files(claire, entitlement, [invoice(), Upload("vide.pdf", b"")])

    assert reason == "« vide.pdf » est vide."
    assert nothing_written()


def test_more_than_five_files_are_refused(claire, entitlement):
    reason = refused_files(claire, entitlement, [invoice(f"f{n}.pdf") for n in range(6)])

    assert reason == "5 fichiers au plus par demande."
    assert nothing_written()


def test_five_files_are_accepted(claire, entitlement):
    reference = submit(claire, entitlement, [invoice(f"f{n}.pdf") for n in range(5)])

    assert len(files_of(reference)) == 5


def test_at_least_one_file_is_required(claire, entitlement):
    with pytest.raises(ValidationError) as refused:
        claims.submit_claim(claire.token, claim_input(entitlement), [])

    assert refused.value.errors["files"] == "Joignez au moins une facture (PDF, JPEG ou PNG)."
    assert nothing_written()


def test_every_refused_file_is_named(claire, entitlement):
    reason = refused_files(
        claire, entitlement, [Upload("page.pdf", HTML_PAGE), invoice("bon.pdf"), Upload("vide.png", b"")]
    )

    assert "« page.pdf »" in reason and "« vide.png »" in reason
    assert "bon.pdf" not in reason


def test_a_name_with_a_path_keeps_only_the_file_name(claire, entitlement):
    reference = submit(claire, entitlement, [invoice('..\\..\\C:/tmp/<fac"ture>.pdf')])

    assert files_of(reference)[0].filename == "facture.pdf"


# --- a claim and its files: together or not at all ------------------------------------------------


def test_a_crash_while_writing_the_second_file_leaves_nothing(claire, entitlement, monkeypatch):
    real_encrypt = file_store.encrypt
    calls = []

    def crash_on_second(content):
        calls.append(1)
        if len(calls) == 2:
            raise OSError("disk full")
        return real_encrypt(content)

    monkeypatch.setattr(file_store, "encrypt", crash_on_second)
    mails_before = count(OutgoingMail)

    with pytest.raises(OSError):
        submit(claire, entitlement, [invoice("a.pdf"), invoice("b.jpg", jpeg()), invoice("c.png", png())])

    assert len(calls) == 2
    assert nothing_written()
    assert count(OutgoingMail) == mails_before
    assert count(AuditEvent, AuditEvent.action == "claim_submitted") == 0


def test_a_crash_after_the_files_leaves_no_file_without_its_claim(claire, entitlement, monkeypatch):
    real_record = audit.record

    def crash_on_claim(session, action, *args, **kwargs):
        if action == "claim_submitted":
            raise RuntimeError("connection lost")
        return real_record(session, action, *args, **kwargs)

    monkeypatch.setattr(audit, "record", crash_on_claim)

    with pytest.raises(RuntimeError):
        submit(claire, entitlement, [invoice("a.pdf"), invoice("b.png", png())])

    assert nothing_written()


def test_after_a_crash_the_same_form_can_be_sent_again(claire, entitlement, monkeypatch):
    data = claim_input(entitlement)
    monkeypatch.setattr(file_store, "encrypt", lambda content: (_ for _ in ()).throw(OSError("disk full")))
    with pytest.raises(OSError):
        claims.submit_claim(claire.token, data, [invoice()])
    monkeypatch.undo()

    reference = claims.submit_claim(claire.token, data, [invoice()])

    assert reference.startswith("RB-2026-")
    assert count(Claim) == 1 and count(ClaimFile) == 1


# --- encryption at rest ---------------------------------------------------------------------------


def test_a_file_is_stored_encrypted(claire, entitlement):
    content = pdf("FACTURE-CONFIDENTIELLE-0042 Martin Claire")

    [stored] = files_of(submit(claire, entitlement, [invoice("facture.pdf", content)]))

    assert b"FACTURE-CONFIDENTIELLE" not in stored.ciphertext
    assert b"%PDF" not in stored.ciphertext
    assert content[:64] not in stored.ciphertext
    assert len(stored.ciphertext) == 12 + len(content) + 16  # nonce, ciphertext, GCM tag


def test_the_same_file_twice_is_encrypted_differently(claire, entitlement):
    reference = submit(claire, entitlement, [invoice("a.pdf"), invoice("b.pdf")])

    first, second = files_of(reference)
    assert first.ciphertext != second.ciphertext


def test_the_owner_gets_the_original_bytes_back(claire, entitlement):
    content = jpeg()
    [stored] = files_of(submit(claire, entitlement, [Upload("ticket.jpg", content)]))

    download = open_claim_file(claire.token, stored.id)

    assert (download.filename, download.content_type, download.content) == ("ticket.jpg", "image/jpeg", content)


def test_a_tampered_file_is_refused_rather_than_returned(claire, entitlement):
    [stored] = files_of(submit(claire, entitlement))
    with session_scope() as session:
        row = session.get(ClaimFile, stored.id)
        row.ciphertext = row.ciphertext[:40] + bytes([row.ciphertext[40] ^ 1]) + row.ciphertext[41:]
        session.add(row)

    with pytest.raises(InvalidTag):
        open_claim_file(claire.token, stored.id)


def test_key_rotation_re_encrypts_every_file_under_the_new_key(claire, entitlement, monkeypatch):
    k1, k2 = key_text(), key_text()
    monkeypatch.setattr(settings, "FILE_KEYS_SPEC", f"k1:{k1}")
    monkeypatch.setattr(settings, "FILE_KEY_ID", "k1")
    originals = [pdf("premiere"), jpeg(), png()]
    reference = submit(claire, entitlement, [Upload(f"f{n}", c) for n, c in enumerate(originals)])
    before = files_of(reference)
    assert {f.key_id for f in before} == {"k1"}

    monkeypatch.setattr(settings, "FILE_KEYS_SPEC", f"k1:{k1},k2:{k2}")
    monkeypatch.setattr(settings, "FILE_KEY_ID", "k2")
    assert file_store.rotate_all() == 3

    after = files_of(reference)
    assert {f.key_id for f in after} == {"k2"}
    assert all(a.ciphertext != b.ciphertext for a, b in zip(after, before, strict=True))
    assert [open_claim_file(claire.token, f.id).content for f in after] == originals
    assert file_store.rotate_all() == 0  # nothing left under the old key


def test_after_rotation_the_old_key_can_be_removed(claire, entitlement, monkeypatch):
    k1, k2 = key_text(), key_text()
    monkeypatch.setattr(settings, "FILE_KEYS_SPEC", f"k1:{k1}")
    monkeypatch.setattr(settings, "FILE_KEY_ID", "k1")
    content = pdf("avant rotation")
    [stored] = files_of(submit(claire, entitlement, [invoice("f.pdf", content)]))
    monkeypatch.setattr(settings, "FILE_KEYS_SPEC", f"k1:{k1},k2:{k2}")
    monkeypatch.setattr(settings, "FILE_KEY_ID", "k2")
    file_store.rotate_all()

    monkeypatch.setattr(settings, "FILE_KEYS_SPEC", f"k2:{k2}")

    assert open_claim_file(claire.token, stored.id).content == content


def test_a_file_whose_key_is_missing_raises_rather_than_returning_garbage(claire, entitlement, monkeypatch):
    monkeypatch.setattr(settings, "FILE_KEYS_SPEC", f"k1:{key_text()}")
    monkeypatch.setattr(settings, "FILE_KEY_ID", "k1")
    [stored] = files_of(submit(claire, entitlement))

    monkeypatch.setattr(settings, "FILE_KEYS_SPEC", f"k2:{key_text()}")
    monkeypatch.setattr(settings, "FILE_KEY_ID", "k2")

    with pytest.raises(file_store.MissingFileKey):
        open_claim_file(claire.token, stored.id)
    with pytest.raises(file_store.MissingFileKey):
        file_store.rotate_all()


def test_a_key_under_the_same_id_but_different_bytes_is_refused(claire, entitlement, monkeypatch):
    monkeypatch.setattr(settings, "FILE_KEYS_SPEC", f"k1:{key_text()}")
    monkeypatch.setattr(settings, "FILE_KEY_ID", "k1")
    [stored] = files_of(submit(claire, entitlement))

    monkeypatch.setattr(settings, "FILE_KEYS_SPEC", f"k1:{key_text()}")

    with pytest.raises(InvalidTag):
        open_claim_file(claire.token, stored.id)


def test_the_rotate_file_key_command_re_encrypts_everything(database, claire, entitlement, monkeypatch):
    k1, k2 = key_text(), key_text()
    monkeypatch.setattr(settings, "FILE_KEYS_SPEC", f"k1:{k1}")
    monkeypatch.setattr(settings, "FILE_KEY_ID", "k1")
    originals = [pdf("un"), png()]
    reference = submit(claire, entitlement, [Upload("a.pdf", originals[0]), Upload("b.png", originals[1])])

    result = run_cli(database, "rotate-file-key", PORTAL_FILE_KEYS=f"k1:{k1},k2:{k2}", PORTAL_FILE_KEY_ID="k2")

    assert result.returncode == 0, result.stderr
    assert "2 justificatifs rechiffrés avec la clé « k2 »." in result.stdout
    assert {f.key_id for f in files_of(reference)} == {"k2"}
    monkeypatch.setattr(settings, "FILE_KEYS_SPEC", f"k2:{k2}")
    monkeypatch.setattr(settings, "FILE_KEY_ID", "k2")
    assert [open_claim_file(claire.token, f.id).content for f in files_of(reference)] == originals


def test_the_rotate_file_key_command_fails_without_the_old_key(database, claire, entitlement, monkeypatch):
    monkeypatch.setattr(settings, "FILE_KEYS_SPEC", f"k1:{key_text()}")
    monkeypatch.setattr(settings, "FILE_KEY_ID", "k1")
    reference = submit(claire, entitlement)

    result = run_cli(database, "rotate-file-key", PORTAL_FILE_KEYS=f"k2:{key_text()}", PORTAL_FILE_KEY_ID="k2")

    assert result.returncode != 0
    assert {f.key_id for f in files_of(reference)} == {"k1"}


# --- ClamAV ---------------------------------------------------------------------------------------

CLAMD = shutil.which("clamd") or "/usr/sbin/clamd"


def _ping(path: str) -> bool:
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as connection:
            connection.settimeout(5)
            connection.connect(path)
            connection.sendall(b"zPING\0")
            return connection.recv(16).startswith(b"PONG")
    except OSError:
        return False


@pytest.fixture(scope="session")
def clamd(tmp_path_factory):
    """A real clamd (Debian's clamav-daemon) whose only signatures are made here for the EICAR test string.

    No signature database can be downloaded: `sigtool --md5` gives a hash signature of the EICAR file
    itself, and a body signature (.ndb, any file type, any offset) finds the string inside a PDF.
    """
    if not os.path.exists(CLAMD):
        pytest.fail(f"clamd not found at {CLAMD}: install Debian's clamav-daemon to run the virus-scan tests")
    root = tmp_path_factory.mktemp("clamd")
    database_dir = root / "db"
    database_dir.mkdir()
    (root / "eicar.com").write_bytes(EICAR)
    hashed = subprocess.run(
        ["sigtool", "--md5", str(root / "eicar.com")], capture_output=True, text=True, timeout=60, check=False
    )
    if hashed.returncode != 0:
        pytest.fail(f"sigtool could not make the EICAR signature: {hashed.stderr}")
    (database_dir / "eicar.hdb").write_text(hashed.stdout)
    (database_dir / "eicar.ndb").write_text(f"Portal.Test.EICAR:0:*:{EICAR.hex()}\n")
    sock = root / "clamd.sock"
    config = root / "clamd.conf"
    config.write_text(
        "\n".join(
            [
                "Foreground yes",
                f"LocalSocket {sock}",
                f"DatabaseDirectory {database_dir}",
                f"LogFile {root / 'clamd.log'}",
                f"PidFile {root / 'clamd.pid'}",
                f"TemporaryDirectory {root}",
                "StreamMaxLength 30M",
                "",
            ]
        )
    )
    with open(root / "stderr.txt", "wb") as errors:  # the child keeps its own copy of the descriptor
        process = subprocess.Popen([CLAMD, "-c", str(config)], stdout=subprocess.DEVNULL, stderr=errors)
    try:
        deadline = time.monotonic() + 60
        while not _ping(str(sock)):
            if process.poll() is not None or time.monotonic() > deadline:
                log = (root / "clamd.log").read_text() if (root / "clamd.log").exists() else ""
                pytest.fail(f"clamd did not start:\n{(root / 'stderr.txt').read_text()}\n{log}")
            time.sleep(0.1)
        yield str(sock)
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()


@pytest.fixture
def scanning(clamd, monkeypatch):
    monkeypatch.setattr(settings, "CLAMD_SOCKET", clamd)
    monkeypatch.setattr(settings, "CLAMD_HOST", "")
    return clamd


def infected_pdf() -> bytes:
    return pdf("Facture", extra=b"% " + EICAR + b"\n")


def test_the_scanner_knows_the_eicar_string_and_passes_a_clean_invoice(scanning):
    assert scanner.scan(EICAR) is not None
    assert scanner.scan(infected_pdf()) == "Portal.Test.EICAR.UNOFFICIAL"
    assert scanner.scan(pdf()) is None


def test_a_file_the_antivirus_flags_is_refused_and_nothing_is_written(claire, entitlement, scanning):
    reason = refused_files(claire, entitlement, [invoice("propre.pdf"), Upload("facture.pdf", infected_pdf())])

    assert reason == "« facture.pdf » a été refusé par l'analyse antivirus."
    assert nothing_written()


def test_a_clean_invoice_passes_the_antivirus(claire, entitlement, scanning):
    reference = submit(claire, entitlement, [invoice("facture.pdf"), Upload("photo.jpg", jpeg())])

    assert len(files_of(reference)) == 2


def test_the_whole_file_is_scanned_not_only_its_beginning(claire, entitlement, scanning):
    late = pdf("Facture", padding=3 * MB, extra=b"")
    # The string at the end of the 3 MB filler stream, beyond the first chunks; same length: the PDF stays whole.
    end_of_filler = late.rindex(b"0" * len(EICAR))
    late = late[:end_of_filler] + EICAR + late[end_of_filler + len(EICAR) :]

    assert "analyse antivirus" in refused_files(claire, entitlement, [Upload("long.pdf", late)])


def test_a_scanner_that_is_down_refuses_the_upload(claire, entitlement, monkeypatch, tmp_path):
    monkeypatch.setattr(settings, "CLAMD_SOCKET", str(tmp_path / "absent.sock"))

    reason = refused_files(claire, entitlement, [invoice()])

    assert reason == "L'analyse antivirus est momentanément indisponible : réessayez dans quelques minutes."
    assert nothing_written()


def test_a_scanner_that_does_not_answer_ok_refuses_the_upload(claire, entitlement, monkeypatch, tmp_path):
    path = str(tmp_path / "mute.sock")
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(path)
    listener.listen(1)
    monkeypatch.setattr(settings, "CLAMD_SOCKET", path)

    def hang_up():
        connection, _ = listener.accept()
        connection.recv(1024)
        connection.sendall(b"INSTREAM size limit exceeded. ERROR\0")
        connection.close()

    threading.Thread(target=hang_up, daemon=True).start()
    try:
        reason = refused_files(claire, entitlement, [invoice()])
    finally:
        listener.close()

    assert "momentanément indisponible" in reason
    assert nothing_written()


def test_without_a_scanner_configured_files_are_not_scanned(claire, entitlement, monkeypatch):
    monkeypatch.setattr(settings, "CLAMD_SOCKET", "")
    monkeypatch.setattr(settings, "CLAMD_HOST", "")
    scanned = []
    monkeypatch.setattr(scanner, "scan", lambda content: scanned.append(content))

    reference = submit(claire, entitlement, [invoice()])

    assert scanned == []
    assert len(files_of(reference)) == 1


# --- downloads: domain ----------------------------------------------------------------------------


def test_another_member_cannot_open_the_file(claire, paul, entitlement):
    [stored] = files_of(submit(claire, entitlement))

    with pytest.raises(NotFound):
        open_claim_file(paul.token, stored.id)


def test_nobody_cannot_open_the_file(claire, entitlement):
    [stored] = files_of(submit(claire, entitlement))

    with pytest.raises(NotFound):
        open_claim_file(None, stored.id)


def test_an_adviser_without_the_second_factor_cannot_open_the_file(claire, entitlement, adviser):
    [stored] = files_of(submit(claire, entitlement))
    pending = actor_of(pending_adviser_token(adviser.email))

    with pytest.raises(NotFound):
        open_claim_file(pending, stored.id)


@pytest.mark.parametrize("file_id", [999_999, "1", None, -1])
def test_a_missing_file_is_not_found(claire, entitlement, file_id):
    submit(claire, entitlement)

    with pytest.raises(NotFound):
        open_claim_file(claire.token, file_id)


def test_an_adviser_download_is_audited(claire, entitlement, adviser):
    reference = submit(claire, entitlement)
    [stored] = files_of(reference)

    assert open_claim_file(adviser.token, stored.id).content == pdf()

    with session_scope() as session:
        [event] = session.exec(select(AuditEvent).where(AuditEvent.action == "claim_file_downloaded")).all()
    assert (event.actor_role, event.target_type, event.target_id, event.detail) == (
        "adviser",
        "claim_file",
        stored.id,
        reference,
    )


def test_an_owner_download_is_not_an_adviser_access(claire, entitlement):
    [stored] = files_of(submit(claire, entitlement))

    open_claim_file(claire.token, stored.id)

    assert count(AuditEvent, AuditEvent.action == "claim_file_downloaded") == 0


# --- downloads: the HTTP route --------------------------------------------------------------------


def _get(file_id, cookie: str | None) -> object:
    """The route as a browser calls it: `cookie` is the session cookie's secret (None: no cookie)."""
    client = TestClient(routes)
    if cookie is not None:
        client.cookies.set("ea_session", cookie)
    return client.get(f"/telechargement/justificatif/{file_id}")


def test_a_download_through_the_portal_carries_the_security_headers(claire, entitlement):
    """Issue 12, finding 8: the route's answer, wrapped as portal_app.py wraps it, keeps its own stricter
    Referrer-Policy and gets the portal's CSP, no-store and the rest."""
    from portal_app.ui.security_headers import security_headers

    content = pdf("Facture en-têtes")
    [stored] = files_of(submit(claire, entitlement, [invoice("facture.pdf", content)]))
    client = TestClient(security_headers(routes))
    client.cookies.set("ea_session", login_token(claire.email))
    response = client.get(f"/telechargement/justificatif/{stored.id}")

    assert response.status_code == 200 and response.content == content
    assert "frame-ancestors 'none'" in response.headers["content-security-policy"]
    assert response.headers["cache-control"] == "no-store"
    assert response.headers["referrer-policy"] == "no-referrer"
    assert response.headers["x-frame-options"] == "DENY"
    assert response.headers.get_list("x-content-type-options") == ["nosniff"]


def adviser_cookie(adviser, frozen_clock) -> str:
    """A fresh adviser session (password, then a TOTP code of the next step: a code is used once)."""
    frozen_clock.advance(seconds=30)
    session_token = pending_adviser_token(adviser.email)
    second_factor.verify(actor_of(session_token), pyotp.TOTP(adviser.secret).at(clock.now()))
    return session_token


def test_the_owner_downloads_the_file_as_an_attachment(claire, entitlement):
    content = pdf("Facture téléchargée")
    [stored] = files_of(submit(claire, entitlement, [invoice("facture mars é.pdf", content)]))

    response = _get(stored.id, login_token(claire.email))

    assert response.status_code == 200
    assert response.content == content
    assert response.headers["content-type"] == "application/pdf"
    assert response.headers["content-disposition"] == "attachment; filename*=UTF-8''facture%20mars%20%C3%A9.pdf"
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["cache-control"] == "no-store"


def test_an_adviser_downloads_through_the_route_and_is_audited(claire, entitlement, adviser, frozen_clock):
    [stored] = files_of(submit(claire, entitlement, [Upload("photo.png", png())]))

    response = _get(stored.id, adviser_cookie(adviser, frozen_clock))

    assert response.status_code == 200
    assert response.content == png()
    assert count(AuditEvent, AuditEvent.action == "claim_file_downloaded") == 1


def test_another_members_cookie_gets_a_404(claire, paul, entitlement):
    [stored] = files_of(submit(claire, entitlement))

    response = _get(stored.id, login_token(paul.email))

    assert response.status_code == 404
    assert pdf() not in response.content
    assert response.headers["cache-control"] == "no-store"


@pytest.mark.parametrize("cookie", [None, "", "forged-session-token", "x" * 500])
def test_no_cookie_or_a_forged_one_gets_a_404(claire, entitlement, cookie):
    [stored] = files_of(submit(claire, entitlement))

    assert _get(stored.id, cookie).status_code == 404


@pytest.mark.parametrize("path", ["999999", "abc", "1.pdf", "-1"])
def test_a_missing_file_gets_a_404(claire, entitlement, path):
    submit(claire, entitlement)

    assert _get(path, login_token(claire.email)).status_code == 404


def test_a_file_of_another_claim_is_a_404_for_the_same_response(claire, paul, entitlement):
    [stored] = files_of(submit(claire, entitlement))

    cookie = login_token(paul.email)
    other = _get(stored.id, cookie)
    missing = _get(999_999, cookie)

    assert (other.status_code, other.content) == (missing.status_code, missing.content)
