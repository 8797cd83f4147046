"""Files at rest are readable by their owner only (settings set the umask to 077 for new files; D66).

An embedded SQLite database made before that rule (or by another tool) keeps the mode it was created
with; the first connection of each process closes it and its journal files (600).
"""

from __future__ import annotations

import os
from pathlib import Path

from django.db.backends.signals import connection_created
from django.dispatch import receiver

_closed: set[str] = set()


def owner_only(path: Path, mode: int = 0o600) -> None:
    """chmod ``path`` to ``mode`` when it exists, belongs to this process's user and is more open."""
    try:
        info = path.stat()
    except FileNotFoundError:
        return
    if info.st_uid == os.geteuid() and info.st_mode & 0o777 & ~mode:
        path.chmod(mode)


@receiver(connection_created)
def close_sqlite_files(sender, connection, **kwargs):
    if connection.vendor != "sqlite":
        return
    name = str(connection.settings_dict.get("NAME") or "")
    if not name or name in _closed or name.startswith("file:") or ":memory:" in name:
        return
    _closed.add(name)
    for suffix in ("", "-wal", "-shm", "-journal"):
        owner_only(Path(name + suffix))
