"""Scores and ranking (issue 13 point 2, SUP-1): computed from the registered figures with the figures
they came from and their date; inspectors score only their assigned units; districts rank among
districts, streets within their district; a unit sees its own breakdown and rank; publishing is the
city's step, audited, and freezes every sheet."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from fuqing.core.models import AuditEvent
from fuqing.orgs.models import OrgKind
from fuqing.orgs.services import add_org
from fuqing.oversight.models import ResultSheet
from fuqing.oversight.services import inspectors, scoring
from fuqing.research.models import Topic
from tests.oversight.conftest import need


def _sheet(scheme, unit, level="district", parent=None):
    return next(s for s in scoring.ranking(scheme, level, parent) if s.unit == unit)


def _by_name(sheet):
    return {i.name: i for i in sheet.items}


def test_sup1_computed_scores_show_the_figures_they_came_from_and_their_date(scheme, tree):
    for status in ("resolved", "resolved", "resolved", "open"):
        need(tree.a1a, status=status)
    sheet = _sheet(scheme, tree.a)
    item = _by_name(sheet)["诉求解决"]
    assert item.breakdown == [["登记诉求", 4], ["已解决", 3]]
    assert item.value == "75.0%" and item.points == Decimal("37.5")  # 40 × 0.75 ÷ 0.8
    assert sheet.as_of is not None and not sheet.frozen


def test_sup1_an_unregistered_figure_says_no_data_and_counts_nothing(scheme, tree):
    from fuqing.oversight import sources

    if sources.is_registered("building.homes_coverage"):
        pytest.skip("the building app registers its coverage here")
    item = _by_name(_sheet(scheme, tree.a))["妇女之家覆盖"]
    assert item.no_data and item.points is None and "暂无数据" in str(item.note)


def test_sup1_a_threshold_item_is_all_or_nothing(scheme, tree, daoli):
    assert _by_name(_sheet(scheme, tree.a))["重点调研课题"].points == 0
    Topic.objects.create(org=tree.a, year=2014, title="失地妇女就业", leader=daoli)
    assert _by_name(_sheet(scheme, tree.a))["重点调研课题"].points == 20


def test_sup1_an_inspector_scores_her_assigned_unit_with_comment_and_evidence(
    scheme, inspected, assigned, tree
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    pdf = SimpleUploadedFile("记录.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf")
    inspectors.score(assigned, inspected, tree.a, points="17.5", comment="宣传有专栏", evidence=pdf)
    item = _by_name(_sheet(scheme, tree.a))["宣传推广"]
    assert (item.points, item.comment, item.evidence) == (Decimal("17.5"), "宣传有专栏", "记录.pdf")


def test_sup1_an_inspector_scores_nowhere_else(scheme, inspected, assigned, tree, login_as):
    with pytest.raises(PermissionDenied):
        inspectors.score(assigned, inspected, tree.b, points=10, comment="无")
    client = login_as(assigned)
    assert (
        client.post(
            f"/oversight/items/{inspected.pk}/score/", {"unit": tree.b.pk, "points": "1", "comment": "x"}
        ).status_code
        == 403
    )


@pytest.mark.parametrize(
    ("points", "comment", "field", "message"),
    [
        ("21", "好", "points", "得分：须是0到20.0之间的数"),
        ("-1", "好", "points", "得分"),
        ("x", "好", "points", "得分"),
        ("5", " ", "comment", "评语：请写明评分理由"),
    ],
)
def test_sup1_a_bad_score_is_refused_naming_its_field(
    scheme, inspected, assigned, tree, points, comment, field, message
):
    with pytest.raises(ValidationError) as exc:
        inspectors.score(assigned, inspected, tree.a, points=points, comment=comment)
    assert message in exc.value.message_dict[field][0]
    assert not inspected.scores.exists()


def test_sup1_a_computed_item_is_not_scored_by_hand(scheme, assigned, tree):
    with pytest.raises(ValidationError) as exc:
        inspectors.score(assigned, scheme.items.get(name="诉求解决"), tree.a, points=1, comment="x")
    assert "数据计算" in exc.value.message_dict["item"][0]


def test_sup1_only_an_inspector_is_assigned(scheme, city_leader, daoli, tree):
    with pytest.raises(ValidationError) as exc:
        inspectors.assign(city_leader, scheme, daoli, tree.a)
    assert "督查员" in exc.value.message_dict["inspector"][0]


def test_sup1_districts_rank_among_districts_and_streets_within_their_district(scheme, tree):
    a2 = add_org(None, parent=tree.a, name="安静街道", kind=OrgKind.TOWNSHIP)
    need(tree.a1, status="resolved")
    need(a2, status="open")
    need(tree.b1, status="resolved")
    districts = scoring.ranking(scheme, "district")
    assert [s.unit for s in districts] == [tree.a, tree.b] or {s.unit for s in districts} == {tree.a, tree.b}
    streets = scoring.ranking(scheme, "street", tree.a)
    assert [s.unit for s in streets] == [tree.a1, a2] and [s.rank for s in streets] == [1, 2]
    assert all(s.of == 2 for s in streets)
    assert tree.b1 not in [s.unit for s in streets]


def test_sup1_equal_totals_share_a_rank(scheme, tree):
    assert [s.rank for s in scoring.ranking(scheme, "district")] == [1, 1]


def test_sup1_ranking_a_level_takes_a_bounded_number_of_queries(scheme, tree, django_assert_max_num_queries):
    for n in range(12):
        district = add_org(None, parent=tree.city, name=f"测试{n}区妇联", kind=OrgKind.DISTRICT)
        need(district, status="resolved" if n % 2 else "open")
    # units, items, one grouped query per figure family (the building family answers in its five), scores
    with django_assert_max_num_queries(12):
        sheets = scoring.ranking(scheme, "district")
    assert len(sheets) == 14


def test_sup1_publishing_is_the_citys_step_audited_and_freezes_every_sheet(
    scheme, tree, city_leader, daoli, inspected, assigned
):
    with pytest.raises(PermissionDenied):
        scoring.publish(daoli, scheme)
    need(tree.a1a, status="resolved")
    inspectors.score(assigned, inspected, tree.a, points=12, comment="好")
    count = scoring.publish(city_leader, scheme)
    assert count == ResultSheet.objects.filter(scheme=scheme).count() == 2 + 2  # two districts, two streets
    assert AuditEvent.objects.filter(object_type="oversight.scheme", details__published=True).exists()
    before = _sheet(scheme, tree.a)
    assert before.frozen and _by_name(before)["诉求解决"].breakdown == [["登记诉求", 1], ["已解决", 1]]
    need(tree.a1a, status="open")  # later data changes nothing in a published sheet
    with pytest.raises(ValidationError):
        inspectors.score(assigned, inspected, tree.a, points=1, comment="改")
    after = _sheet(scheme, tree.a)
    assert after.total == before.total and _by_name(after)["诉求解决"].breakdown == [
        ["登记诉求", 1],
        ["已解决", 1],
    ]
    assert after.as_of == before.as_of
    with pytest.raises(ValidationError):
        scoring.publish(city_leader, scheme)


def test_sup1_publishing_needs_100_points(tree, city_leader):
    from fuqing.oversight.services import schemes

    scheme = schemes.create_scheme(city_leader, org=tree.city, year=2015, name="未完")
    schemes.add_item(city_leader, scheme, name="宣传", kind="inspected", weight=Decimal(30))
    with pytest.raises(ValidationError) as exc:
        scoring.publish(city_leader, scheme)
    assert "须为100分" in exc.value.messages[0]


def test_sup1_a_unit_sees_its_own_rank_and_breakdown_not_a_siblings(scheme, tree, daoli, login_as):
    client = login_as(daoli)
    page = client.get("/oversight/ranking/?year=2014").content.decode()
    assert "道里区妇联" in page and "南岗区妇联" not in page
    assert "data-own-rank" in page and "共 2 个单位" in page
    assert client.get(f"/oversight/sheets/{scheme.pk}/{tree.a.pk}/").status_code == 200
    assert client.get(f"/oversight/sheets/{scheme.pk}/{tree.b.pk}/").status_code == 404


def test_sup1_the_city_sees_every_district(
    scheme, tree, city_leader, login_as, django_assert_max_num_queries
):
    client = login_as(city_leader)
    client.get("/")  # warm the session
    with django_assert_max_num_queries(30):
        page = client.get("/oversight/ranking/?year=2014").content.decode()
    assert "道里区妇联" in page and "南岗区妇联" in page


def test_sup1_a_published_rank_is_public_for_dashboards(scheme, tree, city_leader):
    assert scoring.unit_rank(tree.a, 2014) is None
    scoring.publish(city_leader, scheme)
    result = scoring.unit_rank(tree.a, 2014)
    assert result["rank"] == 1 and result["of"] == 2 and result["level"] == "district"


def _notice_scheme(tree, city_leader):
    """The demo's scheme of the notice: every computed figure family the ranking reads."""
    from fuqing.oversight.demo import SCHEME_ITEMS
    from fuqing.oversight.services import schemes

    scheme = schemes.create_scheme(city_leader, org=tree.city, year=2014, name="督查考核方案")
    for position, (name, kind, weight, key, rule, target, _text) in enumerate(SCHEME_ITEMS, start=1):
        schemes.add_item(
            city_leader,
            scheme,
            name=name,
            kind=kind,
            weight=Decimal(weight),
            figure_key=key,
            rule=rule,
            target=target,
            position=position,
        )
    return scheme


def _split_jobs(tree, units):
    """A 2014 project whose jobs target the city splits among ``units`` (one part each), progress
    reported: the split-targets figure has parts to look up."""
    import datetime

    from fuqing.campaigns.models import Campaign
    from fuqing.projects import services
    from fuqing.projects.models import ProgressEntry, Target, Unit

    campaign, _made = Campaign.objects.get_or_create(
        org=tree.city,
        year=2014,
        defaults={"starts_on": datetime.date(2014, 4, 1), "ends_on": datetime.date(2014, 8, 31)},
    )
    project = services.create_project(None, org=tree.city, campaign=campaign, name=f"春风送岗位{len(units)}")
    jobs = services.add_indicator(None, project, name="提供就业岗位", unit=Unit.ITEM, target=100 * len(units))
    Target.objects.bulk_create(Target(indicator=jobs, org=u, value=100, draft=False) for u in units)
    ProgressEntry.objects.bulk_create(
        ProgressEntry(indicator=jobs, org=u, year=2014, month=datetime.date(2014, 5, 1), value=40 + i * 20)
        for i, u in enumerate(units)
    )


def _ranking_queries(scheme, level, parent=None) -> tuple[int, list]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        sheets = scoring.ranking(scheme, level, parent)
    return len(ctx.captured_queries), sheets


def test_sup1_the_notice_ranking_queries_do_not_grow_with_the_units(tree, city_leader):
    """Performance (issue 13): every figure of the notice's scheme answers all the units of a level at
    once — the same number of queries for 2 districts as for 14, for 1 street as for 11."""
    scheme = _notice_scheme(tree, city_leader)
    from fuqing.orgs.models import Org

    streets_of_a = list(Org.objects.filter(path__startswith=tree.a.path, depth=3, kind=OrgKind.TOWNSHIP))
    _split_jobs(tree, [tree.a, tree.b, *streets_of_a])
    few_districts, sheets = _ranking_queries(scheme, "district")
    assert len(sheets) == 2
    few_streets, streets = _ranking_queries(scheme, "street", tree.a)
    assert len(streets) == len(streets_of_a)

    made = []
    for n in range(12):
        district = add_org(None, parent=tree.city, name=f"测试{n}区妇联", kind=OrgKind.DISTRICT)
        need(district, status="resolved" if n % 2 else "open")
        made.append(district)
    tree.a.refresh_from_db()
    for n in range(10):
        street = add_org(None, parent=tree.a, name=f"测试{n}街道妇联", kind=OrgKind.TOWNSHIP)
        need(street, status="resolved")
        made.append(street)
    _split_jobs(tree, made)
    many_districts, sheets = _ranking_queries(scheme, "district")
    assert len(sheets) == 14
    many_streets, streets = _ranking_queries(scheme, "street", tree.a)
    assert len(streets) == len(streets_of_a) + 10
    assert (many_districts, many_streets) == (few_districts, few_streets)
    # the split targets were read: each new district met 40-or-more of 100 jobs, shown with its parts
    targets = {s.unit.name: next(i for i in s.items if i.name == "实事项目分解目标完成") for s in sheets}
    assert targets["测试11区妇联"].breakdown == [["分解目标", 1], ["已完成", 1]]  # 260 of 100
    assert targets["测试0区妇联"].breakdown == [["分解目标", 1], ["已完成", 0]]  # 60 of 100
    assert few_districts <= 30  # pinned: units, items, a grouped query (or family) per figure, scores
