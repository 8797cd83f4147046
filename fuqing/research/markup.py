"""The report editor's tiny markup (RES-2): plain text in, safe HTML or Word out. No HTML is stored.

- one line is one paragraph; blank lines are ignored;
- a line numbered 一、 / （一） / 1. / （1） is a heading of level 1 to 4 (GB/T 9704 numbering);
- ``**text**`` is bold;
- ``{{figure:key}}`` on a line of its own becomes the figure's table; inside a sentence, its number.

Everything the user typed is escaped before any tag is added, so ``<script>`` stays text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from fuqing.core import figures
from fuqing.core.documents import OfficialDocument, clean_text, heading_level
from fuqing.core.figures import FigureScope

PLACEHOLDER = re.compile(r"\{\{\s*figure:([A-Za-z0-9_.]+)\s*\}\}")
_TOKENS = re.compile(r"\*\*(?P<bold>.+?)\*\*|\{\{\s*figure:(?P<key>[A-Za-z0-9_.]+)\s*\}\}")
MAX_SECTION_CHARS = 50000


@dataclass
class Block:
    kind: str  # "heading", "paragraph" or "figure"
    text: str
    level: int = 0


def parse(text: str) -> list[Block]:
    blocks = []
    for line in clean_text(text).split("\n"):
        line = line.strip()
        if not line:
            continue
        whole = PLACEHOLDER.fullmatch(line)
        if whole:
            blocks.append(Block("figure", whole.group(1)))
        elif level := heading_level(line):
            blocks.append(Block("heading", line, level))
        else:
            blocks.append(Block("paragraph", line))
    return blocks


def figure_keys(text: str) -> list[str]:
    return PLACEHOLDER.findall(text or "")


def unknown_figures(text: str) -> list[str]:
    return sorted({key for key in figure_keys(text) if figures.get_provider(key) is None})


def _missing(key: str) -> str:
    return _("【未知数据项：%(key)s】") % {"key": key}


# --- HTML -----------------------------------------------------------------------------------------


def _inline_html(text: str, scope: FigureScope | None) -> str:
    parts, position = [], 0
    for match in _TOKENS.finditer(text):
        parts.append(escape(text[position : match.start()]))
        if match.group("bold") is not None:
            parts.append(format_html("<strong>{}</strong>", match.group("bold")))
        else:
            parts.append(_figure_number_html(match.group("key"), scope))
        position = match.end()
    parts.append(escape(text[position:]))
    return "".join(parts)


def _figure_number_html(key: str, scope: FigureScope | None) -> str:
    if scope is None:
        return format_html('<span class="fq-report-figure-ref">{{{{figure:{}}}}}</span>', key)
    figure = figures.compute(key, scope)
    if figure is None:
        return format_html('<span class="text-danger">{}</span>', _missing(key))
    return format_html(
        '<span class="fq-report-figure-value" title="{}">{}</span>', figure.caption, figure.value_text
    )


def _figure_table_html(key: str, scope: FigureScope | None) -> str:
    if scope is None:
        return format_html('<p class="fq-report-figure-ref">{{{{figure:{}}}}}</p>', key)
    figure = figures.compute(key, scope)
    if figure is None:
        return format_html('<p class="text-danger">{}</p>', _missing(key))
    if not figure.headers:
        return format_html(
            '<p class="fq-report-figure"><strong>{}</strong>：{}</p>', figure.caption, figure.value_text
        )
    head = "".join(format_html("<th>{}</th>", h) for h in figure.headers)
    rows = figure.table_rows()[1:] or [[_("暂无数据"), *[""] * (len(figure.headers) - 1)]]
    body = "".join("<tr>" + "".join(format_html("<td>{}</td>", v) for v in row) + "</tr>" for row in rows)
    note = (
        format_html('<figcaption class="small text-muted">{}</figcaption>', figure.note)
        if figure.note
        else ""
    )
    return format_html(
        '<figure class="fq-report-figure"><div class="fw-semibold mb-1">{}</div>'
        '<div class="table-responsive"><table class="table table-sm table-bordered mb-1">'
        "<thead><tr>{}</tr></thead><tbody>{}</tbody></table></div>{}</figure>",
        figure.caption,
        mark_safe(head),  # noqa: S308 — built from escaped cells above
        mark_safe(body),  # noqa: S308
        note,
    )


def to_html(text: str, scope: FigureScope | None = None) -> SafeString:
    """The text as safe HTML; figures computed for ``scope`` (None: placeholders shown as typed)."""
    html = []
    for block in parse(text):
        if block.kind == "figure":
            html.append(_figure_table_html(block.text, scope))
            continue
        inner = _inline_html(block.text, scope)
        if block.kind == "heading" and block.level <= 2:
            tag = "h3" if block.level == 1 else "h4"
            html.append(f'<{tag} class="fq-report-h{block.level}">{inner}</{tag}>')
        elif block.kind == "heading":
            html.append(f'<p class="fq-report-h{block.level}">{inner}</p>')
        else:
            html.append(f"<p>{inner}</p>")
    return mark_safe("\n".join(html))  # noqa: S308 — every piece of user text was escaped above


# --- Word -----------------------------------------------------------------------------------------


def _inline_plain(text: str, scope: FigureScope) -> str:
    def number(match):
        figure = figures.compute(match.group(1), scope)
        return _missing(match.group(1)) if figure is None else figure.value_text

    return PLACEHOLDER.sub(number, text)


def to_document(doc: OfficialDocument, text: str, scope: FigureScope) -> None:
    """Write the text into an official document: headings by level, figures as tables."""
    for block in parse(text):
        if block.kind == "figure":
            figure = figures.compute(block.text, scope)
            if figure is None:
                doc.paragraph(_missing(block.text))
            elif not figure.headers:
                doc.paragraph(f"{figure.caption}：{figure.value_text}")
            else:
                empty = [[_("暂无数据"), *[""] * (len(figure.headers) - 1)]]
                doc.table(
                    figure.table_rows() if figure.breakdown else [figure.headers, *empty],
                    title=figure.caption,
                )
                if figure.note:
                    doc.paragraph(figure.note)
        elif block.kind == "heading":
            doc.heading(block.level, _inline_plain(block.text, scope))
        else:
            doc.paragraph(_inline_plain(block.text, scope))
