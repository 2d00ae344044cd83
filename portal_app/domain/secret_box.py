"""Authenticated encryption (AES-256-GCM) of small secrets with a key derived from PORTAL_SECRET_KEY."""

from __future__ import annotations

import base64
import hashlib
import hmac
import os

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from portal_app import settings


def _key(purpose: str) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=purpose.encode()).derive(
        settings.SECRET_KEY.encode("utf-8")
    )


def keyed_digest(value: str, purpose: str) -> str:
    """HMAC-SHA256 (hex) under a key derived for `purpose`: a stolen table cannot be brute-forced offline."""
    return hmac.new(_key(purpose), value.encode("utf-8"), hashlib.sha256).hexdigest()


def seal(plaintext: str, purpose: str) -> str:
    nonce = os.urandom(12)
    sealed = AESGCM(_key(purpose)).encrypt(nonce, plaintext.encode("utf-8"), purpose.encode())
    return base64.urlsafe_b64encode(nonce + sealed).decode("ascii")


def open_sealed(token: str, purpose: str) -> str:
    raw = base64.urlsafe_b64decode(token.encode("ascii"))
    return AESGCM(_key(purpose)).decrypt(raw[:12], raw[12:], purpose.encode()).decode("utf-8")
