"""Configuration (PLT-1, PLT-8): every setting read from the environment is documented where operators look
(README.md or docs/operations.md), and only the settings read the environment — a module deep in an app
reading ``os.environ`` is a knob nobody knows about."""

import ast
import re
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "fuqing"
READERS = {"env", "env_bool", "env_int", "env_list", "env_float"}
# Only these read the process environment; wsgi.py and manage.py only set DJANGO_SETTINGS_MODULE's default.
ENV_MODULES = {PACKAGE / "settings.py", PACKAGE / "env.py"}
SETDEFAULT_ONLY = {PACKAGE / "wsgi.py", ROOT / "manage.py"}


def _modules():
    return sorted([*PACKAGE.rglob("*.py"), ROOT / "manage.py"])


def _trees():
    for path in _modules():
        yield path, ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


def _is_os_environ(node) -> bool:
    return (
        isinstance(node, ast.Attribute) and node.attr == "environ" and getattr(node.value, "id", "") == "os"
    )


def _names_read() -> dict[str, set[str]]:
    """Each environment variable read anywhere in the code (through fuqing.env's readers or os.environ /
    os.getenv with a literal name), with the modules reading it."""
    names: dict[str, set[str]] = {}
    for path, tree in _trees():
        for node in ast.walk(tree):
            name = None
            if isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant):
                func = node.func
                called = getattr(func, "id", None) or getattr(func, "attr", None)
                via_environ = isinstance(func, ast.Attribute) and _is_os_environ(func.value)
                via_getenv = isinstance(func, ast.Attribute) and func.attr == "getenv"
                if called in READERS or (via_environ and called == "get") or via_getenv:
                    name = node.args[0].value
            elif isinstance(node, ast.Subscript) and _is_os_environ(node.value):
                if isinstance(node.slice, ast.Constant):
                    name = node.slice.value
            if isinstance(name, str) and re.fullmatch(r"[A-Z][A-Z0-9_]+", name):
                if name == "DJANGO_SETTINGS_MODULE":
                    continue
                names.setdefault(name, set()).add(str(path.relative_to(ROOT)))
    return names


def test_plt1_the_scan_finds_the_settings_it_should():
    names = _names_read()
    for expected in ("FUQING_SECRET_KEY", "FUQING_AUDIT_KEY", "FUQING_AUDIT_ANCHOR_FILE", "DATABASE_URL"):
        assert expected in names
    assert "FUQING_PROJECT_ON_TRACK" in names and "FUQING_ADMIN_PASSWORD" in names


def test_plt1_every_setting_read_from_the_environment_is_documented():
    documented = (ROOT / "README.md").read_text(encoding="utf-8") + (
        ROOT / "docs" / "operations.md"
    ).read_text(encoding="utf-8")
    missing = {
        name: sorted(where)
        for name, where in _names_read().items()
        if not re.search(rf"(?<![A-Z0-9_]){re.escape(name)}(?![A-Z0-9_])", documented)
    }
    assert not missing, f"read but documented neither in README.md nor in docs/operations.md: {missing}"


def test_plt1_only_the_settings_read_the_environment():
    readers = []
    for path, tree in _trees():
        if path in ENV_MODULES:
            continue
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Attribute)
                and node.attr == "getenv"
                and getattr(node.value, "id", "") == "os"
            ):
                readers.append(f"{path.relative_to(ROOT)}:{node.lineno} os.getenv")
            elif isinstance(node, ast.Attribute) and node.attr in {"environ", "environb"}:
                if getattr(node.value, "id", "") != "os":
                    continue
                parent_ok = path in SETDEFAULT_ONLY and _only_setdefault(tree, node)
                if not parent_ok:
                    readers.append(f"{path.relative_to(ROOT)}:{node.lineno} os.{node.attr}")
            elif isinstance(node, ast.ImportFrom) and node.module == "os":
                if any(alias.name in {"environ", "environb", "getenv"} for alias in node.names):
                    readers.append(f"{path.relative_to(ROOT)}:{node.lineno} from os import …")
    assert not readers, (
        f"modules reading the environment outside fuqing/settings.py and fuqing/env.py: {readers}"
    )


def _only_setdefault(tree, environ_node) -> bool:
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and node.value is environ_node and node.attr == "setdefault":
            return True
    return False


def test_plt1_project_thresholds_come_from_the_settings(monkeypatch):
    from fuqing import env as env_module

    monkeypatch.setenv("FUQING_PROJECT_ON_TRACK", "most")
    with pytest.raises(ImproperlyConfigured, match="FUQING_PROJECT_ON_TRACK"):
        env_module.env_float("FUQING_PROJECT_ON_TRACK", 0.9)
    monkeypatch.setenv("FUQING_PROJECT_ON_TRACK", "0.8")
    assert env_module.env_float("FUQING_PROJECT_ON_TRACK", 0.9) == 0.8


def test_plt1_project_thresholds_are_read_through_settings(settings, monkeypatch):
    from fuqing.projects import metrics

    monkeypatch.setenv("FUQING_PROJECT_ON_TRACK", "0.5")  # the environment is read once, by settings
    settings.PROJECT_STATUS_THRESHOLDS = (0.95, 0.6)
    assert metrics.thresholds() == (0.95, 0.6)
