"""``manage.py synth``: contact points and visits at scale (province: ~500k visits; city: its share).

Realistic shape: more visits in April (the needs-survey month) and during the campaign (April–August);
leaders lead some of their unit's visits; bureau- and division-level cadres spread around the 60-day
mark, with stationed stays of 7–20 days at their contact points. Rows go in with COPY on PostgreSQL
and executemany on SQLite, in chunks, so memory stays bounded.
"""

from __future__ import annotations

import datetime
import uuid
from collections import defaultdict
from dataclasses import dataclass

from django.db import connection, models, transaction
from django.utils import timezone

from fuqing.core.synth import SynthContext, register_step
from fuqing.fieldwork.models import ContactPoint, Visit, VisitDay, VisitGroupCount, VisitMember
from fuqing.orgs.demo import read_divisions
from fuqing.orgs.models import LEADERSHIP_POSITIONS, Org, OrgKind, Rank, User
from fuqing.registry.models import VulnerableGroup

PROVINCE_VISITS = 500_000
YEAR = 2014
MONTH_WEIGHTS = [2, 2, 4, 25, 12, 11, 11, 11, 7, 6, 5, 4]  # April is the needs-survey month
VISITS_PER_UNIT = {  # relative weight of each kind of unit in the year's ordinary visits
    OrgKind.COMMUNITY: 1.0,
    OrgKind.TOWNSHIP: 1.6,
    OrgKind.DISTRICT: 3.0,
    OrgKind.DEPARTMENT: 1.5,
    OrgKind.CITY: 3.0,
    OrgKind.PROVINCE: 3.0,
}
METHODS = ["home_visit", "interview", "forum", "questionnaire"]
METHOD_WEIGHTS = [38, 24, 20, 18]
WOMEN = {
    "home_visit": (1, 6),
    "interview": (1, 3),
    "forum": (8, 40),
    "questionnaire": (10, 50),
    "stationed": (20, 80),
}
NOTES = [
    "走访留守妇女家庭，了解子女教育和家庭收入情况。",
    "召开妇女座谈会，听取对妇女之家活动的意见。",
    "入户了解失地妇女再就业意愿，登记技能培训需求。",
    "了解贫困母亲救助落实情况。",
    "走访高龄空巢妇女，了解生活照料和就医困难。",
    "问卷调查妇女健康状况，宣传“两癌”筛查政策。",
]
NEEDS = [
    "就业：希望参加家政技能培训",
    "住房：泥草房需要改造",
    "健康：希望安排“两癌”免费筛查",
    "子女教育：孩子上学需要资助",
    "创业贷款：想办小额贷款养殖",
    "养老：独居老人需要定期探望",
    "法律：需要法律援助",
]
CHUNK = 20_000


@dataclass
class Unit:
    id: int
    path: str
    kind: str
    cadres: list  # (user id, is leader, rank)
    places: list  # community ids under it (or itself)


def _column(field: models.Field):
    """A converter to the database value where the driver cannot take the Python value as is."""
    target = field.target_field if field.is_relation else field
    if isinstance(target, models.UUIDField | models.DateTimeField):
        return lambda value: field.get_db_prep_save(value, connection)
    return None


def fast_insert(model, fields: list[str], rows) -> int:
    """Insert plain tuples: COPY on PostgreSQL, executemany on SQLite."""
    meta = model._meta
    columns = [meta.get_field(name) for name in fields]
    converters = [_column(f) for f in columns]
    names = ", ".join(connection.ops.quote_name(f.column) for f in columns)
    table = connection.ops.quote_name(meta.db_table)

    def prepared(batch):
        for row in batch:
            yield tuple(
                conv(v) if conv and v is not None else v for conv, v in zip(converters, row, strict=True)
            )

    count = 0
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in prepared(rows):
                    copy.write_row(row)
                    count += 1
        else:
            marks = ", ".join(["%s"] * len(columns))
            sql = f"INSERT INTO {table} ({names}) VALUES ({marks})"  # noqa: S608 (model metadata)
            batch = []
            for row in prepared(rows):
                batch.append(row)
                if len(batch) >= 5000:
                    cursor.executemany(sql, batch)
                    count += len(batch)
                    batch = []
            if batch:
                cursor.executemany(sql, batch)
                count += len(batch)
    return count


def _units() -> tuple[dict[int, Unit], dict[str, int]]:
    orgs = list(Org.objects.order_by("path").values_list("id", "path", "kind"))
    by_path = {path: oid for oid, path, _kind in orgs}
    units = {oid: Unit(oid, path, kind, [], []) for oid, path, kind in orgs}
    for uid, org_id, position, rank in User.objects.filter(is_active=True, org__isnull=False).values_list(
        "id", "org_id", "position", "rank"
    ):
        units[org_id].cadres.append((uid, position in LEADERSHIP_POSITIONS, rank))
    for oid, path, kind in orgs:
        if kind != OrgKind.COMMUNITY:
            continue
        for depth in range(1, len(path) // Org.steplen + 1):
            ancestor = by_path.get(path[: depth * Org.steplen])
            if ancestor is not None:
                units[ancestor].places.append(oid)
    for unit in units.values():
        if unit.kind == OrgKind.DEPARTMENT:  # a department visits the communities of its federation
            parent = by_path.get(unit.path[: -Org.steplen])
            unit.places = units[parent].places if parent else []
    return units, by_path


def _day(rng, month: int | None = None) -> datetime.date:
    month = month or rng.choices(range(1, 13), weights=MONTH_WEIGHTS)[0]
    days = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]
    return datetime.date(YEAR, month, rng.randint(1, days))


class Writer:
    """Collects visits and their child rows, flushing every CHUNK visits."""

    VISIT_FIELDS = [
        "id", "org", "year", "started_on", "ended_on", "method", "contact_point", "place", "lead",
        "led_by_leader", "women_met", "notes", "needs_text", "created_by", "created_at", "updated_at",
    ]  # fmt: skip

    def __init__(self, rng, groups: list[int]):
        self.rng = rng
        self.groups = groups
        self.visits, self.members, self.days, self.counts = [], [], [], []
        self.total = 0
        self.day_rows = 0

    def add(self, unit: Unit, lead, others, start, days, method, place, contact_point=None) -> None:
        rng = self.rng
        vid = uuid.UUID(int=rng.getrandbits(128), version=4)
        start = min(
            start, datetime.date(YEAR, 12, 31) - datetime.timedelta(days=days - 1)
        )  # stays in the year
        end = start + datetime.timedelta(days=days - 1)
        low, high = WOMEN[method]
        women = rng.randint(low, high)
        needs = "\n".join(rng.sample(NEEDS, rng.randint(1, 2))) if rng.random() < 0.3 else ""
        at = timezone.make_aware(datetime.datetime.combine(end, datetime.time(18, 0)))
        self.visits.append(
            (vid, unit.id, YEAR, start, end, method, contact_point, place, lead[0], lead[1], women,
             rng.choice(NOTES), needs, lead[0], at, at)
        )  # fmt: skip
        people = {lead[0]} | {o[0] for o in others}
        for uid in people:
            self.members.append((vid, uid, uid == lead[0]))
            for offset in range((end - start).days + 1):
                self.days.append((vid, uid, start + datetime.timedelta(days=offset)))
        for group in rng.sample(self.groups, rng.choices([0, 1, 2, 3], weights=[30, 40, 20, 10])[0]):
            self.counts.append((vid, group, rng.randint(1, max(1, women // 2))))
        self.total += 1
        if len(self.visits) >= CHUNK:
            self.flush()

    def flush(self) -> None:
        with transaction.atomic():
            fast_insert(Visit, self.VISIT_FIELDS, self.visits)
            fast_insert(VisitMember, ["visit", "user", "is_lead"], self.members)
            self.day_rows += fast_insert(VisitDay, ["visit", "user", "day"], self.days)
            fast_insert(VisitGroupCount, ["visit", "group", "count"], self.counts)
        self.visits, self.members, self.days, self.counts = [], [], [], []


def _contact_points(ctx: SynthContext, units: dict[int, Unit]) -> dict[int, list[tuple[int, int]]]:
    """Every leadership member of a district, city or province keeps 1–3 contact points; every
    department keeps 1–2. Returns {user id or -unit id: [(contact point id, place id)]}."""

    rng = ctx.rng
    rows, keys = [], []
    for unit in units.values():
        if not unit.places:
            continue
        if unit.kind in (OrgKind.DISTRICT, OrgKind.CITY, OrgKind.PROVINCE):
            for uid, leader, _rank in unit.cadres:
                if leader:
                    for place in rng.sample(unit.places, min(len(unit.places), rng.randint(1, 3))):
                        rows.append(
                            ContactPoint(org_id=unit.id, keeper_id=uid, place_id=place, since_year=YEAR)
                        )
                        keys.append(uid)
        elif unit.kind == OrgKind.DEPARTMENT:
            for place in rng.sample(unit.places, min(len(unit.places), rng.randint(1, 2))):
                rows.append(ContactPoint(org_id=unit.id, place_id=place, since_year=YEAR))
                keys.append(-unit.id)
    ContactPoint.objects.bulk_create(rows, batch_size=2000)
    result: dict[int, list] = defaultdict(list)
    for key, cp in zip(keys, rows, strict=True):
        result[key].append((cp.pk, cp.place_id))
    ctx.log(f"  {len(rows)} contact points")
    return result


@register_step("fieldwork", order=30)
def synth_fieldwork(ctx: SynthContext) -> None:
    rng = ctx.rng
    units, _by_path = _units()
    points = _contact_points(ctx, units)
    writer = Writer(rng, list(VulnerableGroup.objects.values_list("pk", flat=True)))
    senior = [(u, c) for u in units.values() for c in u.cadres if c[2] in (Rank.BUREAU, Rank.DIVISION)]
    target = PROVINCE_VISITS if ctx.scale == "province" else round(PROVINCE_VISITS * _city_share())
    # Bureau- and division-level cadres: about the 60-day mark, many through stationed stays.
    for unit, cadre in senior:
        _senior_year(rng, writer, unit, cadre, points.get(cadre[0]) or points.get(-unit.id, []))
    ctx.log(f"  {writer.total} visits of bureau/division cadres")
    ordinary = [u for u in units.values() if u.kind in VISITS_PER_UNIT and u.places and _juniors(u)]
    weight = sum(VISITS_PER_UNIT[u.kind] for u in ordinary) or 1
    remaining = max(target - writer.total, 0)
    for unit in ordinary:
        share = remaining * VISITS_PER_UNIT[unit.kind] / weight
        count = int(share) + (rng.random() < share - int(share))
        juniors = _juniors(unit)
        leaders = [c for c in juniors if c[1]]
        for _ in range(count):
            lead = rng.choice(leaders) if leaders and rng.random() < 0.4 else rng.choice(juniors)
            others = rng.sample(juniors, min(len(juniors), rng.choice([0, 0, 1, 1, 2])))
            stationed = unit.kind != OrgKind.COMMUNITY and rng.random() < 0.03
            method = "stationed" if stationed else rng.choices(METHODS, weights=METHOD_WEIGHTS)[0]
            days = rng.randint(7, 20) if stationed else rng.choices([1, 2, 3], weights=[85, 12, 3])[0]
            writer.add(unit, lead, others, _day(rng), days, method, rng.choice(unit.places))
    writer.flush()
    _analyze()
    ctx.made["visits"] = writer.total
    ctx.log(f"  {writer.total} visits, {writer.day_rows} cadre-days")


def _analyze() -> None:
    """Fresh planner statistics after a bulk load, so the first figures do not use empty-table plans."""

    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for model in (Org, User, ContactPoint, Visit, VisitDay, VisitGroupCount, VisitMember):
            cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")


def _juniors(unit: Unit) -> list:
    return [c for c in unit.cadres if c[2] not in (Rank.BUREAU, Rank.DIVISION)]


def _senior_year(rng, writer: Writer, unit: Unit, cadre, points: list) -> None:
    """One bureau/division cadre's year: stationed stays and day visits until her target days."""
    goal = max(5, min(110, round(rng.gauss(60, 16))))
    taken: set[datetime.date] = set()
    attempts = 0
    while len(taken) < goal and attempts < 200:
        attempts += 1
        if points and rng.random() < 0.15:
            start, days, method = _day(rng), rng.randint(7, 20), "stationed"
            cp, place = rng.choice(points)
        else:
            start, days = _day(rng), rng.choices([1, 2], weights=[85, 15])[0]
            method = rng.choices(METHODS, weights=METHOD_WEIGHTS)[0]
            cp, place = (
                rng.choice(points) if points and rng.random() < 0.5 else (None, rng.choice(unit.places))
            )
        others = rng.sample(_juniors(unit), min(len(_juniors(unit)), rng.choice([0, 1])))
        writer.add(unit, cadre, others, start, days, method, place, cp)
        taken.update(
            start + datetime.timedelta(days=i)
            for i in range(days)
            if (start + datetime.timedelta(days=i)).year == YEAR
        )


def _city_share() -> float:
    """Harbin's share of the province, by townships in the division file."""

    townships = [r for r in read_divisions() if r["level"] == "township"]
    harbin = [r for r in townships if r["code"].startswith("2301")]
    return len(harbin) / max(len(townships), 1)
