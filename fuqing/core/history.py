"""A record's history as a timeline (UI.md: detail pages show who did what, when), read from the audit
log, and the audit log's details in words a cadre reads (not developer keys)."""

from __future__ import annotations

import time
from collections.abc import Callable
from functools import cache

from django.apps import apps
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from fuqing.core.models import AuditAction, AuditEvent

OBJECT_TYPES = {
    "orgs.org": gettext_lazy("组织"),
    "orgs.user": gettext_lazy("用户"),
    "orgs.role": gettext_lazy("角色"),
    "campaigns.campaign": gettext_lazy("活动"),
    "campaigns.deadline": gettext_lazy("截止日期"),
}

DETAIL_LABELS = {
    "via": gettext_lazy("方式"),
    "web": gettext_lazy("网页"),
    "api": gettext_lazy("接口"),
    "cli": gettext_lazy("服务器命令"),
    "changed": gettext_lazy("修改"),
    "parent": gettext_lazy("上级编号"),
    "from": gettext_lazy("原上级编号"),
    "to": gettext_lazy("新上级编号"),
    "setup": gettext_lazy("首次设置"),
    "reset": gettext_lazy("由管理员重置"),
    "is_active": gettext_lazy("启用"),
    "sessions_ended": gettext_lazy("结束会话数"),
    "added": gettext_lazy("增加"),
    "removed": gettext_lazy("移除"),
    "scope_org": gettext_lazy("授权组织编号"),
    "can_edit": gettext_lazy("可编辑"),
    "rows": gettext_lazy("行数"),
    "imported": gettext_lazy("导入行数"),
    "errors": gettext_lazy("错误数"),
    "unmasked": gettext_lazy("明文"),
    "reason": gettext_lazy("原因"),
    "out_of_scope": gettext_lazy("超出数据范围"),
    "path": gettext_lazy("地址"),
    "method": gettext_lazy("请求"),
    "year": gettext_lazy("年度"),
    "copied_from": gettext_lazy("复制自"),
    "unlocked": gettext_lazy("解除锁定"),
    "password_reset": gettext_lazy("重置密码"),
    "totp_devices_removed": gettext_lazy("移除的验证器"),
    "permissions": gettext_lazy("权限"),
    "field": gettext_lazy("字段"),
    "name": gettext_lazy("名称"),
    "division_code": gettext_lazy("区划代码"),
    "code_year": gettext_lazy("代码年份"),
    "org": gettext_lazy("所属组织编号"),
    "position": gettext_lazy("职务"),
    "rank": gettext_lazy("职级"),
    "email": gettext_lazy("电子邮箱"),
    "source": gettext_lazy("来源"),
    "version": gettext_lazy("版本"),
    "deadline": gettext_lazy("报送事项"),
    "late": gettext_lazy("逾期"),
    "days": gettext_lazy("天数"),
    "members": gettext_lazy("参加人数"),
    "groups": gettext_lazy("困难群体"),
    "group": gettext_lazy("困难群体"),
    "category": gettext_lazy("诉求类别"),
    "questionnaire": gettext_lazy("问卷编号"),
    "answered": gettext_lazy("已答题数"),
    "project": gettext_lazy("项目编号"),
    "target": gettext_lazy("目标编号"),
    "action": gettext_lazy("操作"),
    "entry": gettext_lazy("参评编号"),
    "consent": gettext_lazy("同意事项"),
    "notice_version": gettext_lazy("告知书版本"),
    "status": gettext_lazy("状态"),
    "split_of": gettext_lazy("拆分自"),
    "whole": gettext_lazy("整体"),
    "total": gettext_lazy("合计"),
    "difference": gettext_lazy("差额"),
    "issued": gettext_lazy("已下达"),
    "visits": gettext_lazy("走访"),
    "place": gettext_lazy("地点编号"),
    "keeper": gettext_lazy("保管人"),
    "active": gettext_lazy("启用"),
    "service": gettext_lazy("服务"),
    "stage": gettext_lazy("阶段"),
    "document": gettext_lazy("文件"),
    "submitted_version": gettext_lazy("报送版本"),
    "competition": gettext_lazy("评选编号"),
    "evidence": gettext_lazy("佐证材料"),
    "needs": gettext_lazy("诉求数"),
    "kind": gettext_lazy("类型"),
    "helpers": gettext_lazy("帮扶人"),
    "indicator": gettext_lazy("指标"),
    "month": gettext_lazy("月份"),
    "value": gettext_lazy("数值"),
    "corrects": gettext_lazy("更正"),
    "previous": gettext_lazy("原值"),
    "date": gettext_lazy("日期"),
    "created": gettext_lazy("新建"),
    "resolved": gettext_lazy("已办结"),
    "plan": gettext_lazy("方案编号"),
    "reports": gettext_lazy("报告数"),
    "entries_added": gettext_lazy("新增参评数"),
    "suggestion": gettext_lazy("建议编号"),
    "suggestion_title": gettext_lazy("建议标题"),
    "questions": gettext_lazy("题目数"),
}

# Dictionaries whose codes a detail may hold (困难群体 single-poor-mother → 单亲贫困母亲): apps register
# them (core imports no app); read at most once a minute, as administrators rarely change them.
_DICTIONARIES: dict[str, Callable[[], dict[str, str]]] = {}
_DICTIONARY_CACHE: dict[str, tuple[float, dict[str, str]]] = {}
DICTIONARY_SECONDS = 60


def register_dictionary(model, *keys: str, code: str = "code", label: str = "name") -> None:
    """Details under ``keys`` holding ``model``'s codes are shown by the entries' labels."""

    def load() -> dict[str, str]:
        return dict(model._default_manager.values_list(code, label))

    for key in keys:
        _DICTIONARIES[key] = load


_LABELS: dict[str, dict[str, object]] = {}


def register_labels(key: str, labels: dict) -> None:
    """Details under ``key`` holding these values (an app's own codes, e.g. research's workflow actions
    submit → 报送) are shown by their labels."""
    _LABELS.setdefault(key, {}).update(labels)


def _dictionary(key: str) -> dict[str, str]:
    if key in _LABELS:
        return {k: str(v) for k, v in _LABELS[key].items()}
    if key not in _DICTIONARIES:
        return {}
    now = time.monotonic()
    cached = _DICTIONARY_CACHE.get(key)
    if cached is None or now - cached[0] > DICTIONARY_SECONDS:
        cached = (now, _DICTIONARIES[key]())
        _DICTIONARY_CACHE[key] = cached
    return cached[1]


@cache
def _choices() -> dict[str, dict[str, object]]:
    """Field name → {stored value: label} over every installed model's choices (status → 已办结)."""
    found: dict[str, dict[str, object]] = {}
    for model in apps.get_models():
        for field in model._meta.get_fields():
            for value, label in getattr(field, "choices", None) or []:
                if isinstance(value, str) and value:
                    found.setdefault(field.name, {}).setdefault(value, label)
    return found


def value_label(key: str, value):
    """A detail's value as a person reads it: a dictionary code or a choice by its label."""
    if isinstance(value, str) and value:
        if (name := _dictionary(key).get(value)) is not None:
            return name
        if (label := _choices().get(key, {}).get(value)) is not None:
            return str(label)
    if isinstance(value, list | tuple) and key in _DICTIONARIES:
        return [value_label(key, v) for v in value]
    return value


def _word(value) -> str:
    if value is True:
        return _("是")
    if value is False:
        return _("否")
    if isinstance(value, str) and value in DETAIL_LABELS:
        return str(DETAIL_LABELS[value])
    if isinstance(value, list | tuple):
        return "、".join(_word(v) for v in value) if value else _("无")
    if isinstance(value, dict):
        return "；".join(f"{_word(k)}：{_word(v)}" for k, v in value.items())
    return "" if value is None else str(value)


@cache
def _field_names(object_type: str) -> dict[str, str]:
    """A model's field names → their verbose names (measures → 主要措施), from ``app.model``."""
    try:
        model = apps.get_model(object_type)
    except (LookupError, ValueError):
        return {}
    return {f.name: str(f.verbose_name) for f in model._meta.get_fields() if hasattr(f, "verbose_name")}


def describe_details(details: dict, object_type: str = "") -> str:
    """{"changed": {"name": ["a", "b"]}, "via": "web"} → 修改：名称：a → b；方式：网页. Fields are named
    by the record type's verbose names, codes (dictionaries, choices) by their labels."""
    names = _field_names(object_type) if object_type else {}
    parts = []
    for key, value in (details or {}).items():
        label = str(DETAIL_LABELS.get(key) or names.get(key) or key)
        if key == "changed" and isinstance(value, dict):
            changes = []
            for field, change in value.items():
                title = names.get(field) or _word(field)
                if isinstance(change, list | tuple) and len(change) == 2:
                    before, after = (value_label(field, v) for v in change)
                    changes.append(f"{title}：{_word(before)} → {_word(after)}")
                else:
                    changes.append(f"{title}：{_word(value_label(field, change))}")
            parts.append(f"{label}：" + "，".join(changes))
        elif key == "changed" and isinstance(value, list | tuple):
            parts.append(f"{label}：" + "、".join(names.get(f) or _word(f) for f in value))
        elif key in ("from", "to") and isinstance(value, str) and value in _choices().get("status", {}):
            step = _("原状态") if key == "from" else _("新状态")  # a workflow's step, not an org move
            parts.append(f"{step}：{_word(value_label('status', value))}")
        else:
            parts.append(f"{label}：{_word(value_label(key, value))}")
    return "；".join(parts)


def object_type_label(object_type: str) -> str:
    return str(OBJECT_TYPES.get(object_type, object_type))


PRIVATE_ACTIONS = {AuditAction.LOGIN_FAILED, AuditAction.DENIED, AuditAction.LOCKED_OUT}


def history_for(viewer, obj, limit: int = 50) -> list[dict]:
    """Changes to one object, newest first, for someone who may see the object itself (one query)."""
    meta = obj._meta
    events = (
        AuditEvent.objects.filter(object_type=f"{meta.app_label}.{meta.model_name}", object_id=str(obj.pk))
        .exclude(action__in=PRIVATE_ACTIONS)
        .select_related("actor")
        .order_by("-seq")[:limit]
    )
    return [
        {
            "at": e.at,
            "actor": e.actor_name or _("系统"),
            "action": e.get_action_display(),
            "result": e.result,
            "summary": describe_details(e.details, e.object_type),
        }
        for e in events
    ]
