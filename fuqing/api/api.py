"""The ninja API under /api/v1/ (PLT-3): token auth, the same scoping and services as the pages.

Shared rules every operation gets here, not in each router (issue 10 points 4, 8, 9):

- a write (POST/PATCH/PUT/DELETE) runs in one transaction that is rolled back whenever it answers 4xx
  or fails, so a refused write leaves the database as it was;
- every error is JSON: ``{"detail": "…", "errors": {"field": ["…"]}}`` for 422 (validation and rules,
  the same body for both), ``{"detail": "…"}`` for 400, 401, 403, 404, 413 and 429 — all documented
  in the OpenAPI description of every operation;
- values the database cannot hold (ids and offsets past 2^63, amounts like 1e40, counts like 10^20,
  NUL characters) are refused as 422, never a 500.
"""

from __future__ import annotations

import decimal
import functools
import json

from django.conf import settings
from django.core.exceptions import PermissionDenied, RequestDataTooBig
from django.db import DataError, transaction
from django.http import HttpResponseBase
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l
from ninja import NinjaAPI, Status
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.parser import Parser

from fuqing.api import (
    assistance,
    auth,
    fieldwork,
    jobs,
    orgs,
    oversight,
    projects,
    registry,
    reminders,
    research,
)
from fuqing.core.scoping import ScopeDenied


class BadInput(ValueError):
    """Input refused before it reaches a view: ``status`` and a Chinese message."""

    def __init__(self, status: int, message: str, field: str = "__all__"):
        super().__init__(message)
        self.status, self.message, self.field = status, message, field


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
api.add_router("/", projects.router)
api.add_router("/", research.router)
api.add_router("/", oversight.router)
api.add_router("/", "fuqing.api.campaigns.router")
api.add_router("/", "fuqing.api.building.router")
api.add_router("/", "fuqing.api.dashboard.router")


# --- errors -----------------------------------------------------------------------------------------


def error(request, status: int, detail: str, errors: dict | None = None):
    body = {"detail": detail}
    if status == 422:
        body["errors"] = errors or {"__all__": [detail]}
    return api.create_response(request, body, status=status)


@api.exception_handler(ScopeDenied)
def scope_denied(request, exc):
    from fuqing.core.middleware import record_denied

    record_denied(request, exc)
    return api.create_response(request, {"detail": "Not Found"}, status=404)


@api.exception_handler(PermissionDenied)
def permission_denied(request, exc):
    from fuqing.core.middleware import record_denied

    record_denied(request, exc)
    return api.create_response(request, {"detail": str(exc) or "Forbidden"}, status=403)


@api.exception_handler(HttpError)
def http_error(request, exc):
    cause = exc.__cause__
    if isinstance(cause, BadInput):
        return bad_input(request, cause)
    if isinstance(cause, RequestDataTooBig):
        return too_big(request, cause)
    if exc.status_code == 400 and cause is not None:
        return error(request, 400, _("请求体不是合法的 JSON。"))
    if isinstance(exc, AuthenticationError):
        return api.create_response(request, {"detail": "Unauthorized"}, status=401)
    return error(request, exc.status_code, exc.message)  # a 422 gets its "errors" like every other


@api.exception_handler(BadInput)
def bad_input(request, exc):
    return error(request, exc.status, exc.message, {exc.field: [exc.message]})


@api.exception_handler(RequestDataTooBig)
def too_big(request, exc):
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE // (1024 * 1024)
    return error(request, 413, _("请求体超过 %(n)d MB，已拒绝。") % {"n": limit})


@api.exception_handler(NinjaValidationError)
def validation_error(request, exc):
    errors: dict[str, list[str]] = {}
    for item in exc.errors:
        field = field_name(item.get("loc", ()))
        errors.setdefault(field, []).append(describe(field, item))
    return error(request, 422, "；".join(m for ms in errors.values() for m in ms), errors)


@api.exception_handler(OverflowError)
@api.exception_handler(decimal.InvalidOperation)
@api.exception_handler(DataError)
def out_of_range(request, exc):
    """The last line: a value the database cannot hold that no schema type caught."""
    return error(request, 422, _("数值或文字超出允许的范围。"))


def field_name(loc) -> str:
    """("body", "payload", "amount") → "amount"; ("query", "offset") → "offset"."""
    parts = [str(p) for p in loc]
    if parts and parts[0] in ("body", "query", "path", "form", "file", "header", "cookie"):
        parts = parts[1:]
        if len(parts) > 1 and loc[0] in ("body", "form"):
            parts = parts[1:]  # the payload parameter's own name
    return ".".join(parts) or "__all__"


RULES = {
    "missing": lambda c: _("必须填写。"),
    "less_than_equal": lambda c: _("不能大于 %(v)s。") % {"v": c.get("le")},
    "less_than": lambda c: _("须小于 %(v)s。") % {"v": c.get("lt")},
    "greater_than_equal": lambda c: _("不能小于 %(v)s。") % {"v": c.get("ge")},
    "greater_than": lambda c: _("须大于 %(v)s。") % {"v": c.get("gt")},
    "int_parsing": lambda c: _("须为整数。"),
    "int_type": lambda c: _("须为整数。"),
    "int_from_float": lambda c: _("须为整数。"),
    "float_parsing": lambda c: _("须为数字。"),
    "float_type": lambda c: _("须为数字。"),
    "finite_number": lambda c: _("须为有限的数字。"),
    "decimal_parsing": lambda c: _("须为数字。"),
    "decimal_type": lambda c: _("须为数字。"),
    "decimal_max_digits": lambda c: _("数字最多 %(v)s 位。") % {"v": c.get("max_digits")},
    "decimal_max_places": lambda c: _("最多 %(v)s 位小数。") % {"v": c.get("decimal_places")},
    "decimal_whole_digits": lambda c: _("整数部分最多 %(v)s 位。") % {"v": c.get("whole_digits")},
    "date_parsing": lambda c: _("须为日期（YYYY-MM-DD）。"),
    "date_from_datetime_parsing": lambda c: _("须为日期（YYYY-MM-DD）。"),
    "date_from_datetime_inexact": lambda c: _("须为日期（YYYY-MM-DD）。"),
    "date_type": lambda c: _("须为日期（YYYY-MM-DD）。"),
    "datetime_parsing": lambda c: _("须为日期时间。"),
    "datetime_from_date_parsing": lambda c: _("须为日期时间。"),
    "date_outside_campaign_years": lambda c: (
        _("日期须在 %(a)s 年至 %(b)s 年之间（平台的工作年度）。") % {"a": c.get("first"), "b": c.get("last")}
    ),
    "string_type": lambda c: _("须为文字。"),
    "string_too_long": lambda c: _("不能超过 %(v)s 个字符。") % {"v": c.get("max_length")},
    "bool_parsing": lambda c: _("须为 true 或 false。"),
    "bool_type": lambda c: _("须为 true 或 false。"),
    "list_type": lambda c: _("须为列表。"),
    "dict_type": lambda c: _("须为对象。"),
    "model_type": lambda c: _("须为对象。"),
    "model_attributes_type": lambda c: _("须为对象。"),
    "uuid_parsing": lambda c: _("须为 UUID。"),
    "uuid_type": lambda c: _("须为 UUID。"),
    "literal_error": lambda c: _("取值不在允许的范围内。"),
    "enum": lambda c: _("取值不在允许的范围内。"),
    "json_invalid": lambda c: _("不是合法的 JSON。"),
}


LABELS = {
    "id": _l("编号"),
    "org": _l("组织"),
    "year": _l("年度"),
    "since_year": _l("建立年度"),
    "limit": _l("每页条数"),
    "offset": _l("起始位置"),
    "amount": _l("金额"),
    "target": _l("目标值"),
    "value": _l("数值"),
    "group_size": _l("人数"),
    "women_met": _l("走访妇女人数"),
    "sort": _l("排序"),
    "weight": _l("权重"),
    "days": _l("天数"),
    "remind_days_before": _l("提前提醒天数"),
    "started_on": _l("开始日期"),
    "ended_on": _l("结束日期"),
    "started_from": _l("开始日期（起）"),
    "started_to": _l("开始日期（止）"),
    "reported_on": _l("反映日期"),
    "review_on": _l("回访日期"),
    "given_on": _l("帮扶日期"),
    "received_on": _l("受益日期"),
    "registered_on": _l("登记日期"),
    "answered_on": _l("填答日期"),
    "due_on": _l("截止日期"),
    "starts_on": _l("开始日期"),
    "ends_on": _l("结束日期"),
    "happened_on": _l("发生日期"),
    "as_of": _l("截至日期"),
    "on": _l("日期"),
    "leader": _l("带队领导"),
    "topic": _l("调研课题"),
    "project": _l("项目"),
    "indicator": _l("指标"),
    "entry": _l("参赛作品"),
    "criterion": _l("评分项"),
    "keeper": _l("联系领导"),
    "place": _l("联系点所在地"),
    "community": _l("社区（村）"),
    "title": _l("标题"),
}


def label(field: str) -> str:
    """The field as users know it, with the JSON name a client needs: "建立年度（since_year）"."""
    last = field.rsplit(".", 1)[-1]
    known = LABELS.get(last) or LABELS.get(last.removesuffix("_id"))
    return f"{known}（{field}）" if known else field


def describe(field: str, item: dict) -> str:
    rule = RULES.get(item.get("type", ""))
    text = rule(item.get("ctx") or {}) if rule else _("取值不正确。")
    return _("%(field)s：%(rule)s") % {"field": label(field), "rule": text}


# --- the OpenAPI description ------------------------------------------------------------------------

ERROR_SCHEMA = {
    "title": "ApiError",
    "type": "object",
    "properties": {"detail": {"type": "string", "title": "Detail"}},
    "required": ["detail"],
}
INVALID_SCHEMA = {
    "title": "ApiInvalid",
    "type": "object",
    "properties": {
        "detail": {"type": "string", "title": "Detail"},
        "errors": {
            "type": "object",
            "title": "Errors",
            "additionalProperties": {"type": "array", "items": {"type": "string"}},
        },
    },
    "required": ["detail", "errors"],
}
STANDARD = {
    "400": ("请求无法解析（不是合法的 JSON）。", "ApiError"),
    "401": ("未提供令牌，或令牌无效、已过期、已注销。", "ApiError"),
    "403": ("有权看到，但无权做这件事。", "ApiError"),
    "404": ("对象不存在或不在调用者的数据范围内。", "ApiError"),
    "413": ("请求体过大。", "ApiError"),
    "422": ("输入不符合规则：detail 为全部说明，errors 按字段列出。", "ApiInvalid"),
    "429": ("请求过于频繁（登录失败过多等）。", "ApiError"),
}


def document_errors(schema: dict) -> dict:
    """Every operation documents the error answers it can give, with the bodies they really have."""
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    components["ApiError"] = ERROR_SCHEMA
    components["ApiInvalid"] = INVALID_SCHEMA
    for path in schema.get("paths", {}).values():
        for operation in path.values():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            responses = operation["responses"]
            for code, (text, name) in STANDARD.items():
                if code in ("400", "413") and "requestBody" not in operation:
                    continue
                ref = {"$ref": f"#/components/schemas/{name}"}
                responses[code] = {"description": text, "content": {"application/json": {"schema": ref}}}
    return schema


def routers():
    """Every router of the API (for the access-matrix test)."""
    return [router for _prefix, router in api._routers]
