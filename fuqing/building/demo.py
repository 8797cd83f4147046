"""The demo's organisation building for 2014 in Harbin (BLD-1 … BLD-6): Women's Homes in 道里区 and 南岗区
communities and villages (one a 市级示范点, one in a 非公企业, one idle for months), a women's group in a
自然屯 and flexible organisations, teams with one vacant full-time vice-chair and one overdue election,
the April 2014 city training of district cadres, the 《妇女工作实用手册》 in two versions, and the
conditions of women's work of each district."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile

from fuqing.building import services
from fuqing.building.models import (
    DemoLevel,
    GroupKind,
    HandbookDownload,
    HomeFunction,
    HomeSetting,
    TeamRole,
    TrainingLevel,
)
from fuqing.core.loaders import register_demo_step
from fuqing.core.scoping import subtree_q
from fuqing.orgs.models import Org, OrgKind, User
from fuqing.registry.models import Woman

D = datetime.date
ALL_FUNCTIONS = [HomeFunction.EDUCATION, HomeFunction.DELIBERATION, HomeFunction.SERVICE]
CHAIRS = ["王桂芝", "李淑华", "张玉兰", "刘凤霞", "陈秀云", "杨丽娟", "赵春燕", "孙海燕", "周晓梅", "吴艳华"]
VICES = ["郑丽萍", "冯雪梅", "韩淑芬", "曹玉梅", "许晓燕", "何丽华", "邓春霞", "萧美玲", "程丽丽", "宋雅琴"]


def minimal_pdf(text: str) -> bytes:
    """A one-page PDF (enough for the upload policy's content check and a reader)."""
    body = f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(body) + body + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = b"%PDF-1.4\n"
    offsets = []
    for number, obj in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + obj + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return out


def _communities(district: Org) -> list[Org]:
    return list(
        Org.objects.filter(subtree_q(district.path), kind=OrgKind.COMMUNITY, is_active=True).order_by("path")
    )


def _is_village(org: Org, townships: dict) -> bool:
    return not townships[org.path[: -Org.steplen]].name.endswith("街道")


@register_demo_step(90)
def load_building(summary: dict) -> None:
    city_user = User.objects.get(username="city")
    city = city_user.org
    daoli = User.objects.get(username="daoli").org
    nangang = User.objects.get(username="nangang").org
    townships = {o.path: o for o in Org.objects.filter(kind=OrgKind.TOWNSHIP)}
    setting = {s.code: s for s in HomeSetting.objects.all()}
    homes = _homes(city_user, daoli, nangang, townships, setting)
    _groups(city_user, daoli, nangang, townships)
    _teams(city_user, city)
    _training(city_user, city, daoli)
    _handbook(city_user, city, daoli, nangang)
    _conditions(city_user, city)
    summary["homes"] = homes


def _rural_district(townships) -> Org | None:
    """The first county whose demo townships are villages (道里区 and 南岗区 are urban in the demo tree)."""
    for township in sorted(townships.values(), key=lambda t: t.path):
        if not township.name.endswith("街道"):
            return Org.objects.get(path=township.path[: -Org.steplen])
    return None


def _homes(actor, daoli, nangang, townships, setting) -> int:
    made = 0
    rural = _rural_district(townships)
    for district in (daoli, nangang, *([rural] if rural else [])):
        communities = _communities(district)
        for index, community in enumerate(communities[:-1]):  # the last community still has none
            village = _is_village(community, townships)
            place = "村委会" if village else "社区服务中心"
            home = services.create_home(
                actor,
                community,
                name=f"{community.name}妇女之家",
                address=f"{townships[community.path[:-4]].name}{community.name}{place}二楼",
                setting=setting["village" if village else "community"],
                founded_on=D(2012 + index % 2, 3, 8),
                standard="有场所、有牌子、有制度、有活动、有队伍、有档案",
                demo_level=DemoLevel.CITY if (district == daoli and index == 0) else DemoLevel.NONE,
                functions=ALL_FUNCTIONS if index % 3 == 0 else ALL_FUNCTIONS[:2],
                keeper=CHAIRS[index % len(CHAIRS)],
                keeper_phone=f"1394510{index:04d}",
                hours="周一至周五 8:30—16:30，周六上午",
            )
            made += 1
            if index == len(communities) - 2:
                # idle: its last activity in January, more than three months before the summer
                services.add_activity(
                    actor, home, held_on=D(2014, 1, 10), theme="迎新春妇女联谊会", attendance=35
                )
                continue
            for month, theme, people in (
                (4, "妇女需求调研座谈会", 28),
                (5, "“两癌”筛查政策宣讲", 46),
                (6, "家庭教育讲座", 31),
                (8, "手工编织技能培训", 22),
                (12, "岁末走访慰问困难妇女", 18),
            ):
                services.add_activity(
                    actor, home, held_on=D(2014, month, 10 + index), theme=theme, attendance=people
                )
    street = next(c for c in _communities(daoli) if not _is_village(c, townships))
    services.create_home(
        actor,
        Org.objects.get(path=street.path[: -Org.steplen]),
        name="红博物流有限公司妇女之家",
        address="道里区友谊路388号红博物流公司职工活动室",
        setting=setting["enterprise"],
        founded_on=D(2013, 9, 1),
        standard="有场所、有牌子、有制度",
        functions=[HomeFunction.EDUCATION, HomeFunction.SERVICE],
        keeper="孟晓丽",
        hours="每周三下午",
    )
    services.create_home(
        actor,
        nangang,
        name="红军街商务楼宇妇女之家",
        address="南岗区红军街15号商务楼12层",
        setting=setting["office_building"],
        founded_on=D(2014, 3, 8),
        functions=[HomeFunction.SERVICE],
        keeper="丁雪",
        hours="工作日 12:00—13:30",
    )
    return made + 2


def _groups(actor, daoli, nangang, townships) -> None:
    communities = _communities(daoli) + _communities(nangang)
    rural = _rural_district(townships)
    villages = [c for c in _communities(rural) if _is_village(c, townships)] if rural else []
    village = villages[0] if villages else communities[0]
    women = list(Woman.objects.filter(subtree_q(village.path, "org__path"), status="active")[:4])
    group = services.create_group(
        actor,
        village,
        name="王家屯妇女小组",
        kind=GroupKind.NATURAL_VILLAGE,
        place="王家屯",
        founded_on=D(2013, 5, 1),
        leader=women[0] if women else None,
    )
    if women[1:]:
        services.add_members(actor, group, women[1:])
    services.add_group_activity(actor, group, held_on=D(2014, 4, 22), theme="屯里姐妹说需求", attendance=18)
    street = next((c for c in _communities(daoli) if not _is_village(c, townships)), communities[0])
    services.create_group(
        actor, street, name="3号楼妇女小组", kind=GroupKind.BUILDING, place="3号楼", founded_on=D(2014, 3, 1)
    )
    knit = services.create_group(
        actor,
        street,
        name="手工编织小组",
        kind=GroupKind.INTEREST,
        place="社区活动室",
        founded_on=D(2013, 10, 1),
    )
    services.add_group_activity(actor, knit, held_on=D(2014, 6, 5), theme="编织作品义卖", attendance=26)
    services.create_group(
        actor,
        daoli,
        name="道里区巾帼志愿者协会",
        kind=GroupKind.CONCERN,
        place="全区巾帼志愿者",
        founded_on=D(2012, 3, 5),
    )
    services.create_group(
        actor,
        nangang,
        name="南岗区女企业家协会",
        kind=GroupKind.OCCUPATION,
        place="区内女企业家",
        founded_on=D(2011, 11, 18),
    )


def _team(org, index: int, full_vice: bool = True) -> list[dict]:
    members = [{"role": TeamRole.CHAIR, "name": CHAIRS[index % len(CHAIRS)]}]
    if full_vice and org.kind != OrgKind.COMMUNITY:
        members.append({"role": TeamRole.VICE_FULL, "name": VICES[index % len(VICES)]})
    members.append({"role": TeamRole.VICE_PART, "name": VICES[(index + 3) % len(VICES)]})
    return members


def _teams(actor, city) -> None:
    people = {u.org_id: u for u in User.objects.filter(position__in=["chair", "vice_chair_full"])}
    units = list(
        Org.objects.filter(
            subtree_q(city.path),
            kind__in=[OrgKind.CITY, OrgKind.DISTRICT, OrgKind.TOWNSHIP, OrgKind.COMMUNITY],
        ).order_by("path")
    )
    vacant = overdue = None
    for index, org in enumerate(units):
        if org.kind == OrgKind.COMMUNITY:
            if overdue is None:
                overdue = org  # elected in 2010 for three years: the election fell due in 2013
                services.record_election(actor, org, held_on=D(2007, 6, 20), members=_team(org, index + 5))
                services.record_election(actor, org, held_on=D(2010, 6, 20), members=_team(org, index))
                continue
            held_on = D(2012, 6, 15)
        elif org.kind == OrgKind.TOWNSHIP:
            held_on = D(2011, 9, 20)
        else:
            held_on = D(2011, 11, 25) if org.kind == OrgKind.DISTRICT else D(2011, 12, 28)
        full_vice = True
        if org.kind == OrgKind.TOWNSHIP and vacant is None and _in_nangang(org):
            vacant, full_vice = org, False  # the full-time vice-chair's post is vacant
        members = _team(org, index, full_vice)
        user = people.get(org.pk)
        if user is not None:
            role = TeamRole.CHAIR if user.position == "chair" else TeamRole.VICE_FULL
            members = [m for m in members if m["role"] != role] + [
                {"role": role, "name": user.display_name, "user": user}
            ]
        services.record_election(actor, org, held_on=held_on, members=members)


def _in_nangang(org) -> bool:
    parent = Org.objects.filter(path=org.path[: -Org.steplen]).first()
    return parent is not None and parent.name.startswith("南岗区")


def _training(actor, city, daoli) -> None:
    session = services.create_session(
        actor,
        city,
        held_on=D(2014, 4, 16),
        place="市妇联七楼会议室",
        level=TrainingLevel.DISTRICT,
        topic="“下基层、访妇情、办实事”活动暨区县(市)妇联干部业务培训",
        hours=Decimal("6"),
        trainer="市妇联组织部、研究室",
    )
    districts = list(Org.objects.filter(kind=OrgKind.DISTRICT).order_by("path"))
    leaders = {u.org_id: u for u in User.objects.filter(username__in=["daoli", "nangang"])}
    for index, district in enumerate(districts[:-2]):  # two counties sent no one: flagged as untrained
        user = leaders.get(district.pk)
        name = user.display_name if user else CHAIRS[index % len(CHAIRS)]
        services.add_attendance(actor, session, org=district, name=name, position="副主席", user=user)
        services.add_attendance(
            actor,
            session,
            org=district,
            name=VICES[index % len(VICES)],
            position="组织委员",
            hours=Decimal("3"),
        )
    street_session = services.create_session(
        actor,
        daoli,
        held_on=D(2014, 5, 14),
        place="道里区妇联会议室",
        level=TrainingLevel.TOWNSHIP,
        topic="街道(乡镇)妇联干部入户走访与需求调研方法",
        hours=Decimal("3"),
        trainer="道里区妇联",
    )
    for index, township in enumerate(
        Org.objects.filter(subtree_q(daoli.path), kind=OrgKind.TOWNSHIP).order_by("path")
    ):
        services.add_attendance(
            actor, street_session, org=township, name=CHAIRS[(index + 2) % len(CHAIRS)], position="主席"
        )


def _handbook(actor, city, daoli, nangang) -> None:
    first = SimpleUploadedFile(
        "妇女工作实用手册（2014年版）.pdf", minimal_pdf("Handbook 2014 v1"), "application/pdf"
    )
    handbook = services.create_handbook(
        actor,
        city,
        title="妇女工作实用手册",
        levels=[TrainingLevel.DISTRICT, TrainingLevel.TOWNSHIP, TrainingLevel.COMMUNITY],
        upload=first,
        description="市妇联编辑下发：妇联工作基本知识、下基层工作方法、维权与帮扶政策汇编。",
        changes="首次发布",
    )
    second = SimpleUploadedFile(
        "妇女工作实用手册（2014年修订）.pdf", minimal_pdf("Handbook 2014 v2"), "application/pdf"
    )
    version = services.add_version(
        actor,
        handbook,
        upload=second,
        changes="增补“两癌”筛查救助政策和小额担保贷款申请流程；更正联系电话。",
    )
    users = {u.org_id: u for u in User.objects.filter(org__in=[daoli, nangang])}
    for org, times in ((daoli, 3), (nangang, 1)):
        for _n in range(times):
            HandbookDownload.objects.create(version=version, org=org, user=users.get(org.pk))


def _conditions(actor, city) -> None:
    for index, district in enumerate(Org.objects.filter(kind=OrgKind.DISTRICT).order_by("path")):
        lacking = index % 4 == 3
        services.save_condition(
            actor,
            district,
            year=2014,
            funding=Decimal(0 if lacking else 80000 + 10000 * index),
            funding_in_budget=not lacking,
            venue="" if lacking else "区妇女儿童活动中心",
            venue_area=0 if lacking else 300 + 20 * index,
            full_time_staff=0 if index % 5 == 4 else 3,
            part_time_staff=2,
            note="市委意见尚未落实经费和场所" if lacking else "",
        )
