"""The left navigation: each app registers its entries; a user sees only what she may use (UI.md)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

SECTIONS = {
    "home": _("首页"),
    "fieldwork": _("下基层"),
    "registry": _("妇女档案"),
    "assistance": _("诉求与帮扶"),
    "projects": _("实事项目"),
    "research": _("调研"),
    "campaigns": _("活动与报送"),
    "building": _("组织建设"),
    "oversight": _("考核"),
    "ledgers": _("台账"),
    "admin": _("系统管理"),
}


@dataclass(frozen=True)
class NavEntry:
    section: str
    label: str
    url_name: str
    perm: tuple[str, str] | None = None
    ability: str | None = None
    order: int = 100
    field_action: bool = False  # one of the phone's bottom-bar actions (记走访, 记诉求, 填问卷)
    when: Callable | None = None  # an extra test on the user (e.g. only volunteers, or not them)

    def allowed(self, user) -> bool:
        if self.perm and not user.has_module_perm(*self.perm):
            return False
        if self.when is not None and not self.when(user):
            return False
        return not (self.ability and not user.has_admin_ability(self.ability))


_ENTRIES: list[NavEntry] = []


def register(section: str, label, url_name: str, **kwargs) -> None:
    if section not in SECTIONS:
        raise ValueError(f"unknown navigation section {section}")
    entry = NavEntry(section, label, url_name, **kwargs)
    if entry not in _ENTRIES:
        _ENTRIES.append(entry)


def navigation_for(user) -> list[dict]:
    """Sections in the order of the work, each with the entries this user may open."""
    sections = []
    for key, title in SECTIONS.items():
        items = []
        # The phone's field actions (记走访 …) live in the bottom bar and on their lists' pages.
        entries = (e for e in _ENTRIES if e.section == key and not e.field_action)
        for entry in sorted(entries, key=lambda e: e.order):
            if not entry.allowed(user) or any(i["url_name"] == entry.url_name for i in items):
                continue
            try:
                url = reverse(entry.url_name)
            except NoReverseMatch:
                continue
            items.append({"label": entry.label, "url": url, "url_name": entry.url_name})
        if items:
            sections.append({"key": key, "title": title, "items": items})
    return sections


def field_actions_for(user) -> list[dict]:
    actions = []
    for entry in sorted((e for e in _ENTRIES if e.field_action), key=lambda e: e.order):
        if entry.allowed(user):
            try:
                actions.append({"label": entry.label, "url": reverse(entry.url_name)})
            except NoReverseMatch:
                continue
    return actions
