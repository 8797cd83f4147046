"""Figures: grassroots-days compliance (FLD-4) and the needs-survey month (FLD-5), drilling down the tree."""

from __future__ import annotations

import io
import json

from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from fuqing.core.cells import neutralise
from fuqing.core.context_processors import selected_year
from fuqing.core.routes import scoped
from fuqing.fieldwork import stats
from fuqing.fieldwork.models import GRASSROOTS_DAYS_TARGET, Visit, VisitDay, VisitMethod
from fuqing.fieldwork.views.common import (
    area_for,
    int_param,
    lineage_links,
    require_view,
    survey_month,
)


@scoped(VisitDay, "list")
def compliance(request):
    """局、处级干部下基层天数: who is below 60, days still needed, and whether the pace reaches 60."""
    require_view(request.user)
    area = area_for(request)
    year = int_param(request, "year") or selected_year(request)
    show_all = request.GET.get("all") == "1"
    # One GROUP BY over the area's bureau/division cadres (hundreds in a province); the page filters
    # and pages that list instead of asking the database three times.
    cadres = stats.compliance_rows(request.user, area, year)
    below = [u for u in cadres if u.days < GRASSROOTS_DAYS_TARGET]
    shown = cadres if show_all else below
    q = request.GET.get("q", "").strip()[:50]
    if q:
        shown = [u for u in shown if q in u.name or q in u.username or q in u.org_name]
    page = Paginator(shown, 50).get_page(request.GET.get("page"))
    rows = _compliance_rows(page, year)
    everyone = len(cadres)
    params = request.GET.copy()
    params.pop("page", None)
    return render(
        request,
        "fieldwork/compliance.html",
        {
            "area": area,
            "lineage": lineage_links(area, request.user),
            "year": year,
            "rows": rows,
            "page": page,
            "everyone": everyone,
            "below": len(below),
            "show_all": show_all,
            "q": q,
            "target": GRASSROOTS_DAYS_TARGET,
            "querystring": params.urlencode(),
        },
    )


def _compliance_rows(cadres, year: int) -> list[dict]:
    """Display rows computed here, so the template's loop is plain output (a page of 50 stays cheap)."""
    today = timezone.localdate()
    labels = {
        "done": ("status-on-track", _("已达标")),
        "on_track": ("status-on-track", _("能达到")),
        "behind": ("status-at-risk", _("达不到")),
    }
    rows = []
    for cadre in cadres:
        p = stats.pace(cadre.days, year, today)
        state = "done" if p.days >= GRASSROOTS_DAYS_TARGET else "on_track" if p.on_track else "behind"
        css, label = labels[state]
        rows.append(
            {
                "name": cadre.name,
                "org": cadre.org_name,
                "role": f"{cadre.position_label} · {cadre.rank_label}",
                "days": p.days,
                "needed": p.needed,
                "projected": p.projected,
                "on_track": p.on_track,
                "css": css,
                "status": label,
            }
        )
    return rows


@scoped(Visit, "page")
def survey_month_view(request):
    """妇女需求调研月: visits of the survey month per unit (rolled up), method, vulnerable group, leaders."""
    require_view(request.user)
    area = area_for(request)
    year = int_param(request, "year") or selected_year(request)
    month = survey_month(request)
    figures = stats.survey_month_figures(request.user, area, year, month)
    if request.GET.get("format") == "xlsx":
        return _xlsx(figures, year, month)
    own_label = _("%(name)s（本级）") % {"name": area.name}
    # The chart shows what the table shows: the area's own visits (本级) first, then each unit below.
    chart_rows = [(own_label, figures.own)] if figures.own.visits else []
    chart_rows += [(r.label, r) for r in figures.rows]
    chart = {
        "units": [label for label, _row in chart_rows],
        "series": [
            {"name": str(label), "data": [r.by_method.get(code, 0) for _label, r in chart_rows]}
            for code, label in VisitMethod.choices
        ],
    }
    return render(
        request,
        "fieldwork/survey_month.html",
        {
            "figures": figures,
            "area": area,
            "lineage": lineage_links(area, request.user),
            "year": year,
            "month": month,
            "methods": VisitMethod.choices,
            "chart": json.dumps(chart, ensure_ascii=False),
            "own_label": own_label,
            "table": [
                {
                    "org": r.org,
                    "label": r.label,
                    "visits": r.visits,
                    "methods": r.method_cells(),
                    "women": r.women,
                    "groups": r.group_cells(figures.groups),
                    "led": r.led_by_leaders,
                }
                for r in figures.rows
            ],
            "own_groups": figures.own.group_cells(figures.groups),
            "total_groups": figures.total.group_cells(figures.groups),
        },
    )


def _xlsx(figures, year: int, month: int):
    import xlsxwriter

    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_formulas": False})
    sheet = book.add_worksheet("调研月统计")
    bold = book.add_format({"bold": True, "bg_color": "#F2F2F2", "border": 1})
    title = _("%(y)d年%(m)d月妇女需求调研月统计（%(a)s）") % {"y": year, "m": month, "a": figures.area.name}
    sheet.write_string(0, 0, neutralise(title))
    headers = [
        _("单位"),
        _("走访次数"),
        *[str(label) for _c, label in VisitMethod.choices],
        _("走访妇女人数"),
        *[g.name for g in figures.groups],
        _("领导带队次数"),
    ]
    for col, header in enumerate(headers):
        sheet.write_string(2, col, neutralise(header), bold)
    rows = [*figures.rows]
    if figures.own.visits:
        rows.insert(0, figures.own)
    rows.append(figures.total)
    for index, row in enumerate(rows, start=3):
        values = [
            row.visits,
            *row.method_cells(),
            row.women,
            *row.group_cells(figures.groups),
            row.led_by_leaders,
        ]
        sheet.write_string(index, 0, neutralise(row.label))
        for col, value in enumerate(values, start=1):
            sheet.write_number(index, col, value)
    sheet.set_column(0, 0, 24)
    book.close()
    response = HttpResponse(
        buffer.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''survey-month-{year}.xlsx"
    return response
