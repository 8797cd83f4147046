"""Typed readers for configuration from the environment.

Every value has a safe default for a laptop; nonsense fails loudly at start-up rather than later.
A secret may also be given as a file: ``FUQING_SECRET_KEY_FILE=/run/secrets/key``.
"""

import os
from collections.abc import Callable
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured


def env(name: str, default: str = "") -> str:
    path = os.environ.get(f"{name}_FILE")
    if path:
        try:
            return Path(path).read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise ImproperlyConfigured(f"{name}_FILE={path} cannot be read: {exc}") from exc
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    raw = env(name, "").strip().lower()
    if not raw:
        return default
    if raw in {"1", "true", "yes", "on"}:
        return True
    if raw in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (true/false), got {raw!r}")


def env_int(name: str, default: int, minimum: int | None = None) -> int:
    raw = env(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be an integer, got {raw!r}") from None
    if minimum is not None and value < minimum:
        raise ImproperlyConfigured(f"{name} must be at least {minimum}, got {value}")
    return value


def env_list(name: str, default: list[str]) -> list[str]:
    raw = env(name, "").strip()
    if not raw:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def env_float(name: str, default: float) -> float:
    raw = env(name, "").strip()
    if not raw:
        return default
    try:
        return float(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a number, got {raw!r}") from None


def local_secret(path: Path, factory: Callable[[], str]) -> str:
    """A secret kept in a file for a single-machine install (var/ is never committed): created once, with
    O_EXCL so that two processes starting together end up with the same one, readable by the owner only
    from its first byte (mode 600, not chmod-ed afterwards)."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        pass
    else:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(factory())
    value = path.read_text(encoding="utf-8").strip()
    if not value:
        raise ImproperlyConfigured(f"{path} is empty: remove it to have a new secret generated")
    return value


def child_environ(drop=(), **values: str) -> dict[str, str]:
    """This process's environment for a child process (manage.py run against another database or
    var/): ``drop`` names removed (with their ``_FILE`` forms), ``values`` set."""
    names = set(drop) | {f"{name}_FILE" for name in drop}
    environ = {k: v for k, v in os.environ.items() if k not in names}
    environ.update(values)
    return environ
