"""Home, background jobs, ledger download/import and the audit log."""

from __future__ import annotations

import os

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from fuqing.core import jobs, limits, searches, uploads
from fuqing.core.audit_filters import AuditFilter
from fuqing.core.context_processors import selected_year
from fuqing.core.crypto import seal_params
from fuqing.core.downloads import temporary_file_response as _temporary_file_response
from fuqing.core.forms import Form
from fuqing.core.history import describe_details, object_type_label
from fuqing.core.home import home_page_for, panels_for
from fuqing.core.ledger import export_to_file, get_ledger, template_to_file
from fuqing.core.ledger_jobs import start_import
from fuqing.core.models import AuditEvent, Job
from fuqing.core.permissions import require_admin
from fuqing.core.replica import replica_view
from fuqing.core.routes import scoped, unscoped
from fuqing.core.scoping import get_visible_or_404, org_model


@unscoped("the caller's own start page; every figure on it goes through the scope door")
@replica_view  # the dashboard panels may be read from the replica
def home(request):
    own = home_page_for(request)  # e.g. the city chair's dashboard
    if own is not None:
        return own
    return render(request, "core/home.html", {"panels": panels_for(request)})


# --- jobs -----------------------------------------------------------------------------------------


def _own_job(request, pk) -> Job:
    job = get_visible_or_404(Job, request.user, pk=pk)
    if job.user_id != request.user.pk:
        raise Http404
    return job


@scoped(Job, "list")
def job_list(request):
    jobs.reap_stale()
    jobs_qs = Job.objects.visible_to(request.user).filter(user=request.user)[:50]
    return render(request, "core/job_list.html", {"jobs": jobs_qs})


@scoped(Job, "read")
def job_detail(request, pk):
    if request.htmx:  # the progress bar's poll must not keep an idle session alive
        request.fuqing_passive = True
    job = _own_job(request, pk)
    if not job.finished and jobs.reap_stale(Job.objects.filter(pk=job.pk)):  # its worker died
        job.refresh_from_db()
    template = "core/_job_status.html" if request.htmx else "core/job_detail.html"
    return render(request, template, {"job": job})


@scoped(Job, "export")
def job_download(request, pk):
    job = _own_job(request, pk)
    if not job.output_file or not os.path.exists(job.output_file):
        raise Http404
    return FileResponse(open(job.output_file, "rb"), as_attachment=True, filename=job.output_name)


@require_POST
@scoped(Job, "change")
def job_import_valid_only(request, pk):
    """Run the same import again, keeping only the valid rows (RPT-3). The new job takes the kept file
    over (one conditional UPDATE): a second click, or a second tab, is told the import already started."""
    job = _own_job(request, pk)
    path = job.input_file
    if job.kind != "ledger_import" or not job.finished:
        raise Http404
    claimed = path and Job.objects.filter(pk=job.pk, input_file=path).update(input_file="")
    if not claimed or not os.path.exists(path):
        messages.error(request, _("这个文件已经在导入或已过期，不能再次导入。如需导入，请重新上传文件。"))
        return redirect("job-detail", pk=job.pk)
    try:
        new = start_import(
            request.user,
            job.org,
            get_ledger(job.params["ledger"]),
            job.title + _("（仅有效行）"),
            path,
            valid_only=True,
        )
    except jobs.JobBusy as exc:
        messages.error(request, exc.user_message)
        return redirect("job-detail", pk=job.pk)
    return redirect("job-detail", pk=new.pk)


# --- ledgers --------------------------------------------------------------------------------------

EXPORT_INLINE_MAX = 20000


def _export_allowed(request, ledger) -> None:
    """SEC-8: exports are rate-limited per user."""
    if not ledger.can_export(request.user):
        raise PermissionDenied(_("您没有导出该台账的权限。"))
    # counted in the database, so every worker process and server shares one count (core.limits)
    if not limits.take(f"export:{request.user.pk}", settings.EXPORT_RATE_PER_HOUR):
        raise PermissionDenied(
            _("导出过于频繁：每小时最多 %(n)d 次，请稍后再试。") % {"n": settings.EXPORT_RATE_PER_HOUR}
        )


def _export_year(request, filters) -> int | None:
    """The campaign year printed on a 台账: the year the export is filtered to, else the top bar's."""
    raw = str(filters.get("year") or "")
    if raw.isdigit() and 2000 <= int(raw) <= 2100:
        return int(raw)
    return selected_year(request)


def ledger_export_view(ledger):
    @replica_view
    @scoped(ledger.model, "export")
    def view(request):
        _export_allowed(request, ledger)
        filters = {k: v for k, v in searches.expand(request, request.GET).items()}
        qs = ledger.filter_for(request.user, ledger.queryset(request.user), filters)
        filename = f"{ledger.title}-{timezone.localdate():%Y%m%d}.xlsx"
        year = _export_year(request, filters)
        if qs.count() > EXPORT_INLINE_MAX:
            job = jobs.start(
                request.user,
                request.user.org,
                "ledger_export",
                _("导出%(t)s") % {"t": ledger.title},
                # the filters may hold a woman's name searched for: sealed, so the job row shows none (REG-3)
                params={
                    "ledger": ledger.name,
                    "filters_sealed": seal_params(filters),
                    "filename": filename,
                    "year": year,
                },
            )
            return redirect("job-detail", pk=job.pk)
        path, _count = export_to_file(ledger, request.user, queryset=qs, year=year)
        return _temporary_file_response(path, filename)

    return view


def ledger_template_view(ledger):
    @scoped(ledger.model, "template")
    def view(request):
        if not ledger.can_import(request.user):
            raise PermissionDenied(_("您没有导入该台账的权限。"))
        return _temporary_file_response(template_to_file(ledger), f"{ledger.title}导入模板.xlsx")

    return view


class ImportForm(Form):
    file = forms.FileField(label=gettext_lazy("Excel 文件（.xlsx）"))
    org = forms.ChoiceField(label=gettext_lazy("导入到单位"))
    valid_only = forms.BooleanField(
        label=gettext_lazy("只导入没有错误的行（默认：有任何错误则整个文件都不导入）"), required=False
    )

    def __init__(self, *args, orgs=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.orgs = {str(o.pk): o for o in orgs}
        self.fields["org"].choices = [(str(o.pk), "　" * (o.depth - 1) + o.name) for o in orgs]

    def clean_file(self):
        return uploads.SPREADSHEETS.clean(self.cleaned_data["file"])


def ledger_import_view(ledger):
    @scoped(ledger.model, "import")
    def view(request):
        if not ledger.can_import(request.user):
            raise PermissionDenied(_("您没有导入该台账的权限。"))
        orgs = list(org_model().objects.editable_by(request.user).filter(is_active=True)[:2000])
        form = ImportForm(request.POST or None, request.FILES or None, orgs=orgs)
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["file"]  # checked by the form (SEC-10)
            try:
                job = start_import(
                    request.user,
                    form.orgs[form.cleaned_data["org"]],
                    ledger,
                    _("导入%(t)s：%(f)s") % {"t": ledger.title, "f": upload.name[:100]},
                    uploads.spool(upload),
                    valid_only=form.cleaned_data["valid_only"],
                )
            except jobs.JobBusy as exc:
                form.add_error(None, exc.user_message)
            else:
                return redirect("job-detail", pk=job.pk)
        return render(
            request,
            "core/ledger_import.html",
            {"form": form, "ledger": ledger, "template_url": reverse(f"ledger-template-{ledger.name}")},
        )

    return view


# --- audit ----------------------------------------------------------------------------------------


def filter_audit(queryset, params: dict):
    """The audit log's filters, from an allowlist (SEC-4): ``core.audit_filters.AuditFilter``."""
    audit_filter = AuditFilter(params)
    return audit_filter.apply(queryset), audit_filter.form


@scoped(AuditEvent, "list")
def audit_list(request):
    require_admin(request.user, "read_audit")
    queryset, form = filter_audit(AuditEvent.objects.visible_to(request.user), request.GET)
    page = Paginator(queryset.select_related("org", "actor"), 50).get_page(request.GET.get("page"))
    for event in page:
        event.type_label = object_type_label(event.object_type)
        event.summary = describe_details(event.details, event.object_type)
    params = request.GET.copy()
    params.pop("page", None)
    return render(
        request,
        "core/audit_list.html",
        {"form": form, "page": page, "querystring": params.urlencode()},
    )
