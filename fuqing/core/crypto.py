"""Encryption at rest for personal data (REG-3) and blind indexes for finding duplicates (REG-4).

Keys come from the environment: ``FUQING_FIELD_KEYS`` (comma-separated Fernet keys, newest first, so
keys rotate) and ``FUQING_BLIND_INDEX_KEY``. A single-machine install without them gets keys generated
once under ``var/keys.json`` (mode 600, never committed).
"""

from __future__ import annotations

import base64
import hmac
import json
import os
import secrets
import tempfile
import time
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.apps import apps
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models, transaction
from django.db.models import Case, TextField, Value, When
from django.db.models.functions import Cast
from django.db.models.query_utils import DeferredAttribute

from fuqing.env import env, env_list


@lru_cache(maxsize=1)
def _keys() -> tuple[list[bytes], bytes]:
    field_keys = env_list("FUQING_FIELD_KEYS", [])
    index_key = env("FUQING_BLIND_INDEX_KEY")
    if not field_keys or not index_key:
        path = settings.VAR_DIR / "keys.json"
        if not path.exists():
            _create_local_keys(path)
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


def _create_local_keys(path) -> None:
    """Write var/keys.json once, atomically: two processes starting together (web workers, synth's
    worker processes) must end up with the same keys, and nobody may read a half-written file."""
    keys = {"field_keys": [Fernet.generate_key().decode()], "blind_index_key": secrets.token_hex(32)}
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".keys-")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(keys, handle)
        os.chmod(tmp, 0o600)
        try:
            os.link(tmp, path)  # atomic, and fails if another process got there first
        except FileExistsError:
            pass
    finally:
        os.remove(tmp)


@lru_cache(maxsize=1)
def _fernet() -> MultiFernet:
    keys, _ = _keys()
    return MultiFernet([Fernet(k) for k in keys])


def reset_key_cache() -> None:
    _keys.cache_clear()
    _fernet.cache_clear()


def encrypt(value: str) -> str:
    return _fernet().encrypt(value.encode()).decode()


def encrypt_many(values: list[str]) -> list[str]:
    """``encrypt`` for many values at once (a ledger import's column), "" staying "": the same Fernet
    tokens under the newest key (AES-128-CBC with a random IV each, PKCS7, HMAC-SHA256), built a block
    position at a time so one AES call serves the whole batch. CBC is computed here from the block
    cipher: block k of every token is AES(plain block k XOR the token's block k-1, or its IV), so the
    batch runs in as many AES calls as the longest value has blocks."""
    from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

    raw = base64.urlsafe_b64decode(_keys()[0][0])
    signing, aes = raw[:16], raw[16:]
    block = Cipher(algorithms.AES(aes), modes.ECB()).encryptor()  # noqa: S305 — the CBC chain is below
    chosen = [i for i, value in enumerate(values) if value]
    padded = []
    for i in chosen:
        data = values[i].encode()
        pad = 16 - len(data) % 16
        padded.append(data + bytes([pad]) * pad)
    ivs = os.urandom(16 * len(chosen))
    previous = [ivs[16 * n : 16 * n + 16] for n in range(len(chosen))]
    bodies = [b""] * len(chosen)
    start = 0
    while True:
        live = [n for n, data in enumerate(padded) if len(data) > start]
        if not live:
            break
        plain = b"".join(padded[n][start : start + 16] for n in live)
        chain = b"".join(previous[n] for n in live)
        mixed = (int.from_bytes(plain, "big") ^ int.from_bytes(chain, "big")).to_bytes(len(plain), "big")
        out = block.update(mixed)
        for m, n in enumerate(live):
            previous[n] = out[16 * m : 16 * m + 16]
            bodies[n] += previous[n]
        start += 16
    head = b"\x80" + int(time.time()).to_bytes(8, "big")
    tokens = list(values)
    for n, i in enumerate(chosen):
        signed = head + ivs[16 * n : 16 * n + 16] + bodies[n]
        tokens[i] = base64.urlsafe_b64encode(signed + hmac.digest(signing, signed, "sha256")).decode()
    return tokens


def decrypt(token: str) -> str:
    try:
        return _fernet().decrypt(token.encode()).decode()
    except InvalidToken as exc:
        raise ImproperlyConfigured("personal data cannot be decrypted with the configured keys") from exc


def rotate(token: str) -> str:
    """Re-encrypt under the newest key (MultiFernet.rotate)."""
    return _fernet().rotate(token.encode()).decode()


def seal_params(params: dict) -> str:
    """A job's parameters that may hold personal data (a name searched for), encrypted for its row."""
    return encrypt(json.dumps(params, ensure_ascii=False, default=str))


def open_params(token: str) -> dict:
    return json.loads(decrypt(token))


def blind_index(value: str, purpose: str) -> str:
    """A keyed digest of a normalised value: equal values match, the value cannot be read back."""
    _, key = _keys()
    return hmac.digest(key, f"{purpose}:{value}".encode(), "sha256").hex()  # hmac.new(…).hexdigest()


class Sealed:
    """A stored token not decrypted yet (REG-3: decrypt only where the plain value is shown).

    Loading a row keeps each encrypted column sealed; the model attribute decrypts it on first read and
    keeps the plain value. Saving a row whose value was never read writes the token back unchanged.
    Whether a value is present is known without decrypting (empty values are stored as "")."""

    __slots__ = ("token",)

    def __init__(self, token: str):
        self.token = token

    def reveal(self) -> str:
        return decrypt(self.token)

    def __bool__(self) -> bool:
        return True

    def __str__(self) -> str:  # an accidental str() (values(), a template) still shows the plain value
        return self.reveal()

    def __eq__(self, other):
        if isinstance(other, Sealed):
            return self.token == other.token
        return NotImplemented

    __hash__ = None

    def __repr__(self) -> str:
        return "<Sealed>"


class DecryptOnRead(DeferredAttribute):
    """The model attribute of an encrypted field: decrypts the sealed token on the first read only."""

    def __get__(self, instance, cls=None):
        if instance is None:
            return self
        value = super().__get__(instance, cls)
        if isinstance(value, Sealed):
            value = value.reveal()
            instance.__dict__[self.field.attname] = value
        return value

    def __set__(self, instance, value):  # a data descriptor, so reads always come through __get__
        instance.__dict__[self.field.attname] = value


def is_sealed(instance, name: str) -> bool:
    """True while ``instance.<name>`` holds the stored token: loaded, not read, not changed."""
    return isinstance(instance.__dict__.get(name), Sealed)


def has_value(instance, name: str) -> bool:
    """Whether an encrypted field holds something, without decrypting it."""
    return bool(instance.__dict__[name]) if name in instance.__dict__ else bool(getattr(instance, name))


class EncryptedTextField(models.TextField):
    """Stores ``encrypt(value)``; Python code sees the plain value, decrypted when first read (``Sealed``
    until then). Not searchable: use a blind index. Masked forms are stored beside the field by the model
    (``*_masked``), so lists, ledgers and the API decrypt nothing."""

    descriptor_class = DecryptOnRead

    def from_db_value(self, value, expression, connection):
        if value is None or value == "":
            return value
        return Sealed(value)

    def pre_save(self, model_instance, add):
        # the raw attribute: reading it through the descriptor would decrypt a value only to re-encrypt it
        if self.attname in model_instance.__dict__:
            return model_instance.__dict__[self.attname]
        return super().pre_save(model_instance, add)

    def to_python(self, value):
        if isinstance(value, Sealed):
            return value.reveal()
        return super().to_python(value)

    def get_prep_value(self, value):
        if isinstance(value, Sealed):
            return value.token
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        return encrypt(value)


class MaskField(models.CharField):
    """The masked form of an encrypted field (``phone_masked = MaskField(source="phone",
    masker=mask_phone)``), kept at every ``save()`` and ``bulk_create`` from the plain value, so showing
    it never decrypts. A source still sealed has not changed: the stored mask stands. A ``save()`` with
    ``update_fields`` must name the mask beside its source."""

    def __init__(self, *args, source: str | None = None, masker=None, **kwargs):
        self.source, self.masker = source, masker
        kwargs.setdefault("max_length", 20)
        kwargs.setdefault("blank", True)
        kwargs.setdefault("editable", False)
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        return name, path, args, kwargs  # source and masker are code, not schema

    def pre_save(self, model_instance, add):
        if self.source and self.masker and not is_sealed(model_instance, self.source):
            setattr(model_instance, self.attname, self.masker(getattr(model_instance, self.source) or ""))
        return super().pre_save(model_instance, add)


def encrypted_fields() -> list[tuple[type[models.Model], str]]:
    """Every (model, field name) stored through ``EncryptedTextField``, across all apps."""

    return [
        (model, f.name)
        for model in apps.get_models()
        for f in model._meta.concrete_fields
        if isinstance(f, EncryptedTextField)
    ]


def _is_current(token: str, primary: Fernet) -> bool:
    try:
        primary.decrypt(token.encode())
    except InvalidToken:
        return False
    return True


def rotate_all(batch: int = 1000, progress=None) -> dict[str, int]:
    """Re-encrypt every stored value under the newest key (``manage.py rotate_keys``).

    Reads the stored tokens as text (no decryption by the field), writes them back as text, in batches
    of one UPDATE ... CASE each; values already readable with the newest key alone are skipped, so an
    interrupted run can simply be started again. Returns the number re-encrypted per model field.
    """

    keys, _ = _keys()
    primary = Fernet(keys[0])
    counts: dict[str, int] = {}
    for model, name in encrypted_fields():
        label = f"{model._meta.label}.{name}"
        manager = model._base_manager
        raw = manager.exclude(**{name: ""}).exclude(**{f"{name}__isnull": True})
        rows = raw.annotate(_token=Cast(name, TextField())).values_list("pk", "_token").order_by("pk")
        done = 0
        last = None
        while True:  # keyset pages: no cursor stays open while the same table is updated
            page = list((rows if last is None else rows.filter(pk__gt=last))[:batch])
            if not page:
                break
            last = page[-1][0]
            stale = [(pk, rotate(token)) for pk, token in page if not _is_current(token, primary)]
            if not stale:
                continue
            whens = [When(pk=pk, then=Value(token, output_field=TextField())) for pk, token in stale]
            with transaction.atomic():
                manager.filter(pk__in=[pk for pk, _t in stale]).update(
                    **{name: Case(*whens, output_field=TextField())}
                )
            done += len(stale)
            if progress:
                progress(label, done)
        counts[label] = done
    return counts
