"""Drafted activity summaries (SUP-3): a unit asks for its survey-month or annual summary and gets a Word
draft after GB/T 9704 with its own figures, generated in the background with progress (PLT-5); it then
edits the draft and uploads it as its submission for the deadline."""

from __future__ import annotations

import datetime
import uuid
from pathlib import Path

from django.core.exceptions import PermissionDenied
from django.utils import timezone
from django.utils.translation import gettext as _

from fuqing.campaigns.errors import invalid
from fuqing.campaigns.models import DeadlineKind, Obligation
from fuqing.campaigns.submissions import can_submit
from fuqing.core import audit, jobs
from fuqing.core.documents import OfficialDocument, cn_date
from fuqing.core.figures import ANNUAL, SURVEY_MONTH, Figure, FigureScope, compute, providers
from fuqing.core.ledger_jobs import JobError
from fuqing.core.models import AuditAction, Job
from fuqing.core.uploads import private_root

JOB_KIND = "campaign_summary"
KIND_OF_DEADLINE = {DeadlineKind.SURVEY_SUMMARY: SURVEY_MONTH, DeadlineKind.ANNUAL_SUMMARY: ANNUAL}
TITLES = {SURVEY_MONTH: "妇女需求调研月活动总结", ANNUAL: "“{name}”活动全年总结"}
CN_NUMBERS = "一二三四五六七八九十"


def summary_scope(org, campaign, kind: str) -> FigureScope:
    """What one summary covers: the unit's subtree, the campaign, and the period of the summary's kind
    (the survey month, or the campaign's calendar year)."""
    if kind == SURVEY_MONTH:
        start, end = campaign.survey_month_range
    elif kind == ANNUAL:
        start, end = datetime.date(campaign.year, 1, 1), datetime.date(campaign.year, 12, 31)
    else:
        raise ValueError(kind)
    return FigureScope(org, start, end, campaign=campaign, kind=kind)


def period_label(scope: FigureScope) -> str:
    if scope.kind == SURVEY_MONTH:
        return f"{scope.start.year}年{scope.start.month}月妇女需求调研月"
    return f"{scope.year}年"


def summary_figures(scope: FigureScope, progress=None) -> list[Figure]:
    """The figures a summary of the scope's kind prints, from the figures registry, in order."""
    chosen = providers(summary=scope.kind)
    figs = []
    for index, provider in enumerate(chosen, start=1):
        figs.append(compute(provider.key, scope))
        if progress is not None:
            progress(index, len(chosen) + 1)
    return figs


def summary_title(scope: FigureScope) -> str:
    what = TITLES[scope.kind].format(name=scope.campaign.name)
    return f"{scope.org.name}{scope.year}年{what}"


def _value(fig: Figure) -> str:
    if fig.value is None:
        return _("暂无数据")
    return f"{fig.value}{fig.unit}"


def _overview(scope: FigureScope, figs: dict[str, Figure]) -> str:
    """The opening paragraph: the figures that have data, in plain sentences."""
    parts = []
    if figs.get("visits") and figs["visits"].has_data:
        parts.append(f"开展走访调研{figs['visits'].value}次")
    if figs.get("women_met") and figs["women_met"].has_data:
        parts.append(f"走访妇女群众{figs['women_met'].value}人次")
    if figs.get("women_registered") and figs["women_registered"].has_data:
        parts.append(f"新建妇女档案{figs['women_registered'].value}份")
    if figs.get("needs_found") and figs["needs_found"].has_data:
        resolved = figs.get("needs_resolved")
        done = f"，已解决{resolved.value}件" if resolved and resolved.value else ""
        parts.append(f"发现妇女群众诉求{figs['needs_found'].value}件{done}")
    if figs.get("reports") and figs["reports"].has_data:
        parts.append(f"形成调研报告{figs['reports'].value}篇")
    lead = f"{period_label(scope)}，{scope.org.name}及所属各级妇联组织"
    if not parts:
        return lead + "在平台中尚无走访、诉求和调研报告的记录。以下数据请核实后补充。"
    return f"{lead}{'，'.join(parts)}。"


def build_document(scope: FigureScope, figs: list[Figure], drafted_on=None) -> OfficialDocument:
    """The draft: title, overview, the figures table (saying plainly which have no data), breakdowns,
    and the sections the unit writes itself."""
    drafted_on = drafted_on or timezone.localdate()
    by_key = {f.key: f for f in figs}
    doc = OfficialDocument()
    doc.title(summary_title(scope), toc=False)
    doc.subtitle(_("（初稿：由平台根据%(d)s的数据生成，请核实、修改后报送）") % {"d": cn_date(drafted_on)})
    doc.heading(1, "一、基本情况")
    doc.paragraph(_overview(scope, by_key))
    doc.heading(1, "二、主要数据")
    rows = [["指标", "数值", "说明"]]
    for fig in figs:
        note = fig.note
        if fig.value is None:
            note = f"本项暂无数据：{fig.note}" if fig.note else "本项暂无数据"
        elif fig.value == 0:
            note = "平台中没有本期的相关记录" + (f"（{fig.note}）" if fig.note else "")
        rows.append([fig.label, _value(fig), note])
    doc.table(rows, title=f"表1 {period_label(scope)}主要数据（{scope.org.name}及所属单位）")
    missing = [f.label for f in figs if not f.has_data]
    if missing:
        doc.paragraph(f"说明：{'、'.join(missing)}在平台中暂无本期数据，请根据实际情况补充，或注明未开展。")
    table_no = 2
    section = 0
    for fig in figs:
        if fig.breakdown:
            section += 1
            doc.heading(2, f"（{CN_NUMBERS[section - 1]}）{fig.label}按{fig.breakdown_title}")
            doc.table(
                [
                    [fig.breakdown_title, f"数量（{fig.breakdown_unit or fig.unit}）"],
                    *[[k, v] for k, v in fig.breakdown],
                ],
                title=f"表{table_no} {fig.label}按{fig.breakdown_title}统计",
            )
            table_no += 1
    doc.heading(1, "三、主要做法和成效")
    doc.paragraph(
        "（请结合本单位实际补充：班子成员带队下基层、需求调研、结对帮扶、实事项目推进等主要做法和典型事例。）"
    )
    doc.heading(1, "四、存在的问题和下一步打算")
    doc.paragraph("（请补充：调研中发现的突出问题、尚未解决的诉求及原因、下一步工作打算。）")
    doc.signature(scope.org.name, drafted_on)
    return doc


def draft_path() -> Path:
    folder = private_root() / "drafts"
    folder.mkdir(parents=True, exist_ok=True)
    return folder / f"{uuid.uuid4().hex}.docx"


def write_summary(scope: FigureScope, progress=None) -> tuple[Path, list[Figure]]:
    """Compute the figures and write the draft; returns the file and the figures."""
    figs = summary_figures(scope, progress)
    path = draft_path()
    build_document(scope, figs).save(str(path))
    if progress is not None:
        progress(len(figs) + 1, len(figs) + 1)
    return path, figs


# --- the job --------------------------------------------------------------------------------------


def can_draft(user, obligation: Obligation) -> bool:
    return obligation.deadline.kind in KIND_OF_DEADLINE and can_submit(user, obligation)


def start_draft(user, obligation: Obligation) -> Job:
    """Queue the draft of the summary an obligation asks for (SUP-3)."""
    if obligation.deadline.kind not in KIND_OF_DEADLINE:
        raise invalid({"deadline": _("该事项不是活动总结，无法生成初稿。")}, "SUP-3")
    if not can_draft(user, obligation):
        raise PermissionDenied(_("只有应报送单位（或其上级）的编辑人员可以生成总结初稿。"))
    title = _("生成总结初稿：%(org)s%(name)s") % {
        "org": obligation.org.name,
        "name": obligation.deadline.name,
    }
    return jobs.start(user, obligation.org, JOB_KIND, title, params={"obligation": obligation.pk})


@jobs.handler(JOB_KIND)
def run_draft(job: Job, progress) -> dict:
    obligation = (
        Obligation.objects.visible_to(job.user)
        .select_related("deadline__campaign", "org")
        .filter(pk=job.params.get("obligation"))
        .first()
    )
    if obligation is None or not job.user.is_active or not can_draft(job.user, obligation):
        raise JobError(_("您已没有为该单位生成总结初稿的权限。"))
    scope = summary_scope(
        obligation.org, obligation.deadline.campaign, KIND_OF_DEADLINE[obligation.deadline.kind]
    )
    path, figs = write_summary(scope, progress)
    job.output_file = str(path)
    job.output_name = f"{summary_title(scope)}（初稿）.docx"
    job.save(update_fields=["output_file", "output_name"])
    audit.record(
        AuditAction.EXPORT,
        actor=job.user,
        org=obligation.org,
        object_type="campaigns.summary",
        object_id=str(obligation.pk),
        object_repr=summary_title(scope),
        details={"kind": scope.kind, "figures": len(figs)},
    )
    return {"figures": {f.key: f.value for f in figs}}
