"""Word documents in official-document style after GB/T 9704-2012 (党政机关公文格式), with python-docx.

One small API for every document the platform drafts (research books RES-5, activity summaries SUP-3)::

    doc = OfficialDocument()
    doc.cover("2014年调研成果汇编", issuer="哈尔滨市妇联研究室", date=datetime.date(2014, 9, 1))  # optional
    doc.toc()                                   # a table-of-contents field (optional)
    doc.title("关于失地妇女就业情况的调研报告")    # 2号小标宋, centred; listed in the table of contents
    doc.subtitle("道里区妇联")                   # 3号楷体, centred (author, unit)
    doc.heading(1, "一、基本情况")               # 1: 黑体  2: 楷体  3, 4: 仿宋
    doc.paragraph("2014年4月，……")              # body: 3号仿宋, first line indented two characters
    doc.text("（一）……\\n1. ……\\n正文……")       # several lines; headings recognised by their numbering
    doc.table([["群体", "人数"], ["失地妇女", 12]], title="表1 走访妇女人数")
    doc.signature("哈尔滨市妇女联合会", datetime.date(2014, 8, 30))   # 2014年8月30日, right-aligned
    doc.page_break()
    doc.save(path_or_file)

The page (GB/T 9704 §5.2, §7): A4; top margin 37 mm; binding (left) margin 28 mm; text block 156 × 225 mm
(so right 26 mm, bottom 35 mm); 22 lines × 28 characters (exact line pitch 28.95 pt, no snapping grid); page
numbers "— 1 —" in 4号 宋体 below the text block, odd pages right and even pages left, one character in.

Fonts: the standard names 仿宋_GB2312, 楷体_GB2312 and 小标宋, which stock Windows lacks. We use 仿宋,
楷体 and 黑体 (present on every Windows since Vista, in WPS and on Kylin/UOS) and 方正小标宋简体 for the
title; the font table gives each an alternate name (仿宋_GB2312, 楷体_GB2312, 华文中宋 / 宋体) for
machines that have those instead. Digits and Latin letters use Times New Roman. Pass ``fonts=`` to
override any of them. LibreOffice without the fonts substitutes Noto CJK, keeping the layout.

Inline ``**bold**`` is honoured in paragraphs and headings. A table of contents is written with its
entries already filled in, as PAGEREF fields to bookmarks. LibreOffice and WPS show the numbers written in
the file, so ``save(target, paginate=True)`` lays the document out once with LibreOffice
(``fuqing.core.office``) and writes the page numbers where the titles really landed; without LibreOffice
the numbers are estimated from the 22 × 28 grid. Word recomputes them on opening (``updateFields``).

The signature and date are kept with the paragraph (or the table's last row) before them, so they never
open a page alone; a page break is the next paragraph's "page break before", not an empty paragraph.
"""

from __future__ import annotations

import datetime
import logging
import math
import re
import tempfile
from collections.abc import Iterable, Sequence
from pathlib import Path

from docx import Document
from docx.enum.section import WD_SECTION
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING, WD_TAB_ALIGNMENT, WD_TAB_LEADER
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.oxml.parser import parse_xml
from docx.shared import Mm, Pt
from docx.text.paragraph import Paragraph
from lxml import etree

from fuqing.core import office

log = logging.getLogger(__name__)

# --- GB/T 9704 measures --------------------------------------------------------------------------
PAGE_WIDTH_MM, PAGE_HEIGHT_MM = 210, 297
TOP_MM, BINDING_MM = 37, 28
TEXT_WIDTH_MM, TEXT_HEIGHT_MM = 156, 225
RIGHT_MM = PAGE_WIDTH_MM - BINDING_MM - TEXT_WIDTH_MM  # 26
BOTTOM_MM = PAGE_HEIGHT_MM - TOP_MM - TEXT_HEIGHT_MM  # 35
LINES_PER_PAGE, CHARS_PER_LINE = 22, 28
LINE_PITCH = Pt(28.95)  # 22 lines fill the 225 mm text block (579 twips, as in the standard's templates)
SIZE_2, SIZE_3, SIZE_4 = Pt(22), Pt(16), Pt(14)  # 二号, 三号, 四号
TEXT_WIDTH_PT = TEXT_WIDTH_MM / 25.4 * 72
CHAR_PITCH_PT = TEXT_WIDTH_PT / CHARS_PER_LINE  # 15.79 pt: 28 characters of 三号 per line
# 三号 text is condensed by 0.25 pt (15.75 pt a character) so 28 fit a line in Word and LibreOffice alike;
# a lines-and-characters grid would do it in Word, but LibreOffice gives 16 pt characters two cells of it.
CONDENSE_TWENTIETHS = -5

FONTS = {
    "body": "仿宋",
    "kai": "楷体",
    "hei": "黑体",
    "title": "方正小标宋简体",
    "song": "宋体",
    "latin": "Times New Roman",
}
ALT_FONT_NAMES = {"仿宋": "仿宋_GB2312", "楷体": "楷体_GB2312", "方正小标宋简体": "华文中宋;宋体"}

HEADING_PATTERNS = (
    (1, re.compile(r"^[一二三四五六七八九十百]+、")),
    (2, re.compile(r"^[（(][一二三四五六七八九十百]+[）)]")),
    (3, re.compile(r"^\d{1,2}[.．、](?!\d)")),
    (4, re.compile(r"^[（(]\d{1,2}[）)]")),
)
_BOLD = re.compile(r"\*\*(.+?)\*\*")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def cn_date(value: datetime.date) -> str:
    """A date as official documents write it: 2014年8月30日 (GB/T 9704 §7.3.5.3, Arabic numerals)."""
    return f"{value.year}年{value.month}月{value.day}日"


def heading_level(line: str) -> int:
    """0 for body text, else 1 (一、) 2 (（一）) 3 (1.) or 4 (（1）) by the line's numbering."""
    stripped = line.strip()
    for level, pattern in HEADING_PATTERNS:
        if pattern.match(stripped):
            return level
    return 0


def clean_text(value: str) -> str:
    """Text safe for the document's XML: control characters removed, line ends normalised."""
    return _CONTROL.sub("", (value or "").replace("\r\n", "\n").replace("\r", "\n"))


def text_width(text: str) -> float:
    """Width in 三号 character cells: CJK and full-width count 1, Latin letters and digits 0.5."""
    return sum(0.5 if ord(ch) < 0x2E80 else 1.0 for ch in text)


# --- XML helpers ----------------------------------------------------------------------------------

SECTPR_ORDER = (
    "headerReference footerReference footnotePr endnotePr type pgSz pgMar paperSrc pgBorders lnNumType "
    "pgNumType cols formProt vAlign noEndnote titlePg textDirection bidi rtlGutter docGrid printerSettings"
).split()
SETTINGS_SUCCESSORS = (
    "hdrShapeDefaults footnotePr endnotePr compat docVars rsids mathPr attachedSchema themeFontLang "
    "clrSchemeMapping doNotIncludeSubdocsInStats doNotAutoCompressPictures forceUpgrade captions "
    "readModeInkLockDown smartTagType schemaLibrary shapeDefaults doNotEmbedSmartTags decimalSymbol "
    "listSeparator"
).split()


def _set_child(parent, tag: str, order: Sequence[str], **attrs):
    """Get or create ``w:tag`` under ``parent`` at its schema position; set its attributes."""
    child = parent.find(qn(f"w:{tag}"))
    if child is None:
        child = OxmlElement(f"w:{tag}")
        later = order[order.index(tag) + 1 :]
        anchor = next((c for c in parent if c.tag in {qn(f"w:{t}") for t in later}), None)
        if anchor is None:
            parent.append(child)
        else:
            anchor.addprevious(child)
    for key, value in attrs.items():
        child.set(qn(f"w:{key}"), str(value))
    return child


def _set_fonts(rpr, east_asia: str, latin: str) -> None:
    fonts = rpr.get_or_add_rFonts()
    for key in list(fonts.attrib):
        if key.endswith("Theme") or key.endswith("theme"):
            del fonts.attrib[key]
    for attr, name in (("ascii", latin), ("hAnsi", latin), ("eastAsia", east_asia), ("cs", latin)):
        fonts.set(qn(f"w:{attr}"), name)


def _field_part(paragraph, kind: str, instruction: str = ""):
    """One run of a complex field: ``begin``, ``instr`` (with its instruction), ``separate`` or ``end``."""
    run = paragraph.add_run()
    if kind == "instr":
        element = OxmlElement("w:instrText")
        element.set(qn("xml:space"), "preserve")
        element.text = f" {instruction} "
    else:
        element = OxmlElement("w:fldChar")
        element.set(qn("w:fldCharType"), kind)
    run._r.append(element)
    return run._r


def _field_runs(paragraph, instruction: str, result: str = "") -> None:
    """A whole field (begin, instruction, separate, cached result, end) at the paragraph's end."""
    _field_part(paragraph, "begin")
    _field_part(paragraph, "instr", instruction)
    _field_part(paragraph, "separate")
    if result:
        paragraph.add_run(result)
    _field_part(paragraph, "end")


class OfficialDocument:
    """A Word document laid out after GB/T 9704. Add content in reading order, then ``save``."""

    def __init__(self, fonts: dict | None = None):
        self.fonts = {**FONTS, **(fonts or {})}
        self.doc = Document()
        self._style_ids: dict[str, str] = {}
        self._toc_anchor = None
        self._toc_levels = 1
        self._toc_entries: list[tuple[int, str, str, int]] = []  # level, text, bookmark, page
        self._toc_numbers: dict[str, object] = {}  # bookmark → the run holding its page number
        self._break_before_next = False
        self._bookmark = 0
        self._page, self._lines = 1, 0.0
        self._numbered_from_cover = False
        self._setup_page(self.doc.sections[0])
        self._setup_styles()
        self._setup_footers(self.doc.sections[0])
        self._setup_font_table()
        self.doc.settings.odd_and_even_pages_header_footer = True
        self._body_started = False

    # --- set-up -------------------------------------------------------------------------------
    def _setup_page(self, section) -> None:
        section.page_width, section.page_height = Mm(PAGE_WIDTH_MM), Mm(PAGE_HEIGHT_MM)
        section.top_margin, section.bottom_margin = Mm(TOP_MM), Mm(BOTTOM_MM)
        section.left_margin, section.right_margin = Mm(BINDING_MM), Mm(RIGHT_MM)
        section.header_distance = Mm(15)
        # The page number's dash sits 7 mm below the text block (§7.5).
        section.footer_distance = Mm(BOTTOM_MM - 7) - SIZE_4
        # The 22 lines come from every style's exact 28.95 pt line spacing; the grid only records the
        # pitch. A "lines" grid would add nothing in Word (exact spacing is never snapped) and makes
        # LibreOffice ignore "keep with next", leaving a signature or date alone on a page.
        _set_child(
            section._sectPr,
            "docGrid",
            SECTPR_ORDER,
            type="default",
            linePitch=round(LINE_PITCH.pt * 20),
        )

    def _style(
        self, name: str, font: str, size, *, base="Normal", align=None, indent=True, outline=None, keep=False
    ):
        styles = self.doc.styles
        style = (
            styles[name]
            if name in [s.name for s in styles]
            else styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        )
        if name != "Normal":
            style.base_style = styles[base]
        style.font.size = size
        rpr = style.element.get_or_add_rPr()
        _set_fonts(rpr, self.fonts[font], self.fonts["latin"])
        if size == SIZE_3:
            _set_child(rpr, "spacing", _RPR_ORDER, val=CONDENSE_TWENTIETHS)
        fmt = style.paragraph_format
        fmt.space_before = fmt.space_after = Pt(0)
        fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        fmt.line_spacing = LINE_PITCH
        if align is not None:
            fmt.alignment = align
        if indent:
            fmt.first_line_indent = Pt(CHAR_PITCH_PT * 2)
            style.element.get_or_add_pPr().get_or_add_ind().set(qn("w:firstLineChars"), "200")
        if outline is not None:
            style.element.get_or_add_pPr().get_or_add_outlineLvl().val = outline
        fmt.keep_with_next = keep
        return style

    def _setup_styles(self) -> None:
        normal = self._style("Normal", "body", SIZE_3, indent=False, align=WD_ALIGN_PARAGRAPH.JUSTIFY)
        lang = _set_child(normal.element.get_or_add_rPr(), "lang", _RPR_ORDER)
        lang.set(qn("w:val"), "en-US")
        lang.set(qn("w:eastAsia"), "zh-CN")
        defaults = self.doc.styles.element.find(qn("w:docDefaults"))
        fonts = defaults.find(f"{qn('w:rPrDefault')}/{qn('w:rPr')}/{qn('w:rFonts')}")
        for key in list(fonts.attrib):
            del fonts.attrib[key]
        fonts.set(qn("w:eastAsia"), self.fonts["body"])
        fonts.set(qn("w:ascii"), self.fonts["latin"])
        fonts.set(qn("w:hAnsi"), self.fonts["latin"])
        for tag in ("sz", "szCs"):  # the grid's character pitch is reckoned from the default size
            defaults.find(f"{qn('w:rPrDefault')}/{qn('w:rPr')}/{qn(f'w:{tag}')}").set(
                qn("w:val"), str(int(SIZE_3.pt * 2))
            )
        self._style("FQ Body", "body", SIZE_3)
        self._style(
            "FQ Title", "title", SIZE_2, align=WD_ALIGN_PARAGRAPH.CENTER, indent=False, outline=0, keep=True
        )
        self._style("FQ Subtitle", "kai", SIZE_3, align=WD_ALIGN_PARAGRAPH.CENTER, indent=False, keep=True)
        self._style("FQ Heading 1", "hei", SIZE_3, outline=1, keep=True)
        self._style("FQ Heading 2", "kai", SIZE_3, outline=2, keep=True)
        self._style("FQ Heading 3", "body", SIZE_3, outline=3)
        self._style("FQ Heading 4", "body", SIZE_3, outline=4)
        self._style("FQ Signature", "body", SIZE_3, align=WD_ALIGN_PARAGRAPH.RIGHT, indent=False)
        self._style("FQ Caption", "hei", SIZE_4, align=WD_ALIGN_PARAGRAPH.CENTER, indent=False, keep=True)
        cell = self._style("FQ Table", "body", SIZE_4, align=WD_ALIGN_PARAGRAPH.CENTER, indent=False)
        cell.paragraph_format.line_spacing = Pt(22)
        toc = self._style("FQ TOC", "body", SIZE_3, indent=False, align=WD_ALIGN_PARAGRAPH.LEFT)
        tabs = toc.paragraph_format.tab_stops
        tabs.add_tab_stop(Mm(TEXT_WIDTH_MM) - Pt(1), WD_TAB_ALIGNMENT.RIGHT, WD_TAB_LEADER.DOTS)
        self._style("FQ Cover Title", "title", Pt(26), align=WD_ALIGN_PARAGRAPH.CENTER, indent=False)
        self._style("FQ Cover Line", "kai", SIZE_3, align=WD_ALIGN_PARAGRAPH.CENTER, indent=False)
        footer = self._style("Footer", "song", SIZE_4, indent=False)
        footer.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE

    def _setup_footers(self, section) -> None:
        """— 1 — in 4号 宋体: odd pages right, even pages left, one character in (§7.5)."""
        for footer, align in ((section.footer, "right"), (section.even_page_footer, "left")):
            footer.is_linked_to_previous = False
            paragraph = footer.paragraphs[0]
            paragraph.style = self.doc.styles["Footer"]
            fmt = paragraph.paragraph_format
            if align == "right":
                fmt.alignment = WD_ALIGN_PARAGRAPH.RIGHT
                fmt.right_indent = SIZE_4
            else:
                fmt.alignment = WD_ALIGN_PARAGRAPH.LEFT
                fmt.left_indent = SIZE_4
            paragraph.add_run("— ")
            _field_runs(paragraph, "PAGE", "1")
            paragraph.add_run(" —")

    def _setup_font_table(self) -> None:
        """Alternate names so Word picks 仿宋_GB2312 etc. where only those are installed."""
        part = next(
            (rel.target_part for rel in self.doc.part.rels.values() if rel.reltype.endswith("/fontTable")),
            None,
        )
        if part is None:
            return
        root = parse_xml(part.blob)
        for name in dict.fromkeys(self.fonts[k] for k in ("body", "kai", "hei", "title", "song")):
            font = OxmlElement("w:font")
            font.set(qn("w:name"), name)
            if name in ALT_FONT_NAMES:
                alt = OxmlElement("w:altName")
                alt.set(qn("w:val"), ALT_FONT_NAMES[name])
                font.append(alt)
            charset = OxmlElement("w:charset")
            charset.set(qn("w:val"), "86")  # GB2312
            font.append(charset)
            family = OxmlElement("w:family")
            family.set(qn("w:val"), "modern" if name in ("仿宋", "黑体") else "roman")
            font.append(family)
            root.append(font)
        part._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)

    # --- content ------------------------------------------------------------------------------
    def _styled(self, paragraph, style: str):
        """Set a paragraph's style by id: python-docx's own lookup scans every style each time, which is
        most of the cost of a long book."""
        if style not in self._style_ids:
            self._style_ids[style] = self.doc.styles[style].style_id
        paragraph._p.get_or_add_pPr().style = self._style_ids[style]
        return paragraph

    def _new(self, style: str):
        paragraph = self._styled(self.doc.add_paragraph(), style)
        if self._break_before_next:
            paragraph.paragraph_format.page_break_before = True
            self._break_before_next = False
        return paragraph

    def _advance(self, lines: float) -> None:
        self._body_started = True
        self._lines += lines
        while self._lines > LINES_PER_PAGE:
            self._page += 1
            self._lines -= LINES_PER_PAGE

    @staticmethod
    def _lines_for(text: str, indent: float = 2, per_line: float = CHARS_PER_LINE) -> int:
        return max(1, math.ceil((indent + text_width(text)) / per_line))

    def _add(self, style: str, text: str):
        paragraph = self._new(style)
        position = 0
        text = clean_text(text).replace("\n", " ")
        for match in _BOLD.finditer(text):
            if match.start() > position:
                paragraph.add_run(text[position : match.start()])
            paragraph.add_run(match.group(1)).bold = True
            position = match.end()
        if position < len(text):
            paragraph.add_run(text[position:])
        return paragraph

    def cover(self, title: str, *, subtitle: str = "", issuer: str = "", date: datetime.date | None = None):
        """A cover page without a page number; numbering starts at 1 on the next page."""
        if self._body_started or self._numbered_from_cover:
            raise ValueError("the cover must be the first thing in the document")
        for _ in range(4):
            self._new("FQ Cover Line")
        self._add("FQ Cover Title", title)
        if subtitle:
            self._new("FQ Cover Line")
            self._add("FQ Cover Line", subtitle)
        for _ in range(8):
            self._new("FQ Cover Line")
        if issuer:
            self._add("FQ Cover Line", issuer)
        if date:
            self._add("FQ Cover Line", cn_date(date))
        first = self.doc.sections[0]
        first.different_first_page_header_footer = True
        body = self.doc.add_section(WD_SECTION.NEW_PAGE)
        body.different_first_page_header_footer = False
        _set_child(body._sectPr, "pgNumType", SECTPR_ORDER, start=1)
        self._numbered_from_cover = True
        self._page, self._lines = 1, 0.0

    def toc(self, heading: str = "目　　录", levels: int = 1) -> None:
        """A table-of-contents field listing titles (level 1) and, with ``levels`` > 1, headings."""
        self._clear_outline(self._add("FQ Title", heading))
        self._new("FQ Body")
        self._toc_anchor = self._new("FQ TOC")
        self._toc_levels = levels
        self._advance(3)

    @staticmethod
    def _clear_outline(paragraph) -> None:
        """The contents page's own heading is not an entry of itself (outline level 9 = body text)."""
        paragraph._p.get_or_add_pPr().get_or_add_outlineLvl().val = 9

    def _bookmarked(self, paragraph, level: int, text: str) -> None:
        self._bookmark += 1
        name = f"_Toc{self._bookmark:08d}"
        start = OxmlElement("w:bookmarkStart")
        start.set(qn("w:id"), str(self._bookmark))
        start.set(qn("w:name"), name)
        end = OxmlElement("w:bookmarkEnd")
        end.set(qn("w:id"), str(self._bookmark))
        p = paragraph._p
        ppr = p.pPr
        (ppr.addnext if ppr is not None else lambda e: p.insert(0, e))(start)
        p.append(end)
        self._toc_entries.append((level, text, name, self._page))

    def title(self, text: str, toc: bool = True):
        """The document title: 2号小标宋, centred, followed by a blank line."""
        paragraph = self._add("FQ Title", text)
        if toc:
            self._bookmarked(paragraph, 1, clean_text(text))
        else:
            self._clear_outline(paragraph)
        self._advance(self._lines_for(text, 0, TEXT_WIDTH_PT / SIZE_2.pt))
        return paragraph

    def subtitle(self, text: str):
        """A centred line under the title (author, unit, date) in 3号楷体, then a blank line."""
        paragraph = self._add("FQ Subtitle", text)
        self._new("FQ Body")
        self._advance(2)
        return paragraph

    def heading(self, level: int, text: str):
        """A heading of level 1 (一、黑体), 2 (（一）楷体), 3 (1. 仿宋) or 4 (（1）仿宋)."""
        if level not in (1, 2, 3, 4):
            raise ValueError("heading level must be 1 to 4")
        if level <= 2 and self._lines > LINES_PER_PAGE - 2:
            self._advance(LINES_PER_PAGE - self._lines)  # kept with its text, it opens the next page
        paragraph = self._add(f"FQ Heading {level}", text)
        if self._toc_levels > 1 and level + 1 <= self._toc_levels:
            self._bookmarked(paragraph, level + 1, clean_text(text))
        self._advance(self._lines_for(text))
        return paragraph

    def paragraph(self, text: str):
        """A body paragraph: 3号仿宋, first line indented two characters."""
        paragraph = self._add("FQ Body", text)
        self._advance(self._lines_for(text))
        return paragraph

    def text(self, block: str) -> None:
        """Several lines, one paragraph each; a line numbered 一、/（一）/1./（1） becomes a heading."""
        for line in clean_text(block).split("\n"):
            line = line.strip()
            if not line:
                continue
            level = heading_level(line)
            if level:
                self.heading(level, line)
            else:
                self.paragraph(line)

    def table(self, rows: Iterable[Sequence], header: bool = True, title: str = ""):
        """A bordered table in 4号仿宋 across the text block; the first row bold when ``header``."""
        rows = [[("" if v is None else str(v)) for v in row] for row in rows]
        if not rows:
            return None
        if title:
            self._add("FQ Caption", title)
            self._advance(1)
        elif self._break_before_next:
            self._new("FQ Body")  # a table cannot break before itself: an empty line carries the break
        columns = max(len(r) for r in rows)
        table = self.doc.add_table(rows=len(rows), cols=columns)
        table._tbl.tblPr.style = self.doc.styles["Table Grid"].style_id
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        for r, values in enumerate(rows):
            cells = table.rows[r].cells
            for c in range(columns):
                paragraph = cells[c].paragraphs[0]
                self._styled(paragraph, "FQ Table")
                run = paragraph.add_run(clean_text(values[c]) if c < len(values) else "")
                run.bold = header and r == 0
        if header:  # a table running onto the next page repeats its header there
            _set_child(table.rows[0]._tr.get_or_add_trPr(), "tblHeader", _TRPR_ORDER)
        per_cell = max(1.0, TEXT_WIDTH_PT / SIZE_4.pt / columns - 0.5)  # 四号 characters a cell holds
        heights = [max(math.ceil(text_width(v) / per_cell) for v in (r or [""])) for r in rows]
        self._advance(sum(0.76 * h + 0.25 for h in heights))  # 22 pt lines and the cell padding
        self._new("FQ Body")
        self._advance(1)
        return table

    def _keep_last_with_next(self) -> None:
        """The body's last paragraph (or a table's last row) stays on the page of what follows."""
        body = self.doc.element.body
        last = None
        for element in reversed(body):  # empty lines (after a table, say) are kept too, up to the text
            if element.tag == qn("w:tbl") or (
                element.tag == qn("w:p") and "".join(element.itertext()).strip()
            ):
                last = element
                break
            if element.tag == qn("w:p"):
                Paragraph(element, None).paragraph_format.keep_with_next = True
        if last is None:
            return
        if last.tag == qn("w:tbl"):
            row = last.findall(qn("w:tr"))[-1]
            _set_child(row.get_or_add_trPr(), "cantSplit", _TRPR_ORDER)
            for p in row.iter(qn("w:p")):
                Paragraph(p, None).paragraph_format.keep_with_next = True
            return
        paragraph = Paragraph(last, None)
        paragraph.paragraph_format.keep_with_next = True

    def signature(self, issuer: str, date: datetime.date) -> None:
        """The issuer centred above the date; the date four characters in from the right (§7.3.5).

        One paragraph (the date after a line break), kept together and kept with the paragraph before it:
        never a signature or date alone on a page. Both lines are centred on one tab stop, so the issuer
        sits centred above the date. (Two paragraphs chained by "keep with next" are not reliably kept
        together by LibreOffice; one paragraph's "keep lines together" is.)"""
        self._keep_last_with_next()
        when = cn_date(date)
        axis = TEXT_WIDTH_PT - CHAR_PITCH_PT * (4 + text_width(when) / 2)
        paragraph = self._new("FQ Signature")
        fmt = paragraph.paragraph_format
        fmt.alignment = WD_ALIGN_PARAGRAPH.LEFT
        fmt.tab_stops.add_tab_stop(Pt(axis), WD_TAB_ALIGNMENT.CENTER)
        fmt.keep_together = True
        fmt.space_before = (
            LINE_PITCH  # the blank line above, as space: an empty paragraph would break the keep
        )
        paragraph.add_run("\t" + clean_text(issuer))
        paragraph.add_run().add_break()
        paragraph.add_run("\t" + when)
        self._advance(3)

    def page_break(self) -> None:
        """What follows starts a new page (its first paragraph breaks before itself: an empty paragraph
        holding the break would leave a blank line at the top of the new page in Word)."""
        self._break_before_next = True
        if self._lines > 0:
            self._page += 1
        self._lines = 0.0

    # --- output -------------------------------------------------------------------------------
    def _fill_toc(self) -> None:
        anchor = self._toc_anchor
        entries = self._toc_entries
        instruction = f'TOC \\o "1-{self._toc_levels}" \\h \\z \\u'
        if not entries:
            _field_runs(anchor, instruction, "（在 Word 中右键“更新域”生成目录）")
            return
        paragraphs = [anchor]
        for _ in entries[1:]:
            new = OxmlElement("w:p")
            paragraphs[-1]._p.addnext(new)
            paragraphs.append(Paragraph(new, anchor._parent))
            self._styled(paragraphs[-1], "FQ TOC")
        for index, ((level, text, bookmark, page), paragraph) in enumerate(
            zip(entries, paragraphs, strict=True)
        ):
            if level > 1:
                paragraph.paragraph_format.left_indent = Pt(CHAR_PITCH_PT * 2 * (level - 1))
            if index == 0:
                for kind in ("begin", "instr", "separate"):
                    _field_part(paragraph, kind, instruction)
            link = OxmlElement("w:hyperlink")
            link.set(qn("w:anchor"), bookmark)
            link.set(qn("w:history"), "1")
            paragraph._p.append(link)
            for piece in (text, "\t"):
                run = paragraph.add_run()
                if piece == "\t":
                    run.add_tab()
                else:
                    run.text = piece
                link.append(run._r)
            for kind in ("begin", "instr", "separate"):
                link.append(_field_part(paragraph, kind, f"PAGEREF {bookmark} \\h"))
            number = paragraph.add_run(str(page))
            link.append(number._r)
            self._toc_numbers[bookmark] = number
            link.append(_field_part(paragraph, "end"))
            if index == len(entries) - 1:
                _field_part(paragraph, "end")

    def save(self, target, *, paginate: bool = False) -> None:
        """Write the .docx to a path or a binary file object. With ``paginate`` and a table of contents,
        the document is laid out once by LibreOffice and the contents get the real page numbers."""
        if self._toc_anchor is not None:
            self._fill_toc()
            settings = self.doc.settings.element
            _set_child(settings, "updateFields", ["updateFields", *SETTINGS_SUCCESSORS], val="true")
            self._toc_anchor = None
        if paginate and self._toc_numbers:
            self.paginate()
        self.doc.save(target)

    def paginate(self) -> bool:
        """Write into the contents the page numbers LibreOffice lays the titles out on. False (numbers
        left as estimated) when LibreOffice is missing or fails; the document is still good to save."""
        if not office.available():
            log.warning("LibreOffice is not installed: the contents keep estimated page numbers")
            return False
        with tempfile.TemporaryDirectory(prefix="fq-doc-") as folder:
            draft = Path(folder) / "layout.docx"
            self.doc.save(str(draft))
            try:
                landed = office.bookmark_pages(draft)
            except office.OfficeError:
                log.exception("laying the document out with LibreOffice failed; estimated page numbers kept")
                return False
        for bookmark, run in self._toc_numbers.items():
            if bookmark in landed:
                run.text = str(landed[bookmark])
        return True


_RPR_ORDER = (
    "rStyle rFonts b bCs i iCs caps smallCaps strike dstrike outline shadow emboss imprint noProof "
    "snapToGrid vanish webHidden color spacing w kern position sz szCs highlight u effect bdr shd fitText "
    "vertAlign rtl cs em lang eastAsianLayout specVanish oMath"
).split()
_TRPR_ORDER = (
    "cnfStyle divId gridBefore gridAfter wBefore wAfter cantSplit trHeight tblHeader tblCellSpacing jc hidden"
).split()
