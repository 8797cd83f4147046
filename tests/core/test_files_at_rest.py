"""Files at rest (SEC-9, SEC-7): the database file and everything created under var/ — keys, the secret
key, the audit key and anchor log, uploads, generated and spooled files — are readable by the owner only,
whatever umask the process was started with."""

from __future__ import annotations

import json
import os
import sqlite3
import stat
import subprocess
import sys
import textwrap
from pathlib import Path
from types import SimpleNamespace

ROOT = Path(__file__).resolve().parents[2]

# A process started the way a shell or systemd starts one (umask 022), doing what the platform does on a
# fresh install: settings (var/, the secret key), the embedded database and its WAL journal, the field
# keys, the audit key and anchor log, a spooled import, a stored private upload, a temporary export, a
# generated draft and a photo saved through Django's storage.
SCRIPT = textwrap.dedent(
    """
    import json
    import os
    from pathlib import Path
    os.umask(0o022)
    import django
    django.setup()
    from django.core.files.base import ContentFile
    from django.core.files.storage import FileSystemStorage
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.db import connection
    from fuqing.core import audit, crypto, ledger, uploads
    from fuqing.campaigns.summaries import draft_path

    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE t (x integer)")
        cursor.execute("INSERT INTO t VALUES (1)")
    crypto._keys()
    audit._audit_key()
    audit._append_anchor(audit.anchor_path(), 1, "0" * 64)
    uploads.spool(SimpleUploadedFile("import.xlsx", b"PK"))
    with uploads.store_private(SimpleUploadedFile("a.pdf", b"%PDF-1.4"), uploads.FILE_TYPES[".pdf"], "test"):
        pass
    with open(os.path.join(ledger.tmp_dir(), "export.xlsx"), "wb") as handle:
        handle.write(b"PK")
    draft_path().write_bytes(b"PK")
    FileSystemStorage().save("photos/2014/visit.jpg", ContentFile(b"jpg"))
    # what is on disk while the database is open (SQLite removes its WAL journal at the last close)
    var = Path(os.environ["FUQING_VAR_DIR"])
    found = [var, *var.rglob("*")]
    print(json.dumps({p.relative_to(var).as_posix(): p.lstat().st_mode & 0o777 for p in found}))
    """
)


def test_sec9_everything_created_under_var_is_readable_by_the_owner_only(tmp_path):
    var = tmp_path / "var"
    var.mkdir(mode=0o755)  # made before, by hand or by an older version
    os.chmod(var, 0o755)  # noqa: S103 — the open folder the platform must close
    env = {k: v for k, v in os.environ.items() if not k.startswith(("FUQING_", "DATABASE_URL"))}
    env.update({"FUQING_VAR_DIR": str(var), "DJANGO_SETTINGS_MODULE": "fuqing.settings"})
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr[-3000:]
    modes = json.loads(result.stdout.strip().splitlines()[-1])
    created = set(modes)
    for expected in ("fuqing.sqlite3", "fuqing.sqlite3-wal", "secret_key", "keys.json", "audit_key"):
        assert expected in created
    assert "audit-anchors.log" in created and any(p.startswith("uploads/") for p in created)
    assert any(p.startswith("private/test/") for p in created) and any(
        p.startswith("private/drafts/") for p in created
    )
    assert "tmp/export.xlsx" in created and any(p.startswith("media/photos/2014/") for p in created)
    assert {path: oct(mode) for path, mode in modes.items() if mode & 0o077} == {}
    assert modes["."] == 0o700 and modes["fuqing.sqlite3"] == 0o600


def test_sec9_an_existing_sqlite_database_is_closed_at_the_first_connection(tmp_path):
    from fuqing.core import at_rest

    database = tmp_path / "old.sqlite3"
    sqlite3.connect(database).execute("CREATE TABLE t (x integer)").connection.commit()
    (tmp_path / "old.sqlite3-wal").write_bytes(b"")
    for path in (database, tmp_path / "old.sqlite3-wal"):
        path.chmod(0o644)
    connection = SimpleNamespace(vendor="sqlite", settings_dict={"NAME": str(database)})
    at_rest.close_sqlite_files(sender=None, connection=connection)
    assert stat.S_IMODE(database.stat().st_mode) == 0o600
    assert stat.S_IMODE((tmp_path / "old.sqlite3-wal").stat().st_mode) == 0o600


def test_sec9_a_local_secret_is_never_readable_by_others_even_for_a_moment(tmp_path):
    from fuqing.env import local_secret

    old = os.umask(0o022)  # the mode is given at creation, not left to the umask nor chmod-ed after
    try:
        value = local_secret(tmp_path / "key", lambda: "s3cret")
    finally:
        os.umask(old)
    assert value == "s3cret" and stat.S_IMODE((tmp_path / "key").stat().st_mode) == 0o600
    assert local_secret(tmp_path / "key", lambda: "other") == "s3cret"  # created once
