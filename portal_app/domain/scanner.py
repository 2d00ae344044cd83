"""Virus scanning through a ClamAV daemon (clamd), with its INSTREAM command.

The protocol is four commands long; a client of our own avoids an unmaintained dependency. When a
scanner is configured, it fails closed: a file is accepted only after clamd answered « OK ».
"""

from __future__ import annotations

import socket
import struct

from portal_app import settings

CHUNK = 64 * 1024


class ScannerUnavailable(RuntimeError):
    pass


def is_configured() -> bool:
    return bool(settings.CLAMD_SOCKET or settings.CLAMD_HOST)


def _connect() -> socket.socket:
    if settings.CLAMD_SOCKET:
        connection = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        connection.settimeout(30)
        connection.connect(settings.CLAMD_SOCKET)
        return connection
    return socket.create_connection((settings.CLAMD_HOST, settings.CLAMD_PORT), timeout=30)


def scan(content: bytes) -> str | None:
    """None when clean; the signature name when flagged. Raises ScannerUnavailable on any failure."""
    try:
        with _connect() as connection:
            connection.sendall(b"zINSTREAM\0")
            for start in range(0, len(content), CHUNK):
                chunk = content[start : start + CHUNK]
                connection.sendall(struct.pack("!L", len(chunk)) + chunk)
            connection.sendall(struct.pack("!L", 0))
            answer = b""
            while not answer.endswith(b"\0"):
                data = connection.recv(4096)
                if not data:
                    break
                answer += data
    except OSError as exc:
        raise ScannerUnavailable(type(exc).__name__) from exc
    text = answer.rstrip(b"\0").decode("utf-8", "replace")
    if text.endswith(" OK"):
        return None
    if text.endswith(" FOUND"):
        return text.removeprefix("stream: ").removesuffix(" FOUND")
    raise ScannerUnavailable(text[:100])
