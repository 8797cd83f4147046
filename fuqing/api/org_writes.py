"""The organisation tree written through the API (PLT-3, ORG-1, ORG-5): add a unit, change it, move a
subtree — a system administrator inside her own subtree, through the same services as the tree pages
(``orgs.services``). Its operations join the ``/orgs/`` router (ninja serves one path from one router).
"""

from __future__ import annotations

from ninja import Field, Schema, Status

from fuqing.api.kit import ref
from fuqing.api.orgs import OrgOut, router, with_parents
from fuqing.api.types import Id, require_fields
from fuqing.core.permissions import require_admin
from fuqing.core.routes import scoped
from fuqing.core.scoping import get_visible_or_404
from fuqing.orgs import services
from fuqing.orgs.models import Org, OrgKind

__all__ = ["router"]


class OrgIn(Schema):
    parent: Id
    name: str = Field(max_length=100)
    kind: OrgKind
    division_code: str = Field("", max_length=12, description="行政区划代码（6、9 或 12 位数字）")
    code_year: int | None = Field(None, ge=1980, le=2100)


class OrgPatch(Schema):
    name: str | None = Field(None, max_length=100)
    division_code: str | None = Field(None, max_length=12)
    code_year: int | None = Field(None, ge=1980, le=2100)
    is_active: bool | None = None


class MoveIn(Schema):
    parent: Id | None = None


def _out(request, org: Org) -> Org:
    return with_parents(request.auth)([Org.objects.get(pk=org.pk)])[0]


@router.post("/", response={201: OrgOut}, url_name="api-org-create")
@scoped(Org, "create", fk_fields={"parent": Org})
def create_org(request, payload: OrgIn):
    """A unit under a parent inside the system administrator's subtree (the kinds ORG-1 allows)."""
    parent = ref(Org, request.auth, payload.parent, "parent", "上级组织")
    org = services.add_org(request.auth, **{**payload.dict(), "parent": parent})
    return Status(201, _out(request, org))


@router.patch("/{org_id}/", response=OrgOut, url_name="api-org-update")
@scoped(Org, "change", kwarg="org_id")
def update_org(request, org_id: Id, payload: OrgPatch):
    """Rename a unit, set its division code, or deactivate it (never the administrator's own)."""
    org = get_visible_or_404(Org, request.auth, pk=org_id)
    require_admin(request.auth, "manage_tree")
    data = payload.dict(exclude_unset=True)
    services.update_org(
        request.auth,
        org,
        name=data.get("name") or org.name,
        division_code=org.division_code if data.get("division_code") is None else data["division_code"],
        code_year=data["code_year"] if "code_year" in data else org.code_year,
        is_active=org.is_active if data.get("is_active") is None else data["is_active"],
    )
    return _out(request, org)


@router.post("/{org_id}/move/", response=OrgOut, url_name="api-org-move")
@scoped(Org, "change", kwarg="org_id")
def move_org(request, org_id: Id, payload: MoveIn):
    """Move a unit and its subtree under a new parent (ORG-5): its data and everyone's scope follow."""
    org = get_visible_or_404(Org, request.auth, pk=org_id)
    require_admin(request.auth, "manage_tree")
    require_fields(payload, "parent")
    parent = ref(Org, request.auth, payload.parent, "parent", "目标上级组织")
    services.move_org(request.auth, org, parent)
    return _out(request, org)
