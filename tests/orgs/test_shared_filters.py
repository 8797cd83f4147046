"""Issue 11 point 1 for the organisations: one filter (``orgs/filters.py``, ``OrgFilter``) shared by the
organisations page, its ledger export and ``/api/v1/orgs/`` — the same rows for the same filters; a
parent outside the caller's scope is refused (never a wider list, never its name); a bad value is refused
with a Chinese message naming the field."""

from __future__ import annotations

from django.urls import reverse

from tests.shared_filters import (
    api_refusal,
    api_rows,
    export_column,
    ledger_rows,
    page_problems,
    page_rows,
)

REFUSED = "不存在或不在您的数据范围内"


def _pk(o) -> str:
    return str(o.pk)


def test_orgs_page_ledger_and_api_give_the_same_rows(client, tree, daoli):
    params = {"kind": "township", "q": "2301"}
    assert api_rows(client, daoli, "/orgs/", params) == {_pk(tree.a1)}
    assert ledger_rows("orgs", daoli, params, _pk) == {_pk(tree.a1)}
    assert page_rows(client, daoli, reverse("orgs:list"), params, _pk) == {_pk(tree.a1)}
    assert export_column(client, daoli, "orgs", params, "名称") == ["新阳路街道"]
    children = {"parent": tree.a.pk}
    assert api_rows(client, daoli, "/orgs/", children) == {_pk(tree.a1)}
    assert page_rows(client, daoli, reverse("orgs:list"), children, _pk) == {_pk(tree.a1)}
    assert export_column(client, daoli, "orgs", children, "名称") == ["新阳路街道"]


def test_orgs_a_foreign_parent_leaks_nothing(client, tree, daoli):
    for parent in (tree.b, tree.other):
        params = {"parent": parent.pk}
        problems, body = page_problems(client, daoli, reverse("orgs:list"), params)
        assert len(problems) == 1 and problems[0].startswith("上级组织：") and REFUSED in problems[0]
        assert client.get(reverse("orgs:list"), params).context["page"].paginator.count == 0
        assert "花园街道" not in body and "南岗区妇联" not in body and "齐齐哈尔" not in body
        assert ledger_rows("orgs", daoli, params, _pk) == set()
        assert export_column(client, daoli, "orgs", params, "名称") == []
        assert api_refusal(client, daoli, "/orgs/", params).status_code == 404


def test_orgs_bad_values_are_named_in_chinese(client, daoli):
    problems, _body = page_problems(client, daoli, reverse("orgs:list"), {"kind": "club"})
    assert problems and problems[0].startswith("类型：")
    refused = api_refusal(client, daoli, "/orgs/", {"kind": "club"})
    assert refused.status_code == 422 and "kind" in refused.json()["errors"]
