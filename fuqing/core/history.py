"""A record's history as a timeline (UI.md: detail pages show who did what, when), read from the audit
log, and the audit log's details in words a cadre reads (not developer keys)."""

from __future__ import annotations

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
}


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


def describe_details(details: dict) -> str:
    """{"changed": {"name": ["a", "b"]}, "via": "web"} → 修改：name：a → b；方式：网页."""
    parts = []
    for key, value in (details or {}).items():
        label = str(DETAIL_LABELS.get(key, key))
        if key == "changed" and isinstance(value, dict):
            changes = []
            for field, change in value.items():
                if isinstance(change, list | tuple) and len(change) == 2:
                    changes.append(f"{_word(field)}：{_word(change[0])} → {_word(change[1])}")
                else:
                    changes.append(f"{_word(field)}：{_word(change)}")
            parts.append(f"{label}：" + "，".join(changes))
        else:
            parts.append(f"{label}：{_word(value)}")
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
            "summary": describe_details(e.details),
        }
        for e in events
    ]
