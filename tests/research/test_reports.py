"""RES-2: a report has situation, analysis and recommendations, written in a plain editor that keeps
paragraphs and headings, with evidence linked from visits and needs and live figures from its scope."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from fuqing.assistance.models import Need
from fuqing.core import figures
from fuqing.core.figures import FigureScope
from fuqing.fieldwork.models import Visit
from fuqing.research import markup
from fuqing.research.models import Report, ReportEvent
from fuqing.research.services import reports as services
from tests.research.conftest import SECTIONS, YEAR


def _create(actor, org, **fields):
    values = {"title": "关于留守妇女的调研报告", **SECTIONS, **fields}
    return services.create_report(actor, org=org, year=YEAR, **values)


@pytest.mark.parametrize("missing", ["situation", "analysis", "recommendations"])
def test_res2_all_three_parts_are_required(tree, daoli, missing):
    with pytest.raises(ValidationError) as caught:
        _create(daoli, tree.a, **{missing: "  \n "})
    errors = caught.value.message_dict
    assert list(errors) == [missing]
    assert "情况、分析和建议" in errors[missing][0]
    assert not Report.objects.exists()


def test_res2_report_form_shows_the_missing_part_beside_its_field(tree, login_as, daoli):
    client = login_as(daoli)
    data = {"org": tree.a.pk, "year": YEAR, "title": "标题", **SECTIONS, "analysis": ""}
    response = client.post(reverse("research:report-add"), data)
    body = response.content.decode()
    assert response.status_code == 200 and "分析：" in body and not Report.objects.exists()
    assert SECTIONS["situation"].split("\n")[0] in body  # nothing typed is lost


def test_res2_a_report_is_written_through_the_page(tree, login_as, daoli):
    client = login_as(daoli)
    response = client.post(
        reverse("research:report-add"), {"org": tree.a.pk, "year": YEAR, "title": "标题", **SECTIONS}
    )
    report = Report.objects.get()
    assert response.status_code == 302 and report.status == "draft" and report.created_by == daoli
    assert [e.kind for e in report.events.all()] == ["created"]


def test_res2_markup_makes_headings_paragraphs_and_bold_and_escapes_html():
    html = markup.to_html(
        "一、基本情况\n（一）总体\n1. 就业难\n（1）年龄大\n正文**加粗**<script>alert(1)</script>\n\n第二段"
    )
    assert '<h3 class="fq-report-h1">一、基本情况</h3>' in html
    assert '<h4 class="fq-report-h2">（一）总体</h4>' in html
    assert '<p class="fq-report-h3">1. 就业难</p>' in html
    assert '<p class="fq-report-h4">（1）年龄大</p>' in html
    assert "<p>正文<strong>加粗</strong>&lt;script&gt;alert(1)&lt;/script&gt;</p>" in html
    assert "<p>第二段</p>" in html
    assert "<script>" not in html


def test_res2_stored_text_is_plain_and_rendered_safely(tree, login_as, daoli):
    report = _create(daoli, tree.a, situation='<img src=x onerror="alert(1)">情况')
    assert report.situation.startswith("<img")  # stored as typed: text, never trusted as HTML
    body = login_as(daoli).get(reverse("research:report-detail", args=[report.pk])).content.decode()
    assert "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;情况" in body
    assert '<img src=x onerror="alert(1)">' not in body


def test_res2_unknown_figures_are_refused_naming_the_part(tree, daoli):
    with pytest.raises(ValidationError) as caught:
        _create(daoli, tree.a, analysis="{{figure:no_such_figure}}")
    assert "no_such_figure" in caught.value.message_dict["analysis"][0]


def _visit(org, day=datetime.date(YEAR, 4, 15), method="home_visit"):
    return Visit.objects.create(org=org, started_on=day, ended_on=day, method=method)


def test_res2_figures_are_live_from_the_reports_unit_subtree_and_year(tree, login_as, daoli):
    report = _create(daoli, tree.a, situation="共走访{{figure:visit_count}}。\n{{figure:visits_by_method}}")
    _visit(tree.a1a)
    _visit(tree.a, method="forum")
    _visit(tree.b)  # another district
    _visit(tree.a, day=datetime.date(YEAR - 1, 4, 1))  # another year
    body = login_as(daoli).get(reverse("research:report-detail", args=[report.pk])).content.decode()
    assert "2次" in body
    assert "入户走访" in body and "座谈交流" in body
    _visit(tree.a1)  # live: shown at view time, not stored
    body = login_as(daoli).get(reverse("research:report-detail", args=[report.pk])).content.decode()
    assert "3次" in body


def test_res2_evidence_links_visits_and_needs_of_the_unit_only(tree, daoli):
    report = _create(daoli, tree.a)
    own_visit, own_need = (
        _visit(tree.a1),
        Need.objects.create(org=tree.a1a, description="就业", reported_on=datetime.date(YEAR, 4, 2)),
    )
    services.set_evidence(daoli, report, visits=[own_visit.pk], needs=[own_need.pk])
    assert list(report.visits.all()) == [own_visit] and list(report.needs.all()) == [own_need]
    with pytest.raises(ValidationError):
        services.set_evidence(daoli, report, visits=[_visit(tree.b).pk])
    assert list(report.visits.all()) == [own_visit]
    assert ReportEvent.objects.filter(report=report, kind="evidence").count() == 1


def test_res2_evidence_is_picked_from_lists_on_the_evidence_page(tree, login_as, daoli):
    report = _create(daoli, tree.a)
    visit = _visit(tree.a1a)
    _visit(tree.b)
    client = login_as(daoli)
    page = client.get(reverse("research:report-evidence", args=[report.pk])).content.decode()
    assert str(visit.pk) in page and page.count('name="kind" value="visits"') == 1
    client.post(
        reverse("research:report-evidence", args=[report.pk]),
        {"kind": "visits", "op": "add", "id": str(visit.pk)},
    )
    assert list(report.visits.all()) == [visit]
    client.post(
        reverse("research:report-evidence", args=[report.pk]),
        {"kind": "visits", "op": "remove", "id": str(visit.pk)},
    )
    assert not report.visits.exists()


def test_res2_the_sibling_district_cannot_write_for_another_unit(tree, nangang):
    with pytest.raises(PermissionDenied):
        _create(nangang, tree.a)


def test_res2_figure_scope_follows_the_viewers_scope(tree, daoli):
    _visit(tree.a)
    assert figures.compute("visit_count", FigureScope.of_year(tree.a, YEAR, daoli)).value == 1
    assert (
        figures.compute("visit_count", FigureScope.of_year(tree.b, YEAR, daoli)).value == 0
    )  # not hers to count


def test_res2_detail_and_list_pages_have_bounded_queries(
    tree, login_as, daoli, django_assert_max_num_queries
):
    reports = [
        _create(
            daoli,
            tree.a,
            title=f"报告{n}",
            situation="{{figure:visits_by_method}}\n{{figure:needs_by_status}}",
        )
        for n in range(8)
    ]
    for _ in range(5):
        _visit(tree.a)
    client = login_as(daoli)
    with django_assert_max_num_queries(25):
        assert client.get(reverse("research:report-detail", args=[reports[0].pk])).status_code == 200
    with django_assert_max_num_queries(15):
        response = client.get(reverse("research:reports"), {"year": YEAR})
    assert response.content.decode().count("报告") >= 8


def test_res2_report_word_download_is_an_official_document(tree, login_as, daoli):
    import io

    import docx

    report = _create(daoli, tree.a, title="关于留守妇女的调研报告")
    response = login_as(daoli).get(reverse("research:report-word", args=[report.pk]))
    assert response.status_code == 200
    document = docx.Document(io.BytesIO(response.content))
    texts = [p.text for p in document.paragraphs]
    assert texts[0] == "关于留守妇女的调研报告"
    assert "一、基本情况" in texts and "二、问题与分析" in texts and "三、对策建议" in texts
    assert "共走访0次。" in texts  # the figure, computed at print time


def test_res2_figure_list_page_shows_every_provider(tree, login_as, daoli):
    body = login_as(daoli).get(reverse("research:figures")).content.decode()
    assert "{{figure:needs_by_category}}" in body and "{{figure:women_visited_by_group}}" in body
