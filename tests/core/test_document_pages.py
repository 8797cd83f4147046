"""RES-5 / SUP-3 as the reader sees them: the document laid out by LibreOffice and its pages read back.

The contents' page numbers are the pages the titles are printed on without any field update, and a
signature and date never open a page alone."""

from __future__ import annotations

import datetime
import re

from fuqing.core.documents import OfficialDocument
from tests.office import pdf_pages, require_office, to_pdf

ISSUER, DATE = "哈尔滨市妇女联合会", datetime.date(2014, 8, 30)
LINE = "共走访妇女二十人。"  # one line of the 28-character grid
LONG = (
    "2014年4月，道里区妇联班子成员带队深入新农镇、太平镇等城乡结合部的12个村屯，"
    "采取入户走访、座谈交流和问卷调查相结合的方式，了解失地妇女的就业状况（Survey 2014-04）。"
)


def flat(text: str) -> str:
    return re.sub(r"\s+", "", text)


def printed_number(page: str) -> int | None:
    numbers = re.findall(r"—(\d+)—", flat(page))
    return int(numbers[-1]) if numbers else None


def contents(pages: list[str]) -> dict[str, int]:
    """Title → the page number the contents page prints for it."""
    listed, pending = {}, ""
    for page in pages:
        if "目录" not in flat(page):
            continue
        for line in map(flat, page.splitlines()):
            if not line or line == "目录" or re.fullmatch(r"—\d+—", line):
                continue
            if match := re.match(r"^(.*?)\.{2,}(\d+)$", line):  # an entry's last line: title….page
                listed[pending + match.group(1)] = int(match.group(2))
                pending = ""
            else:  # a long title wraps onto the next line
                pending += line
    return listed


def where_printed(pages: list[str], title: str) -> int:
    """The printed number of the body page that carries the title (contents pages excluded)."""
    found = [printed_number(p) for p in pages if title in flat(p) and "目录" not in flat(p)]
    assert len(found) == 1, (title, found)
    return found[0]


def assert_signature_never_alone(pages: list[str], issuer: str, date: str) -> int:
    """Each page with the date also carries the issuer and text before them; returns how many."""
    seen = 0
    for page in pages:
        lines = [flat(line) for line in page.splitlines() if line.strip()]
        if date not in lines:
            continue
        seen += 1
        at = lines.index(date)
        assert at >= 2 and lines[at - 1] == issuer, page
        before = [line for line in lines[: at - 1] if line]
        assert before, f"the signature opens the page alone:\n{page}"
    return seen


def _book(lengths: list[int]) -> OfficialDocument:
    """A book whose reports have these many one-line paragraphs: the spread puts some signatures right
    at a page's end, and the estimated pagination drifts from LibreOffice's over a long book."""
    doc = OfficialDocument()
    doc.cover("2014年调研成果汇编", issuer="哈尔滨市妇联研究室", date=datetime.date(2014, 9, 1))
    doc.toc()
    for n, count in enumerate(lengths, 1):
        doc.page_break()
        doc.title(f"第{n}篇调研报告" + ("：关于城乡结合部失地妇女就业和社会保障情况" if n % 2 else ""))
        doc.subtitle("道里区妇联")
        doc.heading(1, "一、基本情况")
        for _ in range(n % 4):
            doc.paragraph(LONG * (n % 3 + 1))
        for _ in range(count):
            doc.paragraph(LINE)
        if n % 3 == 0:
            doc.table([["群体", "人数"], ["失地妇女", 12], ["留守妇女", 7]], title="表1 走访妇女人数")
        doc.signature(ISSUER, DATE)
    return doc


def test_res5_contents_carry_the_pages_libreoffice_prints_the_titles_on(tmp_path):
    require_office()
    lengths = [14, 15, 16, 17, 18, 19, 40, 63, 9, 120, 17, 18]
    path = tmp_path / "book.docx"
    _book(lengths).save(str(path), paginate=True)
    pages = pdf_pages(to_pdf(path, tmp_path))
    listed = contents(pages)
    assert [t[: t.index("篇") + 1] for t in listed] == [f"第{n}篇" for n in range(1, len(lengths) + 1)]
    for title, number in listed.items():
        assert where_printed(pages, title) == number, title
    assert assert_signature_never_alone(pages, ISSUER, "2014年8月30日") == len(lengths)


def test_res5_estimates_alone_would_be_wrong_here(tmp_path):
    """The case above is one the 22 × 28 estimate gets wrong: paginating is what makes it right."""
    require_office()
    lengths = [14, 15, 16, 17, 18, 19, 40, 63, 9, 120, 17, 18]
    path = tmp_path / "estimated.docx"
    _book(lengths).save(str(path))
    pages = pdf_pages(to_pdf(path, tmp_path))
    listed = contents(pages)
    assert any(where_printed(pages, t) != n for t, n in listed.items())


def test_sup3_signature_kept_with_a_closing_paragraph_at_every_page_position(tmp_path):
    """One document per length so each signature meets the page end at another line."""
    require_office()
    doc = OfficialDocument()
    for count in range(14, 22):
        doc.page_break()
        doc.title(f"总结{count}", toc=False)
        doc.subtitle("道里区妇联")
        for _ in range(count):
            doc.paragraph(LINE)
        doc.signature(ISSUER, DATE)
    path = tmp_path / "summaries.docx"
    doc.save(str(path))
    pages = pdf_pages(to_pdf(path, tmp_path))
    assert assert_signature_never_alone(pages, ISSUER, "2014年8月30日") == 8
    # no page starts with an empty line left by a page break
    assert all(flat(p.splitlines()[0]) if p.splitlines() else True for p in pages)
