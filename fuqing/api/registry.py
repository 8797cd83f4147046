"""The registry part of the API (PLT-3): women under the same scope, permissions and masking as the pages.

Personal values are masked in every response; a caller with ``registry.unmask`` reveals one field of one
woman with a reason (``POST /women/{id}/unmask/``), written to the access log. No personal value goes in
a query string: look-ups by ID number are ``POST /women/lookup/`` with the number in the body.
"""

from __future__ import annotations

import datetime
import uuid

from django.core.exceptions import PermissionDenied, ValidationError
from ninja import Query, Router, Schema, Status
from pydantic import Field

from fuqing.api.kit import (
    MaskedIdNumber,
    MaskedName,
    MaskedPhone,
    NotVisible,
    paginate,
    query_schema,
    ref,
)
from fuqing.api.types import Day, Id
from fuqing.core.permissions import require
from fuqing.core.routes import scoped, unscoped
from fuqing.core.scoping import get_visible_or_404
from fuqing.orgs.models import Org
from fuqing.registry import finding, privacy, services
from fuqing.registry.filters import WomanFilter
from fuqing.registry.models import Woman

router = Router(tags=["registry"])


class WomanOut(Schema):
    """A woman's record, masked (REG-3)."""

    id: uuid.UUID = Field(description="opaque UUID")
    file_number: str = Field(description="档案编号")
    name: MaskedName = Field(alias="masked_name")
    id_number: MaskedIdNumber = Field(alias="masked_id_number")
    phone: MaskedPhone = Field(alias="masked_phone")
    birth_year: int | None
    age: int | None
    org: int = Field(alias="org_id", description="所属社区(村)的组织 id")
    org_name: str = Field(alias="org.name")
    address: str
    groups: list[str] = Field(description="困难群体代码")
    household_notes: str
    has_health_notes: bool = Field(description="是否记录了健康状况（内容须单独查看明文）")
    consents: list[str] = Field(description="有效的单独同意（用途代码）")
    status: str = Field(description="active 在册 / inactive 已注销 / merged 已合并 / removed 已删除")
    merged_into: uuid.UUID | None = Field(alias="merged_into_id")
    registered_on: datetime.date

    @staticmethod
    def resolve_groups(woman):
        return [g.code for g in woman.groups.all()]

    @staticmethod
    def resolve_consents(woman):
        return [c.purpose for c in woman.consents.all() if c.in_force]


WomanQuery = query_schema(
    WomanFilter,
    q=(
        str | None,
        Field(
            None,
            max_length=50,
            description="档案编号（姓名、身份证号、电话不进查询串：用 POST /women/search/、/women/lookup/）",
        ),
    ),
)


class WomanIn(Schema):
    org: Id = Field(description="所属社区(村)的组织 id（须在您的编辑范围内）")
    name: str
    id_number: str = Field(description="18 位身份证号（GB 11643）")
    phone: str = ""
    address: str = ""
    groups: list[str] = Field(default_factory=list, description="困难群体代码或名称")
    household_notes: str = ""
    health_notes: str = Field("", description="须同时 health_consent=true（SEC-9）")
    health_consent: bool = False
    notice_version: str = ""
    registered_on: Day | None = None
    confirm_male: bool = Field(False, description="身份证号为男性号码时，核对无误后设为 true")


class WomanPatch(Schema):
    """Only the fields given change (correction, REG-5); phone or health_notes "" clears them."""

    org: Id | None = None
    name: str | None = None
    id_number: str | None = None
    phone: str | None = None
    address: str | None = None
    groups: list[str] | None = None
    household_notes: str | None = None
    health_notes: str | None = None
    registered_on: Day | None = None
    confirm_male: bool = False
    reason: str = ""


class LookupIn(Schema):
    id_number: str


class SearchIn(Schema):
    name: str = Field(description="姓名（包含）")
    phone: str = Field("", description="联系电话（精确，按盲索引比对）")
    status: str | None = Field(None, description="不填为在册；all 为全部")


class UnmaskIn(Schema):
    field: str = Field("", description="name / id_number / phone / health_notes")
    reason: str = Field("", description="查看理由（至少 4 个字），记入访问日志")


class UnmaskOut(Schema):
    field: str
    value: str


def _org(user, org_id: int) -> Org:
    """A foreign unit is 404 like any foreign id; a visible one that cannot hold women is a rule (422)."""
    org = ref(Org, user, org_id, "org", "所属社区(村)")
    if not services.eligible_orgs(user).filter(pk=org.pk).exists():
        raise ValidationError({"org": "所属社区(村)不在您的管理范围内。"})
    return org


def _women(user):
    return Woman.objects.visible_to(user).select_related("org").prefetch_related("groups", "consents")


def _load(request, woman_id: str) -> Woman:
    woman = get_visible_or_404(_women(request.auth), request.auth, pk=woman_id)
    require(request.auth, "registry", "view")
    return woman


@router.get("/women/", response=list[WomanOut], url_name="api-women")
@paginate
@scoped(Woman, "list")
def list_women(request, filters: Query[WomanQuery]):
    """Women in the caller's scope, masked; the register page's own filters and sort orders."""
    require(request.auth, "registry", "view")
    params = filters.dict()
    qs = _women(request.auth)
    if q := (params.pop("q") or "").strip()[:20]:
        qs = qs.filter(file_number__in={q, q.upper()})  # the unique index, as typed or upper-cased
    return WomanFilter.strict(params).apply(qs)


@router.post("/women/search/", response=list[WomanOut], url_name="api-women-search")
@paginate
@unscoped("the name travels in the body; the results are the caller's visible women")
def search_women(request, payload: SearchIn):
    """Women by name (and phone, matched through its blind index) — personal data stays out of URLs."""
    from fuqing.core.cells import CellError
    from fuqing.core.crypto import blind_index
    from fuqing.registry.validators import normalise_name, parse_phone

    require(request.auth, "registry", "view")
    name = normalise_name(payload.name)[:50]
    if not name:
        raise ValidationError({"name": "请填写姓名。"})
    qs = _women(request.auth).filter(name__icontains=name)
    if payload.phone:
        try:
            qs = qs.filter(phone_index=blind_index(parse_phone(payload.phone), "phone"))
        except CellError as exc:
            raise ValidationError({"phone": str(exc)}) from None
    return WomanFilter.strict({"status": payload.status}).apply(qs)


@router.post("/women/", response={201: WomanOut}, url_name="api-women-create")
@scoped(Woman, "create")
def create_woman(request, payload: WomanIn):
    """Register a woman (REG-1). The same ID number twice answers 409 with the existing id when the
    caller may see it (REG-4); a man's number answers 422 unless ``confirm_male``."""
    require(request.auth, "registry", "edit")
    data = payload.dict()
    org = _org(request.auth, data.pop("org"))
    woman = services.register_woman(request.auth, org=org, source="api", **data)
    return Status(201, _women(request.auth).get(pk=woman.pk))


@router.post("/women/lookup/", response=WomanOut, url_name="api-women-lookup")
@unscoped("the ID number travels in the body; the result goes through the caller's scope")
def lookup_woman(request, payload: LookupIn):
    """Find a record by ID number (matched through its blind index; the number stays out of URLs)."""
    woman, exists = finding.lookup_by_id_number(request.auth, payload.id_number)
    if woman is None:
        detail = "该身份证号已在您管理范围以外的单位登记。" if exists else "没有找到该身份证号的档案。"
        raise NotVisible("id_number", detail)
    return woman


@router.get("/women/{woman_id}/", response=WomanOut, url_name="api-woman")
@scoped(Woman, "read", kwarg="woman_id")
def get_woman(request, woman_id: str):
    """One woman, masked; 404 outside the caller's scope."""
    return _load(request, woman_id)


@router.patch("/women/{woman_id}/", response=WomanOut, url_name="api-woman-update")
@scoped(Woman, "change", kwarg="woman_id")
def update_woman(request, woman_id: str, payload: WomanPatch):
    """Correct a record (REG-5): only the fields given change."""
    woman = _load(request, woman_id)
    data = payload.dict(exclude_unset=True)
    reason = data.pop("reason", "") or ""
    org_id = data.pop("org", None)
    org = _org(request.auth, org_id) if org_id else None
    groups = data.pop("groups", None)
    if "id_number" not in data:
        data.pop("confirm_male", None)
    for key, value in list(data.items()):
        if value is None:
            if key in ("phone", "health_notes"):
                data[key] = ""  # cleared
            else:
                del data[key]
    services.update_woman(request.auth, woman, reason=reason, org=org, groups=groups, **data)
    return _load(request, woman_id)


@router.post("/women/{woman_id}/unmask/", response=UnmaskOut, url_name="api-woman-unmask")
@scoped(Woman, "read", kwarg="woman_id", method="POST")
def unmask_woman(request, woman_id: str, payload: UnmaskIn):
    """Reveal one field of one woman with a reason (REG-3); needs ``registry.unmask``; logged."""
    woman = _load(request, woman_id)
    if not privacy.can_unmask(request.auth):
        raise PermissionDenied("您没有查看明文个人信息的权限。")
    value = privacy.unmask(request.auth, woman, payload.field, payload.reason)
    return {"field": payload.field, "value": value}
