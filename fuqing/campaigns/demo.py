"""Demo records of the campaign calendar (Harbin 2014): plans for a few units, and submissions for the
2014 deadlines — on time, late and missing — so the completeness table shows all three (CAM-2, CAM-3)."""

from __future__ import annotations

import datetime
import io
import random
from zoneinfo import ZoneInfo

from django.core.files.uploadedfile import SimpleUploadedFile

from fuqing.campaigns import plans
from fuqing.campaigns.models import Campaign, Obligation, Plan, PlanVersion
from fuqing.campaigns.reminders import generate_reminders
from fuqing.campaigns.services import create_campaign
from fuqing.campaigns.submissions import submit_document
from fuqing.core.loaders import register_demo_step
from fuqing.orgs.models import Org, User

TZ = ZoneInfo("Asia/Shanghai")

PLANS = {
    # username of the unit's leader: (goals, responsibilities, measures)
    "city": (
        "全市各级妇联班子成员带队深入村屯、社区，摸清失地失业、留守流动、特殊困难等妇女群体的突出问题；"
        "市妇联各部（室）确定重点调研课题，形成有情况、有分析、有建议的调研报告。",
        "主席任活动领导小组组长，各副主席分工负责；研究室负责日常协调、汇总和报送；"
        "各部（室）负责本部门重点课题和联系点蹲点调研。",
        "4月开展妇女需求调研月；各部（室）固定联系点蹲点调研不少于一周；"
        "实施十项实事民生项目；8月底前汇总全年活动总结和优秀调研报告。",
    ),
    "daoli": (
        "4月需求调研月走访全区各街道、社区，全年解决妇女群众实际困难不少于100件；确定1个重点调研课题。",
        "主席带队开展重点课题调研；专职副主席负责调研月组织和结对帮扶；各街道妇联负责本辖区走访和台账。",
        "班子成员分片包干联系社区；建立需求台账，逐件销号；与区人社、民政部门联席解决就业和救助问题。",
    ),
    "nangang": (
        "摸清辖区留守流动妇女和单亲贫困母亲底数，全年开展结对帮扶不少于50对。",
        "专职副主席牵头，区妇联各科室分工负责，街道妇联主席为第一责任人。",
        "入户走访与座谈交流相结合；依托妇女之家开展政策宣讲和技能培训。",
    ),
    "daoli_street": (
        "走访辖区各社区困难妇女，逐户建立需求台账。",
        "街道妇联主席负责，社区妇联主席具体落实。",
        "",
    ),
}

# (deadline code, org name) -> days after the due date (negative: early); absent: missing.
FIXED = {
    ("survey-summary", "道里区妇联"): 3,
    ("survey-summary", "南岗区妇联"): -2,
    ("survey-summary", "研究室"): -1,
    ("annual-summary", "南岗区妇联"): 2,
    ("annual-summary", "研究室"): -3,
    ("province-recommendation", "哈尔滨市妇联"): -5,
}
MISSING = {("annual-summary", "道里区妇联")}


def demo_docx(title: str, body: str) -> bytes:
    from docx import Document

    document = Document()
    document.add_heading(title, level=1)
    for paragraph in body.split("\n"):
        document.add_paragraph(paragraph)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _upload(name: str, title: str, body: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, demo_docx(title, body))


@register_demo_step(1)
def load_campaign_2014(summary: dict) -> None:
    """The city's 2014 campaign of the notice, before any app's records (they belong to its year)."""
    city = Org.objects.get(division_code="230100", depth=1)
    create_campaign(
        None, org=city, year=2014, starts_on=datetime.date(2014, 4, 1), ends_on=datetime.date(2014, 8, 31)
    )


@register_demo_step(500)
def load_campaign_demo(summary: dict) -> None:
    campaign = Campaign.objects.filter(year=2014).select_related("org").order_by("org__depth").first()
    if campaign is None:
        return
    users = {u.username: u for u in User.objects.filter(username__in=PLANS).select_related("org")}
    made_plans = 0
    for username, (goals, responsibilities, measures) in PLANS.items():
        user = users.get(username)
        if user is None:
            continue
        plan = plans.create_plan(
            user,
            campaign=campaign,
            org=user.org,
            leaders=[user],
            title=f"{user.org.name}2014年“下基层、访妇情、办实事”活动实施方案",
            goals=goals,
            responsibilities=responsibilities,
            measures=measures,
        )
        made_plans += 1
        if username == "daoli":  # a second version, so the history shows
            plan = plans.update_plan(user, plan, measures=measures + "每月向区妇联主席会汇报进度。")
            plans.add_attachment(
                user,
                plan,
                _upload("道里区活动分工表.docx", "道里区活动分工表", "主席：重点课题\n专职副主席：调研月"),
            )
        if username != "daoli_street":  # one plan stays a draft
            plans.submit_plan(user, plan, at=datetime.datetime(2014, 4, 12, 10, 0, tzinfo=TZ))
        # the history reads as if written in April 2014
        for version in plan.versions.order_by("version"):
            saved = datetime.datetime(2014, 4, 8 + version.version, 9, 0, tzinfo=TZ)
            PlanVersion.objects.filter(pk=version.pk).update(saved_at=saved)
        plan.attachments.update(uploaded_at=datetime.datetime(2014, 4, 9, 11, 0, tzinfo=TZ))
        Plan.objects.filter(pk=plan.pk).update(
            created_at=datetime.datetime(2014, 4, 9, 9, 0, tzinfo=TZ), updated_at=saved
        )

    rng = random.Random(500)
    counts = {"on_time": 0, "late": 0, "missing": 0}
    obligations = (
        Obligation.objects.filter(deadline__campaign=campaign, is_owed=True)
        .select_related("deadline", "org")
        .order_by("deadline__due_on", "org__path")
    )
    for obligation in obligations:
        key = (obligation.deadline.code, obligation.org.name)
        if key in MISSING:
            counts["missing"] += 1
            continue
        offset = FIXED.get(key)
        if offset is None:
            draw = rng.random()
            if draw < 0.2:
                counts["missing"] += 1
                continue
            offset = rng.randint(1, 9) if draw < 0.4 else -rng.randint(0, 6)
        counts["late" if offset > 0 else "on_time"] += 1
        due = obligation.deadline.due_on
        at = datetime.datetime.combine(due + datetime.timedelta(days=offset), datetime.time(15, 30), TZ)
        title = f"{obligation.org.name}{obligation.deadline.name}"
        submit_document(
            None,
            obligation,
            _upload(
                f"{title}.docx",
                title,
                "（演示数据）\n本单位按照市妇联通知要求开展活动，现将有关情况报告如下。",
            ),
            at=at,
        )
        if key == ("survey-summary", "南岗区妇联"):  # a replacement, so the version history shows
            submit_document(
                None,
                obligation,
                _upload(f"{title}（修改稿）.docx", title, "（演示数据）修改稿：补充了困难妇女帮扶情况。"),
                note="补充帮扶情况",
                at=at + datetime.timedelta(days=1),
            )
    reminders = generate_reminders(datetime.date(2014, 9, 1))
    summary["campaigns"] = {"plans": made_plans, **counts, "reminders": reminders["created"]}
