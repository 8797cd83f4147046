"""RES-2/RES-3: a submitted report is a document of record — its figures are frozen when it is submitted
(a snapshot with the moment it was taken) and review, the Qiushi Cup, the book and the Word file show them
as submitted; a draft's figures stay live; sending it back and submitting again takes fresh figures."""

from __future__ import annotations

import datetime
import importlib
import io
from decimal import Decimal

import docx
import pytest
from django.apps import apps
from django.urls import reverse
from django.utils import timezone

from fuqing.assistance.models import Need
from fuqing.core.figures import Figure
from fuqing.fieldwork.models import Visit
from fuqing.research.models import Report
from fuqing.research.services import books as book_services
from fuqing.research.services import cup as cup_services
from fuqing.research.services import reports as services

DAY = datetime.date(2014, 4, 20)
TEXT = "全区今年共开展走访{{figure:visit_count}}。\n{{figure:needs_by_status}}"


def _visit(org):
    return Visit.objects.create(org=org, started_on=DAY, ended_on=DAY, method="interview", women_met=3)


def _need(org, status="resolved"):
    return Need.objects.create(org=org, description="就业", reported_on=DAY, status=status)


def _page(client, report) -> str:
    return client.get(reverse("research:report-detail", args=[report.pk])).content.decode()


def _word(client, report) -> list[str]:
    response = client.get(reverse("research:report-word", args=[report.pk]))
    assert response.status_code == 200
    document = docx.Document(io.BytesIO(response.content))
    cells = [c.text for t in document.tables for row in t.rows for c in row.cells]
    return [p.text for p in document.paragraphs] + cells


@pytest.fixture
def recorded(tree):
    """One visit and two needs of 道里 in 2014 before anything is submitted."""
    _visit(tree.a1)
    _need(tree.a1), _need(tree.a1, "open")


def test_res3_a_submitted_reports_figures_do_not_change_when_visits_and_needs_are_added(
    tree, new_report, daoli, city_leader, researcher, login_as, recorded
):
    report = new_report(
        daoli, tree.a, status="recommended", reviewer=city_leader, recommender=researcher, situation=TEXT
    )
    report.refresh_from_db()
    assert report.figures_as_of and report.figure_snapshot["visit_count"]["total"] == 1
    _visit(tree.a), _visit(tree.a1a), _need(tree.a), _need(tree.a1)  # recorded after submission
    client = login_as(researcher)
    page = _page(client, report)
    assert "1次</span>" in page and "3次</span>" not in page
    assert "<td>合计</td><td>2</td>" in page and "<td>合计</td><td>4</td>" not in page
    word = _word(client, report)
    assert "全区今年共开展走访1次。" in word and "全区今年共开展走访3次。" not in word
    assert "2" in word and "4" not in word  # the 合计 of needs_by_status


def test_res3_a_drafts_figures_are_live_with_a_preview_note(tree, new_report, daoli, login_as, recorded):
    report = new_report(daoli, tree.a, situation=TEXT)
    assert report.figure_snapshot is None and report.figures_as_of is None
    client = login_as(daoli)
    assert "1次</span>" in _page(client, report)
    _visit(tree.a)
    page = _page(client, report)
    assert "2次</span>" in page
    assert "文中数据为实时统计（草稿预览），报送时将固定为报送当时的数据。" in page
    assert "全区今年共开展走访2次。" in _word(client, report)


def test_res3_sending_back_and_submitting_again_takes_fresh_figures(
    tree, new_report, daoli, city_leader, login_as, recorded
):
    report = new_report(daoli, tree.a, status="submitted", situation=TEXT)
    first = Report.objects.get(pk=report.pk).figures_as_of
    _visit(tree.a)
    client = login_as(daoli)
    assert "1次</span>" in _page(client, report)  # frozen while under review
    report = services.transition(city_leader, report, "return", "请补充数据。")
    assert report.figure_snapshot is None and report.figures_as_of is None
    assert "2次</span>" in _page(client, report)  # a draft again: live
    report = services.transition(daoli, report, "submit")
    report.refresh_from_db()
    assert report.figure_snapshot["visit_count"]["total"] == 2 and report.figures_as_of > first
    _visit(tree.a)
    assert "2次</span>" in _page(client, report)


def test_res3_withdrawing_drops_the_snapshot_too(tree, new_report, daoli, recorded):
    report = new_report(daoli, tree.a, status="submitted")
    report = services.transition(daoli, report, "withdraw")
    assert report.figure_snapshot is None and report.figures_as_of is None


def test_res3_the_as_of_date_is_shown_on_the_page_and_in_word(
    tree, new_report, daoli, researcher, login_as, recorded
):
    report = new_report(daoli, tree.a, status="submitted", situation=TEXT)
    Report.objects.filter(pk=report.pk).update(
        figures_as_of=timezone.make_aware(datetime.datetime(2014, 9, 15, 10))
    )
    client = login_as(researcher)
    assert "文中数据截至2014年9月15日（报送时统计）。" in _page(client, report)
    assert "文中数据截至2014年9月15日（报送时统计）。" in _word(client, report)


def test_res5_the_book_uses_the_snapshot(tree, new_report, daoli, nangang, city_leader, researcher, recorded):
    reports = [
        new_report(daoli, tree.a, status="reviewed", reviewer=city_leader, title="道里区调研"),
        new_report(nangang, tree.b, status="submitted", title="南岗区调研"),
    ]
    _visit(tree.a), _visit(tree.b), _visit(tree.b)
    buffer = io.BytesIO()
    book_services.build_book(
        title="汇编", issuer="研究室", issued_on=datetime.date(2014, 9, 1), reports=reports, user=researcher
    ).save(buffer)
    texts = [p.text for p in docx.Document(io.BytesIO(buffer.getvalue())).paragraphs]
    assert texts.count("共走访1次。") == 1 and texts.count("共走访0次。") == 1  # 道里's 1, 南岗's 0
    assert "共走访2次。" not in texts and "共走访3次。" not in texts
    assert sum(t.startswith("文中数据截至") for t in texts) == 2


def test_res4_judges_see_the_figures_as_submitted(
    tree, new_report, nangang, city_leader, researcher, login_as, recorded
):
    report = new_report(nangang, tree.b, status="submitted", title="南岗区留守妇女调研")
    _visit(tree.b)
    cup = cup_services.create_competition(
        researcher,
        org=tree.research,
        year=2014,
        name="求实杯",
        first_prizes=1,
        second_prizes=1,
        third_prizes=1,
        excellence_prizes=1,
    )
    cup_services.add_judge(researcher, cup, city_leader)
    (entry,) = cup_services.add_entries(researcher, cup, [report.pk])
    page = login_as(city_leader).get(reverse("research:entry-score", args=[entry.pk])).content.decode()
    assert "0次</span>" in page and "1次</span>" not in page and "文中数据截至" in page


def test_res2_a_figure_keeps_its_numbers_through_the_snapshot():
    figure = Figure(
        "k",
        "t",
        Decimal("3.5"),
        breakdown=[["x", Decimal("1.5")], ["y", 2]],
        breakdown_title="a",
        columns=["b"],
    )
    back = Figure.from_data(figure.to_data(), "k")
    assert (
        back.value == Decimal("3.5") and back.value_text == "3.5" and back.table_rows() == figure.table_rows()
    )


def test_res2_a_snapshot_taken_before_the_one_registry_reads_the_same():
    """Reports submitted before the figures moved to core hold the old shape (title, headers, rows, total)."""
    old = {
        "title": "走访方式统计",
        "headers": ["走访方式", "数量"],
        "rows": [["入户走访", 3]],
        "total": 3,
        "unit": "次",
        "note": "",
    }
    back = Figure.from_data(old, "visits_by_method")
    assert back.caption == "走访方式统计" and back.value_text == "3次"
    assert (back.title, back.rows, back.total, back.total_text) == (
        "走访方式统计",
        [["入户走访", 3]],
        3,
        "3次",
    )
    assert back.table_rows() == [["走访方式", "数量"], ["入户走访", "3"], ["合计", "3"]]
    assert {k: v for k, v in back.to_data().items() if k in old} == old


def test_res3_the_migration_freezes_reports_already_submitted(tree, new_report, daoli, recorded):
    migration = importlib.import_module("fuqing.research.migrations.0004_freeze_submitted_figures")
    submitted = new_report(daoli, tree.a, status="submitted", title="已报送")
    draft = new_report(daoli, tree.a, title="草稿")
    Report.objects.update(figure_snapshot=None, figures_as_of=None)  # as before the migration
    _visit(tree.a)
    migration.freeze(apps, None)
    submitted.refresh_from_db(), draft.refresh_from_db()
    assert submitted.figure_snapshot["visit_count"]["total"] == 2 and submitted.figures_as_of
    assert draft.figure_snapshot is None and draft.figures_as_of is None
    migration.thaw(apps, None)
    submitted.refresh_from_db()
    assert submitted.figure_snapshot is None and submitted.figures_as_of is None
