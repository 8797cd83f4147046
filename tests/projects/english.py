"""English pages in tests before the lead translates new messages (round-2 helpers leave the shared
catalogue alone): a test names the translations it relies on; they are added to the English catalogue
for the test's duration. A piece glued outside a message (a bracket, a colon, a month's 年月) stays as is
and shows up in the English page."""

from __future__ import annotations

import re
from contextlib import contextmanager

from django.utils.translation import trans_real

HAN = re.compile(r"[\u4e00-\u9fff]")
FULL_WIDTH = re.compile(r"[（）：；、“”]")


@contextmanager
def english(messages: dict[str, str] | None = None, plurals: dict[str, tuple[str, str]] | None = None):
    catalogue = trans_real.translation("en")._catalog._catalogs[0]
    extra = dict(messages or {})
    for msgid, (one, other) in (plurals or {}).items():
        extra[(msgid, 0)] = one
        extra[(msgid, 1)] = other
    saved = {key: catalogue[key] for key in extra if key in catalogue}
    catalogue.update(extra)
    try:
        yield
    finally:
        for key in extra:
            catalogue.pop(key, None)
        catalogue.update(saved)


def to_english(client):
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    return client


def visible_text(html: str) -> str:
    """The page's text without tags, scripts and attribute values (titles are checked on their own)."""
    html = re.sub(r"<script.*?</script>|<style.*?</style>", " ", html, flags=re.S)
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())
