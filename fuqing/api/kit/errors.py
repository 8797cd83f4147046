"""One error shape and one handler set for every API operation (issue 11 point 1).

Every error is JSON: ``{"detail": "…", "errors": {"field": ["…"]}}`` for 422 (validation and the
services' rules alike), ``{"detail": "…"}`` (and, for a reference in a body, ``errors`` naming the
field) for 400, 401, 403, 404, 409, 413 and 429. Routers raise; they never build an error body:

- ``django.core.exceptions.ValidationError`` (the services' rules) → 422;
- ninja's validation errors (types, bounds, missing fields) → 422, the field named in Chinese;
- ``Http404`` / ``ScopeDenied`` (``get_visible_or_404``, ``kit.ref``) → 404, a denial recorded;
- ``PermissionDenied`` → 403, recorded;
- a ``ValidationError`` carrying ``status_code`` (``registry.services.DuplicateIdNumber``: 409) keeps it.
"""

from __future__ import annotations

import decimal

from django.conf import settings
from django.core.exceptions import PermissionDenied, RequestDataTooBig, ValidationError
from django.db import DataError
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from fuqing.core.filters import OutOfScope
from fuqing.core.scoping import ScopeDenied


class BadInput(ValueError):
    """Input refused before it reaches a view: ``status`` and a Chinese message."""

    def __init__(self, status: int, message: str, field: str = "__all__"):
        super().__init__(message)
        self.status, self.message, self.field = status, message, field


class NotVisible(Http404):
    """An id given in a body or a query string that is missing or outside the caller's scope: 404
    like an id in the path, with the field named (``kit.ref``)."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field, self.message = field, message


def messages_of(exc: ValidationError) -> dict[str, list[str]]:
    return exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}


def summary(errors: dict[str, list[str]]) -> str:
    """All messages in one line, each named by its field as users know it."""
    return "；".join(
        m if field == "__all__" or m.startswith(label(field)) else f"{label(field)}：{m}"
        for field, ms in errors.items()
        for m in ms
    )


def install(api) -> None:
    """Register the handler set on ``api`` (the one ``NinjaAPI``)."""

    def error(request, status: int, detail: str, errors: dict | None = None, **extra):
        body = {"detail": detail, **extra}
        if status == 422:
            body["errors"] = errors or {"__all__": [detail]}
        elif errors:
            body["errors"] = errors
        return api.create_response(request, body, status=status)

    api.error = error

    @api.exception_handler(ValidationError)
    def invalid(request, exc):
        errors = messages_of(exc)
        status = getattr(exc, "status_code", 422)
        extra = {}
        if hasattr(exc, "existing"):  # a conflict names the record when the caller may see it
            extra["existing"] = str(exc.existing.pk) if exc.existing is not None else None
        return error(request, status, summary(errors), errors, **extra)

    @api.exception_handler(Http404)
    def not_found(request, exc):
        if isinstance(exc, ScopeDenied):
            from fuqing.core.middleware import record_denied

            record_denied(request, exc)
        if isinstance(exc, NotVisible | OutOfScope):
            return error(request, 404, exc.message, {exc.field: [exc.message]})
        return error(request, 404, "Not Found")

    @api.exception_handler(PermissionDenied)
    def forbidden(request, exc):
        from fuqing.core.middleware import record_denied

        record_denied(request, exc)
        return error(request, 403, str(exc) or "Forbidden")

    @api.exception_handler(BadInput)
    def bad_input(request, exc):
        return error(request, exc.status, exc.message, {exc.field: [exc.message]})

    @api.exception_handler(RequestDataTooBig)
    def too_big(request, exc):
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE // (1024 * 1024)
        return error(request, 413, _("请求体超过 %(n)d MB，已拒绝。") % {"n": limit})

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
            return error(request, 401, "Unauthorized")
        return error(request, exc.status_code, exc.message)

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
    "string_pattern_mismatch": lambda c: _("只能由英文字母、数字和连字符组成。"),
    "too_short": lambda c: _("至少 %(v)s 项。") % {"v": c.get("min_length")},
    "too_long": lambda c: _("最多 %(v)s 项。") % {"v": c.get("max_length")},
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
    # the platform's administration, campaigns, 求实杯, books, volunteers (issue 11)
    "username": _l("用户名"),
    "password": _l("密码"),
    "name": _l("名称"),
    "position": _l("职务"),
    "rank": _l("职级"),
    "roles": _l("角色"),
    "user": _l("用户"),
    "can_edit": _l("可编辑"),
    "code": _l("代码"),
    "description": _l("说明"),
    "permissions": _l("权限"),
    "active": _l("启用"),
    "is_active": _l("启用"),
    "action": _l("操作"),
    "result": _l("结果"),
    "ip": _l("IP地址"),
    "start": _l("起始日期"),
    "end": _l("截止日期"),
    "theme": _l("主题"),
    "survey_month": _l("调研月"),
    "notes": _l("说明"),
    "competition": _l("评选"),
    "criteria": _l("评分项"),
    "reports": _l("报告"),
    "first_prizes": _l("一等奖名额"),
    "second_prizes": _l("二等奖名额"),
    "third_prizes": _l("三等奖名额"),
    "excellence_prizes": _l("优秀奖名额"),
    "issuer": _l("编印单位署名"),
    "issued_on": _l("编印日期"),
    "phone": _l("联系电话"),
    "address": _l("住址"),
    "elders": _l("老人"),
    "birth_year": _l("出生年份"),
    "sex": _l("性别"),
    "woman": _l("妇女档案"),
    "reason": _l("原因"),
    "account": _l("账户"),
    "publish": _l("公布"),
    "kind": _l("类型"),
    "parent": _l("上级组织"),
    "division_code": _l("行政区划代码"),
    "code_year": _l("代码年份"),
    # the registers' filters (issue 11 point 1)
    "q": _l("关键词"),
    "status": _l("状态"),
    "questionnaire": _l("问卷"),
    "corrections": _l("只看更正"),
    "unpaired": _l("只看未结对"),
    "mine": _l("只看我的"),
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


# --- the OpenAPI description: the two error bodies, documented on every operation -------------------

ERROR_SCHEMA = {
    "title": "ApiError",
    "type": "object",
    "properties": {
        "detail": {"type": "string", "title": "Detail"},
        "errors": {
            "type": "object",
            "title": "Errors",
            "additionalProperties": {"type": "array", "items": {"type": "string"}},
        },
        "existing": {
            "anyOf": [{"type": "string"}, {"type": "null"}],
            "title": "Existing",
            "description": "409：已有档案的 id（可查看时）",
        },
    },
    "required": ["detail"],
}
INVALID_SCHEMA = {
    "title": "ApiInvalid",
    "type": "object",
    "properties": {
        "detail": {"type": "string", "title": "Detail"},
        "errors": ERROR_SCHEMA["properties"]["errors"],
    },
    "required": ["detail", "errors"],
}
STANDARD = {
    "400": ("请求无法解析（不是合法的 JSON）。", "ApiError"),
    "401": ("未提供令牌，或令牌无效、已过期、已注销。", "ApiError"),
    "403": ("有权看到，但无权做这件事。", "ApiError"),
    "404": ("对象不存在或不在调用者的数据范围内（路径、查询串或请求体中的编号都一样）。", "ApiError"),
    "409": ("与已有记录冲突（如身份证号已登记）。", "ApiError"),
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
                if code in ("400", "409", "413") and "requestBody" not in operation:
                    continue
                ref = {"$ref": f"#/components/schemas/{name}"}
                responses[code] = {"description": text, "content": {"application/json": {"schema": ref}}}
    return schema
