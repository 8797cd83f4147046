"""Backups (PLT-7) and laptop → server (PLT-1): manage.py backup / restore / backup --verify / move_to.

Each test runs on the configured engine (SQLite by default, PostgreSQL when DATABASE_URL is set); the
PostgreSQL scratch databases are named fq_ops_backup_… and dropped again.
"""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from fuqing.core import audit, backup
from fuqing.orgs import services as org_services
from fuqing.orgs.models import Org, OrgKind
from fuqing.registry.models import Woman
from tests.scoped_factories import FACTORIES

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

PASSPHRASE = "correct horse battery staple"
PG_SERVER = os.environ.get("FQ_OPS_BACKUP_PG", "postgres://postgres@127.0.0.1:5432")


@pytest.fixture
def install(settings, tmp_path, tree, sysadmin, daoli):
    """A small federation with rows of every scoped model, private files, media and a chain anchor."""
    settings.BACKUP_PASSPHRASE = PASSPHRASE
    settings.VAR_DIR = tmp_path / "var"
    settings.VAR_DIR.mkdir()
    settings.MEDIA_ROOT = settings.VAR_DIR / "media"
    for number, (_model, make) in enumerate(sorted(FACTORIES.items(), key=lambda kv: kv[0]._meta.label)):
        unit = org_services.add_org(None, parent=tree.a1, name=f"社区{number}", kind=OrgKind.COMMUNITY)
        make(unit, f"标记{number}", daoli)
    org_services.update_org(sysadmin, tree.a1, name="新阳路街道办事处")
    call_command("verify_audit")  # writes the first anchor
    return tree


def _pg_reachable() -> bool:
    try:
        import psycopg

        psycopg.connect(f"{PG_SERVER}/postgres", connect_timeout=3).close()
    except Exception:
        return False
    return True


def _scratch_args() -> list[str]:
    """--verify's scratch database on PostgreSQL: one of ours (fq_ops_backup_…), dropped again."""
    if connection.vendor != "postgresql":
        return []
    return ["--scratch-url", f"{PG_SERVER}/fq_ops_backup_{uuid.uuid4().hex[:8]}"]


def _snapshot() -> dict:
    woman = Woman.objects.order_by("pk").first()
    return {
        "counts": {t: c for t, c in backup.table_counts().items() if t != "django_migrations"},
        "phone": woman.phone,
        "woman": woman.pk,
        "orgs": sorted(Org.objects.values_list("pk", "name")),
    }


def _var_files() -> dict[str, bytes]:
    """The files a backup must hold, named as in its manifest (var/…, shared/…)."""
    files = {}
    for prefix, root in (("var", Path(settings.VAR_DIR)), ("shared", getattr(settings, "SHARED_DIR", None))):
        for p in Path(root).rglob("*") if root else ():
            top = p.parts[len(Path(root).parts)]
            if (
                p.is_file()
                and top not in (*backup.KEY_FILES, *backup.SKIPPED_DIRS)
                and not p.name.startswith(("fuqing.sqlite3", "audit-anchors.log"))
            ):
                files[f"{prefix}/{p.relative_to(root).as_posix()}"] = p.read_bytes()
    return files


def _restored(files: dict[str, bytes]) -> dict[str, bytes]:
    """Each file read back where a restore puts it (private files go to the shared folder when set)."""
    return {name: backup._destination(name).read_bytes() for name in files}


def test_plt7_backup_change_restore_compare_verify(install, settings, sysadmin, tmp_path):
    settings.SHARED_DIR = tmp_path / "shared"  # several servers: private files on a shared volume
    shared = settings.SHARED_DIR / "private" / "2014" / "shared.docx"
    shared.parent.mkdir(parents=True)
    shared.write_bytes(b"a submission on the shared volume")
    # An anchor appended after the database was read (events commit while the backup runs) must not
    # travel with it: the restored chain would end before it.
    anchors = audit.anchor_path()
    lines = anchors.read_text()
    anchors.write_text(lines + f"{10**6} {'0' * 64} 2026-12-07T00:00:00+00:00\n")
    target = tmp_path / "backup"
    call_command("backup", str(target))
    anchors.write_text(lines)
    before, files = _snapshot(), _var_files()
    assert files, "the install has private files and media"
    manifest = json.loads((target / "manifest.json").read_text())
    assert (
        manifest["engine"] == connection.vendor and manifest["row_counts"]["orgs_org"] == Org.objects.count()
    )
    assert set(manifest["files"]) == set(files) and "shared/private/2014/shared.docx" in files
    assert backup.unseal((target / "keys.bundle").read_bytes(), PASSPHRASE)["audit_anchors"] == lines
    bundle = (target / "keys.bundle").read_text()
    assert backup.current_keys()["audit_key"] not in bundle and "field_keys" not in bundle  # encrypted
    assert not list(target.rglob("keys.json")) and not list(target.rglob("audit_key"))
    assert {oct(p.stat().st_mode)[-3:] for p in target.rglob("*")} <= {"600", "700"}  # owner only

    # Change everything the backup holds: rows, an encrypted field, files, and the anchor.
    org_services.add_org(sysadmin, parent=install.a1, name="建国社区", kind=OrgKind.COMMUNITY)
    woman = Woman.objects.get(pk=before["woman"])
    woman.phone = "13900000000"
    woman.save()
    for name in files:
        backup._destination(name).unlink(missing_ok=True)
        root, _, rel = name.partition("/")
        (Path(settings.VAR_DIR if root == "var" else settings.SHARED_DIR) / rel).unlink(missing_ok=True)
    call_command("verify_audit")

    with pytest.raises(CommandError, match="not empty"):
        call_command("restore", str(target))
    call_command("restore", str(target), "--force")

    after = _snapshot()
    assert after == before
    assert _restored(files) == files and shared.read_bytes() == b"a submission on the shared volume"
    call_command("verify_audit")  # the chain, its key and the anchor file came back together
    assert list(Path(settings.VAR_DIR).glob("audit-anchors.log.replaced-*"))  # the newer anchors are kept
    call_command("backup", "--verify", str(target), *_scratch_args())


def test_plt7_verify_finds_a_damaged_backup_and_a_wrong_passphrase(install, settings, tmp_path):
    target = tmp_path / "backup"
    call_command("backup", str(target))
    scratch = _scratch_args()
    call_command("restore", str(target), "--export-keys", str(tmp_path / "keys"))  # for *_FILE settings
    keys = backup.current_keys()
    assert (tmp_path / "keys" / "field_keys").read_text() == ",".join(keys["field_keys"])
    assert (tmp_path / "keys" / "audit_key").read_text() == keys["audit_key"]
    assert oct((tmp_path / "keys" / "secret_key").stat().st_mode)[-3:] == "600"
    damaged = next((target / "files").rglob("*.docx"))
    damaged.write_bytes(damaged.read_bytes() + b"x")
    with pytest.raises(CommandError, match="1 problem"):
        call_command("backup", "--verify", str(target), *scratch)
    settings.BACKUP_PASSPHRASE = "another passphrase altogether"
    with pytest.raises(CommandError, match="passphrase does not open"):
        call_command("backup", "--verify", str(target))
    settings.BACKUP_PASSPHRASE = ""
    with pytest.raises(CommandError, match="FUQING_BACKUP_PASSPHRASE"):
        call_command("backup", str(tmp_path / "other"))


def test_plt7_restore_into_an_empty_install_keeps_verify_audit_passing(install, tmp_path):
    """The operator's path: a new machine, an empty FUQING_VAR_DIR, `restore`, then `verify_audit`."""
    if connection.vendor == "postgresql":
        pytest.skip("the PostgreSQL path is the --verify scratch restore in the test above")
    target = tmp_path / "backup"
    call_command("backup", str(target))
    fresh = tmp_path / "fresh"
    fresh.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("FUQING_", "DATABASE_"))}
    env.update(FUQING_VAR_DIR=str(fresh), FUQING_BACKUP_PASSPHRASE=PASSPHRASE)
    manage = [sys.executable, str(Path(settings.BASE_DIR) / "manage.py")]
    done = subprocess.run([*manage, "restore", str(target)], env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    done = subprocess.run([*manage, "verify_audit"], env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert "audit chain intact" in done.stdout
    show = (
        "import json; from fuqing.core.models import Job;"
        "print(json.dumps(list(Job.objects.values_list('output_file', flat=True))))"
    )
    done = subprocess.run([*manage, "shell", "-c", show], env=env, capture_output=True, text=True)
    paths = json.loads(done.stdout.strip().splitlines()[-1])
    assert paths and all(Path(p).parent == fresh.resolve() and Path(p).exists() for p in paths)  # jobs' files
    assert (fresh / "fuqing.sqlite3").exists() and oct((fresh / "keys.json").stat().st_mode)[-3:] == "600"
    again = subprocess.run([*manage, "restore", str(target)], env=env, capture_output=True, text=True)
    assert again.returncode == 1 and "not empty" in again.stderr


def test_plt7_scheduled_backup_on_the_worker_keeps_the_newest(install, tmp_path):
    root = Path(settings.VAR_DIR) / "backups"  # kept under var/: never copied into the next backup
    for _ in range(3):
        call_command("backup", str(root), "--keep", "2", "--enqueue")  # the immediate backend in tests
    kept = sorted(p.name for p in root.iterdir())
    assert len(kept) == 2 and all((root / name / "manifest.json").exists() for name in kept)
    manifest = json.loads((root / kept[-1] / "manifest.json").read_text())
    assert manifest["files"] and not [name for name in manifest["files"] if name.startswith("var/backups/")]
    out = io.StringIO()
    call_command("backup", "--verify", str(root), *_scratch_args(), stdout=out)  # the newest of them
    assert f"backup {root / kept[-1]} verified" in out.getvalue()


def test_plt1_move_to_postgresql_keeps_rows_keys_and_the_chain(install, sysadmin, tmp_path):
    if connection.vendor != "sqlite":
        pytest.skip("moves an embedded SQLite install")
    if not _pg_reachable():
        pytest.skip("no PostgreSQL at " + PG_SERVER)
    import psycopg

    name = f"fq_ops_backup_move_{uuid.uuid4().hex[:8]}"
    url = f"{PG_SERVER}/{name}"
    with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        before = _snapshot()
        call_command("move_to", url)
        with backup.extra_database("moved", url):
            counts = {t: c for t, c in backup.table_counts("moved").items() if t != "django_migrations"}
            assert counts == before["counts"]
            assert Woman.objects.using("moved").get(pk=before["woman"]).phone == before["phone"]
        # The server: same var/ and keys, DATABASE_URL pointing at the target.
        keys = backup.current_keys()
        env = {k: v for k, v in os.environ.items() if not k.startswith(("FUQING_", "DATABASE_"))}
        env.update(
            DATABASE_URL=url,
            FUQING_VAR_DIR=str(settings.VAR_DIR),
            FUQING_FIELD_KEYS=",".join(keys["field_keys"]),
            FUQING_BLIND_INDEX_KEY=keys["blind_index_key"],
            FUQING_AUDIT_KEY=keys["audit_key"],
            FUQING_AUDIT_ANCHOR_FILE=str(audit.anchor_path()),
        )
        manage = [sys.executable, str(Path(settings.BASE_DIR) / "manage.py")]
        new_rows = (
            "from fuqing.orgs import services as s; from fuqing.orgs.models import Org, User;"
            "a = User.objects.get(username='sysadmin'); p = Org.objects.get(name='道里区妇联');"
            "s.add_org(a, parent=p, name='新建街道', kind='township');"
            "from fuqing.registry.models import Woman;"
            "Woman.objects.create(org=p, name='新人', file_number='N1', phone='13700000000',"
            " registered_on='2014-05-01')"
        )
        for cmd in (["verify_audit"], ["shell", "-c", new_rows], ["verify_audit"]):
            done = subprocess.run([*manage, *cmd], env=env, capture_output=True, text=True)
            assert done.returncode == 0, done.stderr
        with pytest.raises(CommandError, match="not empty"):
            call_command("move_to", url)
    finally:
        with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_plt1_a_laptop_backup_restores_onto_postgresql(install, tmp_path):
    """Laptop → server on another machine: back up the SQLite install, restore it on PostgreSQL (here
    the --verify scratch restore, which runs `manage.py restore` with DATABASE_URL set to the server)."""
    if connection.vendor != "sqlite":
        pytest.skip("moves an embedded SQLite install")
    if not _pg_reachable():
        pytest.skip("no PostgreSQL at " + PG_SERVER)
    target = tmp_path / "backup"
    call_command("backup", str(target))
    scratch = f"{PG_SERVER}/fq_ops_backup_{uuid.uuid4().hex[:8]}"
    call_command("backup", "--verify", str(target), "--scratch-url", scratch)
