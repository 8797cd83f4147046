"""The units a building page or the API shows: the federation at the top of the user's scope and its
children. Shared by the pages and the API (which must not import views)."""

from __future__ import annotations

from fuqing.building.coverage import FEDERATION_KINDS
from fuqing.core.scoping import subtree_q, user_scope
from fuqing.orgs.models import Org, OrgKind


def default_unit(user) -> Org | None:
    """The top federation of the user's scope (a department's cadre sees her federation)."""
    for path in sorted(user_scope(user).read_paths, key=len):
        org = Org.objects.filter(path=path).first()
        if org is None:
            continue
        if org.kind == OrgKind.DEPARTMENT:
            parent = Org.objects.filter(path=path[: -Org.steplen]).first()
            if parent is not None and user_scope(user).covers(parent.path):
                return parent
        return org
    return None


def children_of(unit: Org, user) -> list[Org]:
    return list(
        Org.objects.visible_to(user)
        .filter(subtree_q(unit.path), depth=unit.depth + 1, kind__in=FEDERATION_KINDS, is_active=True)
        .order_by("path")
    )
