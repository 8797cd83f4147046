"""Demo field work for Harbin 2014: contact points of the demo leaders, visits from April to August
(stationed stays among them), and the city's needs-survey questionnaire with answers."""

from __future__ import annotations

import datetime
import random

from django.contrib.auth.hashers import make_password

from fuqing.core.loaders import register_demo_step
from fuqing.fieldwork import questionnaires, responses, services
from fuqing.fieldwork.models import QuestionKind, VisitMethod
from fuqing.fieldwork.questionnaires import QuestionData
from fuqing.orgs.models import Org, OrgKind, Position, Rank, Role, User
from fuqing.registry.models import VulnerableGroup

# Cadres who go on visits without a demo login of their own (no usable password), with the role their
# position carries so other demo steps can name them too (so the compliance view has people in it).
EXTRA_CADRES = [
    ("demo_city_vice", "陈雅琴", "city", Position.VICE_CHAIR_FULL, Rank.BUREAU, "leader"),
    ("demo_daoli_chair", "孙玉凤", "daoli", Position.CHAIR, Rank.DIVISION, "leader"),
    ("demo_nangang_chair", "赵春华", "nangang", Position.CHAIR, Rank.DIVISION, "leader"),
    ("demo_research_head", "周晓燕", "research", Position.DEPARTMENT_HEAD, Rank.DIVISION, "cadre"),
]
NOTES = [
    "走访留守妇女家庭，了解子女教育和家庭收入情况。",
    "召开社区妇女座谈会，听取对妇女之家活动的意见。",
    "入户了解失地妇女再就业意愿，登记技能培训需求。",
    "与村妇代会主任交流，了解贫困母亲救助落实情况。",
    "走访高龄空巢妇女，了解生活照料和就医困难。",
    "问卷调查妇女健康状况，宣传“两癌”筛查政策。",
    "一对一访谈单亲贫困母亲，了解住房和子女上学问题。",
]
NEEDS = [
    "就业：希望参加家政技能培训",
    "住房：泥草房需要改造",
    "健康：希望安排“两癌”免费筛查",
    "子女教育：孩子上学路远，希望解决接送",
    "创业贷款：想办小额贷款养殖",
    "养老：独居老人需要定期探望",
    "法律：遭受家庭暴力，需要法律援助",
]


def _month_day(rng: random.Random) -> datetime.date:
    month = rng.choices([4, 5, 6, 7, 8], weights=[40, 15, 15, 15, 15])[0]
    return datetime.date(2014, month, rng.randint(1, 28 if month != 4 else 30))


@register_demo_step(30)
def load_fieldwork(summary: dict) -> None:
    rng = random.Random(2014)
    users = {u.username: u for u in User.objects.select_related("org").filter(username__in=summary["users"])}
    places = {
        "city": users["city"].org,
        "research": users["research"].org,
        "daoli": users["daoli"].org,
        "nangang": users["nangang"].org,
    }
    roles = {r.code: r for r in Role.objects.all()}
    for username, name, where, position, rank, role in EXTRA_CADRES:
        users[username] = User.objects.create(
            username=username,
            name=name,
            org=places[where],
            position=position,
            rank=rank,
            password=make_password(None),
        )
        users[username].roles.set([roles[role]])
    communities = {
        key: list(
            Org.objects.filter(path__startswith=places[key].path, kind=OrgKind.COMMUNITY).order_by("path")
        )
        for key in ("daoli", "nangang")
    }
    city_communities = list(Org.objects.filter(path__startswith=places["city"].path, kind=OrgKind.COMMUNITY))
    street = users["daoli_street"].org
    street_communities = [c for c in communities["daoli"] if c.path.startswith(street.path)]

    city, daoli, nangang = users["city"], users["daoli"], users["nangang"]

    def point(actor, org, place, keeper=None):
        return services.save_contact_point(
            actor,
            None,
            services.ContactPointData(
                org=org,
                place=place,
                keeper=keeper,
                since_year=2014,
                contact_name=rng.choice(["王丽", "李桂兰", "张秀云", "刘淑华"]),
                contact_phone=f"138{rng.randint(10000000, 99999999)}",
                notes="班子成员联系点" if keeper else "部(室)联系点",
            ),
        )

    points = {
        "city": [
            point(city, places["city"], places["daoli"], city),
            point(city, places["city"], communities["daoli"][-1], city),
        ],
        "research": [point(city, places["research"], rng.choice(city_communities))],
        "daoli": [point(daoli, places["daoli"], c, daoli) for c in communities["daoli"][:2]],
        "nangang": [point(nangang, places["nangang"], communities["nangang"][0], nangang)],
        "street": [point(users["daoli_street"], street, street_communities[0], users["daoli_street"])],
    }
    groups = list(VulnerableGroup.objects.filter(is_active=True))
    teams = [
        # (actor, unit, lead choices, member choices, contact points, other places)
        (
            city,
            places["city"],
            [city, users["demo_city_vice"]],
            [users["research"]],
            points["city"],
            city_communities,
        ),
        (
            city,
            places["research"],
            [city, users["demo_city_vice"]],
            [users["research"], users["demo_research_head"]],
            points["research"],
            city_communities,
        ),
        (
            daoli,
            places["daoli"],
            [daoli, users["demo_daoli_chair"]],
            [daoli, users["demo_daoli_chair"]],
            points["daoli"],
            communities["daoli"],
        ),
        (
            nangang,
            places["nangang"],
            [nangang, users["demo_nangang_chair"]],
            [users["demo_nangang_chair"]],
            points["nangang"],
            communities["nangang"],
        ),
        (users["daoli_street"], street, [users["daoli_street"]], [], points["street"], street_communities),
    ]
    methods = [VisitMethod.HOME_VISIT, VisitMethod.INTERVIEW, VisitMethod.FORUM, VisitMethod.QUESTIONNAIRE]
    for index in range(42):
        actor, unit, leads, others, cps, other_places = teams[index % len(teams)]
        stationed = index % 9 == 4
        started = _month_day(rng)
        days = rng.randint(7, 12) if stationed else rng.choice([1, 1, 1, 2])
        lead = rng.choice(leads)
        members = [m for m in others if m != lead and rng.random() < 0.7]
        contact_point = rng.choice(cps) if stationed or rng.random() < 0.6 else None
        women = rng.randint(8, 30) if not stationed else rng.randint(20, 60)
        chosen = rng.sample(groups, rng.randint(1, 3))
        services.save_visit(
            actor,
            None,
            services.VisitData(
                org=unit,
                started_on=started,
                ended_on=started + datetime.timedelta(days=days - 1),
                method=VisitMethod.STATIONED if stationed else rng.choice(methods),
                contact_point=contact_point,
                place=None if contact_point else rng.choice(other_places),
                lead=lead,
                members=members,
                women_met=women,
                group_counts={g.pk: rng.randint(1, max(1, women // 3)) for g in chosen},
                notes=rng.choice(NOTES),
                needs_text="\n".join(rng.sample(NEEDS, rng.randint(0, 3))),
                year=2014,
            ),
        )
    _questionnaire(rng, users, places, communities, street)


def _questionnaire(rng, users, places, communities, street) -> None:
    yes_no = [{"value": "yes", "label": "是"}, {"value": "no", "label": "否"}]
    questionnaire = questionnaires.create_questionnaire(
        users["city"],
        org=places["city"],
        year=2014,
        title="2014年妇女需求调查问卷",
        description="妇女需求调研月入户问卷，每位受访妇女一份。",
        questions=[
            QuestionData("您的年龄", QuestionKind.NUMBER, code="age", required=True),
            QuestionData(
                "您属于以下哪些情况？",
                QuestionKind.MULTIPLE,
                code="groups",
                choices=[
                    {"value": "landless", "label": "失地妇女"},
                    {"value": "unemployed", "label": "失业妇女"},
                    {"value": "left_behind", "label": "留守妇女"},
                    {"value": "migrant", "label": "流动妇女"},
                    {"value": "none", "label": "以上都不是"},
                ],
            ),
            QuestionData(
                "您目前是否有工作？", QuestionKind.SINGLE, code="employed", required=True, choices=yes_no
            ),
            QuestionData(
                "您希望参加哪类技能培训？",
                QuestionKind.SINGLE,
                code="training",
                choices=[
                    {"value": "housekeeping", "label": "家政服务"},
                    {"value": "handcraft", "label": "手工编织"},
                    {"value": "ecommerce", "label": "电子商务"},
                    {"value": "farming", "label": "种植养殖"},
                ],
                relevant="${employed} = 'no'",
            ),
            QuestionData("您最需要妇联帮助解决什么问题？", QuestionKind.TEXT, code="need"),
            QuestionData("填写日期", QuestionKind.DATE, code="filled"),
        ],
    )
    questionnaires.set_status(users["city"], questionnaire, "open")
    respondents = [(users["daoli"], c) for c in communities["daoli"]] + [
        (users["nangang"], c) for c in communities["nangang"]
    ]
    respondents += [(users["daoli_street"], street)]
    trainings = ["housekeeping", "handcraft", "ecommerce", "farming"]
    needs = ["希望有灵活就业岗位", "孩子上学需要资助", "想学电商卖农产品", "老人看病难", ""]
    for number in range(36):
        actor, org = respondents[number % len(respondents)]
        employed = rng.random() < 0.45
        answers = {
            "age": rng.randint(22, 70),
            "groups": rng.sample(["landless", "unemployed", "left_behind", "migrant"], rng.randint(1, 2)),
            "employed": "yes" if employed else "no",
            "training": None if employed else rng.choice(trainings),
            "need": rng.choice(needs),
            "filled": _month_day(rng).isoformat(),
        }
        responses.submit_response(
            actor,
            questionnaire,
            org=org,
            answers=answers,
            answered_on=datetime.date.fromisoformat(answers["filled"]),
        )
