"""Cell readers and look-ups shared by the projects ledgers (bulk: a few queries per file)."""

from __future__ import annotations

import datetime
import re

from django.db.models import Q
from django.utils.translation import gettext as _

from fuqing.core import cells
from fuqing.core.cells import CellError
from fuqing.core.ledger import UnitResolver
from fuqing.core.scoping import subtree_q, user_scope
from fuqing.orgs.models import Org
from fuqing.projects.models import Project

_MONTH = re.compile(r"^(?:(\d{4})\s*[-./年]\s*)?(\d{1,2})\s*月?(?:份)?$")


def month(value) -> tuple[int | None, int] | None:
    """2014-05, 2014年5月, 2014.5, 5月, 5, an Excel date → (year or None, month)."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime.datetime | datetime.date):
        return value.year, value.month
    if isinstance(value, int | float) and not isinstance(value, bool):
        if float(value).is_integer() and 1 <= value <= 12:
            return None, int(value)
        day = cells.date(value)
        return day.year, day.month
    raw = cells.compact(value)
    match = _MONTH.match(raw)
    if match:
        number = int(match[2])
        if not 1 <= number <= 12:
            raise CellError(_("月份应为 1 至 12。"))
        return (int(match[1]) if match[1] else None), number
    try:
        day = cells.date(raw)
    except CellError:
        raise CellError(_("月份格式无法识别，请写成 2014-05 或 2014年5月。")) from None
    return day.year, day.month


def amount(value):
    number = cells.decimal(value)
    if number is not None and number < 0:
        raise CellError(_("不能为负数。"))
    return number


def units(ctx, column: str) -> UnitResolver:
    """Units a projects ledger names, by the kit's one rule under the import's unit; whether the
    importer may write for a unit is checked by the ledger against the project (``editable``)."""
    return UnitResolver(ctx.org, ctx.actor, column=column, edit=False)


class ProjectResolver:
    """Projects the importer can see, by (year, name)."""

    def __init__(self, user, org: Org):
        paths = [*org.ancestor_paths(), org.path]
        self.projects: dict[tuple[int, str], list[Project]] = {}
        near = Q(org__path__in=paths) | subtree_q(org.path, "org__path")
        for project in (
            Project.objects.visible_to(user)
            .filter(near)
            .select_related("org", "campaign")
            .prefetch_related("indicators")
        ):
            self.projects.setdefault((project.year, project.name), []).append(project)

    def find(self, year_value: int | None, name: str) -> tuple[Project | None, str]:
        found = self.projects.get((year_value, name), [])
        if len(found) == 1:
            return found[0], ""
        if not found:
            return None, _("%(y)s年没有适用于本单位的“%(n)s”项目。") % {"y": year_value, "n": name}
        deepest = max(found, key=lambda p: p.org.depth)
        return deepest, ""


def editable(user, org: Org) -> bool:
    return user_scope(user).covers(org.path, edit=True)


def export_queryset(model, user):
    """A ledger's rows for the user: her scope (a volunteer's scope narrows itself, PRJ-5)."""
    return model.objects.visible_to(user)
