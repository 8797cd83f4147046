"""REG-3: keys come from the environment and rotate: ``manage.py rotate_keys`` re-encrypts every
encrypted field under the newest key, after which the old key can be retired."""

import json
from io import StringIO

import pytest
from cryptography.fernet import Fernet
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command

from fuqing.core import crypto
from fuqing.registry.models import Woman
from tests.registry.conftest import add_woman


@pytest.fixture
def keys(monkeypatch):
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    monkeypatch.setenv("FUQING_BLIND_INDEX_KEY", "b" * 64)

    def use(*field_keys):
        monkeypatch.setenv("FUQING_FIELD_KEYS", ",".join(field_keys))
        crypto.reset_key_cache()

    yield old, new, use
    monkeypatch.delenv("FUQING_FIELD_KEYS")
    crypto.reset_key_cache()


def test_reg3_rotate_keys_reencrypts_under_the_newest_key(tree, daoli, keys):
    old, new, use = keys
    use(old)
    woman = add_woman(daoli, tree.a1a, health_notes="高血压", health_consent=True)
    use(new, old)
    out = StringIO()
    call_command("rotate_keys", stdout=out, stderr=StringIO())
    counts = json.loads(out.getvalue())
    assert counts["registry.Woman.id_number"] == 1 and counts["registry.Woman.health_notes"] == 1
    use(new)  # the old key is retired
    fresh = Woman.objects.get(pk=woman.pk)
    assert (fresh.id_number, fresh.phone, fresh.health_notes) == (woman.id_number, "13812345678", "高血压")
    out = StringIO()
    call_command("rotate_keys", stdout=out, stderr=StringIO())
    assert set(json.loads(out.getvalue()).values()) == {0}  # nothing left to re-encrypt


def test_reg3_without_the_key_the_data_cannot_be_read(tree, daoli, keys):
    old, new, use = keys
    use(old)
    woman = add_woman(daoli, tree.a1a)
    use(new)
    loaded = Woman.objects.get(pk=woman.pk)  # loading decrypts nothing (REG-3: only where shown) …
    assert loaded.masked_phone == "138****5678"
    with pytest.raises(ImproperlyConfigured):  # … reading the plain value needs the key
        loaded.phone  # noqa: B018


def test_reg3_a_development_key_is_generated_under_var_and_never_in_the_repository(settings, tmp_path):
    import subprocess

    crypto.reset_key_cache()
    settings.VAR_DIR = tmp_path
    token = crypto.encrypt("230102198005170021")
    assert (tmp_path / "keys.json").exists() and oct((tmp_path / "keys.json").stat().st_mode)[-3:] == "600"
    assert crypto.decrypt(token) == "230102198005170021"
    crypto.reset_key_cache()
    ignored = subprocess.run(["git", "check-ignore", "var/keys.json"], capture_output=True, text=True)
    assert ignored.returncode == 0


def test_reg3_processes_starting_together_share_one_development_key(settings, tmp_path):
    """Two processes creating var/keys.json at once end with the same keys and never a half file."""
    import multiprocessing

    settings.VAR_DIR = tmp_path
    crypto.reset_key_cache()
    context = multiprocessing.get_context("fork")
    with context.Pool(4) as pool:
        tokens = pool.map(_encrypt_in_child, range(8))
    crypto.reset_key_cache()
    assert {crypto.decrypt(t) for t in tokens} == {"230102198005170021"}
    crypto.reset_key_cache()


def _encrypt_in_child(_n):
    return crypto.encrypt("230102198005170021")
