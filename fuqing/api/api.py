"""The ninja API under /api/v1/ (PLT-3): token auth, the same scoping and services as the pages.

Shared rules every operation gets here, not in each router (issue 10 points 4, 8, 9):

- a write (POST/PATCH/PUT/DELETE) runs in one transaction that is rolled back whenever it answers 4xx
  or fails, so a refused write leaves the database as it was;
- every error is JSON, made by the API kit's one handler set (``fuqing.api.kit.errors``):
  ``{"detail": "…", "errors": {"field": ["…"]}}`` for 422 (validation and rules, the same body for
  both), ``{"detail": "…"}`` for 400, 401, 403, 404, 409, 413 and 429 — all documented in the OpenAPI
  description of every operation;
- values the database cannot hold (ids and offsets past 2^63, amounts like 1e40, counts like 10^20,
  NUL characters) are refused as 422, never a 500.
"""

from __future__ import annotations

import functools
import json

from django.db import transaction
from django.http import HttpResponseBase
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Status
from ninja.parser import Parser

from fuqing.api import (
    admin,
    assistance,
    auth,
    books,
    campaign_writes,  # noqa: F401  (its operations join the campaigns router)
    competition,
    dictionaries,
    fieldwork,
    jobs,
    kit,
    org_writes,  # noqa: F401  (its operations join the orgs router)
    orgs,
    oversight,
    projects,
    registry,
    reminders,
    research,
    volunteers,  # noqa: F401  (its operations join the projects router)
)
from fuqing.api.kit.errors import BadInput, document_errors


def _refuse_constant(name: str):
    raise BadInput(422, _("JSON 中不能有 NaN 或 Infinity。"))


def _check_text(value, where: str):
    """No NUL character anywhere (PostgreSQL cannot store one)."""
    if isinstance(value, str):
        if "\x00" in value:
            raise BadInput(422, _("%(field)s：不能含有空字符（\\u0000）。") % {"field": where}, where)
    elif isinstance(value, dict):
        for key, item in value.items():
            _check_text(key, where)
            _check_text(item, str(key))
    elif isinstance(value, list):
        for item in value:
            _check_text(item, where)


class FuqingParser(Parser):
    """JSON without NaN/Infinity or NUL characters; query strings without NUL characters."""

    def parse_body(self, request):
        data = json.loads(request.body, parse_constant=_refuse_constant)
        _check_text(data, "__all__")
        return data

    def parse_querydict(self, data, list_fields, request):
        for key, values in data.lists():
            for value in values:
                _check_text(value, key)
        return super().parse_querydict(data, list_fields, request)


class FuqingAPI(NinjaAPI):
    def get_openapi_schema(self, *, path_prefix=None, path_params=None):
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        return document_errors(schema)


def _openapi_access(view):
    """The description is readable with a bearer token (clients generate code from it) or, as a page,
    with a web login that passed every check a page passes."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        header = request.headers.get("Authorization", "")
        if header.lower().startswith("bearer "):
            if auth.BearerToken().authenticate(request, header[7:].strip()) is None:
                return api.create_response(request, {"detail": "Unauthorized"}, status=401)
            return view(request, *args, **kwargs)
        from django.contrib.auth.views import redirect_to_login

        from fuqing.core.middleware import SessionLimitsMiddleware

        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        refused = SessionLimitsMiddleware(lambda r: None).process_view(request, _page_view, (), {})
        return refused or view(request, *args, **kwargs)

    return wrapper


def _page_view(request):  # pragma: no cover - only its (absent) login_required attribute is read
    return None


api = FuqingAPI(
    title="fuqing API",
    version="1",
    description=(
        "妇情平台接口。先用 POST /api/v1/auth/token 取得令牌，"
        "再以 `Authorization: Bearer <token>` 调用；POST /api/v1/auth/revoke 注销令牌，修改密码也会注销"
        "该用户的全部令牌。所有数据按调用者的数据范围过滤；范围外的对象返回 404。"
        "写操作要么全部完成，要么（任何 4xx 应答）什么都不改变。"
        "错误一律为 JSON：422 为 `{detail, errors: {字段: [说明]}}`，其余为 `{detail}`。"
    ),
    auth=auth.BearerToken(),
    urls_namespace="api",
    parser=FuqingParser(),
    docs_decorator=_openapi_access,
)


def _status_of(result) -> int:
    if isinstance(result, HttpResponseBase):
        return result.status_code
    if isinstance(result, Status):
        return result.status_code
    if isinstance(result, tuple) and len(result) == 2 and isinstance(result[0], int):
        return result[0]
    return 200


def all_or_nothing(view):
    """A write runs in one transaction, rolled back when it answers 4xx (or raises: the exception
    handlers then run outside it, so the audit record of a denial is kept)."""
    if getattr(view, "commits_on_error", False):
        return view

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        # Reads too: a database error is rolled back to here before its handler answers.
        with transaction.atomic():
            result = view(request, *args, **kwargs)
            if _status_of(result) >= 400:
                transaction.set_rollback(True)
        return result

    wrapper.all_or_nothing = True
    return wrapper


api.add_decorator(all_or_nothing, mode="operation")  # wraps the view function, after validation
api.add_router("/auth", auth.router)
api.add_router("/orgs", orgs.router)
api.add_router("/", jobs.router)
api.add_router("/", reminders.router)
api.add_router("/", fieldwork.router)
api.add_router("/", registry.router)
api.add_router("/", assistance.router)
api.add_router("/", projects.router)  # with the writes of ``volunteers`` (the same paths)
api.add_router("/", research.router)
api.add_router("/", oversight.router)
api.add_router("/", "fuqing.api.campaigns.router")
api.add_router("/", "fuqing.api.building.router")
api.add_router("/", "fuqing.api.dashboard.router")
api.add_router("/", admin.router)
api.add_router("/", dictionaries.router)
api.add_router("/", competition.router)
api.add_router("/", books.router)


kit.install(api)  # the one error shape and handler set (422/404/403/…)


def routers():
    """Every router of the API (for the access-matrix test)."""
    return [router for _prefix, router in api._routers]
