"""Password rules (PRODUCT.md rule 1) and hashing.

Strength is measured by zxcvbn, fed with the member's own names and a list of common French
passwords, on top of the FAQ's visible rule (8 characters, upper, lower, digit).

Hashing: bcrypt only reads 72 bytes, so the password is first reduced with SHA-256 and
base64-encoded (44 ASCII bytes, no NUL): every character of a 128-character password counts.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import re
import threading

import bcrypt
from zxcvbn import zxcvbn

from portal_app import settings
from portal_app.domain.errors import ValidationError
from portal_app.domain.text import fold, fold_name

MIN_LENGTH = 8
MAX_LENGTH = 128
MIN_ZXCVBN_SCORE = 3

RULE_TEXT = (
    "Le mot de passe doit contenir au minimum 8 caractères dont au moins une majuscule, une minuscule et un chiffre."
)
ADVICE_TEXT = (
    "Pour plus de sécurité, utilisez au moins huit caractères. Évitez un mot de passe que vous "
    "utilisez déjà sur un autre site ou qui serait trop évident (prénom, lieu de résidence, "
    "« 0000 », « 1234 »…)."
)

_KEYBOARD_ROWS = ("azertyuiop", "qsdfghjklm", "wxcvbn", "qwertyuiop", "asdfghjkl", "zxcvbnm")
_SEQUENCE_LENGTH = 4
_KEYBOARD_LENGTH = 5  # « azert », « qwert »: five keys, so that « Liberty » stays allowed


@functools.cache
def common_passwords() -> frozenset[str]:
    path = settings.REPO_ROOT / "data" / "common_passwords_fr.txt"
    words = set()
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            words.add(fold(line).replace(" ", ""))
    return frozenset(words)


def _has_sequence(folded: str) -> bool:
    """« 0000 », « 1234 », « 4321 », « abcd », « azert »: characters that follow each other."""
    for start in range(len(folded) - _SEQUENCE_LENGTH + 1):
        chunk = folded[start : start + _SEQUENCE_LENGTH]
        if len(set(chunk)) == 1:
            return True
        if chunk.isalnum() and (chunk.isdigit() or chunk.isalpha()):
            steps = {ord(b) - ord(a) for a, b in zip(chunk, chunk[1:], strict=False)}
            if steps in ({1}, {-1}):
                return True
    for start in range(len(folded) - _KEYBOARD_LENGTH + 1):
        chunk = folded[start : start + _KEYBOARD_LENGTH]
        if any(chunk in row or chunk in row[::-1] for row in _KEYBOARD_ROWS):
            return True
    return False


def _core(folded: str) -> str:
    """The word under the decoration: « Soleil2024! » → « soleil »."""
    return re.sub(r"^[\W\d_]+|[\W\d_]+$", "", folded).replace(" ", "")


def password_problems(password: str, personal_words: list[str] | tuple[str, ...] = ()) -> list[str]:
    """Every reason this password is refused, in French; empty when it is accepted."""
    if len(password) < MIN_LENGTH:
        return [RULE_TEXT]
    if len(password) > MAX_LENGTH:
        return [f"Le mot de passe ne doit pas dépasser {MAX_LENGTH} caractères."]
    problems = []
    if not (
        any(c.isupper() for c in password) and any(c.islower() for c in password) and any(c.isdigit() for c in password)
    ):
        problems.append(RULE_TEXT)
    folded = fold(password)
    compact = folded.replace(" ", "")
    names = sorted({fold_name(w).replace(" ", "") for w in personal_words if w and len(fold_name(w)) >= 3})
    if any(name in compact for name in names):
        problems.append("Le mot de passe ne doit pas contenir votre prénom, votre nom ou votre ville.")
    if _has_sequence(compact):
        problems.append(
            "Le mot de passe ne doit pas contenir de suite évidente comme « 0000 », « 1234 » ou « azerty »."
        )
    common = common_passwords()
    if compact in common or _core(compact) in common:
        problems.append("Ce mot de passe fait partie des mots de passe les plus courants : choisissez-en un autre.")
    if not problems:
        result = zxcvbn(password, user_inputs=[*names, *common], max_length=MAX_LENGTH)
        if result["score"] < MIN_ZXCVBN_SCORE:
            problems.append(
                "Ce mot de passe est trop facile à deviner : allongez-le, par exemple avec plusieurs mots "
                "sans rapport entre eux."
            )
    return problems


def check_new_password(
    password: str,
    confirmation: str,
    personal_words: list[str] | tuple[str, ...] = (),
    field: str = "password",
    confirmation_field: str = "password_confirmation",
) -> None:
    """Raises ValidationError naming the field(s) at fault."""
    errors = {}
    problems = password_problems(password, personal_words)
    if problems:
        errors[field] = " ".join(dict.fromkeys(problems))
    if password != confirmation:
        errors[confirmation_field] = "La confirmation ne correspond pas au mot de passe."
    if errors:
        raise ValidationError.many(errors)


# bcrypt holds a core for ~0.25 s and releases the GIL: as many hashing threads as cores would take every core
# from the event loop during a login burst (other members' events waited). A bounded number run at once; the
# rest queue in their worker thread, never on the event loop.
_BCRYPT_SLOTS = threading.BoundedSemaphore(settings.BCRYPT_THREADS)


def _prehash(password: str) -> bytes:
    return base64.b64encode(hashlib.sha256(password.encode("utf-8")).digest())


def hash_password(password: str) -> str:
    """bcrypt (cost ≥ 12) of the SHA-256 of the password. Slow on purpose: call off the event loop."""
    salt = bcrypt.gensalt(rounds=settings.BCRYPT_ROUNDS)
    with _BCRYPT_SLOTS:
        return bcrypt.hashpw(_prehash(password), salt).decode("ascii")


def verify_password(password: str, password_hash: str) -> bool:
    if len(password) > MAX_LENGTH * 4:
        # Never spend bcrypt time on absurd input, but still take the same time as a real check.
        password = ""
    try:
        with _BCRYPT_SLOTS:
            return bcrypt.checkpw(_prehash(password), password_hash.encode("ascii"))
    except ValueError:
        return False


@functools.cache
def _dummy_hash() -> str:
    return hash_password("Aucun compte ne porte ce mot de passe 0")


def spend_verification_time(password: str) -> None:
    """Same bcrypt work as a real check, for an unknown address: answers take the same time."""
    verify_password(password, _dummy_hash())
