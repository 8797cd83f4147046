"""Reading the cells and names of field-work ledgers: method spellings, lists of names, group counts,
and units, places and cadres resolved in bulk within the importing user's scope."""

from __future__ import annotations

import re
from collections import defaultdict

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext as _

from fuqing.core import cells
from fuqing.core.cells import CellError
from fuqing.core.ledger import ParsedRow, RowError
from fuqing.fieldwork import services
from fuqing.fieldwork.models import VisitMethod
from fuqing.orgs.models import Org

METHOD_ALIASES = {
    "访谈": VisitMethod.INTERVIEW,
    "一对一": VisitMethod.INTERVIEW,
    "个别访谈": VisitMethod.INTERVIEW,
    "座谈": VisitMethod.FORUM,
    "座谈会": VisitMethod.FORUM,
    "问卷": VisitMethod.QUESTIONNAIRE,
    "入户": VisitMethod.HOME_VISIT,
    "走访": VisitMethod.HOME_VISIT,
    "入户调查": VisitMethod.HOME_VISIT,
    "蹲点": VisitMethod.STATIONED,
    "蹲点调查": VisitMethod.STATIONED,
}
_SPLIT = re.compile(r"[、，,；;/\s]+")
_GROUP_COUNT = re.compile(r"([^\d、，,；;：:\s]+?)\s*[:：]?\s*(\d+)\s*人?")


def parse_method(value) -> str:
    raw = cells.text(value).replace(" ", "")
    if not raw:
        return ""
    if raw in METHOD_ALIASES:
        return METHOD_ALIASES[raw]
    return cells.choice(raw, VisitMethod.choices)


def parse_names(value) -> list[str]:
    return [n for n in _SPLIT.split(cells.text(value)) if n]


def parse_group_counts(value) -> dict[str, int]:
    """'留守妇女3、失地妇女：2人' → {'留守妇女': 3, '失地妇女': 2}."""
    raw = cells.text(value)
    if not raw:
        return {}
    found = {name: int(n) for name, n in _GROUP_COUNT.findall(raw)}
    if not found:
        raise CellError(_("应写成“群体名称+人数”，如“留守妇女3、失地妇女2”。"))
    return found


def parse_needs(value) -> str:
    return "\n".join(
        p.strip() for p in re.split(r"[\n；;]+", cells.text(value).replace("\r", "\n")) if p.strip()
    )


def text_cell(limit: int):
    return lambda v: cells.text(v, limit)


class OrgResolver:
    """Organisations named in a file, by name or division code, within what the actor may see; a name
    shared by several is settled by preferring the ones under the import's organisation."""

    def __init__(self, actor, names: set[str], under: Org):
        codes = {n for n in names if n.isdigit()}
        found = Org.objects.visible_to(actor).filter(
            Q(name__in=names) | Q(division_code__in=codes), is_active=True
        )
        self.by_key: dict[str, list[Org]] = defaultdict(list)
        for org in found:
            self.by_key[org.name].append(org)
            if org.division_code:
                self.by_key[org.division_code].append(org)
        self.under = under

    def get(self, key: str) -> tuple[Org | None, str]:
        candidates = self.by_key.get(key, [])
        if len(candidates) > 1:
            base = services.federation_of(self.under).path
            candidates = [o for o in candidates if o.path.startswith(base)] or candidates
        if not candidates:
            return None, _("在您的范围内找不到“%(n)s”。") % {"n": key}
        if len(candidates) > 1:
            return None, _("有多个名为“%(n)s”的组织，请改填行政区划代码。") % {"n": key}
        return candidates[0], ""


class UserResolver:
    """Cadres by username or name, among those a visit may name (services.allowed_members)."""

    def __init__(self, actor, keys: set[str]):
        self.by_key: dict[str, list] = defaultdict(list)
        for user in services.allowed_members(actor).filter(Q(username__in=keys) | Q(name__in=keys)):
            self.by_key[user.username].append(user)
            if user.name and user.name != user.username:
                self.by_key[user.name].append(user)

    def get(self, key: str):
        candidates = self.by_key.get(key, [])
        if len(candidates) == 1:
            return candidates[0], ""
        if not candidates:
            return None, _("找不到干部“%(n)s”（须是您范围内的干部或上级妇联领导）。") % {"n": key}
        return None, _("有多名干部叫“%(n)s”，请改填用户名。") % {"n": key}


def collect(rows: list[ParsedRow], *keys: str) -> set[str]:
    found: set[str] = set()
    for row in rows:
        for key in keys:
            value = row.values.get(key)
            if isinstance(value, list):
                found.update(value)
            elif value:
                found.add(value)
    return found


def map_errors(row: ParsedRow, exc: ValidationError, headers: dict[str, str]) -> None:
    for field, messages in exc.message_dict.items():
        for message in messages:
            row.errors.append(RowError(row.number, headers.get(field, ""), message))
