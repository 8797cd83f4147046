"""RES-5: the research office picks reports and gets one Word book — cover, table of contents, each report
after GB/T 9704, page numbers — generated in the background with progress (PLT-5)."""

from __future__ import annotations

import datetime
import io
import shutil
import subprocess

import docx
import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from fuqing.core.models import Job
from fuqing.research.models import Book
from fuqing.research.services import books as services


@pytest.fixture
def reports(tree, new_report, daoli, nangang, city_leader, researcher):
    return [
        new_report(daoli, tree.a, status="reviewed", reviewer=city_leader, title="道里区失地妇女就业调研"),
        new_report(
            nangang,
            tree.b,
            status="recommended",
            reviewer=city_leader,
            recommender=researcher,
            title="南岗区留守妇女调研",
        ),
        new_report(daoli, tree.a, status="submitted", title="道里区单亲母亲调研"),
    ]


def test_res5_the_research_office_picks_reports_in_order(
    tree, login_as, researcher, reports, new_report, daoli
):
    draft = new_report(daoli, tree.a, title="草稿不收录")
    client = login_as(researcher)
    page = client.get(reverse("research:book-add"), {"year": 2014}).content.decode()
    assert "南岗区留守妇女调研" in page and "草稿不收录" not in page
    response = client.post(
        reverse("research:book-add"),
        {
            "year": 2014,
            "title": "2014年调研成果汇编",
            "issuer": "哈尔滨市妇联研究室",
            "issued_on": "2014-09-10",
            "report": [reports[0].pk, reports[1].pk],
            f"order-{reports[1].pk}": "1",
            f"order-{reports[0].pk}": "2",
        },
    )
    book = Book.objects.get()
    assert response.status_code == 302
    assert list(book.items.values_list("report_id", flat=True)) == [reports[1].pk, reports[0].pk]
    with pytest.raises(ValidationError):  # a draft is refused
        services.save_book(
            researcher,
            book,
            org=book.org,
            year=2014,
            report_ids=[draft.pk],
            title="t",
            issuer="i",
            issued_on=datetime.date(2014, 9, 1),
        )


def _book(researcher, reports) -> Book:
    return services.save_book(
        researcher,
        None,
        org=researcher.org,
        year=2014,
        report_ids=[r.pk for r in reports],
        title="2014年调研成果汇编",
        issuer="哈尔滨市妇联研究室",
        issued_on=datetime.date(2014, 9, 10),
    )


def test_res5_generation_runs_as_a_job_with_progress_and_a_download(
    tree, login_as, researcher, reports, django_capture_on_commit_callbacks
):
    from fuqing.core import jobs

    book = _book(researcher, reports)
    client = login_as(researcher)
    with django_capture_on_commit_callbacks() as enqueued:
        response = client.post(reverse("research:book-generate", args=[book.pk]))
    assert len(enqueued) == 1  # queued for the worker once the request commits
    job = jobs.run(Job.objects.get())  # what the worker does (its own connection, outside this test's)
    assert response.status_code == 302 and response["Location"] == reverse("job-detail", args=[job.pk])
    assert job.kind == "research_book" and job.status == "succeeded"
    assert job.progress == job.total == len(reports) + 1
    assert job.result == {"reports": 3, "skipped": 0}
    page = client.get(reverse("job-detail", args=[job.pk])).content.decode()
    assert "2014年调研成果汇编.docx" in page
    download = client.get(reverse("job-download", args=[job.pk]))
    content = b"".join(download.streaming_content)
    document = docx.Document(io.BytesIO(content))
    texts = [p.text for p in document.paragraphs]
    assert (
        "2014年调研成果汇编" in texts and "哈尔滨市妇联研究室" in texts and "2014年9月10日" in texts
    )  # the cover
    toc = [p.text.split("\t")[0] for p in document.paragraphs if p.style.name == "FQ TOC"]
    assert toc == [r.title for r in reports]  # the contents, in the book's order
    titles = [p.text for p in document.paragraphs if p.style.name == "FQ Title"]
    assert titles[1:] == [r.title for r in reports]
    assert document.sections[1].footer.paragraphs[0].text.startswith("— ")  # page numbers
    assert all(p.style.name != "FQ Title" or p.text != "草稿" for p in document.paragraphs)


def test_res5_the_book_holds_only_what_the_generating_user_may_read(tree, reports, daoli, researcher):
    book = _book(researcher, reports)
    job = Job.objects.create(
        user=daoli, org=tree.a, kind="research_book", title="t", params={"book": book.pk}
    )
    from fuqing.core import jobs

    job = jobs.run(job)
    assert job.status == "failed"  # the research office's book is not hers to see
    assert "无权查看" in job.error


def test_res5_book_reports_are_formatted_as_official_documents(tree, researcher, reports):
    doc = services.build_book(
        title="汇编", issuer="研究室", issued_on=datetime.date(2014, 9, 1), reports=reports, user=researcher
    )
    buffer = io.BytesIO()
    doc.save(buffer)
    document = docx.Document(io.BytesIO(buffer.getvalue()))
    styles = {p.text: p.style.name for p in document.paragraphs if p.text}
    assert styles["一、基本情况"] == "FQ Heading 1"
    assert styles["（一）基本情况"] == "FQ Heading 2"
    assert styles["1. 开展订单式培训；"] == "FQ Heading 3"
    assert styles["共走访0次。"] == "FQ Body"
    section = document.sections[-1]
    assert round(section.top_margin.mm) == 37 and round(section.left_margin.mm) == 28


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed")
def test_res5_the_book_opens_in_libreoffice(tree, researcher, reports, tmp_path):
    path = tmp_path / "book.docx"
    services.build_book(
        title="汇编", issuer="研究室", issued_on=datetime.date(2014, 9, 1), reports=reports, user=researcher
    ).save(str(path))
    result = subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation=file://{tmp_path}/lo",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(path),
        ],
        capture_output=True,
        timeout=180,
        check=False,
    )
    assert result.returncode == 0 and (tmp_path / "book.pdf").exists()
    if shutil.which("pdfinfo"):
        info = subprocess.run(
            ["pdfinfo", str(tmp_path / "book.pdf")], capture_output=True, text=True, check=True
        ).stdout
        pages = int(next(line for line in info.splitlines() if line.startswith("Pages:")).split()[1])
        assert pages >= len(reports) + 2  # cover, contents, a page or more per report


def test_res5_book_pages_list_and_show(tree, login_as, researcher, reports, daoli):
    book = _book(researcher, reports)
    client = login_as(researcher)
    # the list opens on the top bar's year (no campaign here: this year); 2014's books by asking
    assert "2014年调研成果汇编" in client.get(reverse("research:books"), {"year": 2014}).content.decode()
    detail = client.get(reverse("research:book-detail", args=[book.pk])).content.decode()
    assert all(r.title in detail for r in reports) and "生成 Word 汇编" in detail
    assert login_as(daoli).get(reverse("research:book-detail", args=[book.pk])).status_code == 404


def _live_reports(new_report, tree, daoli, nangang, count: int) -> list:
    """``count`` submitted reports whose figures are live (submitted before snapshots were taken, as
    synthetic data is), spread over two districts."""
    from fuqing.research.models import Report

    analysis = "一、主要问题\n{{figure:women_visited_by_group}}\n{{figure:needs_by_status}}"
    made = [
        new_report(daoli, tree.a, status="submitted", title="道里区调研", analysis=analysis),
        new_report(nangang, tree.b, status="submitted", title="南岗区调研", analysis=analysis),
    ]
    copies = []
    for n in range(count - len(made)):
        copy = Report.objects.get(pk=made[n % 2].pk)
        copy.pk = copy.id = None
        copy.title = f"{copy.title}（{n + 2}）"
        copies.append(copy)
    Report.objects.bulk_create(copies)
    Report.objects.update(figure_snapshot=None, figures_as_of=None)
    return list(Report.objects.order_by("pk").select_related("org"))


def _texts(doc) -> list[str]:
    buffer = io.BytesIO()
    doc.save(buffer)
    return [p.text for p in docx.Document(io.BytesIO(buffer.getvalue())).paragraphs] + [
        cell.text
        for table in docx.Document(io.BytesIO(buffer.getvalue())).tables
        for row in table.rows
        for cell in row.cells
    ]


def test_res5_a_book_costs_the_same_queries_for_3_reports_as_for_30(
    tree, researcher, new_report, daoli, nangang
):
    """Issue 16: live figures are answered for all the book's units at once, not report by report."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    reports = _live_reports(new_report, tree, daoli, nangang, 30)
    counts = {}
    for size in (3, 30):
        chosen = services.book_reports(researcher, [r.pk for r in reports[:size]])
        assert len(chosen) == size
        with CaptureQueriesContext(connection) as queries:
            _compile(chosen, researcher)
        counts[size] = len(queries)
    assert counts[3] == counts[30] <= 10  # 4 queries per report before
    # the grouped answers read as each report's own figures would
    single = services.report_document(reports[0], researcher)
    assert set(_texts(single)) <= set(_texts(_compile(reports[:3], researcher)))


def _compile(reports, user):
    return services.build_book(
        title="汇编", issuer="研究室", issued_on=datetime.date(2014, 9, 1), reports=reports, user=user
    )
