"""Organisations in the API (PLT-3): the caller's visible tree, one door per object (ORG-3)."""

from __future__ import annotations

from ninja import Field, Query, Router, Schema

from fuqing.api.kit import Rows, paginate, query_schema, ref
from fuqing.api.types import Id
from fuqing.core.routes import scoped
from fuqing.core.scoping import get_visible_or_404
from fuqing.orgs.filters import OrgFilter
from fuqing.orgs.models import Org
from fuqing.orgs.services import require_org_view

router = Router(tags=["orgs"])


class OrgOut(Schema):
    id: int
    name: str
    kind: str
    kind_label: str = Field(alias="get_kind_display")
    parent: int | None = Field(None, alias="visible_parent")
    division_code: str
    code_year: int | None
    is_active: bool


OrgQuery = query_schema(OrgFilter)


def with_parents(user):
    """Parent ids, where the parent is visible to the caller (else null: nothing outside leaks)."""

    def prepare(orgs: list[Org]) -> list[Org]:
        parent_paths = {o.path[: -Org.steplen] for o in orgs if o.depth > 1}
        ids = dict(Org.objects.visible_to(user).filter(path__in=parent_paths).values_list("path", "id"))
        for o in orgs:
            o.visible_parent = ids.get(o.path[: -Org.steplen]) if o.depth > 1 else None
        return orgs

    return prepare


@router.get("/", response=list[OrgOut], url_name="api-org-list")
@paginate
@scoped(Org, "list")
def list_orgs(request, filters: Query[OrgQuery]):
    """The organisations the caller may see (her subtree and grants), in tree order, with the
    organisations page's own filters."""
    require_org_view(request.auth)
    if filters.parent:
        ref(Org, request.auth, filters.parent, "parent", "上级组织")  # a foreign unit is 404
    qs = OrgFilter.strict(filters.dict(), request.auth).apply(Org.objects.visible_to(request.auth))
    return Rows(qs.order_by("path"), with_parents(request.auth))


@router.get("/{org_id}/", response=OrgOut, url_name="api-org-detail")
@scoped(Org, "read", kwarg="org_id")
def get_org(request, org_id: Id):
    """One organisation; 404 outside the caller's scope (existence does not leak)."""
    org = get_visible_or_404(Org, request.auth, pk=org_id)
    require_org_view(request.auth)
    return with_parents(request.auth)([org])[0]
