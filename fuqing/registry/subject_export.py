"""Export for her (REG-5, PIPL art. 45): one workbook of everything the platform holds about her, unmasked
because it is hers, recorded in the access log with the reason."""

from __future__ import annotations

import os
import tempfile

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from fuqing.core import audit
from fuqing.core.downloads import export_cell, tmp_dir
from fuqing.core.models import AuditAction
from fuqing.registry import hooks
from fuqing.registry.history import timeline
from fuqing.registry.models import Consent, Woman
from fuqing.registry.privacy import _reason, require_export_for_her


def _profile(woman: Woman) -> list[list]:
    return [
        [_("档案编号"), woman.file_number],
        [_("姓名"), woman.name],
        [_("身份证号"), woman.id_number],
        [_("出生日期"), woman.birth_date],
        [_("联系电话"), woman.phone],
        [_("住址"), woman.address],
        [_("所属社区(村)"), woman.org.name],
        [_("困难群体"), "、".join(g.name for g in woman.groups.all())],
        [_("家庭情况"), woman.household_notes],
        [_("健康状况"), woman.health_notes],
        [_("登记日期"), woman.registered_on],
        [_("状态"), woman.get_status_display()],
    ]


def _consents(woman: Woman) -> tuple[list, list[list]]:
    headers = [_("用途"), _("告知书版本"), _("同意日期"), _("撤回日期")]
    rows = [
        [c.get_purpose_display(), c.notice_version, c.given_on, c.withdrawn_on]
        for c in Consent.objects.filter(woman=woman).order_by("given_on", "id")
    ]
    return headers, rows


def build_workbook(woman: Woman, user) -> str:
    import xlsxwriter

    fd, path = tempfile.mkstemp(suffix=".xlsx", dir=tmp_dir())
    os.close(fd)
    book = xlsxwriter.Workbook(path, {"strings_to_formulas": False})
    head = book.add_format({"bold": True, "bg_color": "#F2F2F2", "border": 1})

    def sheet(title: str, headers: list, rows: list[list]) -> None:
        ws = book.add_worksheet(title[:31])
        for col, header in enumerate(headers):
            ws.set_column(col, col, 24 if col else 16)
            ws.write_string(0, col, str(header), head)
        for r, row in enumerate(rows, start=1):
            for c, value in enumerate(row):
                value = export_cell(value)
                if value is None or value == "":
                    continue
                if isinstance(value, str):
                    ws.write_string(r, c, value)
                else:
                    ws.write(r, c, value)

    sheet(_("基本信息"), [_("项目"), _("内容")], _profile(woman))
    sheet(_("同意记录"), *_consents(woman))
    sheet(
        _("档案记录"),
        [_("时间"), _("事项"), _("说明"), _("操作人")],
        [[e.at, e.title, e.detail, e.actor] for e in timeline(woman, user)],
    )
    for source in hooks.personal_data_sources():
        headers, rows = source.func(woman, user)
        sheet(source.label, headers, rows)
    notes = book.add_worksheet(_("说明"))
    notes.set_column(0, 0, 90)
    notes.write_string(
        0,
        0,
        _(
            "本文件为%(org)s应本人要求导出的其个人信息副本，生成于 %(at)s。"
            "如需更正或删除，请联系所在社区妇联。"
        )
        % {"org": woman.org.name, "at": timezone.localtime().strftime("%Y-%m-%d %H:%M")},
    )
    book.close()
    return path


@transaction.atomic
def export_for_her(actor, woman: Woman, reason: str) -> str:
    """Returns the path of the workbook; the access log records who exported whose data and why."""
    require_export_for_her(actor, woman)
    reason = _reason(reason)
    path = build_workbook(woman, actor)
    audit.record(
        AuditAction.EXPORT,
        actor=actor,
        obj=woman,
        details={"for_subject": True, "unmasked": True, "reason": reason},
    )
    return path
