"""PLT: core is the ground (ARCHITECTURE.md, "Kits"). ``fuqing/core`` imports no app; the apps' imports form
no cycle; an app calls another through its public functions, never its ``_private`` names or its views.

Read from the source (the AST), so an import hidden inside a function counts as much as one at the top.
Run as a script to print the measures: ``python tests/core/test_layering.py``.
"""

from __future__ import annotations

import ast
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2] / "fuqing"


def apps() -> list[str]:
    """The project's apps: the packages under fuqing/ with an apps.py (core among them)."""
    return sorted(p.name for p in ROOT.iterdir() if (p / "apps.py").exists())


@dataclass(frozen=True)
class Import:
    path: str  # file, relative to the project
    line: int
    source: str  # the importing app (or "" for project modules: settings, urls…)
    module: str  # the module imported from
    names: tuple[str, ...]  # the names imported (empty for ``import x``)
    in_function: bool

    @property
    def target(self) -> str:
        parts = self.module.split(".")
        return parts[1] if len(parts) > 1 and parts[0] == "fuqing" else ""


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _absolute(node: ast.ImportFrom, module: str, is_package: bool) -> str:
    if not node.level:
        return node.module or ""
    base = module.split(".") if is_package else module.split(".")[:-1]
    base = base[: len(base) - (node.level - 1)]
    return ".".join(base + ([node.module] if node.module else []))


def source_files(under: Path = ROOT):
    for path in sorted(under.rglob("*.py")):
        if "migrations" not in path.parts:
            yield path


def imports(under: Path = ROOT) -> list[Import]:
    """Every import statement in the project's source (migrations aside), with where it stands."""
    known = set(apps())
    found = []
    for path in source_files(under):
        module = _module_name(path)
        parts = module.split(".")
        source = parts[1] if len(parts) > 1 and parts[1] in known else ""
        rel = str(path.relative_to(ROOT.parent))

        def walk(node, in_function, module=module, source=source, rel=rel, path=path):
            for child in ast.iter_child_nodes(node):
                inside = in_function or isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda)
                if isinstance(child, ast.Import):
                    for alias in child.names:
                        found.append(Import(rel, child.lineno, source, alias.name, (), in_function))
                elif isinstance(child, ast.ImportFrom):
                    name = _absolute(child, module, path.name == "__init__.py")
                    names = tuple(a.name for a in child.names)
                    found.append(Import(rel, child.lineno, source, name, names, in_function))
                walk(child, inside)

        walk(ast.parse(path.read_text(encoding="utf-8")), False)
    return found


def _targets(item: Import) -> set[str]:
    """The apps an import reaches: its module's app, or for ``from fuqing import x`` the app ``x``."""
    known = set(apps())
    if item.module == "fuqing":
        return {n for n in item.names if n in known}
    return {item.target} & known


def app_graph(module_level_only: bool = True) -> dict[str, set[str]]:
    graph: dict[str, set[str]] = defaultdict(set)
    for item in imports():
        if not item.source or (module_level_only and item.in_function):
            continue
        graph[item.source] |= _targets(item) - {item.source}
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one app (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(node):
        index[node] = low[node] = len(index)
        stack.append(node)
        for nxt in sorted(graph.get(node, ())):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                top = stack.pop()
                component.append(top)
                if top == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


DJANGO_PUBLIC = {"_meta", "_default_manager", "_base_manager"}  # Django's model API, public despite the _


def _private(name: str) -> bool:
    return name.startswith("_") and not name.startswith("__") and name not in DJANGO_PUBLIC


def _is_views(module: str) -> bool:
    """A views module: ``views``, ``views_privacy``, ``auth_views``, or one inside a ``views`` package."""
    return any(p == "views" or p.startswith("views_") or p.endswith("_views") for p in module.split("."))


def trespasses() -> list[str]:
    """Cross-app imports of ``_private`` names or modules, or of another app's views; and attribute uses
    ``module._private`` on a module imported from another app."""
    found = []
    for item in imports():
        targets = _targets(item) - {item.source}
        if not item.source or not targets:
            continue
        where = f"{item.path}:{item.line}"
        if any(_private(p) for p in item.module.split(".")) or any(_private(n) for n in item.names):
            found.append(f"{where} imports a private name of {item.module}: {item.names}")
        if _is_views(item.module) or any(_is_views(n) for n in item.names):
            found.append(f"{where} imports another app's views: {item.module} {item.names}")
    known = set(apps())
    for path in source_files():
        parts = _module_name(path).split(".")
        source = parts[1] if len(parts) > 1 and parts[1] in known else ""
        if not source:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        foreign = set()  # local names bound to another app's modules
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("fuqing."):
                app = node.module.split(".")[1]
                if app != source and app in known:
                    foreign |= {a.asname or a.name for a in node.names}
            elif isinstance(node, ast.Import):
                for alias in node.names:
                    bits = alias.name.split(".")
                    if len(bits) > 1 and bits[0] == "fuqing" and bits[1] != source and alias.asname:
                        foreign.add(alias.asname)
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Attribute)
                and isinstance(node.value, ast.Name)
                and node.value.id in foreign
                and _private(node.attr)
            ):
                found.append(
                    f"{path.relative_to(ROOT.parent)}:{node.lineno} uses {node.value.id}.{node.attr}"
                )
    return found


# --- the rules ------------------------------------------------------------------------------------


def test_plt_core_imports_no_app():
    """Apps register their panels, context, figures, reminders, ledgers and demo with core; core names
    none of them (the user model through get_user_model(), the tree through core.scoping.org_model())."""
    bad = [
        f"{i.path}:{i.line} imports {i.module}"
        for i in imports(ROOT / "core")
        if (_targets(i) - {"core"}) or i.module.split(".")[:2] == ["fuqing", "urls"]
    ]
    assert not bad, "fuqing/core must not import an app:\n" + "\n".join(bad)


def test_plt_the_apps_imports_form_no_cycle():
    """Module-level imports between apps form a DAG (and so do those inside functions: hiding an import in
    a function does not make a cycle acceptable)."""
    assert not cycles(app_graph(module_level_only=True))
    assert not cycles(app_graph(module_level_only=False))


def test_plt_no_cross_app_private_names_or_views():
    bad = trespasses()
    assert not bad, "call another app through its public functions:\n" + "\n".join(bad)


def test_the_layering_checks_see_what_they_claim(tmp_path):
    """The checks themselves: a cycle is found, a private name and a view are caught."""
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert not cycles({"a": {"b"}, "b": {"c"}, "d": {"a"}})
    assert _private("_clean_name") and not _private("__all__") and not _private("clean_name")
    assert _is_views("fuqing.registry.views") and _is_views("fuqing.research.views.reports")
    assert _is_views("fuqing.orgs.auth_views") and not _is_views("fuqing.registry.services")
    probe = tmp_path / "probe.py"
    probe.write_text("def f():\n    from fuqing.orgs.models import Org\n", encoding="utf-8")
    tree = ast.parse(probe.read_text())
    nested = [n for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)]
    assert nested and nested[0].col_offset > 0  # an import inside a function is still an import


def measures() -> dict:
    found = imports()
    core = [i for i in found if i.source == "core" and _targets(i) - {"core"}]
    return {
        "core_imports_of_apps": len(core),
        "imports_inside_functions": sum(1 for i in found if i.in_function),
        "app_cycles_module_level": cycles(app_graph(True)),
        "app_cycles_all_imports": cycles(app_graph(False)),
        "trespasses": len(trespasses()),
    }


if __name__ == "__main__":
    import json

    print(json.dumps(measures(), ensure_ascii=False))
