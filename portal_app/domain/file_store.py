"""Invoice files at rest: AES-256-GCM with a key named by its id, stored with each file.

Keys come from the environment (settings.FILE_KEYS_SPEC); files are kept in the database, in the same
transaction as their claim, so a claim never exists without its files nor a file without its claim.
"""

from __future__ import annotations

import base64
import os
from dataclasses import dataclass

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from sqlmodel import select

from portal_app import settings
from portal_app.db.engine import session_scope
from portal_app.db.models import ClaimFile

DEV_KEY_ID = "dev"


class MissingFileKey(RuntimeError):
    """A file names a key the configuration does not hold."""


@dataclass(frozen=True)
class Keyring:
    keys: dict[str, bytes]
    active: str


def keyring() -> Keyring:
    """Parsed at each call (cheap): tests and rotation change the environment's keys."""
    keys: dict[str, bytes] = {}
    for item in filter(None, (part.strip() for part in settings.FILE_KEYS_SPEC.split(","))):
        key_id, _, encoded = item.partition(":")
        raw = base64.b64decode(encoded)
        if len(raw) != 32:
            raise ValueError(f"file key {key_id!r} must be 32 bytes (base64)")
        keys[key_id.strip()] = raw
    if not keys:
        keys[DEV_KEY_ID] = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"invoice-files").derive(
            settings.SECRET_KEY.encode("utf-8")
        )
    active = settings.FILE_KEY_ID or next(iter(keys))
    if active not in keys:
        raise ValueError(f"PORTAL_FILE_KEY_ID {active!r} is not in PORTAL_FILE_KEYS")
    return Keyring(keys, active)


def _aad(key_id: str) -> bytes:
    return f"espace-assistance/invoice/{key_id}".encode()


def encrypt(content: bytes) -> tuple[str, bytes]:
    ring = keyring()
    nonce = os.urandom(12)
    return ring.active, nonce + AESGCM(ring.keys[ring.active]).encrypt(nonce, content, _aad(ring.active))


def decrypt(key_id: str, blob: bytes) -> bytes:
    ring = keyring()
    if key_id not in ring.keys:
        raise MissingFileKey(f"no key {key_id!r} configured")
    return AESGCM(ring.keys[key_id]).decrypt(blob[:12], blob[12:], _aad(key_id))


def new_key_text() -> str:
    """A fresh key, as it goes in PORTAL_FILE_KEYS."""
    return base64.b64encode(os.urandom(32)).decode("ascii")


def rotate_all(batch_size: int = 50) -> int:
    """Re-encrypt every file not under the active key; returns how many were rewritten.

    Each file is decrypted and re-encrypted in its own short transaction, so the command can be
    interrupted and run again.
    """
    active = keyring().active
    rewritten = 0
    while True:
        with session_scope() as session:
            files = session.exec(select(ClaimFile).where(ClaimFile.key_id != active).limit(batch_size)).all()
            if not files:
                return rewritten
            for stored in files:
                content = decrypt(stored.key_id, stored.ciphertext)
                stored.key_id, stored.ciphertext = encrypt(content)
                session.add(stored)
                rewritten += 1
