"""UI.md: research sits under 调研 (课题, 报告, 求实杯, 汇编) for those whose role allows it."""

from __future__ import annotations

from fuqing.core.navigation import navigation_for
from tests.conftest import make_user


def _research_items(user):
    section = next((s for s in navigation_for(user) if s["key"] == "research"), None)
    return [str(i["label"]) for i in section["items"]] if section else []


def test_res_navigation_lists_the_four_research_pages(researcher, colleague):
    assert _research_items(researcher) == ["课题", "报告", "求实杯", "汇编"]
    assert _research_items(colleague) == ["课题", "报告", "求实杯", "汇编"]


def test_res_navigation_is_hidden_without_the_research_module(tree):
    assert _research_items(make_user(tree.a, "volunteer")) == []
    assert _research_items(make_user(tree.a)) == []


def test_res_list_pages_have_bounded_queries(
    tree, login_as, researcher, new_report, daoli, nangang, city_leader, django_assert_max_num_queries
):
    """UI/ARCHITECTURE rule 5: the lists cost the same number of queries whatever their length."""
    from django.urls import reverse

    from fuqing.research.services import books, cup

    reports = [
        new_report(
            daoli if n % 2 else nangang, tree.a if n % 2 else tree.b, status="submitted", title=f"报告{n}"
        )
        for n in range(6)
    ]
    competition = cup.create_competition(researcher, org=tree.research, year=2014, name="求实杯")
    cup.add_entries(researcher, competition, [r.pk for r in reports])
    cup.add_judge(researcher, competition, city_leader)
    for entry in competition.entries.all()[:3]:
        cup.score(city_leader, entry, {c.pk: 80 for c in competition.criteria.all()})
    import datetime

    book = books.save_book(
        researcher,
        None,
        org=tree.research,
        year=2014,
        report_ids=[r.pk for r in reports],
        title="汇编",
        issuer="研究室",
        issued_on=datetime.date(2014, 9, 1),
    )
    client = login_as(researcher)
    for name, args, limit in (
        ("research:cup-detail", [competition.pk], 25),
        ("research:cup", [], 15),
        ("research:topics", [], 17),
        ("research:books", [], 15),
        ("research:book-detail", [book.pk], 16),
    ):
        with django_assert_max_num_queries(limit):
            assert client.get(reverse(name, args=args), {"year": 2014}).status_code == 200
    judge = login_as(city_leader)
    with django_assert_max_num_queries(20):
        assert judge.get(reverse("research:cup-judging", args=[competition.pk])).status_code == 200
