"""Demo records for the Harbin 2014 federation: needs, pairings, actions and two suggestions.

Runs after the registry's, field work's and projects' demo steps (order 300): it uses the demo women
already in the Harbin tree, creating a few of its own only when there are none. The needs field work's
demo visits found are already in the register (saving a visit records them); any visit left with text
only is converted. Actions that name a livelihood project are linked to the demo's 2014 project.
"""

from __future__ import annotations

import datetime
import random
from decimal import Decimal

from fuqing.assistance import pairings, services, suggestions
from fuqing.assistance.models import ActionService, Need, NeedCategory, PairingKind, SuggestionStage
from fuqing.core.loaders import register_demo_step
from fuqing.core.scoping import subtree_q
from fuqing.fieldwork.models import Visit
from fuqing.orgs.models import Org, OrgKind, User
from fuqing.registry import privacy
from fuqing.registry.models import Woman, WomanStatus

NEEDS_2014 = [
    ("employment", "希望社区提供灵活就业岗位，孩子上学后想找一份能照顾家的工作", "visit", 0),
    ("startup-loans", "想申请小额贷款开办手工编织合作社，缺少启动资金和担保人", "visit", 1),
    ("health", "两癌筛查名额太少，村里很多妇女没有参加过检查", "forum", None),
    ("legal-rights", "丈夫长期实施家庭暴力，希望得到法律援助和庇护", "hotline", 2),
    ("elderly-care", "空巢老人无人照料，希望社区开展居家养老和日间照料服务", "visit", 3),
    ("education", "留守儿童放学后无人看管，希望妇女之家开办课后托管", "forum", None),
    ("housing", "泥草房年久失修，冬季漏风，申请危房改造", "letter", 4),
    ("income", "单亲母亲收入低，低保申请一直没有批下来", "visit", 5),
    ("employment", "失业妇女希望参加家政培训，取得证书后再就业", "questionnaire", None),
    ("marriage-family", "婆媳矛盾激化，希望妇联上门调解婚姻家庭纠纷", "visit", 6),
    ("health", "患慢性病长期吃药，医疗救助报销比例低，家庭负担重", "visit", 7),
    ("startup-loans", "返乡创业想办农村电商，希望提供创业培训和贴息贷款", "forum", None),
]
NEEDS_2013 = [
    ("employment", "希望提供灵活就业岗位和技能培训"),
    ("health", "希望增加两癌筛查名额"),
    ("education", "留守儿童假期无人看护"),
    ("startup-loans", "小额贷款额度低，手续繁琐"),
    ("employment", "公益岗位太少，失业妇女再就业难"),
]
DEMO_WOMEN = ["张秀英", "王桂兰", "李淑珍", "刘玉凤", "陈丽华", "杨春梅", "赵静", "孙晓红"]


@register_demo_step(300)
def load_assistance_demo(summary: dict) -> None:
    city = Org.objects.filter(depth=1, name="哈尔滨市妇联").first()
    daoli = Org.objects.filter(name="道里区妇联").first()
    if city is None or daoli is None:
        return
    rng = random.Random(2014)
    categories = {c.code: c for c in NeedCategory.objects.all()}
    communities = list(Org.objects.filter(subtree_q(daoli.path), kind=OrgKind.COMMUNITY).order_by("path"))
    users = {
        u.username: u for u in User.objects.filter(username__in=["daoli", "daoli_street", "nangang", "city"])
    }
    street_cadre = users.get("daoli_street") or users.get("daoli")
    women = list(
        Woman.objects.filter(subtree_q(daoli.path, "org__path"), status=WomanStatus.ACTIVE).order_by(
            "registered_on"
        )[:8]
    )
    if len(women) < 4:  # the registry's demo step did not run: a few women of our own
        women += [
            Woman.objects.create(
                org=communities[i % len(communities)], name=name, registered_on=datetime.date(2014, 4, 2)
            )
            for i, name in enumerate(DEMO_WOMEN[len(women) :])
        ]

    def cadre_for(org):
        """The street's cadre where she sees the unit, else the district's (NEED-1: every handler and
        helper sees what she is given)."""
        for cadre in (street_cadre, users.get("daoli")):
            if cadre is not None and services.can_see(cadre, org):
                return cadre
        return None

    needs = []
    for index, (code, text, source, woman_index) in enumerate(NEEDS_2014):
        woman = women[woman_index % len(women)] if woman_index is not None else None
        day = datetime.date(2014, 4, 3 + index * 2)
        org = woman.org if woman else communities[index % len(communities)]
        needs.append(
            services.create_need(
                None,
                org=org,
                description=text,
                reported_on=day,
                category=categories[code],
                source=source,
                urgency="urgent" if code == "legal-rights" else "normal",
                woman=woman,
                group_description="" if woman else "座谈会参会妇女",
                group_size=None if woman else rng.randint(8, 25),
                review_on=day + datetime.timedelta(days=30),
                handler=cadre_for(org),
            )
        )
    for index, (code, text) in enumerate(NEEDS_2013):
        need = services.create_need(
            None,
            org=communities[index % len(communities)],
            description=text,
            reported_on=datetime.date(2013, 4, 10 + index),
            category=categories[code],
            source="forum",
            group_description="座谈会参会妇女",
            group_size=10 + index,
        )
        services.resolve_need(None, need, note="已协调解决", on=datetime.date(2013, 6, 1))

    # pairs: one cadre with one woman; the district and the street together with another
    pair_one = pairings.create_pairing(
        None,
        org=women[0].org,
        kind=PairingKind.ONE_TO_ONE,
        woman=women[0],
        starts_on=datetime.date(2014, 4, 10),
        review_on=datetime.date(2014, 10, 10),
        helper_users=[cadre_for(women[0].org)],
        notes="一帮一：帮助联系就业岗位",
    )
    pair_many = pairings.create_pairing(
        None,
        org=women[5].org,
        kind=PairingKind.MANY_TO_ONE,
        woman=women[5],
        household="单亲母亲家庭（母女二人）",
        starts_on=datetime.date(2014, 4, 15),
        review_on=datetime.date(2014, 7, 15),
        helper_users=[users["daoli"]] if "daoli" in users else [],
        helper_orgs=[daoli, communities[0]],
    )
    cadre = users.get("daoli") or street_cadre
    # funds and health help need her consent to that purpose (SEC-9): the cadre records it first
    for need, purpose in ((needs[7], "finance"), (needs[1], "finance"), (needs[10], "health")):
        if need.woman_id and not privacy.has_consent(need.woman, purpose):
            privacy.give_consent(None, need.woman, purpose, given_on=need.reported_on)
    pairings.record_action(
        None,
        service=ActionService.JOB_REFERRAL,
        given_on=datetime.date(2014, 4, 20),
        need=needs[0],
        pairing=pair_one,
        given_by=cadre_for(needs[0].org),
        notes="推荐到社区家政公司面试",
    )
    pairings.record_action(
        None,
        service=ActionService.FUNDS,
        given_on=datetime.date(2014, 5, 6),
        need=needs[7],
        pairing=pair_many,
        given_by=cadre,
        amount=Decimal("2000"),
        project_name="贫困母亲救助",
        notes="发放生活救助金",
    )
    pairings.record_action(
        None,
        service=ActionService.POLICY,
        given_on=datetime.date(2014, 5, 8),
        need=needs[7],
        given_by=cadre,
        notes="讲解低保申请政策，协助补齐材料",
    )
    pairings.record_action(
        None,
        service=ActionService.FUNDS,
        given_on=datetime.date(2014, 5, 20),
        need=needs[1],
        given_by_org=daoli,
        amount=Decimal("50000"),
        project_name="妇女小额贷款兴业",
        notes="协调银行发放小额担保贷款",
    )
    pairings.record_action(
        None,
        service=ActionService.LEGAL_AID,
        given_on=datetime.date(2014, 4, 12),
        need=needs[3],
        given_by=cadre,
        notes="联系法律援助中心律师",
    )
    pairings.record_action(
        None,
        service=ActionService.HEALTH_AID,
        given_on=datetime.date(2014, 6, 3),
        need=needs[10],
        given_by=cadre_for(needs[10].org),
        amount=Decimal("1500"),
        project_name="妇女健康援助",
    )
    services.resolve_need(None, needs[0], note="已在家政公司就业", on=datetime.date(2014, 5, 2))
    services.resolve_need(None, needs[7], note="低保已批准，并发放救助金", on=datetime.date(2014, 6, 1))
    services.counsel_need(
        None,
        needs[6],
        explanation="今年危房改造指标已满，已说明政策并列入明年计划",
        on=datetime.date(2014, 5, 30),
    )

    suggestion = services.escalate_need(
        None,
        needs[2],
        title="关于扩大农村妇女两癌筛查覆盖面的建议",
        channel="session_proposal",
        recipient="cppcc",
        on=datetime.date(2014, 5, 15),
    )
    suggestions.add_evidence(None, suggestion, needs=[needs[10]])
    suggestions.record_outcome(
        None,
        suggestion,
        stage=SuggestionStage.SUBMITTED,
        happened_on=datetime.date(2014, 5, 20),
        note="作为市政协提案提交",
    )
    suggestions.record_outcome(
        None,
        suggestion,
        stage=SuggestionStage.ANSWERED,
        happened_on=datetime.date(2014, 7, 10),
        note="市卫生计生委已答复",
    )
    care = suggestions.create_suggestion(
        None,
        org=city,
        year=2014,
        title="关于在社区妇女之家开办留守儿童课后托管的建议",
        channel="info_report",
        recipient="government",
        content="调研发现留守儿童放学后无人看管问题普遍，建议依托妇女之家开办课后托管。",
        needs=[needs[5]],
    )
    suggestions.record_outcome(
        None, care, stage=SuggestionStage.SUBMITTED, happened_on=datetime.date(2014, 6, 5)
    )
    suggestions.record_outcome(
        None, care, stage=SuggestionStage.ADOPTED, happened_on=datetime.date(2014, 7, 20), note="市政府采纳"
    )
    suggestions.record_outcome(
        None,
        care,
        stage=SuggestionStage.LIVELIHOOD,
        happened_on=datetime.date(2014, 8, 25),
        note="纳入2015年市政府民生实事",
    )

    for visit in Visit.objects.filter(subtree_q(city.path, "org__path")).exclude(needs_text=""):
        services.convert_visit_needs(None, visit)  # idempotent: only text nobody recorded yet
    summary["assistance"] = {
        "needs": Need.objects.filter(subtree_q(city.path, "org__path")).count(),
        "pairings": 2,
        "suggestions": 2,
    }
