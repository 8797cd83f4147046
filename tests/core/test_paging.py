"""Keyset paging and bounded counts (issue 16): the pages a cursor reaches are the pages an offset
reaches, in every sort, forwards and backwards; a cursor is found again through the user's scope; past the
threshold the count is an estimate (or "more than"), never below it."""

from __future__ import annotations

import datetime
import re
from html import unescape

import pytest
from django.test import RequestFactory
from django.urls import reverse

from fuqing.core import paging
from fuqing.registry.filters import SORTS
from fuqing.registry.models import Woman
from tests.registry.conftest import add_woman

pytestmark = pytest.mark.django_db

NAMES = "王李张刘陈杨赵黄周吴"


@pytest.fixture
def women(tree, daoli):
    made = []
    for n in range(23):
        # repeated names and dates, some without a birth date: ties and nulls in every order
        woman = add_woman(
            daoli,
            tree.a1a if n % 3 else tree.a1,
            name=f"{NAMES[n % 4]}秀英",
            registered_on=datetime.date(2014, 4, 1 + n % 3),
        )
        made.append(woman)
    Woman.objects.filter(pk__in=[made[2].pk, made[7].pk, made[11].pk]).update(birth_date=None)
    return made


def _walk(queryset, per_page: int) -> tuple[list, list]:
    """Every page forwards through "next", then back through "previous"; pks per page."""
    factory = RequestFactory()
    forwards = []
    page = paging.paginate(factory.get("/"), queryset, per_page)
    forwards.append([w.pk for w in page])
    while page.has_next():
        page = paging.paginate(factory.get(f"/?{page.next_query}"), queryset, per_page)
        forwards.append([w.pk for w in page])
    backwards = [[w.pk for w in page]]
    while page.has_previous():
        page = paging.paginate(factory.get(f"/?{page.previous_query}"), queryset, per_page)
        backwards.append([w.pk for w in page])
    return forwards, list(reversed(backwards))


@pytest.mark.parametrize("sort", sorted(SORTS))
def test_keyset_pages_are_the_offset_pages_in_every_sort(women, daoli, sort):
    queryset = Woman.objects.visible_to(daoli).order_by(*SORTS[sort])
    keys = paging._keys(queryset)
    everything = [w.pk for w in queryset.order_by(*[k.order() for k in keys])]
    offset_pages = [everything[i : i + 5] for i in range(0, len(everything), 5)]
    forwards, backwards = _walk(queryset, 5)
    assert forwards == offset_pages
    assert backwards == offset_pages
    assert len(everything) == 23


def test_a_cursor_outside_the_scope_opens_the_first_page(women, tree, daoli, nangang):
    theirs = add_woman(nangang, tree.b1, name="外区")
    queryset = Woman.objects.visible_to(daoli).order_by("org__path", "name", "id")
    request = RequestFactory().get(f"/?after={theirs.pk}&n=7")
    page = paging.paginate(request, queryset, 5)
    first = paging.paginate(RequestFactory().get("/"), queryset, 5)
    assert [w.pk for w in page] == [w.pk for w in first] and page.number == 1
    for junk in ("nonsense", "1' OR 1=1", "9" * 40):
        assert len(paging.paginate(RequestFactory().get(f"/?after={junk}"), queryset, 5)) == 5


def test_counts_are_exact_up_to_the_threshold_and_estimated_only_above(
    women, daoli, monkeypatch, django_assert_num_queries
):
    queryset = Woman.objects.visible_to(daoli)
    monkeypatch.setattr(paging, "EXACT_COUNT_LIMIT", 23)
    with django_assert_num_queries(1):  # one bounded count: no probe before the count
        count = paging.count_rows(queryset)
    assert count.exact and count == 23  # exactly at the threshold: counted
    monkeypatch.setattr(paging, "EXACT_COUNT_LIMIT", 22)
    count = paging.count_rows(queryset)
    assert not count.exact and count.limit == 22
    if queryset.db and paging.planner_estimate(queryset) is not None:  # PostgreSQL: the planner's guess
        assert count.estimated and count.value > 22
    else:
        assert count.value == 0 and not count.estimated
    with django_assert_num_queries(0):  # a big list is known as such for a minute: no probe again
        assert paging.count_rows(queryset) == count


def test_the_list_pages_by_cursor_and_says_more_than_past_the_threshold(
    women, daoli, login_as, monkeypatch, django_assert_max_num_queries
):
    from fuqing.registry import views

    client = login_as(daoli)
    monkeypatch.setattr(views, "PAGE_SIZE", 10)
    monkeypatch.setattr(paging, "EXACT_COUNT_LIMIT", 20)
    first = client.get(reverse("registry:list"))
    text = re.sub(r"\s+", " ", first.content.decode())
    assert ("超过 20 人" in text) or re.search(r"约 \d+ 人", text)
    links = [unescape(link) for link in re.findall(r'href="\?([^"]*)" rel="next"', first.content.decode())]
    assert links and "after=" in links[0] and "page=" not in links[0]
    with django_assert_max_num_queries(20):  # a deep page costs what page 1 costs
        second = client.get(reverse("registry:list") + "?" + links[0])
    assert second.context["page"].number == 2
    assert {w.pk for w in second.context["page"]}.isdisjoint({w.pk for w in first.context["page"]})
    monkeypatch.setattr(paging, "EXACT_COUNT_LIMIT", 10_000)
    assert "共 23 人" in re.sub(r"\s+", " ", client.get(reverse("registry:list")).content.decode())
