"""``manage.py synth`` for livelihood projects: the 2014 projects at the root of the synthetic tree,
targets split down four levels (province → city → district → township), a year of monthly progress
reported by the townships, ~500k beneficiaries (province scale) and the 爱心暖夕阳 pairs.

Rows go in with COPY on PostgreSQL and ``bulk_create`` elsewhere, in chunks, so memory stays flat.
"""

from __future__ import annotations

import datetime
import uuid
from decimal import Decimal

from django.db import connection, transaction
from django.utils import timezone

from fuqing.campaigns.models import Campaign
from fuqing.campaigns.services import create_campaign
from fuqing.core.synth import SynthContext, register_step, woman_name
from fuqing.orgs.models import Org, OrgKind
from fuqing.projects.demo import PROJECTS_2014
from fuqing.projects.models import (
    Beneficiary,
    ElderlyPerson,
    Household,
    Indicator,
    ProgressEntry,
    Project,
    Source,
    Target,
    Unit,
    Volunteer,
    VolunteerPair,
)
from fuqing.projects.services.volunteers import phone_index
from fuqing.registry.models import Woman

YEAR = 2014
# Targets at the root, per scale (the province's are about eight Harbins).
ROOT_TARGETS = {
    "city": {
        "提供就业岗位": 30000,
        "就业技能培训": 10000,
        "培训妇女": 5000,
        "新增小额贷款": 50000000,
        "结对巾帼志愿者": 1000,
        "结对空巢老人家庭": 1000,
        "两癌筛查": 40000,
        "泥草房改建": 1500,
        "法律援助": 7000,
    },
    "province": {
        "提供就业岗位": 240000,
        "就业技能培训": 80000,
        "培训妇女": 40000,
        "新增小额贷款": 400000000,
        "结对巾帼志愿者": 8000,
        "结对空巢老人家庭": 8000,
        "两癌筛查": 320000,
        "泥草房改建": 12000,
        "法律援助": 55000,
    },
}
# Beneficiary records per scale: (project, help kind, records, amount range or None).
BENEFICIARY_PLAN = [
    ("妇女健康援助", "两癌筛查", 0.60, None),
    ("妇女健康援助", "两癌救助", 0.01, (10000, 10000)),
    ("贫困母亲救助", "泥草房改建", 0.022, (15000, 30000)),
    ("贫困母亲救助", "生活救助", 0.16, (500, 2000)),
    ("贫困妇女法律援助", "法律咨询", 0.08, None),
    ("贫困妇女法律援助", "代理诉讼", 0.028, None),
    ("爱心一杯奶", "爱心奶", 0.10, (600, 600)),
]
BENEFICIARIES = {"city": 60000, "province": 500000}
MONTH_SHAPE = [0.02, 0.02, 0.04, 0.12, 0.15, 0.16, 0.15, 0.16, 0.06, 0.05, 0.04, 0.03]  # January … December


# --- inserting in bulk ----------------------------------------------------------------------------


def insert(model, rows: list, batch: int = 5000) -> None:
    """Insert model instances: COPY on PostgreSQL (ten times bulk_create), bulk_create elsewhere."""
    if not rows:
        return
    if connection.vendor != "postgresql":
        model.objects.bulk_create(rows, batch_size=batch)
        return
    fields = [f for f in model._meta.concrete_fields if not (f.primary_key and f.get_default() is None)]
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    table = connection.ops.quote_name(model._meta.db_table)
    with connection.cursor() as cursor:
        with cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
            for obj in rows:
                copy.write_row([_copy_value(f, obj) for f in fields])


def _copy_value(field, obj):
    stamped = getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False)
    value = field.pre_save(obj, add=True) if stamped else getattr(obj, field.attname)
    if value is None:
        return None
    return field.get_db_prep_save(value, connection)


def _chunks(iterable, size):
    chunk = []
    for item in iterable:
        chunk.append(item)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


# --- the step -------------------------------------------------------------------------------------


def _split(total: int, weights: list[float], step: int = 1) -> list[int]:
    """Whole parts proportional to the weights, multiples of ``step``, adding up exactly to ``total``."""
    weight_sum = sum(weights) or 1
    parts = [int(total * w / weight_sum) // step * step for w in weights]
    if parts:
        parts[0] += total - sum(parts)
    return parts


@register_step("projects", order=70)
def synth_projects(ctx: SynthContext) -> None:
    rng = ctx.rng
    root = Org.objects.filter(depth=1).exclude(kind=OrgKind.DEPARTMENT).order_by("path").first()
    if root is None:
        ctx.log("  no tree: projects skipped")
        return
    with transaction.atomic():
        campaign = Campaign.objects.filter(org=root, year=YEAR).first()
        if campaign is None:
            campaign = create_campaign(None, org=root, year=YEAR)
        indicators = _projects(root, campaign, ctx.scale)
        tree = _tree(root)
        _targets(indicators, root, tree, rng)
    parts = Target.objects.filter(indicator__project__org=root).count()
    ctx.log(f"  {len(indicators)} indicators, {parts} split parts")
    with transaction.atomic():
        count = _progress(indicators, tree, rng)
    ctx.log(f"  {count} monthly progress entries")
    with transaction.atomic():
        count = _beneficiaries(indicators, root, tree, ctx)
    ctx.log(f"  {count} beneficiaries")
    with transaction.atomic():
        count = _pairs(indicators, tree, rng)
    ctx.log(f"  {count} volunteer pairs")
    analyze()


def analyze() -> None:
    """Fresh planner statistics after bulk loading (PostgreSQL would otherwise plan with none)."""
    tables = [m._meta.db_table for m in (Org, Woman, Target, ProgressEntry, Beneficiary, VolunteerPair)]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ANALYZE " + ", ".join(connection.ops.quote_name(t) for t in tables))
        elif connection.vendor == "sqlite":
            cursor.execute("ANALYZE")


def _projects(root: Org, campaign: Campaign, scale: str) -> dict[str, Indicator]:
    departments = {
        o.name: o for o in Org.objects.filter(path__startswith=root.path, depth=2, kind=OrgKind.DEPARTMENT)
    }
    targets = ROOT_TARGETS[scale]
    indicators = {}
    for sort, (name, dept, kinds, rows) in enumerate(PROJECTS_2014, start=1):
        project, _created = Project.objects.get_or_create(
            org=root,
            year=YEAR,
            name=name,
            defaults={
                "campaign": campaign,
                "lead_department": departments.get(dept),
                "help_kinds": kinds,
                "sort": sort * 10,
            },
        )
        for isort, (iname, unit, _target, source, measure, kind) in enumerate(rows, start=1):
            indicator, _created = Indicator.objects.get_or_create(
                project=project,
                name=iname,
                defaults={
                    "unit": unit,
                    "target": targets.get(iname),
                    "source": source,
                    "measure": measure,
                    "help_kind": kind,
                    "sort": isort * 10,
                },
            )
            indicators[iname] = indicator
    return indicators


class Tree:
    """The federations under the root, by depth, with each one's children and a size weight."""

    def __init__(self, root: Org):
        self.root = root
        self.nodes: dict[str, tuple[int, str]] = {}  # path -> (id, kind)
        self.children: dict[str, list[str]] = {}
        self.communities: dict[str, int] = {}  # path -> count of communities below
        kinds = (OrgKind.PROVINCE, OrgKind.CITY, OrgKind.DISTRICT, OrgKind.TOWNSHIP, OrgKind.COMMUNITY)
        for org_id, path, kind in (
            Org.objects.filter(path__startswith=root.path, kind__in=kinds, is_active=True)
            .order_by("path")
            .values_list("id", "path", "kind")
            .iterator(chunk_size=10000)
        ):
            self.nodes[path] = (org_id, kind)
            if path != root.path:
                self.children.setdefault(path[: -Org.steplen], []).append(path)
            if kind == OrgKind.COMMUNITY:
                for i in range(len(root.path), len(path), Org.steplen):
                    self.communities[path[:i]] = self.communities.get(path[:i], 0) + 1
        self.townships = [p for p, (_i, k) in self.nodes.items() if k == OrgKind.TOWNSHIP]
        self.community_paths = [p for p, (_i, k) in self.nodes.items() if k == OrgKind.COMMUNITY]

    def id(self, path: str) -> int:
        return self.nodes[path][0]

    def township_of(self, path: str) -> str | None:
        for i in range(len(path), 0, -Org.steplen):
            candidate = path[:i]
            if candidate in self.nodes and self.nodes[candidate][1] == OrgKind.TOWNSHIP:
                return candidate
        return None


def _tree(root: Org) -> Tree:
    return Tree(root)


def _targets(indicators: dict[str, Indicator], root: Org, tree: Tree, rng) -> None:
    """Split each targeted indicator from the root down to the townships (four levels at province
    scale); a few districts leave their split as an unbalanced draft."""
    Target.objects.filter(indicator__in=indicators.values()).delete()
    parts: list[Target] = []
    noise = {path: rng.uniform(0.8, 1.2) for path in tree.nodes}
    drafts = {p for p in tree.nodes if tree.nodes[p][1] == OrgKind.DISTRICT and rng.random() < 0.05}
    for indicator in indicators.values():
        if indicator.target is None:
            continue
        step = 10000 if indicator.unit == Unit.YUAN else 1
        queue = [(root.path, int(indicator.target))]
        while queue:
            parent, whole = queue.pop()
            kids = [k for k in tree.children.get(parent, []) if tree.nodes[k][1] != OrgKind.COMMUNITY]
            if not kids:
                continue
            weights = [tree.communities.get(k, 1) * noise[k] for k in kids]
            values = _split(whole, weights, step)
            draft = parent in drafts
            if draft:
                values[-1] = max(0, values[-1] - step * rng.randint(1, 20))
            for kid, value in zip(kids, values, strict=True):
                parts.append(
                    Target(indicator=indicator, org_id=tree.id(kid), value=Decimal(value), draft=draft)
                )
                queue.append((kid, value))
    for chunk in _chunks(parts, 20000):
        insert(Target, chunk)


def _progress(indicators: dict[str, Indicator], tree: Tree, rng) -> int:
    """A year of monthly values for every reported indicator, reported by every township (its part
    of the target × its own pace); one in twenty corrected once, with a reason."""
    reported = [i for i in indicators.values() if i.source == Source.REPORTED]
    ProgressEntry.objects.filter(indicator__in=reported).delete()
    targets = {
        (t["indicator_id"], t["org_id"]): float(t["value"])
        for t in Target.objects.filter(indicator__in=reported, org__kind=OrgKind.TOWNSHIP).values(
            "indicator_id", "org_id", "value"
        )
    }
    now = timezone.now()
    months = [datetime.date(YEAR, m, 1) for m in range(1, 13)]
    count = 0

    def rows():
        for path in tree.townships:
            org_id = tree.id(path)
            pace = rng.triangular(0.45, 1.2, 0.95)
            for indicator in reported:
                size = targets.get((indicator.pk, org_id))
                if size is None:
                    size = tree.communities.get(path, 10) * (300 if indicator.unit == Unit.YUAN else 0.8)
                for month, share in zip(months, MONTH_SHAPE, strict=True):
                    value = round(size * pace * share * rng.uniform(0.7, 1.3))
                    if indicator.unit == Unit.YUAN:
                        value = value // 100 * 100
                    entry = ProgressEntry(
                        indicator=indicator,
                        org_id=org_id,
                        year=YEAR,
                        month=month,
                        value=Decimal(value),
                        entered_at=now,
                    )
                    if rng.random() < 0.05:  # an earlier value, corrected
                        entry.superseded_at = now
                        entry.reason = ""
                        yield entry
                        entry = ProgressEntry(
                            indicator=indicator,
                            org_id=org_id,
                            year=YEAR,
                            month=month,
                            value=Decimal(max(0, value + rng.randint(-20, 20))),
                            reason="核对后更正",
                            entered_at=now,
                        )
                    yield entry

    for chunk in _chunks(rows(), 20000):
        insert(ProgressEntry, chunk)
        count += len(chunk)
    return count


def _beneficiaries(indicators: dict[str, Indicator], root: Org, tree: Tree, ctx: SynthContext) -> int:
    """Beneficiaries over the year, given by the woman's township; the same help once per woman/day."""
    rng = ctx.rng
    total = BENEFICIARIES[ctx.scale]
    projects = {i.project.name: i.project for i in indicators.values()}
    Beneficiary.objects.filter(project__in=projects.values()).delete()
    women_needed = int(total * 0.7)
    women = list(
        Woman.objects.filter(status="active", org__path__startswith=root.path).values_list("id", "org__path")[
            :women_needed
        ]
    )
    if not women:
        ctx.log(
            "  projects: the registry has no women in this tree (run the women step first); no beneficiaries"
        )
        return 0
    township_ids = {}
    start = datetime.date(YEAR, 1, 1)
    seen: set[int] = set()  # hashes of (woman, project, kind, day): the same help once
    now = timezone.now()

    def rows():
        for project_name, kind, share, money in BENEFICIARY_PLAN:
            project = projects[project_name]
            for _n in range(int(total * share)):
                woman_id, path = women[rng.randrange(len(women))]
                day = start + datetime.timedelta(days=min(364, int(rng.triangular(0, 364, 150))))
                key = hash((woman_id.int, project.pk, kind, day.toordinal()))
                if key in seen:
                    continue
                seen.add(key)
                if path not in township_ids:
                    township = tree.township_of(path)
                    township_ids[path] = tree.id(township) if township else tree.id(root.path)
                amount = Decimal(rng.randrange(money[0], money[1] + 1, 100)) if money else None
                yield Beneficiary(
                    id=uuid.uuid4(),
                    project=project,
                    help_kind=kind,
                    woman_id=woman_id,
                    org_id=township_ids[path],
                    year=YEAR,
                    received_on=day,
                    amount=amount,
                    created_at=now,
                )

    count = 0
    for chunk in _chunks(rows(), 20000):
        insert(Beneficiary, chunk)
        count += len(chunk)
    return count


def _pairs(indicators: dict[str, Indicator], tree: Tree, rng) -> int:
    """Volunteers paired with households of their community, about 90% of the target."""
    project = indicators["结对巾帼志愿者"].project
    VolunteerPair.objects.filter(project=project).delete()
    target = int(indicators["结对巾帼志愿者"].target or 0)
    count = int(target * 0.9)
    if not tree.community_paths or not count:
        return 0

    volunteers, households, elders, pairs = [], [], [], []
    now = timezone.now()
    for n in range(count):
        path = tree.community_paths[rng.randrange(len(tree.community_paths))]
        org_id = tree.id(path)
        phone = f"13{rng.randrange(10**8, 10**9)}"
        volunteer = Volunteer(
            id=uuid.uuid4(),
            org_id=org_id,
            name=woman_name(rng),
            phone=phone,
            phone_index=phone_index(phone),
            created_at=now,
        )
        household = Household(
            id=uuid.uuid4(), org_id=org_id, address=f"第{n + 1}号院{rng.randint(1, 6)}单元", created_at=now
        )
        volunteers.append(volunteer)
        households.append(household)
        elders.append(
            ElderlyPerson(household=household, name=woman_name(rng), birth_year=rng.randint(1925, 1944))
        )
        day = datetime.date(YEAR, 1, 1) + datetime.timedelta(days=int(rng.triangular(0, 364, 120)))
        pairs.append(
            VolunteerPair(
                project=project,
                volunteer=volunteer,
                household=household,
                org_id=org_id,
                year=YEAR,
                started_on=day,
                created_at=now,
            )
        )
    Volunteer.objects.bulk_create(volunteers, batch_size=2000)
    Household.objects.bulk_create(households, batch_size=2000)
    ElderlyPerson.objects.bulk_create(elders, batch_size=2000)
    VolunteerPair.objects.bulk_create(pairs, batch_size=2000)
    return len(pairs)
