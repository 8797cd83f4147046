"""The 爱心暖夕阳 pairs ledger (PRJ-5, RPT-2, RPT-3): one row per pair; the volunteer and the household
are found (by phone, or name and unit; by address and unit) or registered, then paired under the same
rules as on the page — her area, the project's year, no pair twice."""

from __future__ import annotations

from django.db.models import Q
from django.utils.translation import gettext as _

from fuqing.core import cells
from fuqing.core.cells import CellError
from fuqing.core.ledger import (
    UNIT_RULE,
    Column,
    ImportContext,
    Ledger,
    ParsedRow,
    RowError,
    date_column,
    project_column,
    register,
    unit_column,
    year_column,
)
from fuqing.projects import services
from fuqing.projects.ledgers.common import ProjectResolver, editable, export_queryset, units
from fuqing.projects.models import Household, Sex, Source, Volunteer, VolunteerPair
from fuqing.projects.services.volunteers import MOBILE, phone_index


def parse_phone(value) -> str:
    raw = cells.compact(value).replace("-", "")
    if raw and not MOBILE.match(raw):
        raise CellError(_("手机号码应为 1 开头的 11 位数字。"))
    return raw


def parse_sex(value) -> str:
    raw = cells.text(value)
    if not raw:
        return Sex.FEMALE
    return cells.choice(raw, Sex.choices)


def _elders(pair, ctx) -> str:
    return "、".join(e.masked_name for e in pair.household.elders.all())


@register
class VolunteerPairLedger(Ledger):
    name = "volunteer_pairs"
    title = "爱心暖夕阳结对"
    model = VolunteerPair
    export_permission = ("projects", "export")
    import_permission = ("projects", "edit")
    columns = (
        year_column(),
        project_column(required=True, aliases=(), example="爱心暖夕阳", width=14),
        Column(
            "volunteer",
            "志愿者姓名",
            parse=lambda v: cells.text(v, 50),
            required=True,
            aliases=("志愿者",),
            example="李春梅",
            export=lambda p, c: p.volunteer.name,
            width=12,
        ),
        Column(
            "phone",
            "志愿者手机",
            parse=parse_phone,
            aliases=("手机号", "联系电话"),
            example="13904511234",
            help="有手机号时按手机号找到已登记的志愿者",
            export=lambda p, c: p.volunteer.masked_phone,
            width=14,
        ),
        unit_column(
            "volunteer_org", "志愿者所在单位", attr="volunteer.org.name", aliases=("志愿者单位",), width=16
        ),
        Column(
            "address",
            "家庭住址",
            parse=lambda v: cells.text(v, 200),
            required=True,
            aliases=("住址",),
            example="友谊路12号3单元201",
            export=lambda p, c: p.household.address,
            width=28,
        ),
        unit_column(
            "household_org",
            "家庭所在社区(村)",
            attr="household.org.name",
            aliases=("家庭所在社区", "社区"),
            help=UNIT_RULE + "不填则与志愿者所在单位相同",
            width=16,
        ),
        Column(
            "elder",
            "老人姓名",
            parse=lambda v: cells.text(v, 50),
            aliases=("老人",),
            example="王桂芝",
            help="新登记家庭时必填",
            export=_elders,
            width=14,
        ),
        Column("elder_sex", "老人性别", parse=parse_sex, example="女", export=None, width=8),
        Column(
            "elder_birth_year", "老人出生年份", parse=cells.integer, example="1936", export=None, width=10
        ),
        date_column("started_on", "结对日期", required=True, example="2014-04-20"),
        Column("ended_on", "结束日期", importable=False, export=lambda p, c: p.ended_on, width=12),
        Column("notes", "备注", parse=lambda v: cells.text(v, 200), export=lambda p, c: p.notes, width=24),
    )

    def queryset(self, user):
        return (
            export_queryset(VolunteerPair, user)
            .select_related("project", "volunteer", "volunteer__org", "household", "household__org")
            .prefetch_related("household__elders")
            .order_by("year", "org__path", "started_on", "id")
        )

    def filter(self, queryset, params: dict):
        q = (params.get("q") or "").strip()[:50]
        if q:
            queryset = queryset.filter(
                Q(notes__icontains=q) | Q(volunteer__name__icontains=q) | Q(household__address__icontains=q)
            )
        if str(params.get("year", "")).isdigit():
            queryset = queryset.filter(year=int(params["year"]))
        return queryset

    def check_rows(self, rows: list[ParsedRow], ctx: ImportContext) -> None:
        orgs = units(ctx, "单位")
        projects = ProjectResolver(ctx.actor, ctx.org)
        areas: dict[int, object] = {}
        phones = {phone_index(r.values["phone"]) for r in rows if r.values.get("phone")}
        by_phone = (
            {
                v.phone_index: v
                for v in Volunteer.objects.visible_to(ctx.actor).filter(
                    phone_index__in=phones, is_active=True
                )
            }
            if phones
            else {}
        )
        seen: dict[tuple, int] = {}
        for row in rows:
            if row.errors:
                continue
            v = row.values
            project, message = projects.find(v["year"], v["project"])
            if project is None:
                row.errors.append(RowError(row.number, "项目", message))
                continue
            if not any(i.source == Source.VOLUNTEER_PAIRS for i in project.indicators.all()):
                row.errors.append(
                    RowError(row.number, "项目", _("“%(p)s”没有由结对记录计算的指标。") % {"p": project.name})
                )
                continue
            volunteer_org, message = orgs.resolve(v.get("volunteer_org") or "")
            if volunteer_org is None:
                row.errors.append(RowError(row.number, "志愿者所在单位", message))
                continue
            household_org, message = (
                orgs.resolve(v.get("household_org") or "") if v.get("household_org") else (volunteer_org, "")
            )
            if household_org is None:
                row.errors.append(RowError(row.number, "家庭所在社区(村)", message))
                continue
            if not editable(ctx.actor, household_org) or not household_org.path.startswith(project.org.path):
                row.errors.append(
                    RowError(
                        row.number,
                        "家庭所在社区(村)",
                        _("“%(o)s”不在您可以填报的项目范围内。") % {"o": household_org.name},
                    )
                )
                continue
            if volunteer_org.pk not in areas:
                areas[volunteer_org.pk] = services.area_of(volunteer_org)
            area = areas[volunteer_org.pk]
            if not household_org.path.startswith(area.path):
                row.errors.append(
                    RowError(
                        row.number,
                        "家庭所在社区(村)",
                        _("按就近原则，只能与“%(a)s”范围内的家庭结对。") % {"a": area.name},
                    )
                )
                continue
            if v["started_on"].year != project.year:
                row.errors.append(
                    RowError(row.number, "结对日期", _("应在项目年度（%(y)d年）内。") % {"y": project.year})
                )
                continue
            volunteer = by_phone.get(phone_index(v["phone"])) if v.get("phone") else None
            if volunteer is not None and volunteer.name != v["volunteer"]:
                row.errors.append(
                    RowError(row.number, "志愿者姓名", _("该手机号登记的志愿者姓名不同，请核对。"))
                )
                continue
            key = (
                project.pk,
                v.get("phone") or (v["volunteer"], volunteer_org.pk),
                household_org.pk,
                v["address"],
            )
            if key in seen:
                row.errors.append(
                    RowError(row.number, "家庭住址", _("与第 %(n)d 行重复。") % {"n": seen[key]})
                )
                continue
            seen[key] = row.number
            v.update(
                {
                    "_project": project,
                    "_volunteer_org": volunteer_org,
                    "_household_org": household_org,
                    "_volunteer": volunteer,
                }
            )
        self._check_households(rows, ctx)

    @staticmethod
    def _check_households(rows, ctx) -> None:
        addresses = {
            (r.values["_household_org"].pk, r.values["address"])
            for r in rows
            if not r.errors and "_project" in r.values
        }
        known = {
            (h.org_id, h.address): h
            for h in Household.objects.visible_to(ctx.actor).filter(
                org_id__in={a[0] for a in addresses}, address__in={a[1] for a in addresses}
            )
        }
        new_in_file: set[tuple] = set()
        for row in rows:
            if row.errors or "_project" not in row.values:
                continue
            v = row.values
            key = (v["_household_org"].pk, v["address"])
            household = known.get(key)
            if household is None and key not in new_in_file and not v.get("elder"):
                row.errors.append(RowError(row.number, "老人姓名", _("新登记的家庭须填写老人姓名。")))
                continue
            if household is None:
                new_in_file.add(key)
            v["_household"] = household
            if household is not None and v["_volunteer"] is not None:
                if VolunteerPair.objects.filter(
                    project=v["_project"], volunteer=v["_volunteer"], household=household
                ).exists():
                    row.errors.append(
                        RowError(row.number, "家庭住址", _("该志愿者已与该家庭在本项目中结对。"))
                    )

    def write(self, rows: list[ParsedRow], ctx: ImportContext) -> int:
        volunteers: dict[tuple, Volunteer] = {}
        households: dict[tuple, Household] = {}
        for index, row in enumerate(rows, start=1):
            v = row.values
            volunteer = v["_volunteer"]
            vkey = v.get("phone") or (v["volunteer"], v["_volunteer_org"].pk)
            if volunteer is None:
                volunteer = volunteers.get(vkey) or (
                    None
                    if v.get("phone")
                    else Volunteer.objects.filter(
                        org=v["_volunteer_org"], name=v["volunteer"], is_active=True
                    ).first()
                )
            if volunteer is None:
                volunteer = services.register_volunteer(
                    ctx.actor, org=v["_volunteer_org"], name=v["volunteer"], phone=v.get("phone") or ""
                )
            volunteers[vkey] = volunteer
            hkey = (v["_household_org"].pk, v["address"])
            household = v["_household"] or households.get(hkey)
            if household is None:
                household = services.add_household(
                    ctx.actor,
                    org=v["_household_org"],
                    address=v["address"],
                    elders=[
                        {
                            "name": v["elder"],
                            "sex": v.get("elder_sex") or Sex.FEMALE,
                            "birth_year": v.get("elder_birth_year"),
                        }
                    ],
                )
            households[hkey] = household
            services.pair(
                ctx.actor,
                project=v["_project"],
                volunteer=volunteer,
                household=household,
                started_on=v["started_on"],
                notes=v.get("notes") or "",
            )
            if ctx.progress:
                ctx.progress(index, len(rows))
        return len(rows)
