"""Women's Homes and their activities (BLD-1)."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from fuqing.building.models import DemoLevel, HomeActivity, HomeFunction, HomePhoto, HomeSetting, WomensHome
from fuqing.building.services.common import (
    federation_unit,
    not_future,
    record,
    require_edit,
    require_edit_obj,
    required_text,
)
from fuqing.core import uploads
from fuqing.core.models import AuditAction

PHOTOS = uploads.Policy((".jpg", ".jpeg", ".png", ".webp"), field="photo", label=_("照片"), max_mb=10)
MAX_PHOTOS = 12
HOME_FIELDS = (
    "name",
    "address",
    "setting",
    "founded_on",
    "standard",
    "demo_level",
    "functions",
    "keeper",
    "keeper_phone",
    "hours",
    "is_active",
)


def clean_home(data: dict, today: datetime.date | None = None) -> dict:
    """The checks of BLD-1, shared by the page, the ledger and the API."""
    today = today or timezone.localdate()
    cleaned = dict(data)
    cleaned["name"] = required_text(data.get("name"), "name", _("名称"), "BLD-1", 100)
    cleaned["address"] = required_text(data.get("address"), "address", _("地址"), "BLD-1", 200)
    setting = data.get("setting")
    if not isinstance(setting, HomeSetting) or not setting.is_active:
        raise ValidationError({"setting": _("设置领域：请从字典中选择一项。")}, code="BLD-1")
    level = data.get("demo_level") or DemoLevel.NONE
    if level not in DemoLevel.values:
        raise ValidationError({"demo_level": _("示范点级别：无效的选项。")}, code="BLD-1")
    cleaned["demo_level"] = level
    functions = list(dict.fromkeys(data.get("functions") or []))
    unknown = [f for f in functions if f not in HomeFunction.values]
    if unknown:
        raise ValidationError({"functions": _("发挥的功能：无效的选项。")}, code="BLD-1")
    cleaned["functions"] = functions
    not_future(data.get("founded_on"), "founded_on", _("建立日期"), "BLD-1", today)
    phone = (data.get("keeper_phone") or "").strip()
    if phone and not (phone.replace("-", "").isdigit() and 7 <= len(phone.replace("-", "")) <= 12):
        raise ValidationError({"keeper_phone": _("管理员电话：应为 7 至 12 位数字。")}, code="BLD-1")
    cleaned["keeper_phone"] = phone
    for key, n in (("standard", 100), ("keeper", 50), ("hours", 100)):
        cleaned[key] = (data.get(key) or "").strip()[:n]
    cleaned["is_active"] = data.get("is_active", True) is not False
    return {k: cleaned[k] for k in HOME_FIELDS if k in cleaned}


@transaction.atomic
def create_home(actor, org, **data) -> WomensHome:
    """Register a Women's Home of a unit (BLD-1)."""
    require_edit(actor, org)
    federation_unit(org, "org", "BLD-1")
    fields = clean_home(data)
    if WomensHome.objects.filter(org=org, name=fields["name"]).exists():
        raise ValidationError({"name": _("本单位已有同名的妇女之家。")}, code="BLD-1")
    home = WomensHome.objects.create(org=org, created_by=actor, **fields)
    record(AuditAction.CREATE, actor, home, setting=home.setting.name, level=home.demo_level)
    return home


@transaction.atomic
def update_home(actor, home: WomensHome, **data) -> WomensHome:
    require_edit_obj(actor, home)
    fields = clean_home(data)
    if WomensHome.objects.filter(org=home.org, name=fields["name"]).exclude(pk=home.pk).exists():
        raise ValidationError({"name": _("本单位已有同名的妇女之家。")}, code="BLD-1")
    changed = [k for k, v in fields.items() if getattr(home, k) != v and k != "keeper_phone"]
    for key, value in fields.items():
        setattr(home, key, value)
    home.save()
    record(AuditAction.UPDATE, actor, home, changed=",".join(changed))
    return home


def clean_activity(home: WomensHome, held_on, theme, attendance, today=None) -> dict:
    today = today or timezone.localdate()
    if held_on is None:
        raise ValidationError({"held_on": _("日期不能为空。")}, code="BLD-1")
    not_future(held_on, "held_on", _("活动日期"), "BLD-1", today)
    if home.founded_on and held_on < home.founded_on:
        raise ValidationError({"held_on": _("活动日期不能早于妇女之家的建立日期。")}, code="BLD-1")
    theme = required_text(theme, "theme", _("活动主题"), "BLD-1", 200)
    if attendance is None or attendance < 0:
        raise ValidationError({"attendance": _("参加妇女人数应为不小于 0 的整数。")}, code="BLD-1")
    return {"held_on": held_on, "year": held_on.year, "theme": theme, "attendance": attendance}


@transaction.atomic
def add_activity(actor, home: WomensHome, *, held_on, theme, attendance=0) -> HomeActivity:
    """An activity held at a Home, counted in the campaign year of its date (BLD-1)."""
    require_edit_obj(actor, home)
    fields = clean_activity(home, held_on, theme, attendance)
    activity = HomeActivity.objects.create(home=home, created_by=actor, **fields)
    record(AuditAction.CREATE, actor, activity, home=home.pk)
    return activity


def add_photo(actor, home: WomensHome, upload, caption: str = "") -> HomePhoto:
    """A photo, checked by type and content (core.uploads), stored privately, read through a scoped view."""
    require_edit_obj(actor, home)
    if home.photos.count() >= MAX_PHOTOS:
        raise ValidationError(
            {"photo": _("每个妇女之家最多 %(n)d 张照片。") % {"n": MAX_PHOTOS}}, code="BLD-1"
        )
    kind = PHOTOS.check(upload)
    with uploads.store_private(upload, kind, "building/homes") as stored, transaction.atomic():
        photo = HomePhoto.objects.create(
            home=home, caption=(caption or "").strip()[:100], uploaded_by=actor, **stored.fields()
        )
        record(AuditAction.CREATE, actor, photo, home=home.pk)
    return photo


@transaction.atomic
def delete_photo(actor, photo: HomePhoto) -> None:
    require_edit_obj(actor, photo)
    path = photo.file_path
    record(AuditAction.DELETE, actor, photo, home=photo.home_id)
    photo.delete()

    def remove():
        try:
            uploads.private_path(path).unlink(missing_ok=True)
        except FileNotFoundError:
            pass

    transaction.on_commit(remove)


def home_setting(code_or_name: str) -> HomeSetting | None:
    value = (code_or_name or "").strip()
    if not value:
        return None
    return (
        HomeSetting.objects.filter(is_active=True, name=value).first()
        or HomeSetting.objects.filter(is_active=True, code=value).first()
    )


@transaction.atomic
def add_setting(actor, *, name: str, is_place: bool = False, sort: int = 100) -> HomeSetting:
    """A federation extends the settings dictionary (BLD-1: "and others a federation adds"); the
    dictionary is platform-wide, so only the top unit's system administrator changes it."""
    from django.core.exceptions import PermissionDenied

    from fuqing.core.permissions import require_admin

    require_admin(actor, "manage_tree")
    if actor.org is None or actor.org.depth != 1:
        raise PermissionDenied(_("设置领域字典对全系统生效，只有顶层单位的系统管理员可以维护。"))
    name = required_text(name, "name", _("名称"), "BLD-1", 50)
    if HomeSetting.objects.filter(name=name).exists():
        raise ValidationError({"name": _("已有同名的设置领域。")}, code="BLD-1")
    code = f"custom-{HomeSetting.objects.count() + 1}"
    while HomeSetting.objects.filter(code=code).exists():
        code += "x"
    setting = HomeSetting.objects.create(code=code, name=name, is_place=is_place, sort=sort)
    record(AuditAction.CREATE, actor, setting, name=name)
    return setting
