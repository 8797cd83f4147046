"""LibreOffice as a layout engine: a .docx laid out to PDF, and where its bookmarks landed.

Word fills a table of contents when it updates fields; LibreOffice and WPS show the numbers written in the
file. So a document with a contents page is laid out once here (``soffice --headless``, a private profile
per run so parallel jobs do not share one) and its real page numbers are written back (RES-5, D-"contents
with real page numbers"). Without LibreOffice on the machine ``available()`` is False and callers keep
their estimates.
"""

from __future__ import annotations

import json
import logging
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

log = logging.getLogger(__name__)

TIMEOUT_SECONDS = 600  # a 500-report book lays out in about a minute on one core
_PDF_EXPORT = {"ExportBookmarksToPDFDestination": {"type": "boolean", "value": "true"}}
_DEST = re.compile(r"^\s*(\d+)\s+\[.*\]\s+\"(.*)\"\s*$")
_FOOTER_NUMBER = re.compile(r"—\s*(\d+)\s*—")


class OfficeError(RuntimeError):
    """LibreOffice or poppler failed on a document."""


def binary() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def available() -> bool:
    """LibreOffice and poppler's pdfinfo/pdftotext are all installed."""
    return bool(binary() and shutil.which("pdfinfo") and shutil.which("pdftotext"))


def to_pdf(document: Path, outdir: Path) -> Path:
    """Lay ``document`` out to ``outdir/<stem>.pdf``; Word bookmarks become named PDF destinations."""
    soffice = binary()
    if soffice is None:
        raise OfficeError("LibreOffice (soffice) is not installed")
    with tempfile.TemporaryDirectory(prefix="fq-lo-") as profile:
        cmd = [
            soffice,
            f"-env:UserInstallation=file://{profile}",
            "--headless",
            "--norestore",
            "--convert-to",
            "pdf:writer_pdf_Export:" + json.dumps(_PDF_EXPORT),
            "--outdir",
            str(outdir),
            str(document),
        ]
        try:
            done = subprocess.run(cmd, capture_output=True, text=True, timeout=TIMEOUT_SECONDS)  # noqa: S603
        except subprocess.TimeoutExpired as exc:
            raise OfficeError("LibreOffice took too long") from exc
    pdf = outdir / f"{document.stem}.pdf"
    if done.returncode != 0 or not pdf.exists():
        raise OfficeError(f"LibreOffice failed: {done.stderr.strip()[:500]}")
    return pdf


def pages(pdf: Path) -> list[str]:
    """The text of each page as ``pdftotext -layout`` reads it."""
    done = subprocess.run(  # noqa: S603
        [shutil.which("pdftotext") or "pdftotext", "-layout", str(pdf), "-"],
        capture_output=True,
        text=True,
        timeout=TIMEOUT_SECONDS,
    )
    if done.returncode != 0:
        raise OfficeError(f"pdftotext failed: {done.stderr.strip()[:500]}")
    texts = done.stdout.split("\f")
    return texts[:-1] if texts and not texts[-1].strip() else texts


def destinations(pdf: Path) -> dict[str, int]:
    """Named destination → physical page (1-based). LibreOffice writes ``_`` in names as ``5F``."""
    done = subprocess.run(  # noqa: S603
        [shutil.which("pdfinfo") or "pdfinfo", "-dests", str(pdf)],
        capture_output=True,
        text=True,
        timeout=TIMEOUT_SECONDS,
    )
    if done.returncode != 0:
        raise OfficeError(f"pdfinfo failed: {done.stderr.strip()[:500]}")
    found = {}
    for line in done.stdout.splitlines():
        if match := _DEST.match(line):
            name = match.group(2)
            found["_" + name[2:] if name.startswith("5F") else name] = int(match.group(1))
    return found


def printed_number(page_text: str) -> int | None:
    """The page number printed in the page's footer (— 3 —), None on an unnumbered page."""
    numbers = _FOOTER_NUMBER.findall(page_text)
    return int(numbers[-1]) if numbers else None


def bookmark_pages(document: Path) -> dict[str, int]:
    """Bookmark → the page number printed on the page where LibreOffice put it."""
    with tempfile.TemporaryDirectory(prefix="fq-pdf-") as folder:
        pdf = to_pdf(document, Path(folder))
        texts = pages(pdf)
        result = {}
        for name, page in destinations(pdf).items():
            printed = printed_number(texts[page - 1]) if 0 < page <= len(texts) else None
            if printed is not None:
                result[name] = printed
        return result
