"""REG-4: likely duplicates by name + phone (blind index) are listed; a merge keeps all history, points the
merged record at the survivor and re-points other apps' rows through the registry's hooks."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from fuqing.assistance.models import Need
from fuqing.core.models import AuditEvent
from fuqing.registry import finding, hooks, privacy, services
from fuqing.registry.models import Consent, VulnerableGroup, Woman
from tests.registry.conftest import add_woman


@pytest.fixture
def pair(tree, daoli):
    left = VulnerableGroup.objects.get(code="left-behind")
    poor = VulnerableGroup.objects.get(code="single-poor-mother")
    survivor = add_woman(daoli, tree.a1a, name="王秀英", phone="13811112222", address="", groups=[left])
    merged = add_woman(
        daoli,
        tree.a1,
        name="王 秀英",
        phone="138 1111 2222",
        address="友谊路 5 号",
        groups=[poor],
        registered_on=datetime.date(2014, 4, 2),
    )
    return survivor, merged


def test_reg4_the_duplicates_page_lists_same_name_and_phone(tree, daoli, pair, login_as):
    survivor, merged = pair
    add_woman(daoli, tree.a1a, name="王秀英", phone="13999999999")  # same name, other phone: not listed
    client = login_as(daoli)
    response = client.get(reverse("registry:duplicates"))
    groups = response.context["groups"]
    assert len(groups) == 1 and {w.pk for w in groups[0]["women"]} == {survivor.pk, merged.pk}
    assert groups[0]["mergeable"]
    body = response.content.decode()
    assert "王*英" in body and "王秀英" not in body and reverse("registry:merge", args=[survivor.pk]) in body


def test_reg4_checking_one_person_by_name_or_file_number(tree, daoli, pair, login_as):
    survivor, _merged = pair
    client = login_as(daoli)
    response = client.post(reverse("registry:duplicates"), {"q": survivor.file_number})
    groups = client.get(response.url).context["groups"]
    assert len(groups) == 1 and len(groups[0]["women"]) == 2


def test_sec8_a_name_checked_on_the_duplicates_page_never_travels_in_the_url(tree, daoli, pair, login_as):
    """Issue 10, point 7, on the duplicates page: the name is posted and kept behind a token; an old
    link carrying ``?q=`` is moved out of the address."""
    from urllib.parse import unquote

    survivor, merged = pair
    add_woman(daoli, tree.a1a, name="李桂兰", phone="13700001111")
    client = login_as(daoli)
    page = client.get(reverse("registry:duplicates"))
    assert 'method="post"' in page.content.decode().split('role="search"')[0].rsplit("<form", 1)[-1]
    response = client.post(reverse("registry:duplicates"), {"q": "王秀英"})
    assert response.status_code == 302
    assert "王秀英" not in unquote(response.url) and "q=" not in response.url and "search=" in response.url
    found = client.get(response.url)
    assert {w.pk for g in found.context["groups"] for w in g["women"]} == {survivor.pk, merged.pk}
    assert 'value="王秀英"' in found.content.decode()  # shown back in the form, not in the address
    old_link = client.get(reverse("registry:duplicates"), {"q": "王秀英"})
    assert old_link.status_code == 302 and "王秀英" not in unquote(old_link.url) and "q=" not in old_link.url


def test_reg4_merge_keeps_all_history_and_repoints_other_apps(tree, daoli, pair, login_as):
    survivor, merged = pair
    privacy.give_consent(daoli, merged, "finance")
    need = Need.objects.create(
        org=tree.a1, woman=merged, description="就业", reported_on=datetime.date(2014, 4, 9)
    )
    seen = []

    def on_merge(sender, survivor, merged, actor, **kwargs):
        seen.append((survivor.pk, merged.pk, actor.pk))

    hooks.women_merged.connect(on_merge)
    try:
        client = login_as(daoli)
        page = client.get(reverse("registry:merge", args=[survivor.pk]))
        assert merged in page.context["form"].candidates.values()
        response = client.post(
            reverse("registry:merge", args=[survivor.pk]), {"other": str(merged.pk), "reason": "核实为同一人"}
        )
    finally:
        hooks.women_merged.disconnect(on_merge)
    assert response.status_code == 302
    survivor = Woman.objects.get(pk=survivor.pk)
    merged = Woman.objects.get(pk=merged.pk)
    assert merged.status == "merged" and merged.merged_into == survivor and merged.closed_on is not None
    assert survivor.address == "友谊路 5 号" and survivor.registered_on == datetime.date(2014, 4, 2)
    assert {g.code for g in survivor.groups.all()} == {"left-behind", "single-poor-mother"}
    assert Consent.objects.get(purpose="finance").woman == survivor
    need.refresh_from_db()
    assert need.woman == survivor
    assert seen == [(survivor.pk, merged.pk, daoli.pk)]
    titles = [e.title for e in client.get(reverse("registry:detail", args=[survivor.pk])).context["timeline"]]
    assert titles.count("登记") == 2 and "合并重复档案" in titles
    audit = AuditEvent.objects.filter(action="update", object_id=str(survivor.pk)).get()
    assert audit.details["moved"] == {"assistance.Need": 1} and audit.details["reason"] == "核实为同一人"
    banner = client.get(reverse("registry:detail", args=[merged.pk])).content.decode()
    assert "本档案已并入" in banner and reverse("registry:edit", args=[merged.pk]) not in banner


def test_reg4_an_app_can_register_its_own_repointer(tree, daoli, pair):
    survivor, merged = pair
    calls = []

    @hooks.repointer(Need)
    def careful(survivor_, merged_, actor):
        calls.append(merged_.pk)
        return Need.objects.filter(woman=merged_).update(woman=survivor_)

    try:
        Need.objects.create(
            org=tree.a1, woman=merged, description="住房", reported_on=datetime.date(2014, 4, 9)
        )
        services.merge_women(daoli, survivor, merged, "同一人")
    finally:
        hooks._REPOINTERS.pop(Need)
    assert calls == [merged.pk] and Need.objects.get().woman_id == survivor.pk


def test_reg4_repointing_a_many_to_many_keeps_one_link_per_owner(tree, daoli):
    left = VulnerableGroup.objects.get(code="left-behind")
    migrant = VulnerableGroup.objects.get(code="migrant")
    both = add_woman(daoli, tree.a1a, groups=[left, migrant])
    only_migrant = add_woman(daoli, tree.a1a, groups=[migrant])
    relation = VulnerableGroup._meta.get_field("women")  # the same shape as another app's M2M to Woman
    moved = hooks._repoint_m2m(relation, left, migrant)
    assert moved == 1
    assert set(both.groups.all()) == {left} and set(only_migrant.groups.all()) == {left}


def test_reg4_earlier_merges_follow_to_the_new_survivor(tree, daoli):
    a = add_woman(daoli, tree.a1a, name="李丽", phone="13800000001")
    b = add_woman(daoli, tree.a1a, name="李丽", phone="13800000001")
    c = add_woman(daoli, tree.a1a, name="李丽", phone="13800000001")
    services.merge_women(daoli, b, c, "同一人")
    services.merge_women(daoli, a, b, "同一人")
    assert set(Woman.objects.filter(merged_into=a).values_list("pk", flat=True)) == {b.pk, c.pk}
    assert set(finding.history_ids(a)) == {a.pk, b.pk, c.pk}


def test_reg4_merge_refuses_self_closed_records_missing_reason_and_other_scopes(
    tree, daoli, nangang, pair, login_as
):
    survivor, merged = pair
    with pytest.raises(ValidationError):
        services.merge_women(daoli, survivor, survivor, "同一人")
    with pytest.raises(ValidationError, match="请说明合并理由"):
        services.merge_women(daoli, survivor, merged, "")
    stranger = add_woman(nangang, tree.b1, name="王秀英", phone="13811112222")
    with pytest.raises(PermissionDenied):
        services.merge_women(daoli, survivor, stranger, "同一人")
    response = login_as(daoli).post(
        reverse("registry:merge", args=[survivor.pk]),
        {"file_number": stranger.file_number, "reason": "同一人"},
    )
    assert "找不到您可修改的在册档案" in response.content.decode()
    privacy.close_woman(daoli, merged, "moved")
    with pytest.raises(ValidationError, match="不在册"):
        services.merge_women(daoli, survivor, merged, "同一人")
    assert login_as(nangang).get(reverse("registry:merge", args=[survivor.pk])).status_code == 404
