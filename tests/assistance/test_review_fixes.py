"""Round-2 fixes of the tester's findings on needs and assistance (NEED-1 … NEED-6)."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from fuqing.assistance import pairings, services
from fuqing.assistance.forms import NeedForm, PairingForm, ResolveForm
from fuqing.assistance.models import Need, NeedStatus
from fuqing.orgs import services as org_services
from fuqing.orgs.models import Org, OrgKind
from tests.assistance.conftest import DAY
from tests.conftest import make_user


@pytest.fixture
def sibling(tree):
    """A second street of district A with a community: 刘春梅 of 新阳路街道 cannot see it."""
    street = org_services.add_org(None, parent=tree.a, name="兆麟街道", kind=OrgKind.TOWNSHIP)
    community = org_services.add_org(None, parent=street, name="共乐社区", kind=OrgKind.COMMUNITY)
    return community


@pytest.fixture
def street_cadre(tree):
    return make_user(tree.a1, "cadre", username="daoli_street", name="刘春梅")


# --- 1. handlers and helpers see what they are given ------------------------------------------------


def test_need1_a_handler_who_cannot_see_the_unit_is_refused(daoli, sibling, street_cadre, make_need):
    with pytest.raises(ValidationError) as exc:
        make_need(daoli, sibling, handler=street_cadre)
    message = exc.value.message_dict["handler"][0]
    assert message.startswith("承办人：刘春梅（新阳路街道）不能查看共乐社区的诉求，请选择")
    assert Need.objects.count() == 0


def test_need1_the_platform_itself_cannot_assign_a_blind_handler(sibling, street_cadre, make_need):
    with pytest.raises(ValidationError):
        make_need(None, sibling, handler=street_cadre)


def test_need1_a_handler_above_the_unit_or_granted_it_is_accepted(
    daoli, tree, sibling, street_cadre, make_need
):
    from fuqing.orgs.models import ScopeGrant

    assert make_need(daoli, tree.a1a, handler=street_cadre).handler == street_cadre
    assert make_need(daoli, sibling, handler=daoli).handler == daoli
    ScopeGrant.objects.create(user=street_cadre, org=Org.objects.get(name="兆麟街道"), can_edit=False)
    del street_cadre._fuqing_scope  # the scope is cached on the user object
    need = make_need(daoli, sibling, handler=street_cadre)
    assert need.handler == street_cadre


def test_need1_editing_checks_the_handler_too(daoli, sibling, street_cadre, make_need):
    need = make_need(daoli, sibling)
    with pytest.raises(ValidationError) as exc:
        services.update_need(daoli, need, handler=street_cadre)
    assert "不能查看共乐社区的诉求" in exc.value.message_dict["handler"][0]


def test_need1_form_offers_only_handlers_who_see_a_settled_unit(daoli, tree, sibling, street_cadre):
    sibling_cadre = make_user(Org.objects.get(name="兆麟街道"), "cadre", username="zhaolin")
    settled = NeedForm(user=daoli, org=sibling).fields["handler"].queryset
    assert daoli in settled and sibling_cadre in settled and street_cadre not in settled
    free = NeedForm(user=daoli).fields["handler"].queryset
    assert street_cadre in free and sibling_cadre in free


def test_need1_form_posted_with_a_blind_handler_names_the_field(
    daoli, sibling, street_cadre, categories, login_as
):
    response = login_as(daoli).post(
        reverse("assistance:need-add"),
        {
            "org": sibling.pk,
            "group_description": "座谈会参会妇女",
            "category": categories["employment"].pk,
            "source": "forum",
            "urgency": "normal",
            "description": "希望提供灵活就业岗位",
            "reported_on": DAY.isoformat(),
            "handler": street_cadre.pk,
        },
    )
    assert response.status_code == 200
    assert "不能查看共乐社区的诉求" in response.content.decode()
    assert Need.objects.count() == 0


def test_need2_a_helper_who_cannot_see_the_womans_unit_is_refused(daoli, tree, sibling, street_cadre):
    from fuqing.registry.models import Woman

    her = Woman.objects.create(org=sibling, name="李淑华", registered_on=DAY)
    with pytest.raises(ValidationError) as exc:
        pairings.create_pairing(
            daoli, org=tree.a1, kind="one_to_one", woman=her, starts_on=DAY, helper_users=[street_cadre]
        )
    assert "帮扶干部：刘春梅（新阳路街道）不能查看共乐社区的数据" in " ".join(exc.value.messages)
    pair = pairings.create_pairing(
        daoli, org=tree.a, kind="one_to_one", woman=her, starts_on=DAY, helper_users=[daoli]
    )
    assert (
        PairingForm(user=daoli, org=sibling)
        .fields["helper_users"]
        .queryset.filter(pk=street_cadre.pk)
        .count()
        == 0
    )
    assert pair.helpers.count() == 1


def test_need1_demo_handlers_and_helpers_see_their_needs_and_pairs(db):
    """The demo's data: every handler sees her need and every cadre helper her pair and woman."""
    from fuqing.assistance.models import Pairing
    from fuqing.core.loaders import load_all_demo

    load_all_demo("Demo@2014pass")
    needs = Need.objects.exclude(handler=None).select_related("handler", "org")
    assert needs.exists()
    for need in needs:
        assert services.can_see(need.handler, need.org), (need.handler, need.org)
    for pair in Pairing.objects.select_related("org", "woman__org").prefetch_related("helpers__user"):
        for helper in pair.helpers.all():
            if helper.user_id:
                assert services.can_see(helper.user, pair.org)
                if pair.woman_id:
                    assert services.can_see(helper.user, pair.woman.org)


# --- 3. date messages name the form's own fields ---------------------------------------------------


def test_need3_date_messages_name_the_forms_fields(daoli, tree, woman, make_need):
    with pytest.raises(ValidationError) as exc:
        make_need(daoli, tree.a, review_on=datetime.date(2014, 1, 1))
    assert exc.value.message_dict["review_on"] == ["复查日期不能早于反映日期。"]
    with pytest.raises(ValidationError) as exc:
        make_need(daoli, tree.a, reported_on=datetime.date(2999, 1, 1))
    assert exc.value.message_dict["reported_on"] == ["反映日期不能晚于今天。"]
    with pytest.raises(ValidationError) as exc:
        pairings.create_pairing(
            daoli,
            org=tree.a,
            kind="one_to_one",
            woman=woman,
            starts_on=DAY,
            review_on=datetime.date(2014, 1, 1),
            helper_users=[daoli],
        )
    assert exc.value.message_dict["review_on"] == ["复查日期不能早于结对日期。"]
    with pytest.raises(ValidationError) as exc:
        pairings.create_pairing(
            daoli, org=tree.a, kind="one_to_one", woman=woman, starts_on=None, helper_users=[daoli]
        )
    assert exc.value.message_dict["starts_on"] == ["结对日期必填。"]


# --- 4. closing as resolved ------------------------------------------------------------------------


def test_need4_resolved_requires_how_it_was_solved(daoli, tree, make_need):
    need = make_need(daoli, tree.a)
    with pytest.raises(ValidationError) as exc:
        services.resolve_need(daoli, need, note="  ")
    assert "解决情况必填" in exc.value.message_dict["note"][0]
    need.refresh_from_db()
    assert need.status == NeedStatus.OPEN


def test_need4_close_date_not_before_reported_nor_in_the_future(daoli, tree, make_need):
    need = make_need(daoli, tree.a)
    with pytest.raises(ValidationError) as exc:
        services.resolve_need(daoli, need, note="已解决", on=datetime.date(2014, 1, 1))
    assert exc.value.message_dict["closed_on"] == ["办结日期不能早于反映日期（2014-04-15）。"]
    with pytest.raises(ValidationError):
        services.resolve_need(daoli, need, note="已解决", on=datetime.date(2999, 1, 1))


def test_need4_resolve_form_requires_the_note_and_shows_the_close_date(daoli, tree, make_need, login_as):
    from django.utils import timezone

    form = ResolveForm(prefix="resolve")
    assert form.fields["on"].initial == timezone.localdate()
    assert not ResolveForm({"resolve-note": ""}, prefix="resolve").is_valid()
    need = make_need(daoli, tree.a)
    client = login_as(daoli)
    page = client.get(reverse("assistance:need-detail", args=[need.pk])).content.decode()
    assert f'value="{timezone.localdate():%Y-%m-%d}"' in page
    client.post(reverse("assistance:need-resolve", args=[need.pk]), {"resolve-note": ""})
    need.refresh_from_db()
    assert need.status == NeedStatus.OPEN
