"""The demo federation: Harbin 2014 (哈尔滨市妇联), its departments, 18 districts and counties with their
real division codes, real township names under each, generated communities, the 2014 campaign, and the
demo accounts. Loaded only into an empty database (``manage.py load_demo``)."""

from __future__ import annotations

import csv
import pkgutil
import random
from importlib import import_module
from pathlib import Path

from django.apps import apps
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from fuqing.core.synth import community_names
from fuqing.orgs import services
from fuqing.orgs.models import Org, OrgKind, Position, Rank, Role, ScopeGrant, User

DATA = Path(__file__).resolve().parent / "data" / "heilongjiang-2022.csv"

DEPARTMENTS = ["办公室", "组织部", "宣传部", "权益部", "发展部", "家庭和儿童工作部", "研究室"]

# Harbin's districts and counties in April 2014, with their division codes of that year.
HARBIN_2014 = [
    ("道里区", "230102"),
    ("南岗区", "230103"),
    ("道外区", "230104"),
    ("平房区", "230108"),
    ("松北区", "230109"),
    ("香坊区", "230110"),
    ("呼兰区", "230111"),
    ("阿城区", "230112"),
    ("双城市", "230182"),
    ("依兰县", "230123"),
    ("方正县", "230124"),
    ("宾县", "230125"),
    ("巴彦县", "230126"),
    ("木兰县", "230127"),
    ("通河县", "230128"),
    ("延寿县", "230129"),
    ("尚志市", "230183"),
    ("五常市", "230184"),
]
# 2022 codes of the same places, to find their townships in the file (双城市 became 双城区 230113).
CODE_2022 = {"230182": "230113"}


def federation_name(place: str) -> str:
    return f"{place}妇联"


def read_divisions() -> list[dict]:
    with DATA.open(encoding="utf-8-sig", newline="") as handle:
        return [{k: (v or "").strip() for k, v in row.items()} for row in csv.DictReader(handle)]


def townships_by_county() -> dict[str, list[dict]]:
    result: dict[str, list[dict]] = {}
    for row in read_divisions():
        if row["level"] == "township":
            result.setdefault(row["parent_code"], []).append(row)
    return result


DEMO_USERS = [
    # username, name, where, position, rank, roles, grant city-wide read
    ("sysadmin", "系统管理员", "city", Position.OTHER, Rank.OTHER, ["system-admin"], False),
    ("secadmin", "安全管理员", "city", Position.OTHER, Rank.OTHER, ["security-admin"], False),
    ("auditor", "审计管理员", "city", Position.OTHER, Rank.OTHER, ["audit-admin"], False),
    ("city", "王淑珍", "city", Position.CHAIR, Rank.BUREAU, ["leader"], False),
    ("research", "付丽媛", "research", Position.CADRE, Rank.SECTION, ["researcher"], True),
    ("daoli", "李秀英", "daoli", Position.VICE_CHAIR_FULL, Rank.DIVISION, ["leader"], False),
    ("nangang", "张晓红", "nangang", Position.VICE_CHAIR_FULL, Rank.DIVISION, ["leader"], False),
    ("daoli_street", "刘春梅", "daoli_street", Position.CHAIR, Rank.SECTION, ["cadre"], False),
    ("volunteer", "赵桂兰", "daoli_community", Position.VOLUNTEER, Rank.OTHER, ["volunteer"], False),
]


def ensure_builtin_rows() -> None:
    """The rows the data migrations create (roles, dictionaries), recreated if a flush removed them
    (a test database after a transactional test, a hand-emptied database). Convention: a data migration
    that creates built-in rows is named ``*_builtin_*`` and exposes an idempotent ``create(apps, editor)``."""

    for config in apps.get_app_configs():
        if not config.name.startswith("fuqing."):
            continue
        try:
            package = import_module(f"{config.name}.migrations")
        except ModuleNotFoundError:
            continue
        for module in sorted(pkgutil.iter_modules(package.__path__), key=lambda m: m.name):
            if "_builtin_" in module.name:
                import_module(f"{config.name}.migrations.{module.name}").create(apps, None)


@transaction.atomic
def load(
    password: str, seed: int = 2014, townships_per_county: int = 3, communities_per_township: int = 2
) -> dict:
    if Org.objects.exists():
        raise RuntimeError("the database already holds organisations; the demo loads only into an empty one")
    rng = random.Random(seed)
    ensure_builtin_rows()
    city = services.add_org(
        None, parent=None, name="哈尔滨市妇联", kind=OrgKind.CITY, division_code="230100", code_year=2014
    )
    places = {"city": city}
    for name in DEPARTMENTS:
        dept = services.add_org(None, parent=city, name=name, kind=OrgKind.DEPARTMENT)
        if name == "研究室":
            places["research"] = dept
    townships = townships_by_county()
    for county, code in HARBIN_2014:
        district = services.add_org(
            None,
            parent=city,
            name=federation_name(county),
            kind=OrgKind.DISTRICT,
            division_code=code,
            code_year=2014,
        )
        rows = townships.get(CODE_2022.get(code, code), [])
        if county == "道里区":  # the street of the demo's street cadre comes first
            rows = sorted(rows, key=lambda r: r["name"] != "新阳路街道")
        for row in rows[:townships_per_county]:
            township = services.add_org(
                None,
                parent=district,
                name=row["name"],
                kind=OrgKind.TOWNSHIP,
                division_code=row["code"],
                code_year=2022,
            )
            village = not row["name"].endswith("街道")
            for community in community_names(rng, communities_per_township, village):
                org = services.add_org(None, parent=township, name=community, kind=OrgKind.COMMUNITY)
                places.setdefault("daoli_community" if county == "道里区" else "_", org)
            if county == "道里区":
                places.setdefault("daoli_street", township)
        if county == "道里区":
            places["daoli"] = district
        if county == "南岗区":
            places["nangang"] = district
    community = places["daoli_community"]
    for group in ("1号楼妇女小组", "2号楼妇女小组"):
        services.add_org(None, parent=community, name=group, kind=OrgKind.WOMENS_GROUP)

    roles = {r.code: r for r in Role.objects.all()}
    encoded = make_password(password)
    now = timezone.now()
    for username, name, where, position, rank, role_codes, city_read in DEMO_USERS:
        user = User.objects.create(
            username=username,
            name=name,
            org=places[where],
            position=position,
            rank=rank,
            password=encoded,
            password_changed_at=now,
        )
        user.roles.set([roles[c] for c in role_codes])
        if city_read:
            ScopeGrant.objects.create(user=user, org=city, can_edit=False)
    return {"orgs": Org.objects.count(), "users": [u[0] for u in DEMO_USERS]}
