"""Projects and their indicators (PRJ-1), and next year's projects copied in one step (PRJ-2)."""

from __future__ import annotations

import itertools
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from fuqing.campaigns.models import Campaign
from fuqing.core import audit
from fuqing.core.models import AuditAction
from fuqing.orgs.models import Org, OrgKind
from fuqing.projects.models import (
    MEASURES_BY_SOURCE,
    Beneficiary,
    Indicator,
    Measure,
    ProgressEntry,
    Project,
    Source,
    Target,
    Unit,
)
from fuqing.projects.services.common import amount, check_editor, require_editable_object, require_org

MAX_HELP_KINDS = 20


def campaign_applies(campaign: Campaign, org: Org) -> bool:
    """A campaign run by the unit itself or by one of its ancestors covers the unit."""
    return org.path.startswith(campaign.org.path)


def campaign_for_org(org: Org, year: int) -> Campaign | None:
    """The nearest campaign of ``year`` covering ``org`` (its own, else its nearest ancestor's)."""
    paths = [*org.ancestor_paths(), org.path]
    return Campaign.objects.filter(year=year, org__path__in=paths).order_by("-org__depth").first()


def clean_help_kinds(values) -> list[str]:
    if isinstance(values, str):
        values = values.replace("，", ",").replace("、", ",").replace("\n", ",").split(",")
    kinds: list[str] = []
    for value in values or []:
        kind = str(value).strip()
        if not kind:
            continue
        if len(kind) > 30:
            raise ValidationError(
                {"help_kinds": _("帮扶类别“%(k)s”超过 30 个字。") % {"k": kind}}, code="PRJ-4"
            )
        if kind not in kinds:
            kinds.append(kind)
    if len(kinds) > MAX_HELP_KINDS:
        raise ValidationError(
            {"help_kinds": _("帮扶类别最多 %(n)d 个。") % {"n": MAX_HELP_KINDS}}, code="PRJ-4"
        )
    return kinds


def _check_project(org: Org, campaign: Campaign, name: str, lead_department, exclude=None) -> str:
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": _("项目名称不能为空。")}, code="PRJ-1")
    if len(name) > 100:
        raise ValidationError({"name": _("项目名称不能超过 100 个字。")}, code="PRJ-1")
    if not org.is_federation:
        raise ValidationError({"org": _("项目应由妇联（而不是部室或妇女小组）主办。")}, code="PRJ-1")
    if not campaign_applies(campaign, org):
        raise ValidationError(
            {"campaign": _("“%(c)s”不覆盖“%(o)s”。") % {"c": campaign, "o": org.name}}, code="PRJ-1"
        )
    if lead_department is not None and (
        lead_department.kind != OrgKind.DEPARTMENT or not lead_department.path.startswith(org.path)
    ):
        raise ValidationError(
            {"lead_department": _("牵头部门应为“%(o)s”的部(室)。") % {"o": org.name}}, code="PRJ-1"
        )
    clash = Project.objects.filter(org=org, year=campaign.year, name=name)
    if exclude is not None:
        clash = clash.exclude(pk=exclude.pk)
    if clash.exists():
        raise ValidationError(
            {"name": _("%(y)d年已有名为“%(n)s”的项目。") % {"y": campaign.year, "n": name}}, code="PRJ-1"
        )
    return name


@transaction.atomic
def create_project(
    actor,
    *,
    org: Org,
    campaign: Campaign,
    name: str,
    lead_department: Org | None = None,
    description: str = "",
    help_kinds=(),
    sort: int = 100,
) -> Project:
    """A project of a campaign year with its lead department (PRJ-1)."""
    check_editor(actor)
    require_org(actor, org)
    name = _check_project(org, campaign, name, lead_department)
    project = Project.objects.create(
        org=org,
        campaign=campaign,
        year=campaign.year,
        name=name,
        lead_department=lead_department,
        description=(description or "").strip(),
        help_kinds=clean_help_kinds(help_kinds),
        sort=sort,
        created_by=actor,
    )
    audit.record(AuditAction.CREATE, actor=actor, obj=project, details={"year": project.year})
    return project


@transaction.atomic
def update_project(
    actor,
    project: Project,
    *,
    name: str,
    lead_department=None,
    description: str = "",
    help_kinds=(),
    sort=100,
) -> Project:
    check_editor(actor)
    require_editable_object(actor, project)
    name = _check_project(project.org, project.campaign, name, lead_department, exclude=project)
    kinds = clean_help_kinds(help_kinds)
    removed = set(project.help_kinds) - set(kinds)

    if removed and Beneficiary.objects.filter(project=project, help_kind__in=removed).exists():
        raise ValidationError(
            {
                "help_kinds": _("帮扶类别“%(k)s”已有受益人记录，不能删除。")
                % {"k": "、".join(sorted(removed))}
            },
            code="PRJ-4",
        )
    if removed and project.indicators.filter(help_kind__in=removed).exists():
        raise ValidationError(
            {"help_kinds": _("帮扶类别“%(k)s”仍被指标使用，不能删除。") % {"k": "、".join(sorted(removed))}},
            code="PRJ-4",
        )
    before = {
        "name": project.name,
        "lead_department": project.lead_department_id,
        "help_kinds": project.help_kinds,
    }
    project.name = name
    project.lead_department = lead_department
    project.description = (description or "").strip()
    project.help_kinds = kinds
    project.sort = sort
    project.save()
    after = {
        "name": project.name,
        "lead_department": project.lead_department_id,
        "help_kinds": project.help_kinds,
    }
    audit.record(
        AuditAction.UPDATE,
        actor=actor,
        obj=project,
        details={"changed": {k: [before[k], after[k]] for k in before if before[k] != after[k]}},
    )
    return project


# --- indicators -------------------------------------------------------------------------------------


def clean_profile(value) -> list[float] | None:
    """Twelve cumulative percentages (end of January … end of December), non-decreasing, ending at 100."""
    if value is None or value == "" or value == []:
        return None
    if isinstance(value, str):
        parts = [p for p in value.replace("，", ",").replace("%", "").split(",") if p.strip()]
    else:
        parts = list(value)
    message = _("进度曲线应为 12 个累计百分比（1月至12月月末，逐月不减，12月为 100），用逗号分隔。")
    try:
        numbers = [float(str(p).strip()) for p in parts]
    except ValueError:
        raise ValidationError({"profile": message}, code="PRJ-3") from None
    if (
        len(numbers) != 12
        or any(not 0 <= n <= 100 for n in numbers)
        or any(b < a for a, b in itertools.pairwise(numbers))
        or numbers[-1] != 100
    ):
        raise ValidationError({"profile": message}, code="PRJ-3")
    return numbers


def _check_indicator(project: Project, data: dict, exclude: Indicator | None = None) -> dict:
    name = (data.get("name") or "").strip()
    if not name:
        raise ValidationError({"name": _("指标名称不能为空。")}, code="PRJ-1")
    clash = Indicator.objects.filter(project=project, name=name)
    if exclude is not None:
        clash = clash.exclude(pk=exclude.pk)
    if clash.exists():
        raise ValidationError({"name": _("本项目已有名为“%(n)s”的指标。") % {"n": name}}, code="PRJ-1")
    unit = data.get("unit") or ""
    if unit not in Unit.values:
        raise ValidationError(
            {"unit": _("计量单位应为：%(u)s。") % {"u": "、".join(str(label) for label in Unit.labels)}},
            code="PRJ-1",
        )
    source = data.get("source") or Source.REPORTED
    if source not in Source.values:
        raise ValidationError({"source": _("未知的数据来源。")}, code="PRJ-3")
    measure = data.get("measure") or ""
    allowed = MEASURES_BY_SOURCE[source]
    if source == Source.REPORTED:
        measure = ""
    elif measure not in allowed:
        raise ValidationError(
            {
                "measure": _("“%(s)s”的计算口径应为：%(m)s。")
                % {"s": Source(source).label, "m": "、".join(str(Measure(m).label) for m in sorted(allowed))}
            },
            code="PRJ-3",
        )
    if (measure == Measure.AMOUNT) != (unit == Unit.YUAN) and source != Source.REPORTED:
        raise ValidationError({"unit": _("按金额计算的指标以“元”为单位，其他口径不能用“元”。")}, code="PRJ-3")
    help_kind = (data.get("help_kind") or "").strip() if source == Source.BENEFICIARIES else ""
    if help_kind and help_kind not in project.help_kinds:
        raise ValidationError(
            {
                "help_kind": _("“%(k)s”不是本项目的帮扶类别（%(all)s）。")
                % {"k": help_kind, "all": "、".join(project.help_kinds) or _("未设置")}
            },
            code="PRJ-4",
        )
    return {
        "name": name,
        "unit": unit,
        "target": amount(data.get("target"), "target", _("年度目标")),
        "source": source,
        "measure": measure,
        "help_kind": help_kind,
        "profile": clean_profile(data.get("profile")),
        "sort": int(data.get("sort") or 100),
        "notes": (data.get("notes") or "").strip()[:200],
    }


@transaction.atomic
def add_indicator(actor, project: Project, **data) -> Indicator:
    """An indicator with its unit, annual target and source (PRJ-1, PRJ-3)."""
    check_editor(actor)
    require_editable_object(actor, project)
    fields = _check_indicator(project, data)
    indicator = Indicator.objects.create(project=project, **fields)
    audit.record(
        AuditAction.CREATE,
        actor=actor,
        obj=indicator,
        details={"project": project.pk, "target": fields["target"], "source": fields["source"]},
    )
    return indicator


@transaction.atomic
def update_indicator(actor, indicator: Indicator, **data) -> Indicator:
    check_editor(actor)
    require_editable_object(actor, indicator)
    fields = _check_indicator(indicator.project, data, exclude=indicator)
    if fields["source"] != indicator.source and indicator.source == Source.REPORTED:
        if ProgressEntry.objects.filter(indicator=indicator).exists():
            raise ValidationError(
                {"source": _("该指标已有月度填报记录，不能改为自动计算（数值不应重复录入）。")}, code="PRJ-3"
            )
    before = {k: getattr(indicator, k) for k in fields}
    for key, value in fields.items():
        setattr(indicator, key, value)
    indicator.save()
    changed = {k: [str(before[k]), str(fields[k])] for k in fields if before[k] != fields[k]}
    audit.record(AuditAction.UPDATE, actor=actor, obj=indicator, details={"changed": changed})
    return indicator


# --- next year ------------------------------------------------------------------------------------


@transaction.atomic
def copy_projects(
    actor, *, org: Org, from_year: int, copy_targets: bool = True, copy_splits: bool = False
) -> list[Project]:
    """Next year's projects from this year's in one step (PRJ-2): projects and indicators always;
    targets and their splits copied or left empty, as the user chooses. Splits copied stay drafts
    until issued again, so last year's figures are never in force unseen."""
    check_editor(actor)
    require_org(actor, org)
    to_year = from_year + 1
    if copy_splits and not copy_targets:
        raise ValidationError({"copy_splits": _("复制分解目标须同时复制年度目标。")}, code="PRJ-2")
    campaign = campaign_for_org(org, to_year)
    if campaign is None:
        raise ValidationError(
            {"year": _("还没有覆盖“%(o)s”的%(y)d年活动，请先创建活动。") % {"o": org.name, "y": to_year}},
            code="PRJ-2",
        )
    sources = list(Project.objects.filter(org=org, year=from_year).prefetch_related("indicators"))
    if not sources:
        raise ValidationError(
            {"year": _("“%(o)s”%(y)d年没有项目可复制。") % {"o": org.name, "y": from_year}}, code="PRJ-2"
        )
    existing = set(Project.objects.filter(org=org, year=to_year).values_list("name", flat=True))
    clashes = [p.name for p in sources if p.name in existing]
    if clashes:
        raise ValidationError(
            {"year": _("%(y)d年已有同名项目：%(n)s。") % {"y": to_year, "n": "、".join(clashes)}},
            code="PRJ-2",
        )
    copies: list[Project] = []
    indicator_map: dict[int, Indicator] = {}
    for source in sources:
        copy = Project.objects.create(
            org=org,
            campaign=campaign,
            year=to_year,
            name=source.name,
            lead_department=source.lead_department,
            description=source.description,
            help_kinds=source.help_kinds,
            sort=source.sort,
            copied_from=source,
            created_by=actor,
        )
        copies.append(copy)
        for indicator in source.indicators.all():
            indicator_map[indicator.pk] = Indicator.objects.create(
                project=copy,
                name=indicator.name,
                unit=indicator.unit,
                target=indicator.target if copy_targets else None,
                source=indicator.source,
                measure=indicator.measure,
                help_kind=indicator.help_kind,
                profile=indicator.profile,
                sort=indicator.sort,
                notes=indicator.notes,
            )
    splits = 0
    if copy_splits:
        parts = [
            Target(
                indicator=indicator_map[t.indicator_id],
                org_id=t.org_id,
                value=t.value,
                draft=True,
                note=t.note,
                set_by=actor,
            )
            for t in Target.objects.filter(indicator_id__in=indicator_map, org__is_active=True)
        ]
        Target.objects.bulk_create(parts)
        splits = len(parts)
    audit.record(
        AuditAction.CREATE,
        actor=actor,
        org=org,
        object_type="projects.project",
        object_repr=_("复制%(y)d年项目") % {"y": from_year},
        details={
            "from_year": from_year,
            "to_year": to_year,
            "projects": len(copies),
            "indicators": len(indicator_map),
            "copy_targets": copy_targets,
            "split_parts": splits,
        },
    )
    return copies


def total(values) -> Decimal:
    return sum((v for v in values if v is not None), Decimal(0))
