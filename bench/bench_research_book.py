"""Compiling a book of 100 reports (RES-5): seconds, peak memory, queries — and, where LibreOffice is
installed, the time to open the book and lay it out as PDF.

    make bench BENCH_ARGS="research"                      # SQLite under var/bench
    DATABASE_URL=postgres://… make bench BENCH_ARGS="research --scale province"

The baseline is the same text written with bare python-docx (no styles, figures or contents), so the ratio
shows what the official-document layout and the live figures cost.
"""

from __future__ import annotations

import io
import shutil
import subprocess
import tempfile
from pathlib import Path

from bench.common import emit, max_rss_mb, timed, traced_memory

BOOK_SIZE = 100


def _ensure_data(scale: str) -> None:
    """Synthetic data for the bench database: the tree, cadres and research, then enough reports."""
    import random

    from django.core.management import call_command

    from fuqing.core.synth import SynthContext, steps
    from fuqing.orgs.models import Org
    from fuqing.research.models import Report

    call_command("migrate", verbosity=0)
    ctx = SynthContext(scale=scale, rng=random.Random(2014))
    wanted = ("research",) if Org.objects.exists() else ("orgs", "users", "research")
    if Report.objects.exists():  # a database another bench filled gets its research added
        wanted = ()
    for step in steps():
        if step.name in wanted:
            step.func(ctx)
    submitted = list(Report.objects.submitted().order_by("pk")[:BOOK_SIZE])
    copies, n = [], 0
    while len(submitted) + len(copies) < BOOK_SIZE and submitted:
        source = submitted[n % len(submitted)]
        source.pk, source.id = None, None
        source.title = f"{source.title}（{n + 2}）"
        copies.append(source)
        n += 1
    Report.objects.bulk_create(copies)


def _reader():
    """Someone who reads the whole tree: the root federation's chair."""
    from fuqing.orgs.models import Position, User

    return User.objects.filter(org__depth=1, position=Position.CHAIR, is_active=True).order_by("pk").first()


def _baseline(reports) -> None:
    import docx

    document = docx.Document()
    for report in reports:
        document.add_heading(report.title, level=1)
        for text in (report.situation, report.analysis, report.recommendations):
            for line in text.split("\n"):
                document.add_paragraph(line)
        document.add_page_break()
    document.save(io.BytesIO())


def run(args) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from fuqing.research.models import Report
    from fuqing.research.services.books import book_reports, build_book

    _ensure_data(args.scale)
    user = _reader()
    ids = list(
        Report.objects.visible_to(user)
        .submitted()
        .order_by("org__path", "pk")
        .values_list("pk", flat=True)[:BOOK_SIZE]
    )
    reports = book_reports(user, ids)
    folder = Path(tempfile.mkdtemp(prefix="fq-bench-book-"))
    path = folder / "book.docx"

    def compile_book():
        import datetime

        doc = build_book(
            title="2014年“下基层、访妇情、办实事”活动调研成果汇编",
            issuer="研究室",
            issued_on=datetime.date(2014, 9, 10),
            reports=book_reports(user, ids),
            user=user,
        )
        doc.save(str(path))
        return doc

    rss_before = max_rss_mb()
    with timed() as baseline:
        _baseline(reports)
    with CaptureQueriesContext(connection) as queries, timed() as elapsed:
        doc = compile_book()
    with traced_memory() as memory:  # Python objects only: lxml's C heap shows in the process's RSS
        compile_book()
    emit(
        scenario="research_book_100_reports",
        rows=len(reports),
        seconds=round(elapsed["seconds"], 2),
        baseline_seconds=round(baseline["seconds"], 2),
        peak_mb=memory["peak_mb"],
        rss_before_mb=rss_before,
        max_rss_mb=max_rss_mb(),
        queries=len(queries),
        pages_estimated=doc._page,
        size_kb=round(path.stat().st_size / 1024),
        engine=connection.vendor,
    )
    if shutil.which("soffice"):
        with timed() as converted:
            subprocess.run(
                [
                    "soffice",
                    f"-env:UserInstallation=file://{folder}/lo",
                    "--headless",
                    "--convert-to",
                    "pdf",
                    "--outdir",
                    str(folder),
                    str(path),
                ],
                capture_output=True,
                timeout=600,
                check=False,
            )
        pdf = folder / "book.pdf"
        pages = None
        if pdf.exists() and shutil.which("pdfinfo"):
            info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=False).stdout
            pages = next(
                (int(line.split()[1]) for line in info.splitlines() if line.startswith("Pages:")), None
            )
        emit(
            scenario="research_book_100_reports_libreoffice_pdf",
            rows=len(reports),
            seconds=round(converted["seconds"], 2),
            opened=pdf.exists(),
            pages=pages,
        )
    shutil.rmtree(folder, ignore_errors=True)
