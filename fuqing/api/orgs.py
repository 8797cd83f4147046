"""Organisations in the API (PLT-3): the caller's visible tree, one door per object (ORG-3)."""

from __future__ import annotations

from django.db.models import Q
from ninja import Query, Router, Schema

from fuqing.api.types import Id, Limit, Offset
from fuqing.core.routes import scoped
from fuqing.core.scoping import get_visible_or_404
from fuqing.orgs.models import Org
from fuqing.orgs.services import require_org_view

router = Router(tags=["orgs"])


class OrgOut(Schema):
    id: int
    name: str
    kind: str
    kind_label: str
    parent: int | None
    division_code: str
    code_year: int | None
    is_active: bool


class OrgPage(Schema):
    count: int
    items: list[OrgOut]


class OrgFilter(Schema):
    q: str | None = None
    kind: str | None = None
    parent: Id | None = None
    limit: Limit = 100
    offset: Offset = 0


def _with_parents(orgs: list[Org], user) -> list[dict]:
    """Parent ids, where the parent is visible to the caller (else null: nothing outside leaks)."""
    parent_paths = {o.path[: -Org.steplen] for o in orgs if o.depth > 1}
    ids = dict(Org.objects.visible_to(user).filter(path__in=parent_paths).values_list("path", "id"))
    return [
        {
            "id": o.id,
            "name": o.name,
            "kind": o.kind,
            "kind_label": str(o.get_kind_display()),
            "parent": ids.get(o.path[: -Org.steplen]) if o.depth > 1 else None,
            "division_code": o.division_code,
            "code_year": o.code_year,
            "is_active": o.is_active,
        }
        for o in orgs
    ]


@router.get("/", response=OrgPage, url_name="api-org-list")
@scoped(Org, "list")
def list_orgs(request, filters: Query[OrgFilter]):
    """The organisations the caller may see (her subtree and grants), in tree order."""
    require_org_view(request.auth)
    qs = Org.objects.visible_to(request.auth)
    if filters.q:
        qs = qs.filter(Q(name__icontains=filters.q[:50]) | Q(division_code__startswith=filters.q[:12]))
    if filters.kind:
        qs = qs.filter(kind=filters.kind)
    if filters.parent:
        parent = get_visible_or_404(Org, request.auth, pk=filters.parent)
        qs = qs.filter(path__startswith=parent.path, depth=parent.depth + 1)
    limit = max(1, min(filters.limit, 1000))
    offset = max(0, filters.offset)
    page = list(qs.order_by("path")[offset : offset + limit])
    return {"count": qs.count(), "items": _with_parents(page, request.auth)}


@router.get("/{org_id}/", response=OrgOut, url_name="api-org-detail")
@scoped(Org, "read", kwarg="org_id")
def get_org(request, org_id: Id):
    """One organisation; 404 outside the caller's scope (existence does not leak)."""
    org = get_visible_or_404(Org, request.auth, pk=org_id)
    require_org_view(request.auth)
    return _with_parents([org], request.auth)[0]
