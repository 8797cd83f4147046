"""The register page: count in the title, filters in the URL, allowlisted sorting, pagination, ledger
links, empty state, masking, bounded queries, no-store (UI.md, REG-3, SEC-4, SEC-8)."""

import datetime
import re
from html import unescape
from urllib.parse import unquote

from django.urls import reverse

from fuqing.registry.models import VulnerableGroup
from tests.ledger_sheets import table
from tests.registry.conftest import add_woman


def test_reg3_the_list_shows_only_masked_values(tree, daoli, login_as):
    woman = add_woman(daoli, tree.a1a, name="张秀丽", phone="13812345678")
    body = login_as(daoli).get(reverse("registry:list")).content.decode()
    assert "张*丽" in body and "138****5678" in body and woman.masked_id_number in body
    assert "张秀丽" not in body and "13812345678" not in body and woman.id_number not in body


def test_list_counts_in_the_title_and_filters_by_name_community_group_and_status(tree, daoli, login_as):
    from fuqing.registry import privacy

    left = VulnerableGroup.objects.get(code="left-behind")
    a = add_woman(daoli, tree.a1a, name="张秀丽", groups=[left])
    b = add_woman(daoli, tree.a1, name="李桂兰")
    c = add_woman(daoli, tree.a, name="王玉凤")
    privacy.close_woman(daoli, c, "moved")
    client = login_as(daoli)
    page = client.get(reverse("registry:list"))
    assert "共 2 人" in page.content.decode()
    assert list(page.context["page"]) == sorted([a, b], key=lambda w: (w.org.path, w.name))
    assert list(client.post(reverse("registry:list"), {"q": "秀丽"}, follow=True).context["page"]) == [a]
    assert list(client.post(reverse("registry:list"), {"q": a.file_number}, follow=True).context["page"]) == [
        a
    ]
    assert list(client.get(reverse("registry:list"), {"community": tree.a1a.pk}).context["page"]) == [a]
    assert set(client.get(reverse("registry:list"), {"community": tree.a1.pk}).context["page"]) == {a, b}
    assert list(client.get(reverse("registry:list"), {"group": "left-behind"}).context["page"]) == [a]
    assert list(client.get(reverse("registry:list"), {"status": "inactive"}).context["page"]) == [c]
    assert len(client.get(reverse("registry:list"), {"status": "all"}).context["page"]) == 3


def test_sec4_sorting_only_by_allowlisted_columns(tree, daoli, login_as):
    old = add_woman(daoli, tree.a1a, name="甲", registered_on=datetime.date(2014, 4, 1))
    new = add_woman(daoli, tree.a1a, name="乙", registered_on=datetime.date(2014, 5, 1))
    client = login_as(daoli)
    assert list(client.get(reverse("registry:list"), {"sort": "-registered_on"}).context["page"]) == [
        new,
        old,
    ]
    assert list(client.get(reverse("registry:list"), {"sort": "registered_on"}).context["page"]) == [old, new]
    response = client.get(reverse("registry:list"), {"sort": "id_number_index"})
    assert response.status_code == 200 and response.context["sort"] == "org"


def test_list_paginates_with_bounded_queries(tree, daoli, login_as, django_assert_max_num_queries):
    for n in range(55):
        add_woman(daoli, tree.a1a, name=f"王{'一二三四五六七八九十'[n % 10]}{'甲乙丙丁戊'[n % 5]}")
    client = login_as(daoli)
    with django_assert_max_num_queries(20):
        first = client.get(reverse("registry:list"))
    assert len(first.context["page"]) == 50 and first.context["page"].has_next()
    second = client.get(reverse("registry:list"), {"page": 2})
    assert len(second.context["page"]) == 5


def test_list_offers_the_ledger_download_and_import_with_the_filters(tree, daoli, login_as):
    body = login_as(daoli).get(reverse("registry:list"), {"group": "migrant"}).content.decode()
    assert reverse("ledger-export-women") + "?group=migrant" in body
    assert reverse("ledger-import-women") in body


def test_list_empty_state_says_what_to_do_next(tree, daoli, login_as):
    body = login_as(daoli).get(reverse("registry:list")).content.decode()
    assert "还没有妇女档案" in body and reverse("registry:add") in body
    filtered = (
        login_as(daoli).post(reverse("registry:list"), {"q": "没有这个人"}, follow=True).content.decode()
    )
    assert "没有符合条件的档案" in filtered


def test_sec8_pages_with_personal_data_are_not_cached(tree, daoli, login_as):
    woman = add_woman(daoli, tree.a1a)
    client = login_as(daoli)
    for url in (reverse("registry:list"), reverse("registry:detail", args=[woman.pk])):
        assert client.get(url)["Cache-Control"] == "no-store"


def test_list_needs_the_registry_view_permission(tree, login_as):
    from tests.conftest import make_user

    volunteer = make_user(tree.a, "volunteer")
    assert login_as(volunteer).get(reverse("registry:list")).status_code == 403


def test_sec8_a_name_searched_on_the_list_never_travels_in_the_url(tree, daoli, login_as, settings):
    """Issue 10, point 7: the name is posted and kept behind a token; filters, sorting, pagination and
    the ledger download keep working."""
    settings.EXPORT_RATE_PER_HOUR = 1000
    for n in range(55):
        add_woman(daoli, tree.a1a, name=f"张秀{'一二三四五六七八九十'[n % 10]}")
    other = add_woman(daoli, tree.a1a, name="李桂兰")
    client = login_as(daoli)
    response = client.post(reverse("registry:list"), {"q": "张秀", "community": tree.a1a.pk, "sort": "-name"})
    assert response.status_code == 302
    url = response.url
    assert "张秀" not in unquote(url) and "q=" not in url and "search=" in url
    assert f"community={tree.a1a.pk}" in url and "sort=-name" in url  # non-personal filters stay
    page = client.get(url)
    body = page.content.decode()
    assert page.context["page"].paginator.count == 55 and other not in page.context["page"]
    assert 'value="张秀"' in body  # shown back in the form, in the page, not the address
    links = re.findall(r'href="([^"]*)"', body)
    assert not [link for link in links if "张秀" in unquote(link) or "q=" in link]
    next_page = next(link for link in links if "n=2" in link)  # the "next" link (a keyset cursor)
    second = client.get(reverse("registry:list") + unescape(next_page))
    assert len(second.context["page"]) == 5 and second.context["sort"] == "-name"
    export = next(link for link in links if link.startswith(reverse("ledger-export-women")))
    assert len(table(client.get(unescape(export)))) == 56  # the header and the 55 women found, not 李桂兰


def test_sec8_an_old_link_with_a_name_is_moved_out_of_the_url(tree, daoli, login_as):
    woman = add_woman(daoli, tree.a1a, name="张秀丽")
    client = login_as(daoli)
    response = client.get(reverse("registry:list"), {"q": "张秀丽", "status": "all"})
    assert (
        response.status_code == 302 and "张秀丽" not in unquote(response.url) and "status=all" in response.url
    )
    assert list(client.get(response.url).context["page"]) == [woman]
