"""巾帼志愿者 and 空巢老人家庭 as ledgers (PRJ-5, RPT-2): export of the user's scope; phones and elders'
names masked unless unmasked, volunteers' names in full as on their list. Export only: both are
registered on their pages, one by one."""

from __future__ import annotations

from django.db.models import Count, Q

from fuqing.core.ledger import Column, Ledger, person_column, record_number_column, register, unit_column
from fuqing.core.masking import mask_name
from fuqing.projects.filters import HouseholdFilter, VolunteerFilter
from fuqing.projects.ledgers.common import export_queryset
from fuqing.projects.models import Household, Volunteer


def _phone(obj, ctx) -> str:
    return obj.phone if ctx.unmasked else obj.masked_phone


def _elders(household, ctx) -> str:
    return "、".join(
        (e.name if ctx.unmasked else mask_name(e.name))
        + (f"（{e.get_sex_display()}，{e.birth_year}年生）" if e.birth_year else f"（{e.get_sex_display()}）")
        for e in household.elders.all()
    )


@register
class VolunteerLedger(Ledger):
    name = "volunteers"
    title = "巾帼志愿者台账"
    model = Volunteer
    export_permission = ("projects", "export")
    columns = (
        record_number_column("志愿者编号"),
        unit_column("org", "所在单位"),
        # a volunteer's name is shown in full, as on her list; her phone is masked like on the page
        Column("name", "姓名", export=lambda v, c: v.name, width=10),
        Column("phone", "联系电话", export=_phone, width=14),
        Column("pairs", "结对家庭数", export=lambda v, c: v.pair_count, width=10),
        Column("account", "平台账户", export=lambda v, c: "已开通" if v.user_id else "未开通", width=10),
        Column("active", "在册", export=lambda v, c: "是" if v.is_active else "否", width=6),
        Column("notes", "备注", export=lambda v, c: v.notes, width=30),
        person_column("created_by", "登记人", attr="created_by"),
        Column("created_at", "登记时间", export=lambda v, c: v.created_at, width=18),
    )

    def queryset(self, user):
        return (
            export_queryset(Volunteer, user)
            .select_related("org", "created_by")
            .annotate(pair_count=Count("pairs", filter=Q(pairs__ended_on__isnull=True), distinct=True))
            .order_by("org__path", "name")
        )

    def filter(self, queryset, params):
        return VolunteerFilter(params).apply(queryset)  # the list page's own filters


@register
class HouseholdLedger(Ledger):
    name = "households"
    title = "空巢老人家庭台账"
    model = Household
    export_permission = ("projects", "export")
    columns = (
        record_number_column("家庭编号"),
        unit_column("org", "所在社区(村)"),
        Column("address", "住址", export=lambda h, c: h.address, width=30),
        Column("phone", "联系电话", export=_phone, width=14),
        Column("elders", "老人", export=_elders, width=30),
        Column("notes", "家庭情况", export=lambda h, c: h.notes, width=30),
        Column("pairs", "结对志愿者数", export=lambda h, c: h.pair_count, width=10),
        person_column("created_by", "登记人", attr="created_by"),
        Column("created_at", "登记时间", export=lambda h, c: h.created_at, width=18),
    )

    def queryset(self, user):
        return (
            export_queryset(Household, user)
            .select_related("org", "created_by")
            .prefetch_related("elders")
            .annotate(pair_count=Count("pairs", filter=Q(pairs__ended_on__isnull=True), distinct=True))
            .order_by("org__path", "address")
        )

    def filter(self, queryset, params):
        return HouseholdFilter(params).apply(queryset)  # the list page's own filters
