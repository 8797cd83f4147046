"""``manage.py synth`` grows the registry: ~1M women at province scale, proportionally fewer for a city.

Realistic shapes: ages weighted to the 35–70 years the campaign reaches most; groups by setting (landless
and left-behind women in villages, unemployed and migrant women in urban communities, elderly empty-nest
women among the over-60s); registrations spread over the campaign years. ID numbers are valid (GB 11643,
the district's own region code), phone numbers real-looking, and a few women are registered twice under
a mistyped ID number, as happens, so the duplicates page has work.

Encryption is the expensive part (two or three Fernet tokens a row): districts are generated in worker
processes while the parent inserts — COPY on PostgreSQL, executemany on SQLite.
"""

from __future__ import annotations

import datetime
import multiprocessing
import os
import random
import uuid
from collections import deque
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass

from django.db import connection, transaction
from django.utils import timezone

from fuqing.core.crypto import blind_index, encrypt
from fuqing.core.masking import mask_id_number, mask_phone
from fuqing.core.synth import SynthContext, register_step, woman_name
from fuqing.orgs.models import Org, OrgKind
from fuqing.registry.models import Consent, VulnerableGroup, Woman
from fuqing.registry.validators import make_id_number

WOMEN_PER_COMMUNITY = {"province": 54, "city": 54}  # ~18.7k communities in the province: ~1M women
DUPLICATE_RATE = 0.002
HEALTH_RATE = 0.1
# (group code, probability) by setting; elderly empty-nest applies to the over-60s only.
VILLAGE_GROUPS = [
    ("landless", 0.10),
    ("left-behind", 0.14),
    ("special-hardship", 0.05),
    ("single-poor-mother", 0.03),
]
URBAN_GROUPS = [
    ("unemployed", 0.11),
    ("migrant", 0.08),
    ("special-hardship", 0.04),
    ("single-poor-mother", 0.04),
]
EMPTY_NEST = 0.3
HEALTH = ("高血压", "糖尿病", "腰椎病", "关节炎", "心脏病", "慢性胃炎", "乳腺增生", "视力残疾")
HOUSEHOLD = (
    "丈夫外出务工",
    "独居",
    "与子女同住",
    "离异，抚养子女",
    "丧偶",
    "家中有重病患者",
    "低保户",
    "",
    "",
)
MOBILE_PREFIXES = ("130", "131", "132", "133", "135", "136", "137", "138", "139", "150", "151", "152",
                   "155", "156", "157", "158", "159", "177", "180", "181", "182", "185", "186", "187",
                   "188", "189", "199")  # fmt: skip


@dataclass(frozen=True)
class District:
    index: int
    region: str
    communities: tuple[tuple[int, str], ...]  # (org id, name)


def _birth(rng: random.Random) -> datetime.date:
    age = min(95, max(18, int(rng.triangular(18, 92, 52))))
    year = 2024 - age
    return datetime.date(year, 1, 1) + datetime.timedelta(days=rng.randint(0, 364))


def _registered(rng: random.Random, today: datetime.date) -> datetime.date:
    year = min(today.year, 2014 + int(rng.betavariate(1.2, 2.5) * (today.year - 2014 + 1)))
    start = datetime.date(year, 4, 1)
    day = start + datetime.timedelta(days=rng.randint(0, 240))
    return min(day, today)


def _phone(rng: random.Random) -> str:
    roll = rng.random()
    if roll < 0.85:
        return rng.choice(MOBILE_PREFIXES) + f"{rng.randint(0, 99999999):08d}"
    if roll < 0.93:
        return f"0451-{rng.randint(2, 8)}{rng.randint(0, 9999999):07d}"
    return ""


def generate_district(args: tuple) -> dict:
    """One district's rows, ready to insert (runs in a worker process; no database access here)."""
    district, per_community, seed, group_ids, now, today = args
    rng = random.Random(seed)
    women, links, consents = [], [], []
    used: set[tuple] = set()
    serial = 0
    for org_id, name in district.communities:
        village = name.endswith("村")
        for _n in range(max(0, int(rng.gauss(per_community, per_community / 4)))):
            serial += 1
            birth = _birth(rng)
            seq = rng.randint(0, 499)
            while (birth, seq) in used:
                seq = (seq + 1) % 500
            used.add((birth, seq))
            id_number = make_id_number(district.region, birth, seq)
            name_ = woman_name(rng)
            phone = _phone(rng)
            pk = uuid.uuid4()
            health = rng.choice(HEALTH) if rng.random() < HEALTH_RATE else ""
            women.append(
                _row(
                    pk,
                    f"S{district.index:04d}{serial:07d}",
                    org_id,
                    name_,
                    id_number,
                    birth,
                    phone,
                    f"{name}{rng.randint(1, 40)}{'组' if village else '号楼'}{rng.randint(1, 60)}号",
                    rng.choice(HOUSEHOLD),
                    health,
                    _registered(rng, today),
                    now,
                )
            )
            for code, p in VILLAGE_GROUPS if village else URBAN_GROUPS:
                if rng.random() < p:
                    links.append((pk, group_ids[code]))
            if today.year - birth.year >= 60 and rng.random() < EMPTY_NEST:
                links.append((pk, group_ids["elderly-empty-nest"]))
            if health:
                consents.append((pk, women[-1]["registered_on"]))
            twin_key = (birth + datetime.timedelta(days=1), (seq + 7) % 500)
            if phone and rng.random() < DUPLICATE_RATE and twin_key not in used:
                # the same woman registered again under a mistyped number
                used.add(twin_key)
                serial += 1
                twin = uuid.uuid4()
                other = make_id_number(district.region, *twin_key)
                women.append(
                    _row(
                        twin,
                        f"S{district.index:04d}{serial:07d}",
                        org_id,
                        name_,
                        other,
                        birth + datetime.timedelta(days=1),
                        phone,
                        "",
                        "",
                        "",
                        _registered(rng, today),
                        now,
                    )
                )
    return {"women": women, "links": links, "consents": consents}


def _row(
    pk, file_number, org_id, name, id_number, birth, phone, address, household, health, registered, now
) -> dict:
    return {
        "id": pk,
        "file_number": file_number,
        "org_id": org_id,
        "name": name,
        "id_number": encrypt(id_number),
        "id_number_index": blind_index(id_number, "id_number"),
        "id_number_masked": mask_id_number(id_number),
        "birth_date": birth,
        "birth_year": birth.year,
        "phone": encrypt(phone) if phone else "",
        "phone_index": blind_index(phone, "phone") if phone else "",
        "phone_masked": mask_phone(phone),
        "address": address,
        "household_notes": household,
        "health_notes": encrypt(health) if health else "",
        "status": "active",
        "merged_into_id": None,
        "registered_on": registered,
        "source": "synth",
        "closed_on": None,
        "close_reason": "",
        "anonymised_at": None,
        "created_by_id": None,
        "created_at": now,
        "updated_at": now,
    }


class Inserter:
    """Bulk rows into a table: COPY on PostgreSQL, executemany on SQLite (values adapted once)."""

    def __init__(self, model, columns: list[str]):
        self.table = model._meta.db_table
        self.columns = columns

    def write(self, rows) -> None:
        """``rows``: tuples (SQLite) or COPY text already encoded by a worker (PostgreSQL)."""
        if not rows:
            return
        cols = ", ".join(connection.ops.quote_name(c) for c in self.columns)
        with connection.cursor() as cursor:
            if isinstance(rows, bytes):
                with cursor.cursor.copy(f"COPY {self.table} ({cols}) FROM STDIN") as copy:
                    copy.write(rows)
            else:
                marks = ", ".join(["%s"] * len(self.columns))
                cursor.executemany(f"INSERT INTO {self.table} ({cols}) VALUES ({marks})", rows)  # noqa: S608


def _sqlite_value(value):
    """SQLite stores UUIDs as hex, dates and datetimes as text."""
    if isinstance(value, uuid.UUID):
        return value.hex
    if isinstance(value, datetime.datetime):
        return value.astimezone(datetime.UTC).replace(tzinfo=None).isoformat(" ")
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


def _copy_value(value) -> str:
    """One value in PostgreSQL's COPY text format."""
    if value is None:
        return "\\N"
    if isinstance(value, str):
        return value.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)


def encode(rows: list[tuple], vendor: str):
    """Rows as the parent will insert them: COPY text for PostgreSQL, adapted tuples for SQLite."""
    if vendor == "postgresql":
        return "".join("\t".join(map(_copy_value, row)) + "\n" for row in rows).encode()
    return [tuple(_sqlite_value(v) for v in row) for row in rows]


def prepare_district(args: tuple) -> dict:
    """Generate a district and encode its rows for insertion (in a worker: the parent only inserts)."""
    district, per_community, seed, group_ids, now, today, vendor, women_cols = args
    result = generate_district((district, per_community, seed, group_ids, now, today))
    women = [tuple(w[c] for c in women_cols) for w in result["women"]]
    consents = [(pk, "health", "2014-1", day, now) for pk, day in result["consents"]]
    return {
        "count": len(women),
        "women": encode(women, vendor),
        "links": encode(result["links"], vendor),
        "consents": encode(consents, vendor),
    }


def districts(scale: str) -> Iterator[District]:
    """Districts with their communities, from the tree the orgs step built."""
    current = None
    region = ""
    members: list[tuple[int, str]] = []
    index = 0
    regions: set[str] = set()
    for org in (
        Org.objects.filter(kind__in=[OrgKind.DISTRICT, OrgKind.COMMUNITY])
        .order_by("path")
        .only("pk", "name", "kind", "division_code", "path")
        .iterator(chunk_size=5000)
    ):
        if org.kind == OrgKind.DISTRICT:
            if current is not None and members:
                index += 1
                yield District(index, region, tuple(members))
            current, region, members = org, _unique_region(org.division_code or "230102", regions), []
        elif current is not None and org.path.startswith(current.path):
            members.append((org.pk, org.name))
    if current is not None and members:
        yield District(index + 1, region, tuple(members))


def _unique_region(code: str, taken: set[str]) -> str:
    """Each district generates its own numbers; two districts never share a region code."""
    region = code[:6]
    while region in taken:
        region = region[:4] + f"{(int(region[4:]) + 1) % 100:02d}"
    taken.add(region)
    return region


def insert_district(prepared: dict, women_cols, link_cols, consent_cols) -> int:
    Inserter(Woman, women_cols).write(prepared["women"])
    Inserter(Woman.groups.through, link_cols).write(prepared["links"])
    Inserter(Consent, consent_cols).write(prepared["consents"])
    return prepared["count"]


def _bounded_map(pool, func, items, ahead: int):
    """Like ``pool.map`` in order, but with at most ``ahead`` results waiting: generating is faster than
    inserting, and finished districts must not pile up in memory."""
    pending: deque = deque()
    for item in items:
        pending.append(pool.submit(func, item))
        if len(pending) >= ahead:
            yield pending.popleft().result()
    while pending:
        yield pending.popleft().result()


@register_step("women", order=30)
def synth_women(ctx: SynthContext, workers: int | None = None) -> None:
    per_community = WOMEN_PER_COMMUNITY[ctx.scale]
    group_ids = dict(VulnerableGroup.objects.values_list("code", "pk"))
    now = timezone.now()
    today = timezone.localdate()
    fields = [f for f in Woman._meta.concrete_fields]
    women_cols = [f.column for f in fields]
    link_cols = ["woman_id", "vulnerablegroup_id"]
    consent_cols = ["woman_id", "purpose", "notice_version", "given_on", "created_at"]
    vendor = connection.vendor
    jobs = [
        (d, per_community, ctx.rng.randint(0, 2**31), group_ids, now, today, vendor, women_cols)
        for d in districts(ctx.scale)
    ]
    workers = workers or max(1, min(4, (os.cpu_count() or 1)))
    encrypt("")  # load the keys before forking: every worker must use the same ones
    if connection.in_atomic_block:
        workers = 1  # inside a caller's transaction (tests): stay in this process
    elif workers > 1:
        connection.close()  # the workers are forked: none may inherit an open connection
    total = 0
    with transaction.atomic():
        if workers > 1 and len(jobs) > 1:
            with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork")) as pool:
                for prepared in _bounded_map(pool, prepare_district, jobs, ahead=workers * 2):
                    total += insert_district(prepared, women_cols, link_cols, consent_cols)
        else:
            for job in jobs:
                total += insert_district(prepare_district(job), women_cols, link_cols, consent_cols)
    if connection.vendor == "postgresql":  # fresh statistics, so plans fit a million rows at once
        with connection.cursor() as cursor:
            for model in (Woman, Woman.groups.through, Consent):
                cursor.execute(f"ANALYZE {model._meta.db_table}")
    ctx.made["women"] = total
    ctx.log(f"  {total} women in {len(jobs)} districts")
