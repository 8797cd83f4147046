"""PLT-2: the interface is Chinese by default and wholly English on request — every message marked in the
code is in the English catalogue, translated, compiled, and the pages a cadre opens read in English."""

from __future__ import annotations

import ast
import re
from html.parser import HTMLParser
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.utils import translation

from fuqing.core.navigation import field_actions_for, navigation_for

CATALOGUE = Path(settings.LOCALE_PATHS[0]) / "en" / "LC_MESSAGES" / "django.po"
SOURCES = Path(settings.BASE_DIR) / "fuqing"
HAN = re.compile(r"[\u4e00-\u9fff]")
# Simple one-literal calls: _("…"), gettext("…"), gettext_lazy("…"); {% translate "…" %} in templates.
PY_CALL = re.compile(r"""\b(?:_|gettext|gettext_lazy)\(\s*("(?:[^"\\\n]|\\.)*")\s*\)""")
TEMPLATE_TAG = re.compile(r"""\{%\s*(?:translate|trans)\s+"([^"]*)"(?:\s+(?:as\s+\w+|noop))?\s*%\}""")


@pytest.fixture(scope="module")
def catalogue():
    return polib.pofile(str(CATALOGUE))


def _marked_in_sources() -> dict[str, str]:
    found = {}
    for path in SOURCES.rglob("*.py"):
        if "migrations" in path.parts:
            continue
        for literal in PY_CALL.findall(path.read_text(encoding="utf-8")):
            found.setdefault(ast.literal_eval(literal), str(path.relative_to(SOURCES)))
    for path in SOURCES.rglob("*.html"):
        if "static" in path.parts:
            continue
        for text in TEMPLATE_TAG.findall(path.read_text(encoding="utf-8")):
            found.setdefault(text, str(path.relative_to(SOURCES)))
    return found


def test_plt2_every_message_marked_in_the_code_is_in_the_english_catalogue(catalogue):
    known = {entry.msgid for entry in catalogue if not entry.obsolete}
    marked = _marked_in_sources()
    assert len(marked) > 1000
    missing = {msgid: where for msgid, where in marked.items() if msgid not in known}
    assert not missing, f"run `make messages` and translate: {list(missing.items())[:10]}"


def test_plt2_every_message_has_an_english_translation(catalogue):
    live = [entry for entry in catalogue if not entry.obsolete]
    untranslated = [e.msgid for e in live if not e.translated()]
    fuzzy = [e.msgid for e in live if "fuzzy" in e.flags]
    assert not untranslated, f"{len(untranslated)} untranslated, e.g. {untranslated[:5]}"
    assert not fuzzy, f"{len(fuzzy)} fuzzy, e.g. {fuzzy[:5]}"
    for entry in live:
        texts = [entry.msgstr] if not entry.msgid_plural else list(entry.msgstr_plural.values())
        for text in texts:
            # Chinese stays only where users must type or see it as is (a date format, 是/否 cells,
            # a sheet's name), never as an untranslated copy or most of the text.
            han = len(HAN.findall(text))
            assert text != entry.msgid or not han, entry.msgid
            assert han * 3 <= len(text.replace(" ", "")), (entry.msgid, text)


def test_plt2_the_compiled_catalogue_is_the_source_catalogue(catalogue):
    compiled = {(e.msgctxt, e.msgid): e for e in polib.mofile(str(CATALOGUE.with_suffix(".mo")))}
    for entry in catalogue:
        if entry.obsolete or not entry.translated() or "fuzzy" in entry.flags:
            continue
        mo = compiled.get((entry.msgctxt, entry.msgid))
        assert mo is not None, f"not compiled (run `make messages`): {entry.msgid}"
        if entry.msgid_plural:
            assert mo.msgstr_plural == entry.msgstr_plural, entry.msgid
        else:
            assert mo.msgstr == entry.msgstr, entry.msgid


class _Headings(HTMLParser):
    """The texts a reader scans first: headings, navigation links and buttons."""

    TAGS = {"h1", "h2", "button", "th"}

    def __init__(self):
        super().__init__()
        self.depth = 0
        self.texts: list[str] = []
        self.current: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in self.TAGS:
            self.depth += 1

    def handle_endtag(self, tag):
        if tag in self.TAGS and self.depth:
            self.depth -= 1
            if not self.depth:
                self.texts.append(" ".join("".join(self.current).split()))
                self.current = []

    def handle_data(self, data):
        if self.depth:
            self.current.append(data)


def test_plt2_navigation_reads_in_english_for_every_role(
    daoli, city_leader, researcher, sysadmin, secadmin, auditor
):
    with translation.override("en"):
        for user in (daoli, city_leader, researcher, sysadmin, secadmin, auditor):
            labels = [s["title"] for s in navigation_for(user)]
            labels += [i["label"] for s in navigation_for(user) for i in s["items"]]
            labels += [a["label"] for a in field_actions_for(user)]
            chinese = [str(label) for label in labels if HAN.search(str(label))]
            assert not chinese, (user.username, chinese)


def test_plt2_every_page_in_the_navigation_reads_in_english(client, city_leader, tree):
    """The city leader opens every page of her navigation in English: headings, table headers and
    buttons carry no Chinese but the data's own (unit names)."""
    client.force_login(city_leader)
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    from fuqing.assistance.models import NeedCategory
    from fuqing.orgs.models import Org
    from fuqing.registry.models import VulnerableGroup

    # The data's own words stay as entered: unit names and the dictionaries' entries.
    data_names = [
        *Org.objects.values_list("name", flat=True),
        *VulnerableGroup.objects.values_list("name", flat=True),
    ]
    data_names += NeedCategory.objects.values_list("name", flat=True)
    data_names.sort(key=len, reverse=True)
    pages = ["/"] + [i["url"] for s in navigation_for(city_leader) for i in s["items"]]
    problems = []
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        parser = _Headings()
        parser.feed(response.content.decode())
        for text in parser.texts:
            for name in data_names:
                text = text.replace(name, "")
            if HAN.search(text):
                problems.append((url, text))
    assert not problems, problems[:20]
