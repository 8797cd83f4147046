"""Compilations (汇编成册, RES-5): pick reports, then generate the Word book as a background job."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from fuqing.core.context_processors import list_year, selected_year
from fuqing.core.routes import scoped
from fuqing.core.scoping import can_edit, get_visible_or_404
from fuqing.research.forms import BookForm
from fuqing.research.models import Book, Report, ReportStatus
from fuqing.research.services import books as services
from fuqing.research.views.common import report_errors, require_view


@scoped(Book, "list")
def book_list(request):
    require_view(request.user)
    books = Book.objects.visible_to(request.user).select_related("org", "job")
    if q := request.GET.get("q", "").strip()[:50]:
        books = books.filter(title__icontains=q)
    if year := list_year(request, searching=bool(q)):
        books = books.filter(year=year)
    return render(
        request,
        "research/book_list.html",
        {
            "books": books[:100],
            "q": q,
            "year": year,
            "can_add": request.user.has_module_perm("research", "edit"),
        },
    )


def _picker(request, year: int, chosen: list[int]):
    """Reports past the draft stage of the year, those already chosen first in their order."""
    statuses = request.GET.getlist("status") or [ReportStatus.REVIEWED, ReportStatus.RECOMMENDED]
    candidates = (
        Report.objects.visible_to(request.user)
        .submitted()
        .filter(year=year)
        .select_related("org")
        .order_by("org__path", "title")
    )
    listed = candidates.filter(status__in=statuses)[:500]
    extra = candidates.filter(pk__in=chosen).exclude(status__in=statuses)
    rows = {r.pk: r for r in [*listed, *extra]}
    order = {pk: i for i, pk in enumerate(chosen, 1)}
    return sorted(rows.values(), key=lambda r: (order.get(r.pk, 10**6), r.org.path, r.title)), order, statuses


def _chosen(request) -> list[int]:
    """Ticked reports in the order typed beside them (unnumbered ones after, in list order)."""
    ticked = [int(pk) for pk in request.POST.getlist("report") if pk.isdigit()]

    def position(pk):
        raw = request.POST.get(f"order-{pk}", "")
        return (int(raw), ticked.index(pk)) if raw.isdigit() else (10**6, ticked.index(pk))

    return sorted(ticked, key=position)


def _save(request, book: Book | None):
    asked = request.GET.get("year", "")
    default_year = int(asked) if asked.isdigit() and 2000 <= int(asked) <= 2100 else selected_year(request)
    initial = (
        {"year": book.year, "title": book.title, "issuer": book.issuer, "issued_on": book.issued_on}
        if book
        else {
            "year": default_year,
            "title": _("%(y)d年“下基层、访妇情、办实事”活动调研成果汇编") % {"y": default_year},
            "issuer": request.user.org.name if request.user.org_id else "",
            "issued_on": timezone.localdate(),
        }
    )
    form = BookForm(request.POST or None, initial=initial)
    chosen = list(book.items.values_list("report_id", flat=True)) if book else []
    if request.method == "POST":
        chosen = _chosen(request)
        if form.is_valid():
            try:
                book = services.save_book(
                    request.user,
                    book,
                    org=book.org if book else request.user.org,
                    report_ids=chosen,
                    **form.cleaned_data,
                )
            except ValidationError as exc:
                form.apply_service_error(exc)
            else:
                messages.success(request, _("汇编已保存，共收录 %(n)d 篇报告。") % {"n": len(chosen)})
                return redirect("research:book-detail", pk=book.pk)
    year = form.cleaned_data.get("year") if form.is_bound and form.is_valid() else initial["year"]
    if book is not None and asked.isdigit():
        year = default_year
    rows, order, statuses = _picker(request, year or default_year, chosen)
    return render(
        request,
        "research/book_form.html",
        {
            "form": form,
            "book": book,
            "rows": rows,
            "order": order,
            "statuses": statuses,
            "status_choices": [
                (s, ReportStatus(s).label) for s in ReportStatus.values if s != ReportStatus.DRAFT
            ],
            "title": _("修改汇编") if book else _("新建汇编"),
            "year": year,
        },
    )


@scoped(Book, "create")
def book_add(request):
    if not request.user.has_module_perm("research", "edit"):
        raise PermissionDenied(_("您没有编印汇编的权限。"))
    return _save(request, None)


@scoped(Book, "change")
def book_edit(request, pk):
    book = get_visible_or_404(Book, request.user, pk=pk)
    if not request.user.has_module_perm("research", "edit") or not can_edit(request.user, book):
        raise PermissionDenied(_("您不能修改该汇编。"))
    return _save(request, book)


@scoped(Book, "read")
def book_detail(request, pk):
    book = get_visible_or_404(Book.objects.select_related("org", "job"), request.user, pk=pk)
    require_view(request.user)
    ids = list(book.items.values_list("report_id", flat=True))
    visible = {
        r.pk: r for r in Report.objects.visible_to(request.user).filter(pk__in=ids).select_related("org")
    }
    return render(
        request,
        "research/book_detail.html",
        {
            "book": book,
            "reports": [visible[pk] for pk in ids if pk in visible],
            "hidden": sum(1 for pk in ids if pk not in visible),
            "can_edit": request.user.has_module_perm("research", "edit") and can_edit(request.user, book),
            "can_generate": request.user.has_module_perm("research", "export"),
            "job": book.job if book.job and book.job.user_id == request.user.pk else None,
        },
    )


@require_POST
@scoped(Book, "change")
def book_generate(request, pk):
    """Start generating the Word book; the job page shows progress and then the download (PLT-5)."""
    book = get_visible_or_404(Book, request.user, pk=pk)
    try:
        job = services.generate(request.user, book)
    except ValidationError as exc:
        report_errors(request, exc)
        return redirect("research:book-detail", pk=pk)
    return redirect("job-detail", pk=job.pk)
