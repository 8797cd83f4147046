"""The official-document helper (fuqing.core.documents): GB/T 9704 layout for RES-5 books and SUP-3
summaries. The document is read back with python-docx and, where LibreOffice is installed, converted
to PDF to prove it opens and lays out as intended."""

from __future__ import annotations

import datetime
import io
import re
import shutil
import subprocess
import zipfile

import docx
import pytest
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from lxml import etree

from fuqing.core import documents
from fuqing.core.documents import OfficialDocument, clean_text, cn_date, heading_level

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _sample(cover: bool = True, toc: bool = True) -> OfficialDocument:
    doc = OfficialDocument()
    if cover:
        doc.cover("2014年调研成果汇编", issuer="哈尔滨市妇联研究室", date=datetime.date(2014, 9, 1))
    if toc:
        doc.toc()
        doc.page_break()
    for n in range(2):
        doc.title(f"关于失地妇女就业情况的调研报告{n}")
        doc.subtitle("道里区妇联")
        doc.heading(1, "一、基本情况")
        doc.text("（一）总体情况\n2014年4月，共走访妇女**320人**。\n1. 就业难。\n（1）年龄偏大")
        doc.table([["群体", "人数"], ["失地妇女", 12]], title="表1 走访妇女人数")
        doc.signature("哈尔滨市妇女联合会", datetime.date(2014, 8, 30))
        if n == 0:
            doc.page_break()
    return doc


def _saved(doc: OfficialDocument) -> bytes:
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


def _part(data: bytes, name: str):
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return etree.fromstring(archive.read(name))


def _style(document, name):
    return document.styles[name]


def test_res5_page_is_a4_with_gbt9704_margins_and_text_block():
    document = docx.Document(io.BytesIO(_saved(_sample())))
    for section in document.sections:
        assert abs(section.page_width - Mm(210)) < Mm(0.1)
        assert abs(section.page_height - Mm(297)) < Mm(0.1)
        assert abs(section.top_margin - Mm(37)) < Mm(0.1)
        assert abs(section.left_margin - Mm(28)) < Mm(0.1)
        block_width = section.page_width - section.left_margin - section.right_margin
        block_height = section.page_height - section.top_margin - section.bottom_margin
        assert abs(block_width - Mm(156)) < Mm(0.1)
        assert abs(block_height - Mm(225)) < Mm(0.1)


def test_res5_body_grid_is_22_lines_of_28_characters():
    data = _saved(_sample(cover=False, toc=False))
    body = _part(data, "word/document.xml")
    grid = body.find(f".//{W}sectPr/{W}docGrid")
    pitch_pt = int(grid.get(f"{W}linePitch")) / 20
    block_height_pt = 225 / 25.4 * 72
    assert int(block_height_pt // pitch_pt) == 22
    document = docx.Document(io.BytesIO(data))
    body_style = _style(document, "FQ Body")
    assert body_style.paragraph_format.line_spacing == documents.LINE_PITCH
    condensed = int(body_style.element.rPr.find(qn("w:spacing")).get(qn("w:val"))) / 20
    pitch = 16 + condensed
    block_width_pt = 156 / 25.4 * 72
    assert int(block_width_pt // pitch) == 28


@pytest.mark.parametrize(
    ("style", "font", "size"),
    [
        ("FQ Body", "仿宋", 16),
        ("FQ Title", "方正小标宋简体", 22),
        ("FQ Heading 1", "黑体", 16),
        ("FQ Heading 2", "楷体", 16),
        ("FQ Heading 3", "仿宋", 16),
        ("FQ Heading 4", "仿宋", 16),
    ],
)
def test_res5_styles_use_the_standard_fonts_and_sizes(style, font, size):
    document = docx.Document(io.BytesIO(_saved(_sample(cover=False, toc=False))))
    found = _style(document, style)
    assert found.element.rPr.rFonts.get(qn("w:eastAsia")) == font
    assert found.font.size == Pt(size)


def test_res5_fallback_fonts_are_named_in_the_font_table():
    fonts = _part(_saved(_sample(cover=False, toc=False)), "word/fontTable.xml")
    alternates = {
        f.get(f"{W}name"): f.find(f"{W}altName").get(f"{W}val")
        for f in fonts.findall(f"{W}font")
        if f.find(f"{W}altName") is not None
    }
    assert alternates["仿宋"] == "仿宋_GB2312"
    assert alternates["楷体"] == "楷体_GB2312"
    assert "宋体" in alternates["方正小标宋简体"]


def test_res5_text_lines_become_headings_by_their_numbering():
    document = docx.Document(io.BytesIO(_saved(_sample(cover=False, toc=False))))
    by_text = {p.text: p.style.name for p in document.paragraphs if p.text}
    assert by_text["一、基本情况"] == "FQ Heading 1"
    assert by_text["（一）总体情况"] == "FQ Heading 2"
    assert by_text["1. 就业难。"] == "FQ Heading 3"
    assert by_text["（1）年龄偏大"] == "FQ Heading 4"
    assert by_text["2014年4月，共走访妇女320人。"] == "FQ Body"
    bold = [r.text for p in document.paragraphs for r in p.runs if r.bold]
    assert "320人" in bold


@pytest.mark.parametrize(
    ("line", "level"),
    [
        ("一、基本情况", 1),
        ("十二、其他", 1),
        ("（三）存在问题", 2),
        ("(三)存在问题", 2),
        ("1. 就业难", 3),
        ("2．收入低", 3),
        ("3、技能单一", 3),
        ("（2）年龄大", 4),
        ("2014年4月，走访", 0),
        ("3.5万元贷款", 0),
        ("正文", 0),
    ],
)
def test_res2_heading_level_follows_gbt9704_numbering(line, level):
    assert heading_level(line) == level


def test_res5_dates_are_written_the_official_way():
    assert cn_date(datetime.date(2014, 8, 30)) == "2014年8月30日"
    assert cn_date(datetime.date(2014, 4, 3)) == "2014年4月3日"
    document = docx.Document(io.BytesIO(_saved(_sample(cover=False, toc=False))))
    lines = [line.strip() for p in document.paragraphs for line in p.text.split("\n")]
    assert "2014年8月30日" in lines


def test_res5_footer_numbers_pages_odd_right_even_left():
    data = _saved(_sample())
    document = docx.Document(io.BytesIO(data))
    assert document.settings.odd_and_even_pages_header_footer
    first = document.sections[0]
    odd, even = first.footer.paragraphs[0], first.even_page_footer.paragraphs[0]
    for footer in (odd, even):
        assert footer.text.startswith("— ") and footer.text.endswith(" —")
        instructions = [e.text for e in footer._p.iter(qn("w:instrText"))]
        assert instructions == [" PAGE "]
    assert odd.paragraph_format.alignment == docx.enum.text.WD_ALIGN_PARAGRAPH.RIGHT
    assert even.paragraph_format.alignment == docx.enum.text.WD_ALIGN_PARAGRAPH.LEFT


def test_res5_cover_has_no_number_and_numbering_restarts_after_it():
    document = docx.Document(io.BytesIO(_saved(_sample())))
    cover, body = document.sections[0], document.sections[1]
    assert cover.different_first_page_header_footer
    assert not body.different_first_page_header_footer
    assert body._sectPr.find(qn("w:pgNumType")).get(qn("w:start")) == "1"
    with pytest.raises(ValueError):
        doc = OfficialDocument()
        doc.paragraph("正文")
        doc.cover("迟到的封面")


def test_res5_table_of_contents_is_a_field_with_entries_and_bookmarks():
    data = _saved(_sample())
    body = _part(data, "word/document.xml")
    instructions = [e.text.strip() for e in body.iter(f"{W}instrText")]
    assert instructions[0].startswith("TOC ")
    pagerefs = [i for i in instructions if i.startswith("PAGEREF")]
    assert len(pagerefs) == 2
    bookmarks = {b.get(f"{W}name") for b in body.iter(f"{W}bookmarkStart")}
    assert {p.split()[1] for p in pagerefs} <= bookmarks
    settings = _part(data, "word/settings.xml")
    assert settings.find(f"{W}updateFields").get(f"{W}val") == "true"
    # the estimated page numbers: contents on page 1, the reports on pages 2 and 3
    document = docx.Document(io.BytesIO(data))
    entries = [p.text for p in document.paragraphs if p.style.name == "FQ TOC"]
    assert entries == ["关于失地妇女就业情况的调研报告0\t2", "关于失地妇女就业情况的调研报告1\t3"]


def test_res5_field_characters_are_balanced():
    body = _part(_saved(_sample()), "word/document.xml")
    kinds = [e.get(f"{W}fldCharType") for e in body.iter(f"{W}fldChar")]
    depth = 0
    for kind in kinds:
        depth += {"begin": 1, "end": -1}.get(kind, 0)
        assert depth >= 0
    assert depth == 0


# Element order of the OOXML schema (Word refuses files that break it; LibreOffice is lenient).
ORDERS = {
    "pPr": (
        "pStyle keepNext keepLines pageBreakBefore framePr widowControl numPr suppressLineNumbers pBdr shd "
        "tabs suppressAutoHyphens kinsoku wordWrap overflowPunct topLinePunct autoSpaceDE autoSpaceDN bidi "
        "adjustRightInd snapToGrid spacing ind contextualSpacing mirrorIndents suppressOverlap jc "
        "textDirection textAlignment textboxTightWrap outlineLvl divId cnfStyle rPr sectPr pPrChange"
    ).split(),
    "rPr": documents._RPR_ORDER,
    "sectPr": documents.SECTPR_ORDER,
}


def _check_order(root) -> list[str]:
    problems = []
    for name, order in ORDERS.items():
        for element in root.iter(f"{W}{name}"):
            tags = [c.tag.replace(W, "") for c in element if c.tag.startswith(W)]
            known = [t for t in tags if t in order]
            if known != sorted(known, key=order.index):
                problems.append(f"{name}: {tags}")
    return problems


def test_res5_xml_follows_the_schema_order_word_requires():
    data = _saved(_sample())
    for part in ("word/document.xml", "word/styles.xml", "word/footer1.xml"):
        try:
            root = _part(data, part)
        except KeyError:
            continue
        assert _check_order(root) == [], part
    settings = [c.tag.replace(W, "") for c in _part(data, "word/settings.xml") if c.tag.startswith(W)]
    assert settings.index("evenAndOddHeaders") < settings.index("updateFields") < settings.index("compat")


def test_res5_control_characters_never_break_the_document():
    doc = OfficialDocument()
    doc.title("标题\x00")
    doc.paragraph("正文\x07带控制字符\r\n下一行")
    document = docx.Document(io.BytesIO(_saved(doc)))
    assert [p.text for p in document.paragraphs][:2] == ["标题", "正文带控制字符 下一行"]
    assert clean_text("a\x0bb\r\nc") == "ab\nc"


def test_res5_document_without_contents_has_no_update_prompt():
    settings = _part(_saved(_sample(cover=False, toc=False)), "word/settings.xml")
    assert settings.find(f"{W}updateFields") is None


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed")
def test_res5_libreoffice_converts_the_document_to_pdf(tmp_path):
    """RES-5: the book opens cleanly in LibreOffice (headless conversion succeeds, pages as laid out)."""
    path = tmp_path / "book.docx"
    _sample().save(str(path))
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
    pdf = tmp_path / "book.pdf"
    assert result.returncode == 0 and pdf.exists(), result.stderr
    assert pdf.read_bytes().startswith(b"%PDF")
    if shutil.which("pdfinfo"):
        info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
        pages = int(next(line for line in info.splitlines() if line.startswith("Pages:")).split()[1])
        assert pages == 4  # cover, contents, two reports
        assert "595" in info and "841" in info  # A4 in points
    if shutil.which("pdftotext"):
        text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True).stdout
        pages = text.split("\f")
        assert "哈尔滨市妇联研究室" in pages[0] and "—" not in pages[0]  # the cover has no number
        assert "— 1 —" in pages[1].replace("—1—", "— 1 —")
        # the contents' estimated page numbers are where LibreOffice put the reports
        assert "调研报告1" in pages[3].replace(" ", "")
        listed = re.search(r"调研报告1\.+(\d+)", pages[1].replace(" ", "")).group(1)
        assert f"—{listed}—" in pages[3].replace(" ", "")
