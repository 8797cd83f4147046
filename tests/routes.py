"""Discovering every route of the platform: Django URL patterns and the ninja API's operations."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from django.urls import URLPattern, URLResolver, get_resolver, reverse

from fuqing.core.routes import FRAMEWORK_ROUTES, scoped_info, unscoped_reason

SAMPLE_KWARGS = {"int": 999999, "uuid": uuid.UUID(int=1), "str": "x", "slug": "x", "path": "x"}


@dataclass
class Route:
    name: str  # namespaced URL name
    pattern: str
    converters: dict  # kwarg -> converter name
    callback: object
    api_operation: object = None  # ninja Operation, for API routes

    @property
    def view(self):
        return self.api_operation.view_func if self.api_operation is not None else self.callback

    @property
    def info(self) -> dict | None:
        return scoped_info(self.view)

    @property
    def unscoped_reason(self) -> str:
        return unscoped_reason(self.view) or FRAMEWORK_ROUTES.get(self.name, "")

    @property
    def methods(self) -> list[str]:
        return list(self.api_operation.methods) if self.api_operation is not None else ["GET"]

    @property
    def key(self) -> str:
        """A unique, readable id: the URL name, and the method for an API operation."""
        return f"{self.name}-{'/'.join(self.methods)}" if self.api_operation is not None else self.name

    @property
    def is_api(self) -> bool:
        return self.pattern.startswith("api/")

    def url(self, **kwargs) -> str:
        return reverse(self.name, kwargs=kwargs or None)

    def sample_url(self) -> str:
        return self.url(**{k: SAMPLE_KWARGS.get(c, "x") for k, c in self.converters.items()})


def _converter_name(converter) -> str:
    return {
        "IntConverter": "int",
        "UUIDConverter": "uuid",
        "SlugConverter": "slug",
        "PathConverter": "path",
    }.get(type(converter).__name__, "str")


def all_routes() -> list[Route]:
    routes: list[Route] = []

    def walk(patterns, prefix: str, namespace: str, converters: dict):
        for entry in patterns:
            if isinstance(entry, URLResolver):
                ns = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
                conv = {**converters, **{k: _converter_name(v) for k, v in entry.pattern.converters.items()}}
                walk(entry.url_patterns, prefix + str(entry.pattern), ns, conv)
            elif isinstance(entry, URLPattern) and entry.name:
                conv = {**converters, **{k: _converter_name(v) for k, v in entry.pattern.converters.items()}}
                routes.append(
                    Route(f"{namespace}{entry.name}", prefix + str(entry.pattern), conv, entry.callback)
                )

    walk(get_resolver().url_patterns, "", "", {})
    return _expand_api(routes)


def _expand_api(routes: list[Route]) -> list[Route]:
    """A ninja path view serves several operations (GET list, POST create …): one Route each."""
    from fuqing.api.api import api

    operations = {}
    for _prefix, router in api._routers:
        for path_view in router.path_operations.values():
            for operation in path_view.operations:
                name = getattr(operation, "url_name", None)
                if name:
                    operations.setdefault(name, []).append(operation)
    expanded = []
    seen = set()
    for route in routes:
        short = route.name.split(":")[-1]
        if route.is_api and short in operations:
            # ninja adds one URL pattern per operation under a shared name: keep each operation once
            for operation in operations[short]:
                if (route.pattern, id(operation)) not in seen:
                    seen.add((route.pattern, id(operation)))
                    expanded.append(
                        Route(route.name, route.pattern, route.converters, route.callback, operation)
                    )
        else:
            expanded.append(route)
    return expanded


def api_methods(route: Route) -> list[str]:
    return list(route.api_operation.methods) if route.api_operation is not None else ["GET"]
