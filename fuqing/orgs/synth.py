"""``manage.py synth`` starts here: the tree (real prefectures, counties and townships of 黑龙江省 from
the division file, generated communities and villages) and the cadres of every unit, in bulk."""

from __future__ import annotations

from django.contrib.auth.hashers import make_password
from django.utils import timezone

from fuqing.core.synth import SynthContext, community_names, register_step, woman_name
from fuqing.orgs.demo import DEPARTMENTS, read_divisions
from fuqing.orgs.models import Org, OrgKind, Position, Rank, Role, User

SYNTH_PASSWORD = "Synth@2014"  # noqa: S105 (synthetic data only, documented)


class TreeBuilder:
    """Builds materialised paths in memory and inserts the whole tree with bulk_create."""

    def __init__(self):
        self.nodes: list[Org] = []
        self.children: dict[str, int] = {}

    def add(self, parent: Org | None, **fields) -> Org:
        parent_path = parent.path if parent else ""
        position = self.children.get(parent_path, 0) + 1
        self.children[parent_path] = position
        depth = (parent.depth + 1) if parent else 1
        node = Org(path=Org._get_path(parent_path, depth, position), depth=depth, numchild=0, **fields)
        if parent is not None:
            parent.numchild += 1
        self.nodes.append(node)
        return node

    def save(self) -> None:
        Org.objects.bulk_create(self.nodes, batch_size=2000)


@register_step("orgs", order=10)
def synth_orgs(ctx: SynthContext) -> None:
    rng = ctx.rng
    rows = read_divisions()
    by_parent: dict[str, list[dict]] = {}
    for row in rows:
        by_parent.setdefault(row["parent_code"], []).append(row)
    tree = TreeBuilder()
    if ctx.scale == "province":
        root = tree.add(
            None, name="黑龙江省妇联", kind=OrgKind.PROVINCE, division_code="230000", code_year=2022
        )
        prefectures = [r for r in rows if r["level"] == "city"]
    else:
        root = None
        prefectures = [r for r in rows if r["code"] == "2301"]
    if root is not None:
        for name in DEPARTMENTS:
            tree.add(root, name=name, kind=OrgKind.DEPARTMENT)
    for prefecture in prefectures:
        city = tree.add(
            root,
            name=f"{prefecture['name']}妇联",
            kind=OrgKind.CITY,
            division_code=prefecture["code"] + "00",
            code_year=2022,
        )
        for name in DEPARTMENTS:
            tree.add(city, name=name, kind=OrgKind.DEPARTMENT)
        for county in by_parent.get(prefecture["code"], []):
            district = tree.add(
                city,
                name=f"{county['name']}妇联",
                kind=OrgKind.DISTRICT,
                division_code=county["code"],
                code_year=2022,
            )
            for town in by_parent.get(county["code"], []):
                township = tree.add(
                    district,
                    name=town["name"],
                    kind=OrgKind.TOWNSHIP,
                    division_code=town["code"],
                    code_year=2022,
                )
                village = not town["name"].endswith("街道")
                for name in community_names(rng, rng.randint(8, 14), village):
                    tree.add(township, name=name, kind=OrgKind.COMMUNITY)
    tree.save()
    ctx.made["orgs"] = len(tree.nodes)
    ctx.log(f"  {len(tree.nodes)} organisations")


CADRES_BY_KIND = {
    # kind: [(position, rank, role), ...]
    OrgKind.PROVINCE: [
        (Position.CHAIR, Rank.BUREAU, "leader"),
        (Position.VICE_CHAIR_FULL, Rank.BUREAU, "leader"),
    ],
    OrgKind.CITY: [
        (Position.CHAIR, Rank.BUREAU, "leader"),
        (Position.VICE_CHAIR_FULL, Rank.BUREAU, "leader"),
        (Position.VICE_CHAIR_FULL, Rank.BUREAU, "leader"),
    ],
    OrgKind.DEPARTMENT: [
        (Position.DEPARTMENT_HEAD, Rank.DIVISION, "cadre"),
        (Position.CADRE, Rank.SECTION, "cadre"),
    ],
    OrgKind.DISTRICT: [
        (Position.CHAIR, Rank.DIVISION, "leader"),
        (Position.VICE_CHAIR_FULL, Rank.DIVISION, "leader"),
        (Position.VICE_CHAIR_PART, Rank.SECTION, "leader"),
        (Position.CADRE, Rank.SECTION, "cadre"),
        (Position.CADRE, Rank.SECTION, "caseworker"),
    ],
    OrgKind.TOWNSHIP: [(Position.CHAIR, Rank.SECTION, "cadre"), (Position.CADRE, Rank.OTHER, "cadre")],
    OrgKind.COMMUNITY: [(Position.CHAIR, Rank.OTHER, "cadre")],
}


@register_step("users", order=20)
def synth_users(ctx: SynthContext) -> None:
    rng = ctx.rng
    encoded = make_password(SYNTH_PASSWORD)  # one hash for all: Argon2 per user would take hours
    now = timezone.now()
    roles = {r.code: r for r in Role.objects.all()}
    users: list[User] = []
    role_of: list[str] = []
    for org in Org.objects.order_by("path").only("id", "kind").iterator(chunk_size=5000):
        for position, rank, role in CADRES_BY_KIND.get(org.kind, []):
            users.append(
                User(
                    username=f"u{len(users) + 1:06d}",
                    name=woman_name(rng),
                    org_id=org.id,
                    position=position,
                    rank=rank,
                    password=encoded,
                    password_changed_at=now,
                )
            )
            role_of.append(role)
    User.objects.bulk_create(users, batch_size=2000)
    through = User.roles.through  # bulk_create set the ids (RETURNING on both engines)
    through.objects.bulk_create(
        [through(user_id=u.id, role_id=roles[r].id) for u, r in zip(users, role_of, strict=True)],
        batch_size=5000,
    )
    ctx.made["users"] = len(users)
    ctx.log(f"  {len(users)} cadres (password {SYNTH_PASSWORD})")
