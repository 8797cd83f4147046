"""Seeing a document the way a user does: LibreOffice converts an .xlsx or .docx to PDF, poppler's
``pdftotext -layout`` reads its pages back as text (one string per printed page).

Shared by the ledger tests (台账 print layout) and the Word document tests. Each conversion runs with
its own LibreOffice profile directory, so parallel test processes never fight over one profile lock.
When LibreOffice or poppler is missing, ``require_office()`` skips the test with the reason
(``make test`` installs them as root, like Chromium for the browser tests).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

SOFFICE_TIMEOUT = 180


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def require_office() -> None:
    """Skip the calling test when LibreOffice or pdftotext is not installed."""
    if soffice() is None:
        pytest.skip("LibreOffice (soffice) is not installed (make test installs libreoffice-*-nogui as root)")
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext is not installed (make test installs poppler-utils as root)")


def to_pdf(source: str | os.PathLike, outdir: str | os.PathLike | None = None) -> Path:
    """Convert a document to PDF with LibreOffice in a private profile; returns the PDF's path. Any
    document LibreOffice opens (``core.office.to_pdf`` lays out Word files with their bookmarks; a
    spreadsheet needs Calc's own PDF export, which the plain ``--convert-to pdf`` chooses)."""
    require_office()
    source = Path(source)
    outdir = Path(outdir or tempfile.mkdtemp(prefix="fq-office-out-"))
    profile = tempfile.mkdtemp(prefix="fq-office-profile-")
    try:
        result = subprocess.run(
            [
                soffice(),
                f"-env:UserInstallation=file://{profile}",
                "--headless",
                "--norestore",
                "--convert-to",
                "pdf",
                "--outdir",
                str(outdir),
                str(source),
            ],
            capture_output=True,
            text=True,
            timeout=SOFFICE_TIMEOUT,
        )
    finally:
        shutil.rmtree(profile, ignore_errors=True)
    pdf = outdir / (source.stem + ".pdf")
    if not pdf.exists():
        raise AssertionError(f"LibreOffice did not convert {source.name}: {result.stdout} {result.stderr}")
    return pdf


def pdf_pages(pdf: str | os.PathLike) -> list[str]:
    """The PDF's pages as text, laid out as printed (``pdftotext -layout``), one string per page."""
    from fuqing.core.office import pages

    require_office()
    return pages(Path(pdf))


def pdf_page_sizes(pdf: str | os.PathLike) -> list[tuple[float, float]]:
    """Each page's (width, height) in points, from ``pdfinfo`` (landscape A4 is about 842 × 595)."""
    out = subprocess.run(
        ["pdfinfo", "-f", "1", "-l", "999", str(pdf)], capture_output=True, text=True, check=True, timeout=60
    ).stdout
    sizes = []
    for line in out.splitlines():
        if line.startswith("Page") and "size:" in line:
            parts = line.split("size:")[1].split()
            sizes.append((float(parts[0]), float(parts[2])))
    return sizes


def document_pages(source: str | os.PathLike) -> list[str]:
    """Convert and read in one step: the printed pages of an .xlsx/.docx as text."""
    outdir = tempfile.mkdtemp(prefix="fq-office-out-")
    try:
        return pdf_pages(to_pdf(source, outdir))
    finally:
        shutil.rmtree(outdir, ignore_errors=True)
