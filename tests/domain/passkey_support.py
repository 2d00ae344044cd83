"""A software authenticator for the tests: a real EC P-256 key that answers WebAuthn ceremonies.

It builds what a browser and its authenticator send (clientDataJSON, authenticator data, attestation object in
CBOR with the `webauthn` library's own encoder, an ECDSA signature with `cryptography`), so the portal's server
side is exercised exactly as with a device: nothing of the server is mocked.
"""

from __future__ import annotations

import hashlib
import json
import os
import struct
from dataclasses import dataclass, field

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from webauthn.helpers import base64url_to_bytes, bytes_to_base64url
from webauthn.helpers.encode_cbor import encode_cbor

from portal_app.domain import passkeys

UP, UV, AT = 0x01, 0x04, 0x40


@dataclass
class SoftAuthenticator:
    """One passkey on one device: discoverable, user verification by « PIN » (always given here)."""

    key: ec.EllipticCurvePrivateKey = field(default_factory=lambda: ec.generate_private_key(ec.SECP256R1()))
    credential_id: bytes = field(default_factory=lambda: os.urandom(16))
    sign_count: int = 0
    user_handle: bytes | None = None
    rp_id: str = ""

    def _cose_key(self) -> bytes:
        numbers = self.key.public_key().public_numbers()
        return encode_cbor({1: 2, 3: -7, -1: 1, -2: numbers.x.to_bytes(32, "big"), -3: numbers.y.to_bytes(32, "big")})

    @staticmethod
    def _client_data(kind: str, challenge: str, origin: str) -> bytes:
        return json.dumps({"type": kind, "challenge": challenge, "origin": origin, "crossOrigin": False}).encode()

    def create(self, options_json: str, origin: str | None = None, flags: int = UP | UV | AT) -> str:
        """navigator.credentials.create(): the registration response as the page sends it (JSON)."""
        options = json.loads(options_json)
        self.rp_id = options["rp"]["id"]
        self.user_handle = base64url_to_bytes(options["user"]["id"])
        client_data = self._client_data("webauthn.create", options["challenge"], origin or passkeys.relying_party()[1])
        attested = bytes(16) + struct.pack(">H", len(self.credential_id)) + self.credential_id + self._cose_key()
        auth_data = hashlib.sha256(self.rp_id.encode()).digest() + bytes([flags]) + struct.pack(">I", 0) + attested
        attestation = encode_cbor({"fmt": "none", "attStmt": {}, "authData": auth_data})
        cred_id = bytes_to_base64url(self.credential_id)
        return json.dumps(
            {
                "id": cred_id,
                "rawId": cred_id,
                "type": "public-key",
                "response": {
                    "clientDataJSON": bytes_to_base64url(client_data),
                    "attestationObject": bytes_to_base64url(attestation),
                    "transports": ["internal"],
                },
                "clientExtensionResults": {},
            }
        )

    def get(
        self,
        options_json: str,
        origin: str | None = None,
        user_handle: bytes | None = None,
        flags: int = UP | UV,
        counter: int | None = None,
    ) -> str:
        """navigator.credentials.get(): a signed assertion (counter + 1 unless given)."""
        options = json.loads(options_json)
        self.sign_count = self.sign_count + 1 if counter is None else counter
        client_data = self._client_data("webauthn.get", options["challenge"], origin or passkeys.relying_party()[1])
        rp_id = options.get("rpId") or self.rp_id
        auth_data = hashlib.sha256(rp_id.encode()).digest() + bytes([flags]) + struct.pack(">I", self.sign_count)
        signature = self.key.sign(auth_data + hashlib.sha256(client_data).digest(), ec.ECDSA(hashes.SHA256()))
        cred_id = bytes_to_base64url(self.credential_id)
        handle = user_handle if user_handle is not None else self.user_handle
        return json.dumps(
            {
                "id": cred_id,
                "rawId": cred_id,
                "type": "public-key",
                "response": {
                    "clientDataJSON": bytes_to_base64url(client_data),
                    "authenticatorData": bytes_to_base64url(auth_data),
                    "signature": bytes_to_base64url(signature),
                    "userHandle": bytes_to_base64url(handle) if handle else None,
                },
                "clientExtensionResults": {},
            }
        )


def add_passkey(actor, device: SoftAuthenticator, name: str = "Mon téléphone") -> passkeys.PasskeyView:
    ceremony = passkeys.registration_options(actor, name)
    return passkeys.register(actor, ceremony.challenge_id, name, device.create(ceremony.options_json))
