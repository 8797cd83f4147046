"""The ledger kit (issue 11, point 2): the one unit resolver, short record numbers and the factories of
the standard columns (year, unit, woman, project, person) that every register's ledger uses.

Core imports no app: the unit model is the class of the import's own unit (``ctx.org``), people and
women are looked up through querysets the register hands over, so this module knows only the shape
(a tree of units with ``path``, ``name``, ``division_code``; records with a UUID key).
"""

from __future__ import annotations

import re
import uuid
from collections import defaultdict
from collections.abc import Callable, Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from fuqing.core import cells
from fuqing.core.cells import CellError
from fuqing.core.ledger import Column, ParsedRow, RowError
from fuqing.core.masking import mask_name
from fuqing.core.scoping import subtree_q, user_scope

# --- the unit rule ------------------------------------------------------------------------------------

_PATH_SPLIT = re.compile(r"\s*[/／\\]\s*")


UNIT_RULE = gettext_noop(
    "单位可填：行政区划代码；单位全称（末尾的“妇联”可省略）；或自上而下用“/”连接的名称，"
    "如“哈尔滨市/道里区/新阳路街道”。只能是导入单位之下、您有权限的单位。"
)


def unit_rule() -> str:
    """The one rule, as the template's help and every error message state it."""
    return _(UNIT_RULE)


def unit_key(name: str) -> str:
    """A unit's name as the rule compares it: no spaces, without a trailing 妇联/妇女联合会."""
    key = cells.text(name).replace(" ", "").replace("\u3000", "")
    for suffix in ("妇女联合会", "妇联"):
        if key != suffix:
            key = key.removesuffix(suffix)
    return key


_key = unit_key


def unit_path(value: str) -> list[str]:
    """The keys of the names in "道里区/新阳路街道" (one name gives a list of one)."""
    return [unit_key(p) for p in _PATH_SPLIT.split(cells.text(value)) if p.strip()]


class UnitResolver:
    """Turns a unit named in a cell into a unit, by ONE rule (decision "one unit resolver"):

    1. all digits: the unit with that division code;
    2. names joined by "/": the unit whose chain of names, read from the top of the tree down, ends with
       them ("道里区/新阳路街道", or the whole path "哈尔滨市/道里区/新阳路街道");
    3. otherwise the unit's full name ("妇联"/"妇女联合会" at the end may be left off).

    Only units under ``root`` (the import's unit) and inside the importer's scope count (``edit`` for
    the units a row writes under, visible for the units it merely names); ``accept(unit, parent)``
    narrows further (a register that takes only departments and districts); ``refusal`` words the
    answer for a unit that exists but lies outside (``%(v)s`` the value, ``%(o)s`` the root). A name
    that fits several is refused with the candidates' paths; one that fits none is refused with the
    rule. An empty cell means ``root`` when ``default`` is set. Every unit under ``root`` is read in
    one query, whatever the number of rows.
    """

    def __init__(
        self,
        root,
        actor,
        *,
        column: str,
        edit: bool = True,
        default: bool = True,
        accept: Callable[[object, object], bool] | None = None,
        refusal: str = "",
    ):
        self.root = root
        self.column = column
        self.default = default
        self.refusal = refusal
        model = type(root)
        ancestors = root.ancestor_paths() if hasattr(root, "ancestor_paths") else []
        units = list(model.objects.filter(Q(path__in=ancestors) | (subtree_q(root.path) & Q(is_active=True))))
        self.by_path = {u.path: u for u in units}
        scope = user_scope(actor)
        self.allowed = {
            u.path
            for u in units
            if u.path.startswith(root.path)
            and scope.covers(u.path, edit=edit)
            and (accept is None or accept(u, self.by_path.get(u.path[: -model.steplen])))
        }
        self.by_code: dict[str, list] = defaultdict(list)
        self.by_name: dict[str, list] = defaultdict(list)
        for unit in units:
            if not unit.path.startswith(root.path):
                continue
            if unit.division_code:
                self.by_code[unit.division_code].append(unit)
            self.by_name[_key(unit.name)].append(unit)

    @classmethod
    def named(cls, ctx, column: str) -> UnitResolver:
        """Units a row merely names (a visit's place, a helping unit): by the same rule, among the units
        the importer sees under her own unit, which may lie outside the import's unit."""
        actor = ctx.actor
        own = actor.org if getattr(actor, "org_id", None) else None
        root = own if own is not None and ctx.org.path.startswith(own.path) else ctx.org
        return cls(root, actor, column=column, edit=False, default=False)

    def chain(self, unit) -> list[str]:
        """The keys of the unit's names from the top of the tree down to the unit."""
        return [_key(self.by_path[p].name) for p in self._paths(unit) if p in self.by_path]

    def label(self, unit) -> str:
        return "/".join(self.by_path[p].name for p in self._paths(unit) if p in self.by_path)

    def _paths(self, unit) -> list[str]:
        step = type(unit).steplen
        return [unit.path[: i * step] for i in range(1, len(unit.path) // step + 1)]

    def candidates(self, value: str) -> list:
        raw = cells.text(value)
        code = raw.replace(" ", "")
        if code.isdigit():
            return list(self.by_code.get(code, []))
        parts = unit_path(raw)
        if not parts:
            return []
        found = self.by_name.get(parts[-1], [])
        if len(parts) > 1:
            found = [u for u in found if self.chain(u)[-len(parts) :] == parts]
        return list(found)

    def resolve(self, value, *, rule: bool = True) -> tuple[object | None, str]:
        """(the unit, "") or (None, the reason in Chinese, with the rule unless ``rule`` is False — a
        box naming several units states the rule once, after all its reasons)."""
        raw = cells.text(value)
        if not raw:
            if self.default and self.root.path in self.allowed:
                return self.root, ""
            return None, _("必填：%(rule)s") % {"rule": unit_rule()}
        found = self.candidates(raw)
        fitting = [u for u in found if u.path in self.allowed]
        if len(fitting) == 1:
            return fitting[0], ""
        if len(fitting) > 1:
            paths = "；".join(self.label(u) for u in fitting[:3])
            return None, _("“%(v)s”不止一个（%(p)s），请填写行政区划代码或用“/”写出上级名称。") % {
                "v": raw,
                "p": paths,
            }
        if found:
            refusal = (
                str(self.refusal)
                if self.refusal
                else _("“%(v)s”不在您可以导入的范围内（须在“%(o)s”之下且有编辑权限）。")
            )
            return None, refusal % {"v": raw, "o": self.root.name}
        return None, _("在“%(o)s”之下找不到“%(v)s”。%(rule)s") % {
            "o": self.root.name,
            "v": raw,
            "rule": unit_rule() if rule else "",
        }

    def resolve_all(self, values: Iterable[str]) -> tuple[list, list[str]]:
        """Several units named in one box: (the units found, without repeats, in order; the reasons
        for the others, each naming its value, the rule stated once at the end)."""
        units, problems = [], []
        for value in values:
            unit, message = self.resolve(value, rule=False)
            if unit is None:
                problems.append(message)
            elif unit not in units:
                units.append(unit)
        if problems:
            problems.append(unit_rule())
        return units, problems

    def check(self, row, key: str):
        """Resolve ``row.values[key]``; on failure add the error (naming this column) and return None."""
        unit, message = self.resolve(row.values.get(key) or "")
        if unit is None:
            row.errors.append(RowError(row.number, self.column, message))
        return unit


# --- short record numbers -------------------------------------------------------------------------------

SHORT_NUMBER_LENGTH = 8


def short_number(pk) -> str:
    """A record's number as printed on a 台账: the first 8 hexadecimal digits of its UUID, upper case,
    in two groups ("3F2A-91C0") — short enough to read out on the phone; the import finds the record by
    it within the importer's scope (decision "short record numbers")."""
    if not pk:
        return ""
    digits = uuid.UUID(str(pk)).hex[:SHORT_NUMBER_LENGTH].upper()
    return f"{digits[:4]}-{digits[4:]}"


_SHORT = re.compile(r"^[0-9A-Fa-f]{4}-?[0-9A-Fa-f]{4}$")


def parse_record_number(value) -> str:
    """A record number from a cell: the short number ("3F2A-91C0") or the full UUID; '' when empty."""
    raw = cells.compact(value)
    if not raw:
        return ""
    if _SHORT.match(raw):
        digits = raw.replace("-", "").upper()
        return f"{digits[:4]}-{digits[4:]}"
    try:
        return str(uuid.UUID(raw))
    except ValueError:
        raise CellError(_("编号格式不正确：应为台账上的 8 位编号（如 3F2A-91C0）。")) from None


def number_range_q(numbers: Iterable[str], field: str = "pk") -> Q:
    """One condition matching every record whose UUID starts with one of the short numbers (or is one of
    the full UUIDs): a range on the key, so it uses the primary key's index on SQLite and PostgreSQL."""
    q = Q(pk__in=[])
    for number in numbers:
        if len(number) == 9:
            digits = number.replace("-", "").lower()
            low = uuid.UUID(digits + "0" * 24)
            high = uuid.UUID(digits + "f" * 24)
            q |= Q(**{f"{field}__gte": low, f"{field}__lte": high})
        else:
            q |= Q(**{field: uuid.UUID(number)})
    return q


class RecordNumbers:
    """Records named by number in an import's rows, found in one query within ``queryset`` (the
    importer's scope). ``get`` answers (record, "") or (None, reason)."""

    def __init__(self, queryset, numbers: Iterable[str]):
        numbers = {n for n in numbers if n}
        self.by_number: dict[str, list] = defaultdict(list)
        if numbers:
            for record in queryset.filter(number_range_q(numbers)):
                self.by_number[short_number(record.pk)].append(record)
                self.by_number[str(record.pk)].append(record)

    def get(self, number: str):
        found = self.by_number.get(number, [])
        if len(found) == 1:
            return found[0], ""
        if not found:
            return None, _("您的范围内没有编号为 %(n)s 的记录。") % {"n": number}
        return None, _("编号 %(n)s 对应多条记录，请填写记录页上的完整编号。") % {"n": number}


def collect(rows: list[ParsedRow], *keys: str) -> set[str]:
    """Every value the rows hold under these keys (lists flattened): what one bulk lookup asks for."""
    found: set[str] = set()
    for row in rows:
        for key in keys:
            value = row.values.get(key)
            if isinstance(value, list | tuple | set):
                found.update(v for v in value if v)
            elif value:
                found.add(value)
    return found


# --- people by name -----------------------------------------------------------------------------------


def person_name(user) -> str:
    """A person as a 台账 prints her: her name (刘春梅), the login name only when she has none."""
    if user is None:
        return ""
    shown = getattr(user, "display_name", None)  # the account's own rule, when it has one
    return shown or (getattr(user, "name", "") or "").strip() or getattr(user, "username", "")


class People:
    """Cadres named in the rows (by name, or by login name when names repeat), found in one query
    within ``queryset`` (the people the register lets a row name). ``refusal``: the message for a name
    not found, with ``%(v)s`` for the name (a lazy translation)."""

    def __init__(self, queryset, keys: Iterable[str], column: str, refusal: str = ""):
        keys = {k for k in keys if k}
        self.column = column
        self.refusal = refusal
        self.by_key: dict[str, list] = defaultdict(list)
        if keys:
            for user in queryset.filter(Q(username__in=keys) | Q(name__in=keys)):
                self.by_key[user.username].append(user)
                if user.name and user.name != user.username:
                    self.by_key[user.name].append(user)

    def resolve(self, key: str):
        found = list({u.pk: u for u in self.by_key.get(key, [])}.values())
        if len(found) == 1:
            return found[0], ""
        if not found:
            refusal = (
                str(self.refusal)
                if self.refusal
                else _("您的范围内找不到干部“%(v)s”（填写姓名；同名时填写用户名）。")
            )
            return None, refusal % {"v": key}
        return None, _("有多名干部叫“%(v)s”，请改填用户名。") % {"v": key}

    def check(self, row, key: str):
        """The person in ``row.values[key]`` (None when empty or not found; the error is added)."""
        value = row.values.get(key) or ""
        if not value:
            return None
        user, message = self.resolve(value)
        if user is None:
            row.errors.append(RowError(row.number, self.column, message))
        return user


# --- the standard columns -------------------------------------------------------------------------------


def _attr(obj, path: str):
    for part in path.split("."):
        if obj is None:
            return None
        obj = obj[part] if isinstance(obj, dict) else getattr(obj, part)
    return obj


def year_column(
    key: str = "year", header: str = "年度", *, attr: str = "year", required: bool = True, **kw
) -> Column:
    """The campaign year: four digits, 2000–2100."""
    return Column(
        key,
        header,
        parse=parse_year,
        required=required,
        example="2014",
        export=lambda o, c: _attr(o, attr),
        **{"width": 8, **kw},
    )


def parse_year(value) -> int | None:
    number = cells.integer(value)
    if number is not None and not 2000 <= number <= 2100:
        raise CellError(_("年度应为四位年份（2000—2100）。"))
    return number


def unit_column(
    key: str = "org", header: str = "所属单位", *, attr: str = "org.name", aliases=("单位",), **kw
) -> Column:
    """A unit named by the one rule (``UnitResolver``); exported by its name."""
    return Column(
        key,
        header,
        parse=lambda v: cells.text(v, 200),
        aliases=tuple(aliases),
        help=kw.pop("help", "") or UNIT_RULE + "不填则为导入时所选单位。",
        example=kw.pop("example", "新阳路街道/友谊社区"),
        export=lambda o, c: _attr(o, attr) or "",
        **{"width": 20, **kw},
    )


def record_number_column(header: str, key: str = "id", **kw) -> Column:
    """A record's short number (``short_number``), printed, not imported."""
    return Column(
        key, header, export=lambda o, c: short_number(o.pk), importable=False, **{"width": 12, **kw}
    )


def reference_column(key: str, header: str, attr: str, **kw) -> Column:
    """Another record named by its short number (the need an action answers); either form is read."""
    return Column(
        key,
        header,
        parse=parse_record_number,
        help=kw.pop("help", "台账上的 8 位编号，如 3F2A-91C0"),
        export=lambda o, c: short_number(_attr(o, attr)),
        **{"width": 12, **kw},
    )


def parse_file_number(value) -> str:
    """A woman's 档案编号 (F and 12 hexadecimal digits) or, from older ledgers, her record's UUID."""
    raw = cells.compact(value).upper()
    if not raw:
        return ""
    if re.fullmatch(r"F[0-9A-F]{12}", raw):
        return raw
    try:
        return str(uuid.UUID(raw))
    except ValueError:
        raise CellError(_("档案编号格式不正确：应为妇女档案台账上的编号（如 F3A2B4C5D6E7F）。")) from None


def woman_columns(
    attr: str = "woman", *, name_header: str = "妇女姓名", name_aliases=("姓名",), **kw
) -> tuple:
    """Her 档案编号 and her name (masked unless the export is unmasked): find her by either."""
    return (
        Column(
            "woman_number",
            "档案编号",
            parse=parse_file_number,
            aliases=("妇女编号", "妇女档案编号"),
            help="妇女档案台账上的档案编号（与姓名二选一）",
            export=lambda o, c: getattr(_attr(o, attr), "file_number", "") or "",
            width=16,
        ),
        Column(
            "woman_name",
            name_header,
            parse=lambda v: cells.text(v, 50),
            aliases=tuple(name_aliases),
            help="在册妇女的姓名，在所属单位范围内唯一时可不填档案编号",
            example="张秀英",
            export=lambda o, c: _woman_name(_attr(o, attr), c),
            width=12,
            **kw,
        ),
    )


def _woman_name(woman, ctx) -> str:
    if woman is None:
        return ""
    return woman.name if ctx.unmasked else mask_name(woman.name)


def project_column(key: str = "project", header: str = "项目", *, attr: str = "project.name", **kw) -> Column:
    """A project named by its name (with the year column beside it)."""
    return Column(
        key,
        header,
        parse=lambda v: cells.text(v, 100),
        aliases=kw.pop("aliases", ("项目名称",)),
        example=kw.pop("example", "贫困母亲救助"),
        export=lambda o, c: _attr(o, attr) or "",
        **{"width": 16, **kw},
    )


def person_column(key: str, header: str, *, attr: str, **kw) -> Column:
    """A cadre: printed by her name (刘春梅), never her login name; read by name or login name."""
    return Column(
        key,
        header,
        parse=lambda v: cells.text(v, 150),
        help=kw.pop("help", "干部姓名；同名时填写用户名"),
        example=kw.pop("example", "刘春梅"),
        export=lambda o, c: person_name(_attr(o, attr)),
        **{"width": 12, **kw},
    )


def people_column(key: str, header: str, *, export, **kw) -> Column:
    """Several cadres in one cell, separated by 、 (printed by their names)."""
    return Column(
        key,
        header,
        parse=parse_names,
        help=kw.pop("help", "干部姓名，多人用顿号分隔；同名时填写用户名"),
        export=export,
        **{"width": 24, **kw},
    )


def parse_names(value) -> list[str]:
    raw = cells.text(value)
    for sep in ("，", ",", "；", ";", " "):
        raw = raw.replace(sep, "、")
    return [n for n in raw.split("、") if n]


def date_column(key: str, header: str, *, attr: str = "", example: str = "2014-04-15", **kw) -> Column:
    """A date: read in every spelling ``cells.date`` knows (2014-04-15, 2014.4.15, 2014年4月15日, an
    Excel date), printed as 2014-04-15."""
    return Column(
        key,
        header,
        parse=cells.date,
        example=example,
        export=lambda o, c: _attr(o, attr or key),
        **{"width": 12, **kw},
    )


def text_column(key: str, header: str, length: int = 0, *, attr: str = "", **kw) -> Column:
    """A value printed from the attribute of the same name (or ``attr``, a dotted path); read back as
    free text of at most ``length`` characters — without a length, the column is printed only."""
    if not length:
        kw.setdefault("importable", False)
    return Column(
        key,
        header,
        parse=lambda v: cells.text(v, length or None),
        export=lambda o, c: _attr(o, attr or key),
        **{"width": 16, **kw},
    )


def choice_column(key: str, header: str, choices, *, attr: str = "", **kw) -> Column:
    """One of a register's choices, read by its Chinese label (or code), printed by its label."""
    field = attr or key
    return Column(
        key,
        header,
        parse=lambda v: cells.choice(v, choices),
        export=lambda o, c: _label(o, field),
        **{"width": 12, **kw},
    )


def _label(obj, path: str):
    owner, _, name = path.rpartition(".")
    owner = _attr(obj, owner) if owner else obj
    return getattr(owner, f"get_{name}_display")() if owner is not None else ""


def number_column(key: str, header: str, *, attr: str = "", parse=cells.integer, **kw) -> Column:
    """A count or an amount (``parse``: ``cells.integer`` or ``cells.decimal``)."""
    return Column(key, header, parse=parse, export=lambda o, c: _attr(o, attr or key), **{"width": 10, **kw})


def write_each(rows: list[ParsedRow], write: Callable[[ParsedRow], object]) -> int:
    """Write the rows one by one through a service; a refusal undoes the import (the caller's
    transaction) and is reported as "第 N 行：…", the row's number and the service's reasons."""
    for row in rows:
        try:
            write(row)
        except (ValidationError, PermissionDenied) as exc:
            raise ValidationError(
                _("第 %(n)d 行：%(m)s")
                % {"n": row.number, "m": "；".join(getattr(exc, "messages", [str(exc)]))}
            ) from exc
    return len(rows)
