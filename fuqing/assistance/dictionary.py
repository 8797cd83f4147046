"""The need-category dictionary (NEED-1): 就业, 收入, 住房 … extended by a system administrator.

Platform-wide configuration like the vulnerable groups (``registry.dictionary``): every unit counts
needs by the same categories. The page (``assistance.views.hot``) and the API call the same function.
"""

from __future__ import annotations

import re

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from fuqing.assistance.models import NeedCategory
from fuqing.core import audit
from fuqing.core.models import AuditAction

CODE = re.compile(r"^[-a-zA-Z0-9_]{1,40}$")


def can_manage(user) -> bool:
    return user.has_admin_ability("manage_campaigns")


def require_manage(user) -> None:
    if not can_manage(user):
        raise PermissionDenied(_("只有系统管理员可以维护诉求类别。"))


@transaction.atomic
def save_category(
    actor, category: NeedCategory | None, *, code: str, name: str, sort: int = 200, is_active: bool = True
) -> NeedCategory:
    """Add or change a category; a built-in one keeps its code (the keyword rules refer to it)."""
    require_manage(actor)
    errors = {}
    name = (name or "").strip()
    code = (code or "").strip()
    if category is not None and category.is_builtin:
        code = category.code
    if not name:
        errors["name"] = _("名称不能为空。")
    elif len(name) > 50:
        errors["name"] = _("名称不能超过 50 个字。")
    elif NeedCategory.objects.filter(name=name).exclude(pk=getattr(category, "pk", None)).exists():
        errors["name"] = _("已有名为“%(n)s”的类别。") % {"n": name}
    if not CODE.match(code):
        errors["code"] = _("代码只能由英文字母、数字、连字符组成，不超过 40 个字符。")
    elif NeedCategory.objects.filter(code=code).exclude(pk=getattr(category, "pk", None)).exists():
        errors["code"] = _("代码“%(c)s”已被使用。") % {"c": code}
    if not 0 <= int(sort) <= 32767:
        errors["sort"] = _("排序应为 0 至 32767 之间的整数。")
    if errors:
        raise ValidationError(errors, code="NEED-1")
    creating = category is None
    category = category or NeedCategory()
    changed = {
        key: [getattr(category, key), value]
        for key, value in (("code", code), ("name", name), ("sort", sort), ("is_active", is_active))
        if getattr(category, key) != value
    }
    category.code, category.name, category.sort, category.is_active = code, name, sort, is_active
    category.save()
    audit.record(
        AuditAction.CREATE if creating else AuditAction.UPDATE,
        actor=actor,
        obj=category,
        details={"code": code} if creating else {"changed": changed},
    )
    return category
