"""NEED-2: helpers (cadres and/or units) paired long-term with a woman or a household."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from fuqing.assistance import pairings
from fuqing.assistance.models import Pairing, PairingStatus
from tests.assistance.conftest import DAY


def test_need2_one_to_one_with_a_cadre(daoli, colleague, woman):
    pair = pairings.create_pairing(
        daoli,
        org=woman.org,
        kind="one_to_one",
        woman=woman,
        starts_on=DAY,
        review_on=DAY + datetime.timedelta(days=90),
        helper_users=[colleague],
    )
    assert [h.user for h in pair.helpers.all()] == [colleague]
    assert pair.status == PairingStatus.ACTIVE and pair.year == 2014


def test_need2_many_to_one_with_cadres_and_units_for_a_household(daoli, colleague, tree):
    pair = pairings.create_pairing(
        daoli,
        org=tree.a1,
        kind="many_to_one",
        household="李家（祖孙三人）",
        starts_on=DAY,
        helper_users=[colleague],
        helper_orgs=[tree.a, tree.a1],
    )
    assert pair.helpers.count() == 3 and pair.beneficiary == "李家（祖孙三人）"


@pytest.mark.parametrize(
    ("kind", "users", "message"),
    [("one_to_one", 2, "恰好有一名"), ("many_to_one", 1, "两名（个）以上"), ("one_to_one", 0, "恰好有一名")],
)
def test_need2_kind_and_helper_count_must_agree(daoli, colleague, woman, kind, users, message):
    helpers = [daoli, colleague][:users]
    with pytest.raises(ValidationError) as exc:
        pairings.create_pairing(
            daoli, org=woman.org, kind=kind, woman=woman, starts_on=DAY, helper_users=helpers
        )
    assert message in exc.value.message_dict["helpers"][0]


def test_need2_review_before_start_and_helpers_out_of_scope_are_refused(daoli, nangang, woman):
    with pytest.raises(ValidationError) as exc:
        pairings.create_pairing(
            daoli,
            org=woman.org,
            kind="one_to_one",
            woman=woman,
            starts_on=DAY,
            review_on=datetime.date(2014, 1, 1),
            helper_users=[daoli],
        )
    assert "复查日期" in exc.value.message_dict["review_on"][0]
    with pytest.raises(ValidationError) as exc:
        pairings.create_pairing(
            daoli, org=woman.org, kind="one_to_one", woman=woman, starts_on=DAY, helper_users=[nangang]
        )
    assert "数据范围内的在职干部" in exc.value.message_dict["helpers"][0]


def test_need2_ending_a_pair(daoli, colleague, woman):
    pair = pairings.create_pairing(
        daoli, org=woman.org, kind="one_to_one", woman=woman, starts_on=DAY, helper_users=[colleague]
    )
    pairings.update_pairing(daoli, pair, ends_on=datetime.date(2014, 12, 31))
    pair.refresh_from_db()
    assert pair.status == PairingStatus.ENDED and pair.helpers.count() == 1


def test_need2_pages_create_list_and_show_a_pair(login_as, daoli, colleague, woman):
    client = login_as(daoli)
    response = client.post(
        reverse("assistance:pairing-add"),
        {
            "org": woman.org_id,
            "kind": "one_to_one",
            "woman": str(woman.pk),
            "helper_users": [colleague.pk],
            "starts_on": "2014-04-20",
            "notes": "帮助联系岗位",
        },
    )
    pair = Pairing.objects.get()
    assert response.status_code == 302
    listing = client.get(reverse("assistance:pairing-list")).content.decode()
    assert "张*英" in listing and "张秀英" not in listing and "colleague" in listing
    assert "帮助联系岗位" in client.get(reverse("assistance:pairing-detail", args=[pair.pk])).content.decode()


def test_need2_form_reports_the_helper_rule(login_as, daoli, woman):
    response = login_as(daoli).post(
        reverse("assistance:pairing-add"),
        {"org": woman.org_id, "kind": "many_to_one", "woman": str(woman.pk), "starts_on": "2014-04-20"},
    )
    assert response.status_code == 200 and "两名（个）以上" in response.content.decode()


def test_sec8_a_household_searched_on_the_pairings_list_never_travels_in_the_url(tree, daoli, login_as):
    """Issue 10, point 7: the household searched (often a woman's name) is posted and kept behind a
    session token; an old link carrying ``?q=`` is moved out of the address."""
    from urllib.parse import unquote

    from fuqing.assistance.models import Pairing
    from tests.scoped_factories import FACTORIES

    pairing = FACTORIES[Pairing](tree.a, "MARK-pair", daoli)
    Pairing.objects.filter(pk=pairing.pk).update(household="张秀英家")
    client = login_as(daoli)
    page = client.get(reverse("assistance:pairing-list"))
    assert 'method="post"' in page.content.decode().split('role="search"')[0].rsplit("<form", 1)[-1]
    response = client.post(reverse("assistance:pairing-list"), {"q": "张秀英", "year": ""})
    assert response.status_code == 302
    assert "张秀英" not in unquote(response.url) and "q=" not in response.url and "search=" in response.url
    found = client.get(response.url)
    assert [p.pk for p in found.context["page"]] == [pairing.pk] and found.context["q"] == "张秀英"
    old_link = client.get(reverse("assistance:pairing-list"), {"q": "张秀英"})
    assert old_link.status_code == 302 and "张秀英" not in unquote(old_link.url) and "q=" not in old_link.url
