"""The platform's dictionaries in the API (PLT-3): vulnerable groups (REG-2) and need categories
(NEED-1). Platform-wide configuration, the same for every unit: read by the business users who pick
from them, extended by the administrator the pages name (``registry.dictionary``,
``assistance.dictionary`` — the same functions). Labels, never codes, are what users see; the API
gives both.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Field, ModelSchema, Router, Schema, Status

from fuqing.api.types import Id
from fuqing.assistance import dictionary as categories
from fuqing.assistance.models import NeedCategory
from fuqing.core.routes import unscoped
from fuqing.registry import dictionary as groups
from fuqing.registry.models import VulnerableGroup

router = Router(tags=["dictionaries"])

Code = Field(max_length=40, pattern=r"^[-a-zA-Z0-9_]+$", description="代码（英文字母、数字、连字符）")
Sort = Field(100, ge=0, le=999, description="排序（0—999，小的在前）")


class EntryIn(Schema):
    code: str = Code
    name: str = Field(max_length=50)
    sort: int = Sort
    is_active: bool = True


class EntryPatch(Schema):
    name: str | None = Field(None, max_length=50)
    sort: int | None = Field(None, ge=0, le=999)
    is_active: bool | None = None


def _one(model, pk: int):
    found = model.objects.filter(pk=pk).first()
    if found is None:
        raise Http404
    return found


def _merged(entry, payload: EntryPatch) -> dict:
    data = payload.dict(exclude_unset=True)
    return {
        "code": entry.code,
        "name": data.get("name") or entry.name,
        "sort": entry.sort if data.get("sort") is None else data["sort"],
        "is_active": entry.is_active if data.get("is_active") is None else data["is_active"],
    }


# --- vulnerable groups (REG-2) --------------------------------------------------------------------


class GroupOut(ModelSchema):
    class Meta:
        model = VulnerableGroup
        fields = ["id", "code", "name", "sort", "is_active", "is_builtin"]


def _require_group_reader(user) -> None:
    if not (groups.can_manage(user) or user.has_module_perm("registry", "view")):
        raise PermissionDenied(_("您没有查看困难群体字典的权限。"))


@router.get("/vulnerable-groups/", response=list[GroupOut], url_name="api-group-list")
@unscoped("the dictionary of vulnerable groups is platform-wide configuration")
def list_groups(request):
    """The groups a woman's record can belong to, in their order (disabled ones too, marked)."""
    _require_group_reader(request.auth)
    return list(VulnerableGroup.objects.order_by("sort", "id"))


@router.get("/vulnerable-groups/{group_id}/", response=GroupOut, url_name="api-group-detail")
@unscoped("the dictionary of vulnerable groups is platform-wide configuration")
def get_group(request, group_id: Id):
    _require_group_reader(request.auth)
    return _one(VulnerableGroup, group_id)


@router.post("/vulnerable-groups/", response={201: GroupOut}, url_name="api-group-create")
@unscoped("the dictionary is platform-wide configuration; only a root system administrator edits it")
def create_group(request, payload: EntryIn):
    return Status(201, groups.save_group(request.auth, None, **payload.dict()))


@router.patch("/vulnerable-groups/{group_id}/", response=GroupOut, url_name="api-group-update")
@unscoped("the dictionary is platform-wide configuration; only a root system administrator edits it")
def update_group(request, group_id: Id, payload: EntryPatch):
    """Rename, reorder or disable a group; the seven of the notice are only reordered."""
    groups.require_manage(request.auth)
    group = _one(VulnerableGroup, group_id)
    return groups.save_group(request.auth, group, **_merged(group, payload))


# --- need categories (NEED-1) ---------------------------------------------------------------------


class CategoryOut(ModelSchema):
    class Meta:
        model = NeedCategory
        fields = ["id", "code", "name", "sort", "is_active", "is_builtin"]


def _require_category_reader(user) -> None:
    if not (categories.can_manage(user) or user.has_module_perm("assistance", "view")):
        raise PermissionDenied(_("您没有查看诉求类别的权限。"))


@router.get("/need-categories/", response=list[CategoryOut], url_name="api-category-list")
@unscoped("the need categories are a platform-wide dictionary")
def list_categories(request):
    _require_category_reader(request.auth)
    return list(NeedCategory.objects.order_by("sort", "id"))


@router.get("/need-categories/{category_id}/", response=CategoryOut, url_name="api-category-detail")
@unscoped("the need categories are a platform-wide dictionary")
def get_category(request, category_id: Id):
    _require_category_reader(request.auth)
    return _one(NeedCategory, category_id)


@router.post("/need-categories/", response={201: CategoryOut}, url_name="api-category-create")
@unscoped("a platform-wide dictionary entry, not federation data")
def create_category(request, payload: EntryIn):
    return Status(201, categories.save_category(request.auth, None, **payload.dict()))


@router.patch("/need-categories/{category_id}/", response=CategoryOut, url_name="api-category-update")
@unscoped("a platform-wide dictionary entry, not federation data")
def update_category(request, category_id: Id, payload: EntryPatch):
    """Rename, reorder or disable a category; a built-in one keeps its code."""
    categories.require_manage(request.auth)
    category = _one(NeedCategory, category_id)
    return categories.save_category(request.auth, category, **_merged(category, payload))
