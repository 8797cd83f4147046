"""Backups, restore and moving an install between databases (PLT-7, PLT-1).

A backup is a folder:

    manifest.json      versions, engine, migrations, row counts per table, a checksum of every file
    database.sqlite3   SQLite through its online backup API (one consistent copy while the site runs), or
    database.pgdump    PostgreSQL through ``pg_dump -Fc`` (the row counts read in the same snapshot)
    files/var/…        the files under var/ (private files, media, generated documents); files/media/…
                       when MEDIA_ROOT lies outside var/
    keys.bundle        the field keys, the blind-index key, the audit key, the secret key and the audit
                       anchor file, encrypted under a passphrase (scrypt + AES-GCM), because whoever holds
                       the data and the keys together can read everything

``restore`` rebuilds an install from it (the database, the files, the keys under var/), then checks it:
row counts, the files' checksums, a sample of decrypted fields and the audit chain. ``verify`` restores
into a scratch install (a temporary var/ and a scratch database, in a child process) and reports what
``restore`` found. ``copy_database`` copies every row from one database to another of any engine (the
stored ciphertext and the audit chain unchanged); ``move_to`` uses it to move a laptop's SQLite install
onto PostgreSQL.
"""

from __future__ import annotations

import base64
import datetime
import hashlib
import json
import os
import platform
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import uuid
from contextlib import contextmanager
from pathlib import Path

import django
from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.core.management.color import no_style
from django.db import DEFAULT_DB_ALIAS, close_old_connections, connection, connections, transaction
from django.db.migrations.recorder import MigrationRecorder
from django.db.models import TextField, Value
from django.db.models.functions import Cast, Replace
from django.db.utils import load_backend
from django_tasks import task

from fuqing.core import audit, crypto
from fuqing.core.crypto import EncryptedTextField, encrypted_fields
from fuqing.core.models import AuditEvent, AuditHead, Job
from fuqing.env import child_environ

FORMAT = "fuqing-backup-1"
BUNDLE_FORMAT = "fuqing-keys-1"
MANIFEST = "manifest.json"
BUNDLE = "keys.bundle"
SQLITE_FILE = "database.sqlite3"
PG_FILE = "database.pgdump"
FILES = "files"
MIN_PASSPHRASE = 12
SCRYPT = {"n": 2**15, "r": 8, "p": 1}
# Under var/ but not copied as files: the database, the keys (they go into the bundle), files rebuilt
# (static) or only spooled while a job runs (uploads, tmp).
KEY_FILES = ("keys.json", "secret_key", "audit_key", "audit-anchors.log")
SKIPPED_DIRS = ("static", "tmp", "uploads")
# What FUQING_SHARED_DIR holds when set (core.uploads.private_root, generated documents).
SHARED_FOLDERS = ("private", "documents")
# Tables whose rows make a database "not empty" for restore and move_to (an install that was only
# migrated has content types and permissions, nothing else).
DATA_TABLES = ("orgs_user", "orgs_org", "core_auditevent")


class BackupError(Exception):
    """A backup, restore or move that cannot go on; the message says why."""


# --- the key bundle -----------------------------------------------------------------------------------


def passphrase() -> str:
    value = settings.BACKUP_PASSPHRASE
    if not value:
        raise BackupError(
            "no passphrase for the key bundle: set FUQING_BACKUP_PASSPHRASE or FUQING_BACKUP_PASSPHRASE_FILE"
        )
    if len(value) < MIN_PASSPHRASE:
        raise BackupError(f"the backup passphrase must have at least {MIN_PASSPHRASE} characters")
    return value


def _kdf(secret: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

    return Scrypt(salt=salt, length=32, n=n, r=r, p=p).derive(secret.encode())


def seal(payload: dict, secret: str) -> bytes:
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    salt, nonce = os.urandom(16), os.urandom(12)
    key = _kdf(secret, salt, **SCRYPT)
    data = json.dumps(payload, ensure_ascii=False).encode()
    box = AESGCM(key).encrypt(nonce, data, BUNDLE_FORMAT.encode())
    b64 = lambda raw: base64.b64encode(raw).decode()  # noqa: E731
    sealed = {"format": BUNDLE_FORMAT, "kdf": "scrypt", **SCRYPT, "salt": b64(salt), "nonce": b64(nonce)}
    sealed["ciphertext"] = b64(box)
    return json.dumps(sealed, indent=1).encode()


def unseal(raw: bytes, secret: str) -> dict:
    from cryptography.exceptions import InvalidTag
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    try:
        sealed = json.loads(raw)
        if sealed.get("format") != BUNDLE_FORMAT or sealed.get("kdf") != "scrypt":
            raise ValueError(sealed.get("format"))
        key = _kdf(secret, base64.b64decode(sealed["salt"]), sealed["n"], sealed["r"], sealed["p"])
        data = AESGCM(key).decrypt(
            base64.b64decode(sealed["nonce"]), base64.b64decode(sealed["ciphertext"]), BUNDLE_FORMAT.encode()
        )
    except InvalidTag:
        raise BackupError("the passphrase does not open the key bundle (or the bundle is damaged)") from None
    except (ValueError, KeyError, TypeError) as exc:
        raise BackupError(f"the key bundle cannot be read: {exc}") from None
    return json.loads(data)


def current_keys(head: int | None = None) -> dict:
    """The keys this install runs with (from the environment or var/), and the anchor file's lines —
    those up to ``head``, the chain head in the database snapshot (anchors are appended as events commit,
    so the file may already name records the snapshot does not hold)."""

    field_keys, index_key = crypto._keys()
    anchors = audit.anchor_path()
    text = anchors.read_text(encoding="utf-8") if anchors.exists() else ""
    if head is not None:
        text = "".join(line for line in text.splitlines(keepends=True) if _anchor_seq(line) <= head)
    return {
        "secret_key": settings.SECRET_KEY,
        "field_keys": [k.decode() for k in field_keys],
        "blind_index_key": index_key.decode(),
        "audit_key": audit._audit_key().decode(),
        "audit_anchors": text,
    }


def _anchor_seq(line: str) -> float:
    first = line.split()[:1]
    return int(first[0]) if first and first[0].isdigit() else float("inf")  # a torn line is dropped


def audit_anchor_path() -> Path:
    return audit.anchor_path()


def audit_anchor_text() -> str:
    path = audit_anchor_path()
    return path.read_text(encoding="utf-8") if path.exists() else ""


def install_keys(keys: dict, force: bool = False) -> list[str]:
    """Write the bundle's keys where an install without key settings reads them (var/), and the anchor
    file where FUQING_AUDIT_ANCHOR_FILE (or var/) says; returns warnings about settings that override
    them. Caches are cleared so this process uses them at once."""

    var = Path(settings.VAR_DIR)
    old_secret = (
        (var / "secret_key").read_text(encoding="utf-8").strip() if (var / "secret_key").exists() else ""
    )
    _write_private(var / "secret_key", keys["secret_key"])
    _write_private(
        var / "keys.json",
        json.dumps({"field_keys": keys["field_keys"], "blind_index_key": keys["blind_index_key"]}),
    )
    _write_private(var / "audit_key", keys["audit_key"])
    anchors = audit.anchor_path()
    existing = anchors.read_text(encoding="utf-8") if anchors.exists() else ""
    warnings = []
    if existing.strip() and existing != keys["audit_anchors"]:
        if not force:
            raise BackupError(f"the anchor file {anchors} holds other anchors (use --force to replace it)")
        stamp = datetime.datetime.now(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")
        kept = anchors.with_name(f"{anchors.name}.replaced-{stamp}")
        _write_private(kept, existing)
        warnings.append(f"the anchors written since the backup are kept in {kept}")
    _write_private(anchors, keys["audit_anchors"])
    crypto.reset_key_cache()
    audit._audit_key.cache_clear()
    # Keys given as settings (environment) win over the files just written: name those that differ.
    effective = current_keys()
    if settings.SECRET_KEY not in (keys["secret_key"], old_secret):
        warnings.append("FUQING_SECRET_KEY is set and differs from the backed-up secret key")
    for name, key in (
        ("FUQING_FIELD_KEYS", "field_keys"),
        ("FUQING_BLIND_INDEX_KEY", "blind_index_key"),
        ("FUQING_AUDIT_KEY", "audit_key"),
    ):
        if effective[key] != keys[key]:
            warnings.append(f"{name} is set and differs from the backed-up key: the restored key is not used")
    return warnings


def export_keys(source: Path | str, folder: Path | str) -> list[Path]:
    """The bundle's keys as one file each, for installs that read them through ``*_FILE`` settings
    (several servers): FUQING_SECRET_KEY_FILE, FUQING_FIELD_KEYS_FILE, FUQING_BLIND_INDEX_KEY_FILE,
    FUQING_AUDIT_KEY_FILE, and the anchor log for FUQING_AUDIT_ANCHOR_FILE."""
    source, folder = Path(source), Path(folder)
    keys = unseal((source / BUNDLE).read_bytes(), passphrase())
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    files = {
        "secret_key": keys["secret_key"],
        "field_keys": ",".join(keys["field_keys"]),
        "blind_index_key": keys["blind_index_key"],
        "audit_key": keys["audit_key"],
        "audit-anchors.log": keys["audit_anchors"],
    }
    written = []
    for name in files:
        if (folder / name).exists():
            raise BackupError(f"{folder / name} exists: export the keys into a new or empty folder")
    for name, text in files.items():
        _write_private(folder / name, text)
        written.append(folder / name)
    return written


def _write_private(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex}")
    tmp.write_text(text, encoding="utf-8")
    tmp.chmod(0o600)
    tmp.replace(path)


# --- helpers ------------------------------------------------------------------------------------------


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _engine(alias: str = DEFAULT_DB_ALIAS) -> str:
    vendor = connections[alias].vendor
    if vendor not in ("sqlite", "postgresql"):
        raise BackupError(f"cannot back up a {vendor} database")
    return vendor


def pg_tool(name: str) -> str:
    """pg_dump / pg_restore: on PATH, else the newest under /usr/lib/postgresql/*/bin."""
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(
        Path("/usr/lib/postgresql").glob(f"*/bin/{name}"),
        key=lambda p: int(p.parent.parent.name) if p.parent.parent.name.isdigit() else 0,
    )
    if not candidates:
        raise BackupError(f"{name} not found (install the PostgreSQL client, version 15 or newer)")
    return str(candidates[-1])


def _pg_args(alias: str) -> tuple[list[str], dict]:
    """pg_dump / pg_restore's connection: a libpq conninfo without the password (argv is visible to
    every user of the machine), the password in the child's PGPASSWORD."""
    from psycopg.conninfo import make_conninfo

    info = _pg_conninfo(alias)
    password = info.pop("password", "")
    env = child_environ(["PGPASSWORD"], **({"PGPASSWORD": password} if password else {}))
    return ["--dbname", make_conninfo(**info)], env


def _run(cmd: list[str], env: dict | None = None) -> None:
    done = subprocess.run(cmd, env=env, capture_output=True, text=True)  # noqa: S603 (our own arguments)
    if done.returncode:
        raise BackupError(f"{Path(cmd[0]).name} failed: {done.stderr.strip()[-2000:]}")


def _pg_conninfo(alias: str, dbname: str | None = None) -> dict:
    conf = connections[alias].settings_dict
    info = {"dbname": dbname or conf["NAME"]}
    for key, name in (("HOST", "host"), ("PORT", "port"), ("USER", "user"), ("PASSWORD", "password")):
        if conf.get(key):
            info[name] = str(conf[key])
    for key, value in (conf.get("OPTIONS") or {}).items():  # sslmode, sslrootcert, … (libpq's own)
        if key.startswith("ssl") or key in ("connect_timeout", "options", "target_session_attrs"):
            info[key] = str(value)
    return info


@contextmanager
def extra_database(alias: str, url: str | None = None, conf: dict | None = None):
    """A database connection under ``alias`` for the duration of the block."""
    import dj_database_url

    conf = conf or dj_database_url.parse(url)

    settings_dict = connections.configure_settings(
        {DEFAULT_DB_ALIAS: dict(connections.settings[DEFAULT_DB_ALIAS]), alias: conf}
    )[alias]
    wrapper = load_backend(settings_dict["ENGINE"]).DatabaseWrapper(settings_dict, alias)
    connections[alias] = wrapper  # a connection of this thread only, never in settings.DATABASES
    try:
        yield wrapper
    finally:
        wrapper.close()
        del connections[alias]


def table_counts(alias: str = DEFAULT_DB_ALIAS) -> dict[str, int]:
    connection = connections[alias]
    with connection.cursor() as cursor:
        names = sorted(t for t in connection.introspection.table_names(cursor) if not t.startswith("sqlite_"))
        counts = {}
        for name in names:
            cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(name)}")  # noqa: S608
            counts[name] = cursor.fetchone()[0]
    return counts


def _sqlite_counts(path: Path) -> dict[str, int]:
    db = sqlite3.connect(path)
    try:
        names = [
            row[0]
            for row in db.execute(
                "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
            )
        ]
        count = 'SELECT COUNT(*) FROM "{}"'.format  # table names from sqlite_master
        return {name: db.execute(count(name)).fetchone()[0] for name in names}
    finally:
        db.close()


def _sqlite_head(path: Path) -> int:
    db = sqlite3.connect(path)
    try:
        row = db.execute("SELECT seq FROM core_audithead WHERE id = 1").fetchone()
    except sqlite3.OperationalError:  # no audit table yet
        row = None
    finally:
        db.close()
    return row[0] if row else 0


def is_empty(alias: str = DEFAULT_DB_ALIAS) -> bool:
    connection = connections[alias]
    with connection.cursor() as cursor:
        present = set(connection.introspection.table_names(cursor))
        for table in DATA_TABLES:
            if table in present:
                cursor.execute(f"SELECT 1 FROM {connection.ops.quote_name(table)} LIMIT 1")  # noqa: S608
                if cursor.fetchone():
                    return False
    return True


def _shared_dir() -> Path | None:
    """FUQING_SHARED_DIR (several servers): private files, documents and spooled files live there."""
    shared = getattr(settings, "SHARED_DIR", None)
    return Path(shared) if shared else None


def _file_roots() -> dict[str, Path]:
    var = Path(settings.VAR_DIR).resolve()
    roots = {"var": var}
    shared = _shared_dir()
    if shared and shared.resolve() != var and var not in shared.resolve().parents:
        roots["shared"] = shared.resolve()
    media = Path(settings.MEDIA_ROOT).resolve()
    if all(media != root and root not in media.parents for root in roots.values()):
        roots["media"] = media
    return roots


def _destination(name: str) -> Path:
    """Where a backed-up file goes in this install: var/…, the shared folder (private files and
    generated documents, whichever folder the backup had them in), or MEDIA_ROOT."""
    root_name, _, rel = name.partition("/")
    if root_name == "media":
        root = Path(settings.MEDIA_ROOT)
    elif root_name == "shared" or (_shared_dir() and rel.split("/")[0] in SHARED_FOLDERS):
        root = _shared_dir() or Path(settings.VAR_DIR)
    elif root_name == "var":
        root = Path(settings.VAR_DIR)
    else:
        raise BackupError(f"{name}: an unknown folder in the manifest")
    dest = root / rel
    if root.resolve() not in dest.resolve().parents:
        raise BackupError(f"{name}: a path outside its folder in the manifest")
    return dest


def _skip(root_name: str, root: Path, path: Path, exclude: list[Path]) -> bool:
    if any(path == e or e in path.parents for e in exclude):
        return True
    if root_name == "media":
        return False
    rel = path.relative_to(root)
    top = rel.parts[0]
    if root_name == "shared":
        return top in SKIPPED_DIRS
    if len(rel.parts) == 1 and (top in KEY_FILES or top.startswith(".keys-")):
        return True
    return top in SKIPPED_DIRS or (len(rel.parts) == 1 and top.startswith("fuqing.sqlite3"))


def _copy_files(target: Path, exclude: list[Path]) -> dict[str, dict]:
    """Copy the files under var/ (and MEDIA_ROOT) into target/files; their sizes and checksums."""

    exclude = [p.resolve() for p in exclude]
    db_name = connections[DEFAULT_DB_ALIAS].settings_dict.get("NAME")
    if connections[DEFAULT_DB_ALIAS].vendor == "sqlite" and db_name and "memory" not in str(db_name):
        exclude += [Path(f"{Path(db_name).resolve()}{suffix}") for suffix in ("", "-wal", "-shm", "-journal")]
    exclude.append(audit.anchor_path().resolve())
    listed = {}
    for root_name, root in _file_roots().items():
        if not root.exists():
            continue
        for dirpath, dirnames, filenames in os.walk(root):
            here = Path(dirpath)
            dirnames[:] = sorted(d for d in dirnames if not _skip(root_name, root, here / d, exclude))
            for filename in sorted(filenames):
                source = here / filename
                if _skip(root_name, root, source, exclude) or not source.is_file():
                    continue
                name = f"{root_name}/{source.relative_to(root).as_posix()}"
                dest = target / FILES / name
                _private_dirs(dest.parent, target)
                digest = hashlib.sha256()
                size = 0
                fd = os.open(dest, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
                with open(source, "rb") as src, os.fdopen(fd, "wb") as out:
                    for chunk in iter(lambda: src.read(1 << 20), b""):
                        digest.update(chunk)
                        size += len(chunk)
                        out.write(chunk)
                listed[name] = {"size": size, "sha256": digest.hexdigest()}
    return listed


def _private_dirs(path: Path, top: Path) -> None:
    """Create ``path`` and its parents below ``top`` readable by the owner only (personal data)."""
    missing = []
    while path != top and not path.exists():
        missing.append(path)
        path = path.parent
    for folder in reversed(missing):
        folder.mkdir(mode=0o700)


def _versions() -> dict:
    latest: dict[str, str] = {}
    for app, name in MigrationRecorder(connections[DEFAULT_DB_ALIAS]).applied_migrations():
        latest[app] = max(latest.get(app, ""), name)
    commit = ""
    git = shutil.which("git")
    if git:
        cmd = [git, "-C", str(settings.BASE_DIR), "rev-parse", "HEAD"]
        commit = subprocess.run(cmd, capture_output=True, text=True).stdout.strip()  # noqa: S603
    return {
        "fuqing_commit": commit,
        "django": django.get_version(),
        "python": platform.python_version(),
        "migrations": dict(sorted(latest.items())),
    }


# --- backup -------------------------------------------------------------------------------------------


def create(target: Path | str, exclude: tuple[Path, ...] = ()) -> dict:
    """Write one backup into ``target`` (a new or empty folder); returns the manifest. Files under
    ``exclude`` (and ``target`` itself, when backups are kept under var/) are not copied."""
    target = Path(target)
    if target.exists() and any(target.iterdir()):
        raise BackupError(f"{target} is not empty: a backup goes into a new or empty folder")
    secret = passphrase()
    engine = _engine()
    target.mkdir(parents=True, exist_ok=True)
    target.chmod(0o700)
    started = datetime.datetime.now(datetime.UTC)
    manifest: dict = {"format": FORMAT, "created_at": started.isoformat(), "engine": engine}
    manifest.update(_versions())
    if engine == "sqlite":
        db_file = target / SQLITE_FILE
        _sqlite_backup(db_file)
        manifest["sqlite_version"] = sqlite3.sqlite_version
        manifest["row_counts"] = _sqlite_counts(db_file)
        manifest["audit_head"] = _sqlite_head(db_file)
    else:
        db_file = target / PG_FILE
        manifest["postgresql_version"], manifest["row_counts"], manifest["audit_head"] = _pg_backup(db_file)
    db_file.chmod(0o600)
    manifest["database"] = {"file": db_file.name, "size": db_file.stat().st_size, "sha256": _sha256(db_file)}
    manifest["var_dir"] = str(Path(settings.VAR_DIR).resolve())
    manifest["shared_dir"] = str(_shared_dir().resolve()) if _shared_dir() else ""
    manifest["files"] = _copy_files(target, exclude=[target, *exclude])
    bundle = target / BUNDLE
    bundle.write_bytes(seal(current_keys(head=manifest["audit_head"]), secret))
    bundle.chmod(0o600)
    manifest["keys"] = {"file": BUNDLE, "sha256": _sha256(bundle)}
    manifest["finished_at"] = datetime.datetime.now(datetime.UTC).isoformat()
    _write_private(target / MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=1))
    return manifest


def _sqlite_backup(dest: Path) -> None:
    """SQLite's online backup API: one consistent copy while others keep writing."""
    connection = connections[DEFAULT_DB_ALIAS]
    connection.ensure_connection()
    out = sqlite3.connect(dest)
    try:
        connection.connection.backup(out)
        out.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
    finally:
        out.close()


def _pg_backup(dest: Path) -> tuple[str, dict[str, int], int]:
    """pg_dump in the snapshot the row counts are read in."""
    import psycopg

    with psycopg.connect(**_pg_conninfo(DEFAULT_DB_ALIAS)) as conn:
        conn.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
        snapshot = conn.execute("SELECT pg_export_snapshot()").fetchone()[0]
        version = conn.execute("SHOW server_version").fetchone()[0]
        tables = [
            row[0]
            for row in conn.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY tablename"
            )
        ]
        count = 'SELECT COUNT(*) FROM "{}"'.format  # table names from pg_tables
        counts = {t: conn.execute(count(t)).fetchone()[0] for t in tables}
        head = 0
        if "core_audithead" in counts:
            row = conn.execute("SELECT seq FROM core_audithead WHERE id = 1").fetchone()
            head = row[0] if row else 0
        args, env = _pg_args(DEFAULT_DB_ALIAS)
        _run(
            [
                pg_tool("pg_dump"),
                "--format=custom",
                "--no-owner",
                "--no-acl",
                f"--snapshot={snapshot}",
                *args,
                "--file",
                str(dest),
            ],
            env,
        )
        conn.rollback()
    return version, counts, head


def scheduled(root: Path | str, keep: int) -> dict:
    """The scheduled backup: a new dated folder under ``root``, then only the newest ``keep`` kept."""
    root = Path(root)
    root.mkdir(mode=0o700, parents=True, exist_ok=True)
    name = datetime.datetime.now(datetime.UTC).strftime("fuqing-%Y%m%dT%H%M%S%fZ")
    partial = root / f".{name}.partial"
    try:
        create(partial, exclude=(root,))
    except BaseException:
        shutil.rmtree(partial, ignore_errors=True)
        raise
    partial.rename(root / name)
    complete = sorted(p for p in root.glob("fuqing-*") if (p / MANIFEST).exists())
    removed = []
    for old in complete[: max(0, len(complete) - keep)]:
        shutil.rmtree(old)
        removed.append(old.name)
    return {"backup": str(root / name), "removed": removed, "kept": min(len(complete), keep)}


# --- restore ------------------------------------------------------------------------------------------


def newest(folder: Path) -> Path:
    """A backup folder as given, or the newest complete backup in a folder of scheduled backups."""
    if (folder / MANIFEST).exists():
        return folder
    complete = sorted(p for p in folder.glob("fuqing-*") if (p / MANIFEST).exists())
    return complete[-1] if complete else folder


def read_manifest(source: Path | str) -> dict:
    path = Path(source) / MANIFEST
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise BackupError(f"{path} cannot be read ({exc}): not a complete backup") from None
    if manifest.get("format") != FORMAT:
        raise BackupError(f"{path} is not a fuqing backup ({manifest.get('format')!r})")
    return manifest


def _check_file(path: Path, expected: dict, label: str) -> None:
    if not path.exists():
        raise BackupError(f"{label} is missing from the backup")
    if _sha256(path) != expected["sha256"]:
        raise BackupError(f"{label} does not match its checksum in the manifest (damaged)")


def restore(source: Path | str, *, force: bool = False, progress=print) -> dict:
    """Rebuild this install (its database, var/ files and keys) from a backup, then check it."""

    source = Path(source)
    manifest = read_manifest(source)
    keys = unseal((source / BUNDLE).read_bytes(), passphrase())
    _check_file(source / BUNDLE, manifest["keys"], "the key bundle")
    db_file = source / manifest["database"]["file"]
    _check_file(db_file, manifest["database"], "the database file")
    target = _engine()
    if not is_empty() and not force:
        raise BackupError(
            "the database is not empty (it has accounts, organisations or audit records); "
            "restore into an empty database, or use --force to replace everything in it"
        )
    anchors = audit_anchor_text()
    if anchors.strip() and anchors != keys["audit_anchors"] and not force:
        raise BackupError(
            f"the anchor file {audit_anchor_path()} holds other anchors (use --force to replace it)"
        )
    if manifest["engine"] == "postgresql" and target == "sqlite":
        raise BackupError("a PostgreSQL backup restores into PostgreSQL only (set DATABASE_URL)")
    progress(f"restoring the database ({manifest['engine']} → {target})")
    with tempfile.TemporaryDirectory(prefix="fuqing-restore-") as scratch:
        if manifest["engine"] == "sqlite":
            copy = Path(scratch) / SQLITE_FILE
            shutil.copyfile(db_file, copy)
            if target == "sqlite":
                _sqlite_restore(copy)
            else:
                migrate_url(f"sqlite:///{copy}")  # a backup of an older release
                with extra_database(
                    "fuqing_backup_source", conf={"ENGINE": "django.db.backends.sqlite3", "NAME": str(copy)}
                ):
                    _drop_all_tables(DEFAULT_DB_ALIAS)
                    call_command("migrate", verbosity=0, interactive=False)
                    copy_database("fuqing_backup_source", DEFAULT_DB_ALIAS, progress=progress)
        else:
            _drop_all_tables(DEFAULT_DB_ALIAS)
            args, env = _pg_args(DEFAULT_DB_ALIAS)
            _run(
                [
                    pg_tool("pg_restore"),
                    "--no-owner",
                    "--no-acl",
                    "--exit-on-error",
                    "--single-transaction",
                    *args,
                    str(db_file),
                ],
                env,
            )
    connections[DEFAULT_DB_ALIAS].close()
    call_command("migrate", verbosity=0, interactive=False)
    progress(f"restoring {len(manifest['files'])} files")
    _restore_files(source, manifest)
    warnings = install_keys(keys, force=force)
    _move_job_paths(manifest)
    problems = check(manifest, keys)
    return {"problems": problems, "warnings": warnings, "counts": manifest["row_counts"]}


def _sqlite_restore(copy: Path) -> None:
    connection = connections[DEFAULT_DB_ALIAS]
    connection.close()
    connection.ensure_connection()
    src = sqlite3.connect(copy)
    try:
        src.backup(connection.connection)
    finally:
        src.close()
    connection.close()


def _drop_all_tables(alias: str) -> None:
    connection = connections[alias]
    with transaction.atomic(using=alias), connection.cursor() as cursor:
        tables = connection.introspection.table_names(cursor)
        for table in tables:
            suffix = " CASCADE" if connection.vendor == "postgresql" else ""
            cursor.execute(f"DROP TABLE IF EXISTS {connection.ops.quote_name(table)}{suffix}")


def _restore_files(source: Path, manifest: dict) -> None:
    for name in manifest["files"]:
        src = source / FILES / name
        dest = _destination(name)
        dest.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        shutil.copyfile(src, dest)
        dest.chmod(0o600)


def _move_job_paths(manifest: dict) -> None:
    """Jobs name their files by absolute path; point them into this install's folders."""

    var = Path(settings.VAR_DIR).resolve()
    moves = [(manifest.get("shared_dir") or "", _shared_dir() or var), (manifest.get("var_dir") or "", var)]
    for old, new in moves:
        old, new = old.rstrip(os.sep), str(Path(new).resolve())
        if not old or old == new:
            continue
        for field in ("input_file", "output_file"):
            Job._base_manager.filter(**{f"{field}__startswith": old + os.sep}).update(
                **{field: Replace(field, Value(old + os.sep), Value(new + os.sep))}
            )


# --- checks -------------------------------------------------------------------------------------------


def check(manifest: dict, keys: dict, alias: str = DEFAULT_DB_ALIAS, sample: int = 20) -> list[str]:
    """What differs between this install and the backup's manifest; empty when all is well."""
    problems = []
    counts = table_counts(alias)
    for table, expected in manifest["row_counts"].items():
        if table == "django_migrations":
            continue  # a newer release applies more migrations on restore
        if counts.get(table) != expected:
            problems.append(f"table {table}: {counts.get(table)} rows, the backup has {expected}")
    for name, info in manifest["files"].items():
        path = _destination(name)
        if not path.exists():
            problems.append(f"file {name} is missing")
        elif _sha256(path) != info["sha256"]:
            problems.append(f"file {name} does not match its checksum")
    problems += _decrypt_sample(keys, alias, sample)
    problems += _chain_problems(alias)
    return problems


def _decrypt_sample(keys: dict, alias: str, sample: int) -> list[str]:
    """Read back a sample of every encrypted field with the keys in the bundle."""
    from cryptography.fernet import Fernet, InvalidToken, MultiFernet

    fernet = MultiFernet([Fernet(k.encode()) for k in keys["field_keys"]])
    problems = []
    for model, name in encrypted_fields():
        rows = (
            model._base_manager.using(alias)
            .exclude(**{name: ""})
            .exclude(**{f"{name}__isnull": True})
            .annotate(_token=Cast(name, TextField()))
            .order_by("?")
            .values_list("pk", "_token")[:sample]
        )
        for pk, token in rows:
            try:
                fernet.decrypt(token.encode())
            except InvalidToken:
                problems.append(f"{model._meta.label}.{name} of row {pk} cannot be decrypted with the keys")
    return problems


def _chain_problems(alias: str) -> list[str]:
    """The audit chain in ``alias``: ``verify_chain`` and ``check_anchors`` for the default database,
    the same walk over another one (move_to checks the target before anyone switches to it)."""

    if alias == DEFAULT_DB_ALIAS:
        _checked, found = audit.verify_chain()
        found += audit.check_anchors(audit.anchor_path())
        return [f"audit record {p.seq}: {p.problem}" for p in found]
    problems = []
    expected_prev, expected_seq = audit.GENESIS, 1
    for event in AuditEvent._base_manager.using(alias).order_by("seq").iterator(chunk_size=5000):
        if (
            event.seq != expected_seq
            or event.prev_hash != expected_prev
            or audit.compute_hash(event) != event.hash
        ):
            problems.append(f"audit record {event.seq}: the chain is broken here")
        expected_prev, expected_seq = event.hash, event.seq + 1
    head = AuditHead._base_manager.using(alias).filter(pk=1).first()
    if head is not None and (head.seq != expected_seq - 1 or (head.seq and head.hash != expected_prev)):
        problems.append("the audit chain head does not match the last record")
    return problems


# --- verify: restore into a scratch install -----------------------------------------------------------

# Settings that would make the scratch install use something other than its own restored var/.
_SCRATCH_DROP = (
    "DATABASE_URL",
    "DATABASE_REPLICA_URL",
    "REDIS_URL",
    "FUQING_MEDIA_ROOT",
    "FUQING_SHARED_DIR",
    "FUQING_STATIC_ROOT",
    "FUQING_AUDIT_ANCHOR_FILE",
    "FUQING_SECRET_KEY",
    "FUQING_FIELD_KEYS",
    "FUQING_BLIND_INDEX_KEY",
    "FUQING_AUDIT_KEY",
    "FUQING_BACKUP_PASSPHRASE",
)


def verify(source: Path | str, scratch_url: str | None = None) -> dict:
    """Restore the backup into a scratch install in a child process and report its checks."""
    source = newest(Path(source))
    manifest = read_manifest(source)
    unseal((source / BUNDLE).read_bytes(), passphrase())  # a wrong passphrase fails here, early
    env = child_environ(
        _SCRATCH_DROP, FUQING_BACKUP_PASSPHRASE=passphrase(), FUQING_TASKS_BACKEND="immediate"
    )
    created = None
    with tempfile.TemporaryDirectory(prefix="fuqing-verify-") as var:
        env["FUQING_VAR_DIR"] = var
        try:
            if manifest["engine"] == "postgresql" or (scratch_url or "").startswith("postgres"):
                scratch_url, created = _scratch_pg(scratch_url)
                env["DATABASE_URL"] = scratch_url
            done = subprocess.run(  # noqa: S603 (this interpreter, our manage.py)
                [
                    sys.executable,
                    str(Path(settings.BASE_DIR) / "manage.py"),
                    "restore",
                    str(source),
                    "--json",
                ],
                env=env,
                capture_output=True,
                text=True,
            )
        finally:
            if created:
                _drop_pg_database(*created)
    try:
        report = json.loads(done.stdout.strip().splitlines()[-1])
    except (ValueError, IndexError):
        raise BackupError(f"the scratch restore failed: {done.stderr.strip()[-2000:]}") from None
    report["backup"] = str(source)
    report["files"] = len(manifest["files"])
    report["tables"] = len(manifest["row_counts"])
    report["rows"] = sum(manifest["row_counts"].values())
    return report


def _scratch_pg(scratch_url: str | None) -> tuple[str, tuple[dict, str]]:
    """Create the scratch database (named by --scratch-url, else beside the configured one)."""
    import dj_database_url
    import psycopg
    from psycopg import sql

    if scratch_url:
        conf = dj_database_url.parse(scratch_url)
    else:
        conf = dict(connections[DEFAULT_DB_ALIAS].settings_dict)
        conf["NAME"] = f"{conf['NAME']}_verify_{uuid.uuid4().hex[:8]}"
    if "postgresql" not in conf["ENGINE"]:
        raise BackupError("a PostgreSQL backup is verified in a PostgreSQL scratch database")
    info = {"dbname": "postgres"}
    for key, name in (("HOST", "host"), ("PORT", "port"), ("USER", "user"), ("PASSWORD", "password")):
        if conf.get(key):
            info[name] = str(conf[key])
    with psycopg.connect(**info, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(conf["NAME"])))
    url = "postgres://{user}{password}@{host}:{port}/{name}".format(
        user=conf.get("USER") or "",
        password=f":{conf['PASSWORD']}" if conf.get("PASSWORD") else "",
        host=conf.get("HOST") or "localhost",
        port=conf.get("PORT") or 5432,
        name=conf["NAME"],
    )
    return url, (info, conf["NAME"])


def _drop_pg_database(info: dict, name: str) -> None:
    import psycopg
    from psycopg import sql

    with psycopg.connect(**info, autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


# --- copying between databases (laptop → server) ------------------------------------------------------


def _models():
    return [
        m
        for m in apps.get_models(include_auto_created=True)
        if m._meta.managed and not m._meta.proxy and not m._meta.swapped
    ]


def migrate_url(url: str) -> None:
    """``manage.py migrate`` against another database, in a child process where it is the default one
    (data migrations read and write the default database)."""
    env = child_environ(["DATABASE_URL", "DATABASE_REPLICA_URL"], DATABASE_URL=url)
    manage = str(Path(settings.BASE_DIR) / "manage.py")
    done = subprocess.run(  # noqa: S603 (this interpreter, our manage.py)
        [sys.executable, manage, "migrate", "--noinput", "--verbosity", "0"],
        env=env,
        capture_output=True,
        text=True,
    )
    if done.returncode:
        raise BackupError(f"migrating {url.split('@')[-1]} failed: {done.stderr.strip()[-2000:]}")


def copy_database(source: str, target: str, batch: int = 2000, progress=print) -> dict[str, int]:
    """Copy every row of every model from ``source`` into ``target`` (both migrated to this release).

    Values go through each field's own conversion to the target engine; encrypted fields are copied as
    their stored ciphertext (never decrypted), so the audit chain and every token stay as they were.
    Target tables are emptied first; the copy is one transaction on the target; PostgreSQL's sequences
    are reset after it so new rows insert.
    """

    dst = connections[target]
    models = _models()
    copied = {}
    # One transaction on each side: the source is read as one state (SQLite: writers wait), the target
    # shows all rows or none.
    with transaction.atomic(using=source), transaction.atomic(using=target):
        tables = [m._meta.db_table for m in models]
        dst.ops.execute_sql_flush(dst.ops.sql_flush(no_style(), tables, allow_cascade=True))
        if dst.vendor == "sqlite":
            with dst.cursor() as cursor:
                cursor.execute("PRAGMA defer_foreign_keys = ON")
        for model in models:
            fields = [f for f in model._meta.concrete_fields if not getattr(f, "generated", False)]
            raw = {f.attname: f"_raw_{f.attname}" for f in fields if isinstance(f, EncryptedTextField)}
            qs = model._base_manager.using(source).order_by("pk")
            if raw:
                qs = qs.annotate(**{alias: Cast(name, TextField()) for name, alias in raw.items()})
            names = [raw.get(f.attname, f.attname) for f in fields]
            quote = dst.ops.quote_name
            sql = "INSERT INTO {} ({}) VALUES ({})".format(  # noqa: S608 (model metadata)
                quote(model._meta.db_table),
                ", ".join(quote(f.column) for f in fields),
                ", ".join(["%s"] * len(fields)),
            )
            rows, count = [], 0
            with dst.cursor() as cursor:
                for values in qs.values_list(*names).iterator(chunk_size=batch):
                    rows.append(
                        [
                            value if f.attname in raw else f.get_db_prep_save(value, connection=dst)
                            for f, value in zip(fields, values, strict=True)
                        ]
                    )
                    if len(rows) >= batch:
                        cursor.executemany(sql, rows)
                        count += len(rows)
                        rows = []
                if rows:
                    cursor.executemany(sql, rows)
                    count += len(rows)
            copied[model._meta.db_table] = count
        reset = dst.ops.sequence_reset_sql(no_style(), models)
        if reset:
            with dst.cursor() as cursor:
                for statement in reset:
                    cursor.execute(statement)
    progress(f"copied {sum(copied.values())} rows in {len(copied)} tables")
    return copied


def move_to(url: str, *, force: bool = False, progress=print) -> dict:
    """Copy this install's database into the one at ``url`` and check it there (rows, ciphertext
    readable with this install's keys, the audit chain). var/ (files, keys, anchors) stays where it is:
    the server uses the same var/ (or a copy of it) with DATABASE_URL set to ``url``."""
    alias = "fuqing_move_target"
    with extra_database(alias, url) as target:
        if target.vendor != "postgresql":
            raise BackupError("move_to moves an install onto PostgreSQL: give a postgres:// URL")
        if not is_empty(alias) and not force:
            raise BackupError(
                "the target database is not empty (it has accounts, organisations or audit records); "
                "use --force to replace everything in it"
            )
        migrate_url(url)
        copied = copy_database(DEFAULT_DB_ALIAS, alias, progress=progress)
        problems = []
        source_counts = {m._meta.db_table: m._base_manager.using(DEFAULT_DB_ALIAS).count() for m in _models()}
        target_counts = {m._meta.db_table: m._base_manager.using(alias).count() for m in _models()}
        for table, count in source_counts.items():
            if target_counts.get(table) != count:
                problems.append(f"table {table}: {target_counts.get(table)} rows, the source has {count}")
        problems += _decrypt_sample(current_keys(), alias, 20)
        problems += _chain_problems(alias)
    return {"problems": problems, "rows": sum(copied.values()), "tables": len(copied)}


# --- the scheduled job --------------------------------------------------------------------------------


@task()
def backup_task(root: str, keep: int) -> dict:
    """The nightly backup on the worker (cron: ``manage.py backup ROOT --keep N --enqueue``)."""

    if not connection.in_atomic_block:  # a worker's stale connection; never a caller's transaction
        close_old_connections()
    return scheduled(root, keep)
