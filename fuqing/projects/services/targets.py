"""Splitting a target down the tree (PRJ-2).

A unit's target is split among its child units; the parts should add up to the whole. A split may be
saved unbalanced as a draft — the city rarely knows every district's share at once — and every page
that shows it says by how much it is off. Issuing (下达) a split requires the parts to add up exactly;
a part stays a draft until its split is issued.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from fuqing.core import audit, frame
from fuqing.core.models import AuditAction
from fuqing.core.scoping import subtree_q
from fuqing.orgs.models import Org, OrgKind
from fuqing.projects.models import Indicator, Target
from fuqing.projects.services.common import amount, check_editor, require_org

ZERO = Decimal(0)
SPLITTABLE_KINDS = (OrgKind.CITY, OrgKind.DISTRICT, OrgKind.TOWNSHIP, OrgKind.COMMUNITY)


@dataclass
class SplitPart:
    org: Org
    target: Target | None

    @property
    def value(self) -> Decimal | None:
        return self.target.value if self.target else None


@dataclass
class Split:
    """One unit's target and its children's parts."""

    indicator: Indicator
    parent: Org
    whole: Decimal | None
    whole_is_draft: bool
    parts: list[SplitPart] = field(default_factory=list)

    @property
    def total(self) -> Decimal:
        return sum((p.value for p in self.parts if p.value is not None), ZERO)

    @property
    def difference(self) -> Decimal | None:
        """Parts minus the whole: negative = not all given out, positive = more than the whole."""
        return None if self.whole is None else self.total - self.whole

    @property
    def balanced(self) -> bool:
        return self.difference == 0

    @property
    def started(self) -> bool:
        return any(p.target is not None for p in self.parts)

    @property
    def draft(self) -> bool:
        return any(p.target is not None and p.target.draft for p in self.parts)

    @property
    def missing(self) -> list[Org]:
        return [p.org for p in self.parts if p.target is None]

    @property
    def message(self) -> str:
        return split_message(self.whole, self.total)

    def as_dict(self) -> dict:
        return {
            "indicator": self.indicator.pk,
            "org": self.parent.pk,
            "org_name": self.parent.name,
            "whole": self.whole,
            "whole_is_draft": self.whole_is_draft,
            "total": self.total,
            "difference": self.difference,
            "balanced": self.balanced,
            "draft": self.draft,
            "message": self.message,
            "parts": [
                {
                    "org": p.org.pk,
                    "org_name": p.org.name,
                    "value": p.value,
                    "draft": bool(p.target and p.target.draft),
                    "note": p.target.note if p.target else "",
                }
                for p in self.parts
            ],
        }


def split_message(whole: Decimal | None, total: Decimal) -> str:
    def fmt(number: Decimal) -> str:
        return f"{number.normalize():,f}"

    if whole is None:
        return _("本单位还没有目标，不能分解。")
    diff = total - whole
    if diff == 0:
        return _("分解合计 %(t)s，与总目标一致。") % {"t": fmt(total)}
    if diff < 0:
        return _("分解合计 %(t)s，比总目标 %(w)s 少 %(d)s，尚未分完。") % {
            "t": fmt(total),
            "w": fmt(whole),
            "d": fmt(-diff),
        }
    return _("分解合计 %(t)s，比总目标 %(w)s 多 %(d)s，超出总目标。") % {
        "t": fmt(total),
        "w": fmt(whole),
        "d": fmt(diff),
    }


def target_of(indicator: Indicator, org: Org) -> tuple[Decimal | None, bool]:
    """A unit's own target of the indicator and whether it is still a draft."""
    if org.pk == indicator.project.org_id:
        return indicator.target, False
    row = Target.objects.filter(indicator=indicator, org=org).values_list("value", "draft").first()
    return (row[0], row[1]) if row else (None, False)


def split_children(parent: Org):
    return Org.objects.filter(
        subtree_q(parent.path), depth=parent.depth + 1, kind__in=SPLITTABLE_KINDS, is_active=True
    ).order_by("path")


def get_split(indicator: Indicator, parent: Org) -> Split:
    """The split of ``parent``'s target among its children (three queries)."""
    whole, whole_draft = target_of(indicator, parent)
    children = list(split_children(parent))
    rows = {
        t.org_id: t
        for t in Target.objects.filter(
            subtree_q(parent.path, "org__path"), indicator=indicator, org__depth=parent.depth + 1
        ).select_related("org")
    }
    parts = [SplitPart(org=child, target=rows.pop(child.pk, None)) for child in children]
    parts.extend(SplitPart(org=t.org, target=t) for t in rows.values())  # parts of inactive units
    return Split(indicator=indicator, parent=parent, whole=whole, whole_is_draft=whole_draft, parts=parts)


def _check_parent(indicator: Indicator, parent: Org) -> None:
    project_org = indicator.project.org
    if not parent.path.startswith(project_org.path):
        raise ValidationError(
            {
                "org": _("“%(o)s”不在项目主办单位“%(p)s”的范围内。")
                % {"o": parent.name, "p": project_org.name}
            },
            code="PRJ-2",
        )


@transaction.atomic
def save_split(
    actor, indicator: Indicator, parent: Org, values: dict, *, issue: bool = False, notes: dict | None = None
) -> Split:
    """Set the parts of ``parent``'s target for its children (PRJ-2).

    ``values`` maps a child's id to its part (None or "" removes the part). Saved as a draft the parts
    may be off by any amount; issued (``issue=True``) they must add up exactly to the whole.
    """
    check_editor(actor)
    require_org(actor, parent)
    _check_parent(indicator, parent)
    whole, _whole_draft = target_of(indicator, parent)
    if whole is None:
        raise ValidationError(
            {"parts": _("“%(o)s”还没有该指标的目标，不能分解。请先确定本级目标。") % {"o": parent.name}},
            code="PRJ-2",
        )
    children = {c.pk: c for c in split_children(parent)}
    existing = {
        t.org_id: t
        for t in Target.objects.select_for_update().filter(indicator=indicator, org_id__in=children)
    }
    notes = notes or {}
    parsed: dict[int, Decimal | None] = {}
    for key, raw in values.items():
        org_id = int(key)
        if org_id not in children:
            raise ValidationError({"parts": _("只能分解给本单位的直接下级。")}, code="PRJ-2")
        label = _("“%(o)s”的分解数") % {"o": children[org_id].name}
        parsed[org_id] = amount(raw, "parts", label)
    final = {org_id: t.value for org_id, t in existing.items()}
    final.update(parsed)
    total = sum((v for v in final.values() if v is not None), ZERO)
    if issue and total != whole:
        raise ValidationError(
            {
                "parts": split_message(whole, total)
                + _("各单位分解数之和须等于总目标才能下达；可先保存为草稿。")
            },
            code="PRJ-2",
        )
    if issue and not any(v is not None for v in final.values()):
        raise ValidationError({"parts": _("请至少填写一个单位的分解数。")}, code="PRJ-2")
    for org_id, value in parsed.items():
        target = existing.get(org_id)
        if value is None:
            if target is not None:
                target.delete()
            continue
        if target is None:
            target = Target(indicator=indicator, org=children[org_id])
        target.value = value
        target.set_by = actor
        target.note = (notes.get(org_id) or notes.get(str(org_id)) or target.note or "")[:200]
        target.draft = not issue
        target.save()
    if issue:
        Target.objects.filter(indicator=indicator, org_id__in=children).update(draft=False)
        frame.bump("projects")
    audit.record(
        AuditAction.UPDATE,
        actor=actor,
        obj=indicator,
        details={
            "split_of": parent.pk,
            "whole": whole,
            "total": total,
            "difference": total - whole,
            "issued": issue,
        },
    )
    return get_split(indicator, parent)
