"""Monthly progress entry (phone-friendly) and the history of reported values (PRJ-3)."""

from __future__ import annotations

import calendar
import datetime

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from fuqing.core.context_processors import list_year
from fuqing.core.routes import scoped
from fuqing.core.scoping import get_visible_or_404
from fuqing.orgs.models import Org
from fuqing.projects import metrics, services
from fuqing.projects.access import require_edit, require_view
from fuqing.projects.filters import ProgressFilter
from fuqing.projects.forms import federations
from fuqing.projects.models import ProgressEntry, Source
from fuqing.projects.services.common import plain
from fuqing.projects.services.projects import campaign_for_org
from fuqing.projects.views.common import page_year
from fuqing.projects.views.overview import indicators_for


def _month(raw: str, year: int, campaign) -> datetime.date:
    try:
        parts = [int(p) for p in raw.split("-")[:2]]
        return datetime.date(parts[0], parts[1], 1)
    except (ValueError, IndexError):
        pass
    today = timezone.localdate()
    if today.year == year:
        return today.replace(day=1)
    end = campaign.ends_on if campaign else datetime.date(year, 12, 1)
    return end.replace(day=1)


@scoped(ProgressEntry, "create")
def report(request):
    """One unit, one month: every reported indicator of its projects in one form. Computed indicators
    are listed with their current value and are not typed (PRJ-3)."""
    require_edit(request.user)
    editable = federations(Org.objects.editable_by(request.user))
    raw_org = request.POST.get("org") or request.GET.get("org", "")
    org = editable.filter(pk=int(raw_org)).first() if raw_org.isdigit() else None
    if raw_org.isdigit() and org is None:
        get_visible_or_404(Org, request.user, pk=int(raw_org))  # outside the scope: not found
        raise PermissionDenied(_("您不能为该单位填报。"))
    org = org or (editable.filter(pk=request.user.org_id).first() or editable.first())
    if org is None:
        raise PermissionDenied(_("您没有可以填报的单位。"))
    year = page_year(request)
    campaign = campaign_for_org(org, year)
    month = _month(request.POST.get("month") or request.GET.get("month", ""), year, campaign)
    indicators = indicators_for(request.user, org, month.year)
    reported = [i for i in indicators if i.source == Source.REPORTED]
    computed = [i for i in indicators if i.source != Source.REPORTED]
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        rows = [
            {
                "indicator": i,
                "value": request.POST.get(f"value_{i.pk}", "").strip(),
                "reason": request.POST.get(f"reason_{i.pk}", ""),
            }
            for i in reported
        ]
        try:
            results = services.report_month(request.user, org=org, month=month, rows=rows)
        except ValidationError as exc:
            errors = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
        else:
            changed = [r for r in results if not r.unchanged]
            corrected = [r for r in changed if r.corrected is not None]
            messages.success(
                request,
                _("%(org)s %(m)s：已保存 %(n)d 项（其中更正 %(c)d 项）。")
                % {"org": org.name, "m": f"{month:%Y-%m}", "n": len(changed), "c": len(corrected)},
            )
            return redirect(f"{request.path}?org={org.pk}&month={month:%Y-%m}")
    current = {
        e.indicator_id: e
        for e in ProgressEntry.objects.filter(
            indicator__in=reported, org=org, month=month, superseded_at__isnull=True
        ).select_related("entered_by")
    }
    month_end = month.replace(day=calendar.monthrange(month.year, month.month)[1])
    figures = metrics.figures(indicators, [org], month_end) if indicators else {}
    rows = []
    for indicator in reported:
        entry = current.get(indicator.pk)
        rows.append(
            {
                "indicator": indicator,
                "entry": entry,
                "figure": figures.get((indicator.pk, org.pk)),
                "value": request.POST.get(f"value_{indicator.pk}")
                if request.method == "POST"
                else plain(entry.value)
                if entry
                else "",
                "reason": request.POST.get(f"reason_{indicator.pk}", ""),
                "errors": errors.get(f"indicator_{indicator.pk}", []),
            }
        )
    return render(
        request,
        "projects/report.html",
        {
            "org": org,
            "orgs": list(editable[:500]),
            "month": month,
            "rows": rows,
            "computed": [figures.get((i.pk, org.pk)) for i in computed],
            "errors": errors.get("__all__", []),
        },
    )


@scoped(ProgressEntry, "list")
def progress_list(request):
    """Reported values with their corrections (who, when, why), searchable."""
    require_view(request.user)
    entries = ProgressEntry.objects.visible_to(request.user).select_related("indicator", "org", "entered_by")
    flt = ProgressFilter(request.GET, request.user)  # the ledger's and the API's filters (issue 11)
    q = (flt.data.get("q") or "").strip()
    year = flt.data.get("year") or list_year(request, searching=bool(q))
    entries = flt.apply(entries, default_year=year)
    page = Paginator(entries.order_by("-entered_at", "-id"), 50).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    return render(
        request,
        "projects/progress_list.html",
        {
            "page": page,
            "q": q,
            "year": year,
            "flt": flt,
            "querystring": params.urlencode(),
            "corrections": bool(flt.data.get("corrections")),
        },
    )


@scoped(ProgressEntry, "read")
def progress_detail(request, pk):
    """One month of one unit's indicator: the current value and every earlier one it replaced."""
    entry = get_visible_or_404(ProgressEntry.objects.select_related("indicator", "org"), request.user, pk=pk)
    require_view(request.user)
    entries = services.history(entry.indicator, entry.org, entry.month)
    return render(request, "projects/progress_detail.html", {"entry": entry, "entries": entries})
