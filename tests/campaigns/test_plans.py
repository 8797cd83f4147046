"""CAM-3: each unit records its implementation plan — goals, responsibilities, leaders (people of the
unit), measures, attachments — one per unit and campaign, with every version kept."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from fuqing.campaigns import plans
from fuqing.campaigns.errors import codes
from fuqing.campaigns.models import Deadline, Plan, PlanAttachment
from fuqing.campaigns.services import save_deadline
from fuqing.core.models import AuditEvent
from tests.campaigns.conftest import docx, obligation
from tests.ledger_sheets import table

FIELDS = {
    "title": "道里区实施方案",
    "goals": "走访全部社区",
    "responsibilities": "主席牵头",
    "measures": "分片包干",
}


@pytest.fixture
def plan(campaign, tree, daoli):
    return plans.create_plan(daoli, campaign=campaign, org=tree.a, leaders=[daoli], **FIELDS)


def test_cam3_unit_records_goals_responsibilities_and_leaders(plan, daoli):
    assert (plan.goals, plan.responsibilities, plan.measures) == ("走访全部社区", "主席牵头", "分片包干")
    assert list(plan.leaders.all()) == [daoli]
    version = plan.versions.get()
    assert version.version == 1 and version.leaders[0]["name"] == "daoli"
    assert AuditEvent.objects.filter(object_type="campaigns.plan", action="create").exists()


@pytest.mark.parametrize("field", ["title", "goals", "responsibilities"])
def test_cam3_required_parts_are_named_when_missing(campaign, tree, daoli, field):
    with pytest.raises(ValidationError) as caught:
        plans.create_plan(daoli, campaign=campaign, org=tree.a, leaders=[daoli], **{**FIELDS, field: "  "})
    assert field in caught.value.message_dict
    assert codes(caught.value)[field] == ["CAM-3"]
    assert not Plan.objects.exists()


def test_cam3_a_plan_needs_a_leader(campaign, tree, daoli):
    with pytest.raises(ValidationError) as caught:
        plans.create_plan(daoli, campaign=campaign, org=tree.a, leaders=[], **FIELDS)
    assert "请至少选择一位牵头领导" in caught.value.message_dict["leaders"][0]


def test_cam3_leaders_must_be_people_of_the_unit(campaign, tree, daoli, nangang):
    with pytest.raises(ValidationError) as caught:
        plans.create_plan(daoli, campaign=campaign, org=tree.a, leaders=[daoli, nangang], **FIELDS)
    assert "须是本单位（道里区妇联）的在职人员：nangang 不是" in caught.value.message_dict["leaders"][0]


def test_cam3_one_plan_per_unit_and_campaign(plan, campaign, tree, daoli):
    with pytest.raises(ValidationError) as caught:
        plans.create_plan(daoli, campaign=campaign, org=tree.a, leaders=[daoli], **FIELDS)
    assert "已有2014年的实施方案" in caught.value.message_dict["org"][0]


def test_cam3_unit_outside_the_campaign_cannot_have_a_plan_for_it(campaign, tree):
    from tests.conftest import make_user

    outsider = make_user(tree.other, "leader", username="qiqihar")
    with pytest.raises(ValidationError) as caught:
        plans.create_plan(outsider, campaign=campaign, org=tree.other, leaders=[outsider], **FIELDS)
    assert "不在" in caught.value.message_dict["org"][0]


def test_cam3_every_change_is_a_new_version_and_old_ones_stay(plan, daoli, colleague):
    updated = plans.update_plan(daoli, plan, goals="走访全部社区和村屯", leaders=[daoli, colleague])
    assert updated.version == 2
    old, new = plan.versions.order_by("version")
    assert old.goals == "走访全部社区" and new.goals == "走访全部社区和村屯"
    assert {x["name"] for x in new.leaders} == {"daoli", "colleague"}
    assert plans.update_plan(daoli, updated, goals="走访全部社区和村屯").version == 2  # no change, no version


def test_cam3_submit_marks_the_version_and_edits_after_it_show(plan, daoli):
    submitted = plans.submit_plan(daoli, plan)
    assert submitted.submitted_version == 1 and submitted.status_label == "已提交"
    with pytest.raises(ValidationError):
        plans.submit_plan(daoli, submitted)
    changed = plans.update_plan(daoli, submitted, measures="每月汇报")
    assert changed.status_label == "已提交，之后有修改"
    assert plans.submit_plan(daoli, changed).submitted_version == 2


def test_cam3_cam2_plan_deadline_is_satisfied_by_submitting_the_plan(campaign, tree, plan, daoli, sysadmin):
    deadline = save_deadline(
        sysadmin,
        Deadline(campaign=campaign),
        code="plan",
        name="报送实施方案",
        due_on=datetime.date(2014, 4, 20),
        kind="plan",
        owed_by_kinds=["district"],
    )
    from zoneinfo import ZoneInfo

    plans.submit_plan(daoli, plan, at=datetime.datetime(2014, 4, 22, 9, tzinfo=ZoneInfo("Asia/Shanghai")))
    owed = obligation(deadline, tree.a)
    assert owed.status(datetime.date(2014, 5, 1)) == "late" and owed.days_late == 2
    submission = owed.submissions.get()
    assert submission.plan_version.version == 1 and not submission.has_file
    assert obligation(deadline, tree.b).status(datetime.date(2014, 5, 1)) == "missing"


def test_cam3_attachments_are_type_checked_and_removal_keeps_the_record(plan, daoli):
    attachment = plans.add_attachment(daoli, plan, docx("分工表.docx"))
    assert attachment.absolute_path().is_file()
    with pytest.raises(ValidationError) as caught:
        plans.add_attachment(daoli, plan, SimpleUploadedFile("script.html", b"<script>"))
    assert "只接受" in caught.value.message_dict["file"][0]
    png = SimpleUploadedFile("photo.png", b"\x89PNG\r\n\x1a\n" + b"\0" * 32)
    plans.add_attachment(daoli, plan, png)
    plans.remove_attachment(daoli, attachment)
    assert list(plan.attachments.present().values_list("file_name", flat=True)) == ["photo.png"]
    assert PlanAttachment.objects.get(pk=attachment.pk).removed_by == daoli


def test_cam3_parent_reads_but_cannot_change_a_districts_plan(plan, researcher, city_leader):
    assert Plan.objects.visible_to(researcher).filter(pk=plan.pk).exists()
    with pytest.raises(PermissionDenied):
        plans.update_plan(researcher, plan, goals="改")


# --- pages ----------------------------------------------------------------------------------------


def test_cam3_unit_fills_in_its_plan_in_the_form(campaign, tree, daoli, login_as):
    client = login_as(daoli)
    page = client.get("/campaigns/plans/add/")
    assert page.status_code == 200 and "牵头领导" in page.content.decode()
    response = client.post(
        "/campaigns/plans/add/",
        {**FIELDS, "leaders": [daoli.pk]},
    )
    plan = Plan.objects.get(org=tree.a)
    assert response.status_code == 302 and response["Location"] == f"/campaigns/plans/{plan.pk}/"
    detail = client.get(f"/campaigns/plans/{plan.pk}/").content.decode()
    assert "走访全部社区" in detail and "第 1 版" in detail


def test_cam3_form_keeps_input_and_names_the_missing_part(campaign, tree, daoli, login_as):
    response = login_as(daoli).post("/campaigns/plans/add/", {**FIELDS, "goals": "", "leaders": [daoli.pk]})
    text = response.content.decode()
    assert response.status_code == 200 and "活动目标：" in text and "分片包干" in text
    assert not Plan.objects.exists()


def test_cam3_district_fills_in_for_its_township(campaign, tree, daoli, login_as):
    from tests.conftest import make_user

    chair = make_user(tree.a1, "cadre", username="a1chair")
    client = login_as(daoli)
    listing = client.get("/campaigns/plans/").content.decode()
    assert "新阳路街道" in listing  # among the children still without a plan
    response = client.post(f"/campaigns/plans/add/?org={tree.a1.pk}", {**FIELDS, "leaders": [chair.pk]})
    assert response.status_code == 302
    assert Plan.objects.get(org=tree.a1).leaders.get() == chair


def test_cam3_sibling_cannot_open_or_edit_a_plan(plan, nangang, login_as):
    client = login_as(nangang)
    assert client.get(f"/campaigns/plans/{plan.pk}/").status_code == 404
    assert client.post(f"/campaigns/plans/{plan.pk}/edit/", FIELDS).status_code == 404
    assert client.get(f"/campaigns/plans/add/?org={plan.org_id}").status_code == 404


def test_cam3_edit_page_saves_a_new_version(plan, daoli, login_as):
    client = login_as(daoli)
    response = client.post(
        f"/campaigns/plans/{plan.pk}/edit/", {**FIELDS, "measures": "新措施", "leaders": [daoli.pk]}
    )
    assert response.status_code == 302
    plan.refresh_from_db()
    assert plan.version == 2 and plan.measures == "新措施"


def test_cam3_attachment_upload_download_and_remove_pages(
    plan, daoli, city_leader, researcher, nangang, login_as
):
    client = login_as(daoli)
    assert (
        client.post(f"/campaigns/plans/{plan.pk}/attachments/", {"file": docx("分工.docx")}).status_code
        == 302
    )
    attachment = plan.attachments.get()
    response = login_as(city_leader).get(f"/campaigns/attachments/{attachment.pk}/")
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    assert login_as(nangang).get(f"/campaigns/attachments/{attachment.pk}/").status_code == 404
    assert login_as(researcher).post(f"/campaigns/attachments/{attachment.pk}/remove/").status_code == 403
    client = login_as(daoli)
    assert client.post(f"/campaigns/attachments/{attachment.pk}/remove/").status_code == 302
    assert not plan.attachments.present().exists()


def test_cam3_plan_list_searches_and_stays_bounded(
    campaign, tree, daoli, city_leader, login_as, django_assert_max_num_queries
):
    from tests.conftest import make_user

    plans.create_plan(daoli, campaign=campaign, org=tree.a, leaders=[daoli], **FIELDS)
    for org in (tree.a1, tree.b, tree.b1):
        leader = make_user(org, "leader")
        plans.create_plan(
            leader, campaign=campaign, org=org, leaders=[leader], **{**FIELDS, "title": org.name}
        )
    client = login_as(city_leader)
    client.get("/campaigns/plans/")
    with django_assert_max_num_queries(18):
        response = client.get("/campaigns/plans/")
    assert response.context["page"].paginator.count == 4
    assert [p.org.name for p in client.get("/campaigns/plans/", {"q": "花园"}).context["page"]] == [
        "花园街道"
    ]
    assert login_as(daoli).get("/campaigns/plans/").context["page"].paginator.count == 2


def test_rpt2_cam3_plans_export_as_a_ledger(plan, city_leader, login_as):
    response = login_as(city_leader).get("/ledgers/plans/export/", {"year": 2014})
    rows = [tuple(r) for r in table(response)]
    record = dict(zip(rows[0], rows[1], strict=True))
    assert (
        record["单位"] == "道里区妇联"
        and record["活动目标"] == "走访全部社区"
        and record["牵头领导"] == "daoli"
    )
    assert record["状态"] == "草稿" and record["版本"] == 1
