"""Credentials: curator passwords and the server's curation token are kept only as Argon2id hashes.

``argon2-cffi``'s defaults (RFC 9106's low-memory profile) are used. A verified pair is
remembered in memory by the SHA-256 of hash and secret, so an API client sending the same
credentials on every request pays for Argon2 once, while a guessed secret always pays.
"""

from __future__ import annotations

import hashlib
import threading

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

_hasher = PasswordHasher()
_verified: set[str] = set()
_lock = threading.Lock()
_DUMMY = _hasher.hash("an unused secret: makes unknown names cost what known ones cost")
MIN_PASSWORD = 10


def hash_secret(secret: str) -> str:
    """An Argon2id hash of ``secret`` (salted; never the same twice)."""
    return _hasher.hash(secret)


def verify_secret(hashed: str | None, secret: str | None) -> bool:
    """Whether ``secret`` matches ``hashed``; always false for a missing hash or secret.

    A missing hash is checked against a dummy one, so the answer takes as long either way.
    """
    if not secret:
        return False
    key = hashlib.sha256(f"{hashed}\0{secret}".encode()).hexdigest()
    with _lock:
        if hashed and key in _verified:
            return True
    try:
        ok = _hasher.verify(hashed or _DUMMY, secret) and bool(hashed)
    except (VerificationError, InvalidHashError):
        return False
    if ok:
        with _lock:
            if len(_verified) > 10_000:
                _verified.clear()
            _verified.add(key)
    return ok
