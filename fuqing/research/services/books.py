"""The compiled book (汇编成册, RES-5): chosen reports in one Word document — cover, table of contents,
each report after GB/T 9704, page numbers — generated in the background with progress (PLT-5)."""

from __future__ import annotations

import datetime
import uuid
from collections import defaultdict
from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from fuqing.core import audit, jobs
from fuqing.core.documents import OfficialDocument, clean_text, cn_date
from fuqing.core.figures import FigureScope, compute_for_units, get_provider
from fuqing.core.ledger_jobs import JobError
from fuqing.core.models import AuditAction, Job
from fuqing.core.permissions import require
from fuqing.core.scoping import ensure_editable
from fuqing.research import markup
from fuqing.research.models import SECTIONS, Book, BookItem, Report
from fuqing.research.services.reports import figure_scope

CN_NUMBERS = "一二三四五六七八九十"
MAX_REPORTS = 500


def figures_note(report: Report, scope: FigureScope) -> str:
    """The line that dates the figures: 数据截至… for a submitted report's snapshot; for a draft, that they
    are live (a preview) and become fixed on submission. Empty when the report inserts no figure."""
    if not report.figure_keys():
        return ""
    if scope.is_frozen:
        day = timezone.localtime(scope.as_of).date()
        return _("文中数据截至%(d)s（报送时统计）。") % {"d": cn_date(day)}
    return _("文中数据为实时统计（草稿预览），报送时将固定为报送当时的数据。")


def authors_headings(text: str, done: int = 0) -> int:
    """How many first-level headings (一、…) the author wrote in this part, counted only when the part opens
    with the heading the report is due next (一、 for the first part after none, 二、 after one…): then her
    numbering stands and ours would repeat it. A part that opens otherwise (her own 一、 inside the analysis)
    gets ours, and her headings read as its subsections (0)."""
    blocks = markup.parse(text)
    expected = f"{CN_NUMBERS[min(done, len(CN_NUMBERS) - 1)]}、"
    if (
        not blocks
        or blocks[0].kind != "heading"
        or blocks[0].level != 1
        or not blocks[0].text.startswith(expected)
    ):
        return 0
    return sum(1 for block in blocks if block.kind == "heading" and block.level == 1)


def write_report(doc: OfficialDocument, report: Report, user, scope: FigureScope | None = None) -> None:
    """One report: title, unit and authors, the three parts as 一、二、三、 with its figures (as submitted,
    or live for a draft) and the date they were taken, and its unit and date at the end."""
    doc.title(report.title)
    doc.subtitle("　".join(filter(None, [report.org.name, report.authors])))
    scope = scope or figure_scope(report, user)
    done = 0  # first-level headings so far, the author's and ours: ours continue the count
    for field, _label, heading in SECTIONS:
        text = getattr(report, field)
        own = authors_headings(text, done)
        if not own:  # the author's own 一、… stand; ours would repeat them
            own = 1
            doc.heading(1, f"{CN_NUMBERS[min(done, len(CN_NUMBERS) - 1)]}、{heading}")
        done += own
        markup.to_document(doc, text, scope)
    if note := figures_note(report, scope):
        doc.paragraph(note)
    if report.submitted_at:
        doc.signature(report.org.name, timezone.localtime(report.submitted_at).date())


def report_document(report: Report, user) -> OfficialDocument:
    doc = OfficialDocument()
    write_report(doc, report, user)
    return doc


def build_book(
    *,
    title: str,
    issuer: str,
    issued_on: datetime.date,
    reports: list[Report],
    user,
    progress: Callable[[int, int], None] | None = None,
) -> OfficialDocument:
    doc = OfficialDocument()
    doc.cover(title, issuer=issuer, date=issued_on)
    doc.toc()
    total = len(reports) + 1
    scopes = figure_scopes(reports, user)
    for index, report in enumerate(reports, start=1):
        doc.page_break()
        write_report(doc, report, user, scopes[index - 1])
        if progress:
            progress(index, total)
    return doc


def figure_scopes(reports: list[Report], user) -> list[FigureScope]:
    """Each report's figure scope (``figure_scope``), in the reports' order. A submitted report reads its
    snapshot; the live ones (a report submitted before snapshots were taken) have their figures answered
    for all their units at once — one grouped query per figure, year and depth in the tree
    (``compute_for_units``) — so a book costs a bounded number of queries however many reports it holds
    (issue 16). A figure without a grouped answer is computed per report as before."""
    scopes = [figure_scope(report, user) for report in reports]
    live: dict[int, list[int]] = defaultdict(list)  # year -> positions of the live reports
    for position, scope in enumerate(scopes):
        if not scope.is_frozen:
            live[reports[position].year].append(position)
    for year, positions in live.items():
        units = list({reports[p].org_id: reports[p].org for p in positions}.values())
        keys = dict.fromkeys(key for p in positions for key in reports[p].figure_keys())
        base = FigureScope.of_year(units[0], year, user)
        for key in keys:
            provider = get_provider(key)
            if provider is None or provider.units_func is None:
                continue
            answers = compute_for_units(key, base, units)
            for p in positions:
                if reports[p].org_id in answers:
                    scopes[p].cache.setdefault(key, answers[reports[p].org_id])
    return scopes


def book_reports(user, report_ids: list[int]) -> list[Report]:
    """The chosen reports the user may read, past the draft stage, in the chosen order."""
    found = {
        r.pk: r
        for r in Report.objects.visible_to(user).submitted().filter(pk__in=report_ids).select_related("org")
    }
    return [found[pk] for pk in report_ids if pk in found]


def _clean(values: dict) -> dict:
    errors, cleaned = {}, {}
    for key, label, limit in (("title", _("书名"), 200), ("issuer", _("编印单位署名"), 100)):
        text = clean_text(values.get(key) or "").strip()
        if not text:
            errors[key] = _("%(f)s不能为空。") % {"f": label}
        elif len(text) > limit:
            errors[key] = _("%(f)s不能超过 %(n)d 个字。") % {"f": label, "n": limit}
        cleaned[key] = text
    if not isinstance(values.get("issued_on"), datetime.date):
        errors["issued_on"] = _("请填写编印日期。")
    cleaned["issued_on"] = values.get("issued_on")
    if errors:
        raise ValidationError(errors, code="RES-5")
    return cleaned


@transaction.atomic
def save_book(actor, book: Book | None, *, org, year: int, report_ids: list[int], **values) -> Book:
    """Create or change a book: its cover and the reports in their order (RES-5)."""
    require(actor, "research", "edit")
    ensure_editable(actor, book or org)
    cleaned = _clean(values)
    ids = list(dict.fromkeys(int(pk) for pk in report_ids))
    if not ids:
        raise ValidationError({"reports": _("请至少选择一篇报告。")}, code="RES-5")
    if len(ids) > MAX_REPORTS:
        raise ValidationError(
            {"reports": _("一本汇编最多收录 %(n)d 篇报告。") % {"n": MAX_REPORTS}}, code="RES-5"
        )
    reports = book_reports(actor, ids)
    if len(reports) != len(ids):
        raise ValidationError({"reports": _("只能收录已报送、您有权查看的调研报告。")}, code="RES-5")
    creating = book is None
    if creating:
        book = Book.objects.create(org=org, year=year, created_by=actor, **cleaned)
    else:
        for key, value in cleaned.items():
            setattr(book, key, value)
        book.year = year
        book.save()
        book.items.all().delete()
    BookItem.objects.bulk_create(BookItem(book=book, report_id=pk, position=i) for i, pk in enumerate(ids, 1))
    audit.record(
        AuditAction.CREATE if creating else AuditAction.UPDATE,
        actor=actor,
        obj=book,
        details={"reports": len(ids)},
    )
    return book


def generate(actor, book: Book) -> Job:
    """Start the book's generation as a background job; the job page shows progress and the download."""
    require(actor, "research", "export")
    job = jobs.start(
        actor, book.org, "research_book", _("生成汇编：%(t)s") % {"t": book.title}, params={"book": book.pk}
    )
    Book.objects.filter(pk=book.pk).update(job=job)
    return job


@jobs.handler("research_book")
def run_book(job: Job, progress) -> dict:
    user = job.user
    if not user.is_active or not user.has_module_perm("research", "export"):
        raise JobError(_("您已没有导出调研报告的权限。"))
    book = Book.objects.visible_to(user).filter(pk=job.params.get("book")).first()
    if book is None:
        raise JobError(_("找不到该汇编，或您已无权查看。"))
    ids = list(book.items.order_by("position").values_list("report_id", flat=True))
    reports = book_reports(user, ids)
    doc = build_book(
        title=book.title,
        issuer=book.issuer,
        issued_on=book.issued_on,
        reports=reports,
        user=user,
        progress=progress,
    )
    folder = (settings.SHARED_DIR or settings.VAR_DIR) / "documents"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{uuid.uuid4().hex}.docx"
    doc.save(str(path), paginate=True)  # the contents get the pages LibreOffice lays the titles out on
    progress(len(reports) + 1, len(reports) + 1)
    job.output_file = str(path)
    job.output_name = f"{book.title}.docx"
    job.save(update_fields=["output_file", "output_name"])
    audit.record(AuditAction.EXPORT, actor=user, obj=book, details={"reports": len(reports)})
    return {"reports": len(reports), "skipped": len(ids) - len(reports)}
