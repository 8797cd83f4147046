"""Assessment schemes and their items (SUP-1): set by the city per campaign year, copied in one step."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils.translation import gettext as _

from fuqing.core import audit
from fuqing.core.models import AuditAction
from fuqing.orgs.models import Org, OrgKind
from fuqing.oversight import sources
from fuqing.oversight.models import Item, ItemKind, Rule, Scheme
from fuqing.oversight.services.common import check_edits, invalid

HUNDRED = Decimal(100)


def _check_city(actor, org: Org) -> None:
    check_edits(actor, org)
    if org.kind != OrgKind.CITY:
        raise invalid({"org": _("考核单位：考核方案由市妇联制定。")}, "SUP-1")


def _check_open(scheme: Scheme) -> None:
    # read from the database: the caller's copy may predate the publishing
    if Scheme.objects.filter(pk=scheme.pk, published_at__isnull=False).exists():
        raise invalid(
            {"__all__": _("%(year)d年考核结果已公布，方案不能再修改。") % {"year": scheme.year}}, "SUP-1"
        )


@transaction.atomic
def create_scheme(actor, *, org: Org, year: int, name: str, notes: str = "") -> Scheme:
    _check_city(actor, org)
    name = (name or "").strip()
    if not name:
        raise invalid({"name": _("方案名称：请填写。")}, "SUP-1")
    if Scheme.objects.filter(org=org, year=year).exists():
        raise invalid({"year": _("年度：%(year)d年已有考核方案，请编辑或复制。") % {"year": year}}, "SUP-1")
    scheme = Scheme.objects.create(org=org, year=year, name=name[:100], notes=notes, created_by=actor)
    audit.record(AuditAction.CREATE, actor=actor, obj=scheme)
    return scheme


def clean_item(scheme: Scheme, data: dict, item: Item | None = None) -> dict:
    """Validate an item's fields; every error names its field and the rule (SUP-1)."""
    errors = {}
    name = (data.get("name") or "").strip()
    if not name:
        errors["name"] = _("指标名称：请填写。")
    kind = data.get("kind")
    if kind not in ItemKind.values:
        errors["kind"] = _("评分方式：请选择“数据计算”或“督查评分”。")
    try:
        weight = Decimal(str(data.get("weight")))
        if not weight.is_finite() or not Decimal("0.1") <= weight <= HUNDRED:
            raise InvalidOperation
    except (InvalidOperation, ValueError):
        errors["weight"] = _("分值：须是0.1到100之间的数。")
        weight = None
    key = (data.get("figure_key") or "").strip()
    rule = data.get("rule") or Rule.PROPORTION
    target = data.get("target")
    if kind == ItemKind.COMPUTED:
        if key not in sources.labels():
            errors["figure_key"] = _("数据来源：请选择一项已登记的统计数据。")
        if rule not in Rule.values:
            errors["rule"] = _("评分规则：请选择。")
        try:
            target = Decimal(str(target))
            if not target.is_finite() or target <= 0 or target > Decimal("1e8"):
                raise InvalidOperation
        except (InvalidOperation, ValueError):
            errors["target"] = _("目标值：数据计算的指标须有大于0的目标值（比例填1表示100%）。")
    else:
        key, target, rule = "", None, Rule.PROPORTION
    if weight is not None and not errors:
        others = scheme.items.exclude(pk=item.pk if item else None)
        total = sum((i.weight for i in others), Decimal(0)) + weight
        if total > HUNDRED:
            errors["weight"] = _("分值：各指标分值合计不能超过100分（加上本项为%(total)s分）。") % {
                "total": total
            }
    if errors:
        raise invalid(errors, "SUP-1")
    return {
        "name": name[:100],
        "kind": kind,
        "weight": weight,
        "figure_key": key,
        "rule": rule,
        "target": target,
        "description": (data.get("description") or "").strip()[:300],
    }


@transaction.atomic
def add_item(actor, scheme: Scheme, **data) -> Item:
    check_edits(actor, scheme.org)
    _check_open(scheme)
    fields = clean_item(scheme, data)
    position = data.get("position") or (scheme.items.count() + 1)
    item = Item.objects.create(scheme=scheme, position=position, **fields)
    audit.record(AuditAction.CREATE, actor=actor, obj=item, details={"scheme": scheme.pk})
    return item


@transaction.atomic
def change_item(actor, item: Item, **data) -> Item:
    check_edits(actor, item.scheme.org)
    _check_open(item.scheme)
    fields = clean_item(item.scheme, data, item)
    for name, value in fields.items():
        setattr(item, name, value)
    item.save()
    audit.record(AuditAction.UPDATE, actor=actor, obj=item, details={"scheme": item.scheme_id})
    return item


@transaction.atomic
def remove_item(actor, item: Item) -> None:
    check_edits(actor, item.scheme.org)
    _check_open(item.scheme)
    audit.record(AuditAction.DELETE, actor=actor, obj=item, details={"scheme": item.scheme_id})
    item.delete()


@transaction.atomic
def copy_scheme(actor, scheme: Scheme, year: int) -> Scheme:
    """SUP-1: next year's scheme in one step — the same items, weights, rules and targets; no scores,
    assignments or results."""
    check_edits(actor, scheme.org)
    if Scheme.objects.filter(org=scheme.org, year=year).exists():
        raise invalid({"year": _("年度：%(year)d年已有考核方案。") % {"year": year}}, "SUP-1")
    new = Scheme.objects.create(
        org=scheme.org, year=year, name=scheme.name, notes=scheme.notes, created_by=actor
    )
    Item.objects.bulk_create(
        Item(
            scheme=new,
            position=i.position,
            name=i.name,
            kind=i.kind,
            weight=i.weight,
            figure_key=i.figure_key,
            rule=i.rule,
            target=i.target,
            description=i.description,
        )
        for i in scheme.items.all()
    )
    audit.record(AuditAction.CREATE, actor=actor, obj=new, details={"copied_from": scheme.pk})
    return new
