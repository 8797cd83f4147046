"""SUP-3: a unit asks for its survey-month or annual summary and gets a Word draft (GB/T 9704) with its
own figures over its subtree and period, made in the background with progress (PLT-5), then uploads
the edited draft as its submission."""

from __future__ import annotations

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from docx import Document

from fuqing.assistance.models import Need
from fuqing.campaigns.models import Plan
from fuqing.campaigns.summaries import build_document, start_draft, summary_figures, summary_scope
from fuqing.core import figures
from fuqing.core.figures import ANNUAL, SURVEY_MONTH, Figure
from fuqing.core.models import AuditEvent, Job
from fuqing.fieldwork.models import Visit, VisitGroupCount
from fuqing.registry.models import VulnerableGroup, Woman
from fuqing.research.models import Report
from tests.campaigns.conftest import obligation

D = datetime.date


def visit(org, day, method="home_visit", women=0, **groups):
    """A visit with field work's own head counts: ``women`` met, ``groups`` by vulnerable group code."""
    made = Visit.objects.create(org=org, started_on=day, ended_on=day, method=method, women_met=women)
    for code, count in groups.items():
        VisitGroupCount.objects.create(
            visit=made, group=VulnerableGroup.objects.get(code=code.replace("_", "-")), count=count
        )
    return made


@pytest.fixture
def data(tree):
    """道里 (A) and its township: 3 April visits, 1 in June; 南岗 (B): 2 April visits (never A's)."""
    group = VulnerableGroup.objects.get_or_create(code="left-behind", defaults={"name": "留守妇女"})[0]
    v1 = visit(tree.a, D(2014, 4, 3), "interview", women=12, left_behind=5, landless=3)
    v2 = visit(tree.a1, D(2014, 4, 15), women=8, left_behind=2)
    visit(tree.a1a, D(2014, 4, 28), women=5)
    visit(tree.a, D(2014, 6, 2), "forum", women=30, landless=10)
    visit(tree.b, D(2014, 4, 10), women=40, left_behind=20)
    visit(tree.b1, D(2014, 4, 11))
    w1 = Woman.objects.create(org=tree.a1a, name="王秀英", registered_on=D(2014, 4, 3))
    w1.groups.add(group)
    w2 = Woman.objects.create(org=tree.a1a, name="李桂兰", registered_on=D(2014, 4, 15))
    Woman.objects.create(org=tree.b1, name="张丽", registered_on=D(2014, 4, 12))
    Need.objects.create(org=tree.a1a, woman=w1, visit=v1, description="就业", reported_on=D(2014, 4, 3))
    Need.objects.create(
        org=tree.a1a, woman=w1, visit=v2, description="住房", reported_on=D(2014, 4, 15), status="resolved"
    )
    Need.objects.create(org=tree.a1a, woman=w2, visit=v2, description="法律", reported_on=D(2014, 4, 15))
    Need.objects.create(org=tree.a, description="培训", reported_on=D(2014, 7, 1), status="resolved")
    Need.objects.create(org=tree.b1, description="贷款", reported_on=D(2014, 4, 11), status="resolved")
    Report.objects.create(org=tree.a, year=2014, title="道里区失地妇女就业调研", status="submitted")
    Report.objects.create(org=tree.a1, year=2014, title="草稿", status="draft")
    Report.objects.create(org=tree.a, year=2013, title="去年的报告", status="recommended")
    Report.objects.create(org=tree.b, year=2014, title="南岗报告", status="submitted")


def values(scope) -> dict:
    return {f.key: f.value for f in summary_figures(scope)}


def test_sup3_survey_month_figures_cover_the_units_subtree_and_april(tree, campaign, data):
    got = values(summary_scope(tree.a, campaign, SURVEY_MONTH))
    assert got["visits"] == 3  # the June visit and 南岗's visits are not counted
    assert got["women_met"] == 25  # the head counts of 道里's April visits (12 + 8 + 5)
    assert got["women_registered"] == 2
    assert got["needs_found"] == 3 and got["needs_resolved"] == 1
    assert got["reports"] == 2  # the campaign year's reports, any status
    assert got["targets"] is None  # no livelihood-project register yet: said plainly
    assert "submissions" not in got  # the timeliness figure belongs to the annual summary


def test_sup3_annual_figures_cover_the_campaign_year(tree, campaign, data):
    got = values(summary_scope(tree.a, campaign, ANNUAL))
    assert got["visits"] == 4 and got["needs_found"] == 4 and got["needs_resolved"] == 2
    assert got["women_met"] == 55


def test_sup3_figures_of_a_township_and_the_city(tree, campaign, data):
    assert values(summary_scope(tree.a1, campaign, SURVEY_MONTH))["visits"] == 2
    assert values(summary_scope(tree.city, campaign, SURVEY_MONTH))["visits"] == 5


def test_sup3_breakdowns_by_method_status_and_group(tree, campaign, data):
    figs = {f.key: f for f in summary_figures(summary_scope(tree.a, campaign, SURVEY_MONTH))}
    assert dict(figs["visits"].breakdown) == {"一对一访谈": 1, "入户走访": 2}
    assert dict(figs["needs_found"].breakdown) == {"办理中": 2, "已解决": 1}
    assert dict(figs["women_registered"].breakdown) == {"留守妇女": 1}
    # women met by vulnerable group: the April visits' group counts of 道里's subtree, not 南岗's
    assert figs["women_met"].breakdown == [["留守妇女", 7], ["失地妇女", 3]]


def test_sup3_figures_run_a_bounded_number_of_queries(tree, campaign, data, django_assert_max_num_queries):
    for day in range(1, 29):
        visit(tree.a1a, D(2014, 4, day))
    with django_assert_max_num_queries(14):
        summary_figures(summary_scope(tree.a, campaign, ANNUAL))


def test_sup3_apps_register_and_replace_figure_providers(tree, campaign, monkeypatch):
    monkeypatch.setattr(figures, "_PROVIDERS", dict(figures._PROVIDERS))

    @figures.figure("targets", "实事项目目标完成", order=60, summaries=(ANNUAL, SURVEY_MONTH), replace=True)
    def targets(scope):
        return Figure("targets", "实事项目目标完成", 7, "项")

    @figures.figure("building.homes", "妇女之家", order=65, summaries=(ANNUAL,))
    def homes(scope):
        return Figure("building.homes", "妇女之家", 3, "个")

    assert values(summary_scope(tree.a, campaign, ANNUAL))["targets"] == 7
    assert "building.homes" in values(summary_scope(tree.a, campaign, ANNUAL))
    assert "building.homes" not in values(summary_scope(tree.a, campaign, SURVEY_MONTH))


def document_text(path_or_bytes) -> tuple[Document, str]:
    source = io.BytesIO(path_or_bytes) if isinstance(path_or_bytes, bytes) else path_or_bytes
    doc = Document(source)
    parts = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        for row in table.rows:
            parts.append(" | ".join(cell.text for cell in row.cells))
    return doc, "\n".join(parts)


def test_sup3_document_has_the_units_figures_and_says_when_there_are_none(tree, campaign, data, tmp_path):
    scope = summary_scope(tree.a, campaign, SURVEY_MONTH)
    path = tmp_path / "draft.docx"
    build_document(scope, summary_figures(scope), drafted_on=D(2014, 5, 6)).save(str(path))
    doc, text = document_text(str(path))
    assert "道里区妇联2014年妇女需求调研月活动总结" in text
    assert "开展走访调研3次" in text and "发现妇女群众诉求3件，已解决1件" in text
    assert "走访妇女群众25人次" in text and "走访妇女 | 25人次" in text
    assert "留守妇女 | 7" in text
    assert "走访调研 | 3次" in text and "解决诉求 | 1件" in text
    assert "实事项目目标完成 | 暂无数据 | 本项暂无数据：本单位本年度没有分解到的实事项目目标" in text
    assert "一对一访谈 | 1" in text
    assert "2014年5月6日" in text
    section = doc.sections[0]
    assert [round(v.mm) for v in (section.page_width, section.top_margin, section.left_margin)] == [
        210,
        37,
        28,
    ]


def test_sup3_a_unit_without_any_records_gets_a_plain_draft(tree, campaign, tmp_path):
    scope = summary_scope(tree.b, campaign, ANNUAL)
    path = tmp_path / "empty.docx"
    build_document(scope, summary_figures(scope)).save(str(path))
    _doc, text = document_text(str(path))
    assert "在平台中尚无走访、诉求和调研报告的记录" in text
    assert "走访调研 | 0次 | 平台中没有本期的相关记录" in text
    assert "在平台中暂无本期数据，请根据实际情况补充" in text


def test_sup3_plt5_unit_asks_for_its_draft_and_downloads_it_from_the_job_page(
    tree, campaign, survey, data, daoli, login_as, django_capture_on_commit_callbacks
):
    client = login_as(daoli)
    owed = obligation(survey, tree.a)
    assert "生成总结初稿" in client.get(f"/campaigns/obligations/{owed.pk}/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/campaigns/obligations/{owed.pk}/draft/")
    job = Job.objects.get(kind="campaign_summary")
    assert response["Location"] == f"/jobs/{job.pk}/"
    assert job.status == "succeeded" and job.percent == 100 and job.total > 1
    assert job.result["figures"]["visits"] == 3
    assert job.output_name == "道里区妇联2014年妇女需求调研月活动总结（初稿）.docx"
    download = client.get(f"/jobs/{job.pk}/download/")
    content = b"".join(download.streaming_content)
    _doc, text = document_text(content)
    assert "走访调研 | 3次" in text
    assert AuditEvent.objects.filter(object_type="campaigns.summary", action="export").exists()
    # the obligation page lists the draft; the edited draft is uploaded as the submission
    assert f"/jobs/{job.pk}/download/" in client.get(f"/campaigns/obligations/{owed.pk}/").content.decode()
    upload = SimpleUploadedFile("道里区调研月总结.docx", content)
    assert client.post(f"/campaigns/obligations/{owed.pk}/submit/", {"file": upload}).status_code == 302
    owed.refresh_from_db()
    assert owed.versions == 1


def test_sup3_annual_draft_uses_the_annual_title(
    tree, campaign, annual, daoli, login_as, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        login_as(daoli).post(f"/campaigns/obligations/{obligation(annual, tree.a).pk}/draft/")
    job = Job.objects.get(kind="campaign_summary")
    assert job.output_name == "道里区妇联2014年“下基层、访妇情、办实事”活动全年总结（初稿）.docx"
    assert "submissions" in job.result["figures"]


def test_sup3_sibling_and_read_only_scopes_cannot_draft(
    tree, campaign, survey, nangang, researcher, login_as
):
    owed = obligation(survey, tree.a)
    assert login_as(nangang).post(f"/campaigns/obligations/{owed.pk}/draft/").status_code == 404
    assert login_as(researcher).post(f"/campaigns/obligations/{owed.pk}/draft/").status_code == 403
    assert not Job.objects.exists()


def test_sup3_document_deadlines_have_no_draft(tree, campaign, city_leader):
    from django.core.exceptions import ValidationError

    recommendation = campaign.deadlines.get(code="province-recommendation")
    with pytest.raises(ValidationError):
        start_draft(city_leader, obligation(recommendation, tree.city))


def test_sup3_the_job_rechecks_permission_when_it_runs(tree, campaign, survey, daoli):
    from fuqing.core import jobs

    job = start_draft(daoli, obligation(survey, tree.a))
    daoli.is_active = False
    daoli.save()
    job.refresh_from_db()
    assert jobs.run(job).status == "failed"


def test_sup3_plans_figure_counts_submitted_plans(tree, campaign, daoli):
    from fuqing.campaigns import plans

    plan = plans.create_plan(
        daoli,
        campaign=campaign,
        org=tree.a,
        leaders=[daoli],
        title="方案",
        goals="目标",
        responsibilities="责任",
    )
    assert values(summary_scope(tree.city, campaign, ANNUAL))["plans"] == 0
    plans.submit_plan(daoli, plan)
    assert values(summary_scope(tree.city, campaign, ANNUAL))["plans"] == 1
    assert Plan.objects.count() == 1


@pytest.fixture
def jobs_project(tree, campaign, city_leader, daoli):
    """春风送岗位 of the city: 3,000 jobs split 1,000 to 道里 and 2,000 to 南岗, 100 training person-times
    split 40 / 60; 道里 and its township report progress in April and June."""
    from fuqing.projects import services as projects

    project = projects.create_project(None, org=tree.city, campaign=campaign, name="春风送岗位")
    jobs = projects.add_indicator(None, project, name="提供就业岗位", unit="item", target=3000)
    training = projects.add_indicator(None, project, name="就业技能培训", unit="person_time", target=100)
    projects.save_split(city_leader, jobs, tree.city, {tree.a.pk: 1000, tree.b.pk: 2000}, issue=True)
    projects.save_split(city_leader, training, tree.city, {tree.a.pk: 40, tree.b.pk: 60}, issue=True)
    for org, month, indicator, value in [
        (tree.a, D(2014, 4, 1), jobs, 300),
        (tree.a1, D(2014, 4, 1), jobs, 200),  # the township's jobs count for 道里 too
        (tree.a, D(2014, 6, 1), jobs, 700),
        (tree.a, D(2014, 4, 1), training, 6),
        (tree.a1, D(2014, 6, 1), training, 4),
    ]:
        projects.report_progress(daoli, indicator=indicator, org=org, month=month, value=value)
    return {"jobs": jobs, "training": training}


def test_sup3_prj3_targets_figure_counts_reached_targets_and_completion_rates(tree, campaign, jobs_project):
    annual = {f.key: f for f in summary_figures(summary_scope(tree.a, campaign, ANNUAL))}["targets"]
    assert annual.value == 1 and annual.unit == "项"  # 1,200 of 1,000 jobs reached; 10 of 40 trainings not
    assert annual.note == "共 2 项指标分解到本单位，已完成 1 项"
    assert annual.breakdown == [["春风送岗位·提供就业岗位", 120.0], ["春风送岗位·就业技能培训", 25.0]]
    survey = {f.key: f for f in summary_figures(summary_scope(tree.a, campaign, SURVEY_MONTH))}["targets"]
    assert survey.value == 0  # by the end of April: 500 of 1,000 jobs, 6 of 40 trainings
    assert survey.breakdown == [["春风送岗位·提供就业岗位", 50.0], ["春风送岗位·就业技能培训", 15.0]]
    city = {f.key: f for f in summary_figures(summary_scope(tree.city, campaign, ANNUAL))}["targets"]
    assert city.value == 0 and dict(city.breakdown) == {
        "春风送岗位·提供就业岗位": 40.0,
        "春风送岗位·就业技能培训": 10.0,
    }
    assert {f.key: f for f in summary_figures(summary_scope(tree.b, campaign, ANNUAL))}[
        "targets"
    ].breakdown == [
        ["春风送岗位·提供就业岗位", 0.0],
        ["春风送岗位·就业技能培训", 0.0],
    ]  # 南岗 reported nothing


def test_sup3_the_draft_shows_completion_rates_in_percent(tree, campaign, jobs_project, tmp_path):
    scope = summary_scope(tree.a, campaign, ANNUAL)
    path = tmp_path / "annual.docx"
    build_document(scope, summary_figures(scope), drafted_on=D(2014, 8, 25)).save(str(path))
    _doc, text = document_text(str(path))
    assert "实事项目目标完成 | 1项 | 共 2 项指标分解到本单位，已完成 1 项" in text
    assert "指标 | 数量（完成率，%）" in text and "春风送岗位·提供就业岗位 | 120.0" in text


def test_sup3_printed_draft_keeps_the_signature_with_the_text_and_one_basic_situation(
    tree, campaign, data, tmp_path
):
    """The draft as printed (LibreOffice): the unit and date close the last page under the text, never
    alone on a page; the opening part appears once."""
    from tests.core.test_document_pages import assert_signature_never_alone, flat
    from tests.office import pdf_pages, require_office, to_pdf

    require_office()
    scope = summary_scope(tree.a, campaign, SURVEY_MONTH)
    path = tmp_path / "draft.docx"
    build_document(scope, summary_figures(scope), drafted_on=D(2014, 5, 6)).save(str(path))
    pages = pdf_pages(to_pdf(path, tmp_path))
    assert assert_signature_never_alone(pages, tree.a.name, "2014年5月6日") == 1
    assert flat("".join(pages)).count("一、基本情况") == 1
