"""Encryption at rest for personal data (REG-3) and blind indexes for finding duplicates (REG-4).

Keys come from the environment: ``FUQING_FIELD_KEYS`` (comma-separated Fernet keys, newest first, so
keys rotate) and ``FUQING_BLIND_INDEX_KEY``. A single-machine install without them gets keys generated
once under ``var/keys.json`` (mode 600, never committed).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models

from fuqing.env import env, env_list


@lru_cache(maxsize=1)
def _keys() -> tuple[list[bytes], bytes]:
    field_keys = env_list("FUQING_FIELD_KEYS", [])
    index_key = env("FUQING_BLIND_INDEX_KEY")
    if not field_keys or not index_key:
        path = settings.VAR_DIR / "keys.json"
        if not path.exists():
            path.write_text(
                json.dumps(
                    {"field_keys": [Fernet.generate_key().decode()], "blind_index_key": secrets.token_hex(32)}
                ),
                encoding="utf-8",
            )
            path.chmod(0o600)
        stored = json.loads(path.read_text(encoding="utf-8"))
        field_keys = field_keys or stored["field_keys"]
        index_key = index_key or stored["blind_index_key"]
    try:
        fernet_keys = [k.encode() for k in field_keys]
        for key in fernet_keys:
            Fernet(key)
    except (ValueError, TypeError) as exc:
        raise ImproperlyConfigured(f"FUQING_FIELD_KEYS holds a key that is not a Fernet key: {exc}") from exc
    return fernet_keys, index_key.encode()


@lru_cache(maxsize=1)
def _fernet() -> MultiFernet:
    keys, _ = _keys()
    return MultiFernet([Fernet(k) for k in keys])


def reset_key_cache() -> None:
    _keys.cache_clear()
    _fernet.cache_clear()


def encrypt(value: str) -> str:
    return _fernet().encrypt(value.encode()).decode()


def decrypt(token: str) -> str:
    try:
        return _fernet().decrypt(token.encode()).decode()
    except InvalidToken as exc:
        raise ImproperlyConfigured("personal data cannot be decrypted with the configured keys") from exc


def rotate(token: str) -> str:
    """Re-encrypt under the newest key (MultiFernet.rotate)."""
    return _fernet().rotate(token.encode()).decode()


def blind_index(value: str, purpose: str) -> str:
    """A keyed digest of a normalised value: equal values match, the value cannot be read back."""
    _, key = _keys()
    return hmac.new(key, f"{purpose}:{value}".encode(), hashlib.sha256).hexdigest()


class EncryptedTextField(models.TextField):
    """Stores ``encrypt(value)``; Python code sees the plain value. Not searchable: use a blind index."""

    def from_db_value(self, value, expression, connection):
        if value is None or value == "":
            return value
        return decrypt(value)

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        return encrypt(value)
