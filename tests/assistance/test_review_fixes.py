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


# --- 2. the home panel counts unread reminders as the bell does -----------------------------------


def test_need4_home_panel_unread_count_is_the_bells(daoli, login_as):
    from fuqing.core import reminders

    reminders.remind(daoli, daoli.org, "campaigns.obligation", 1, "due_soon", "填报总结", DAY)
    home = login_as(daoli).get(reverse("home")).content.decode()
    assert 'data-bell="1"' in home
    assert 'data-reminders="1"' in home


# --- 5. themes are topics; the long-standing card tells the true count -----------------------------

GENERIC = {"定期", "老人", "免费", "法律"}


def test_need5_generic_words_are_not_themes(daoli, tree, make_need):
    from fuqing.assistance.hot import theme_rows
    from fuqing.assistance.models import NeedKeyword
    from fuqing.assistance.text import extract_keywords

    texts = ["希望定期组织老人免费体检", "想了解法律知识，定期开展法律讲座", "老人免费乘车政策"]
    for text in texts:
        assert not GENERIC & set(extract_keywords(text)), text
    need = make_need(daoli, tree.a1a, "希望定期组织老人免费体检，开展法律援助")
    assert "法律援助" in need.keywords.values_list("keyword", flat=True)
    # keywords stored before the list grew stay out of the themes too
    NeedKeyword.objects.create(need=need, org=need.org, year=2014, keyword="定期")
    themes = {r.label for r in theme_rows(daoli, tree.a, 2014)}
    assert "法律援助" in themes and not GENERIC & themes


def test_need5_long_standing_card_counts_every_stale_need(daoli, tree, make_need, login_as):
    from fuqing.assistance.hot import hot_issues

    for day in range(25):
        make_need(daoli, tree.a1a, f"希望提供灵活就业岗位{day}", reported_on=datetime.date(2014, 1, 1 + day))
    hot = hot_issues(daoli, tree.a, 2014, datetime.date(2014, 9, 1))
    assert hot.long_standing_count == 25 == sum(r.this for r in hot.long_standing)
    assert len(hot.oldest) == 20
    body = login_as(daoli).get(reverse("assistance:hot-issues"), {"year": 2014}).content.decode()
    assert 'data-long-standing="25">25<' in body


# --- 6. the area chart stays readable with many units ----------------------------------------------


def test_need5_area_chart_keeps_15_units_and_adds_up_the_rest():
    from fuqing.assistance.hot import HotIssues, Row, chart_data

    areas = [Row(i, f"街道{i}", this=30 - i, last=1) for i in range(26)]
    total = Row("total", "道里区妇联")
    hot = HotIssues(None, 2014, 90, total, [], areas, [], [], [], [], [])
    block = chart_data(hot)["areas"]
    assert len(block["labels"]) == 16 and block["labels"][-1] == "其他（11 个单位）"
    assert sum(block["this"]) == sum(r.this for r in areas) and block["last"][-1] == 11
    assert block["height"] >= 24 * 16  # each bar gets its own line on the y axis
    quiet = [*areas[:3], Row(99, "无诉求街道")]
    small = chart_data(HotIssues(None, 2014, 90, total, [], quiet, [], [], [], [], []))["areas"]
    assert small["labels"] == ["街道0", "街道1", "街道2"] and small["height"] == 320


# --- 7. phones: no page wider than the screen ------------------------------------------------------


def test_need7_lists_render_phone_cards_and_tables_scroll_inside(daoli, tree, make_need, login_as):
    import re

    make_need(daoli, tree.a1a, "危房待修", group_description="东风社区走访中反映")
    client = login_as(daoli)
    listing = client.get(reverse("assistance:need-list"), {"year": 2014}).content.decode()
    # on a phone: date, description (with who, category, unit and review date beneath it) and status
    assert "data-phone-line" in listing and listing.count('<th class="d-none d-md-table-cell">') == 4
    for name in ("assistance:hot-issues", "assistance:action-list"):
        body = client.get(reverse(name), {"year": 2014}).content.decode()
        tables = re.findall(r"(.{0,40})<table", body, re.S)
        assert tables and all("table-responsive" in before for before in tables), name


# --- 8. English: units, legends, months and brackets follow the active language -------------------


def test_need8_english_hot_issues_and_funds(daoli, tree, make_need, login_as):
    import json
    import re

    from django.utils import translation

    from fuqing.assistance import pairings as pairing_services

    need = make_need(daoli, tree.a1a)
    pairing_services.record_action(
        daoli, service="funds", given_on=DAY, need=need, given_by=daoli, amount=53500, project_name="救助"
    )
    client = login_as(daoli)
    client.cookies["django_language"] = "en"
    with translation.override("en"):
        body = client.get(
            reverse("assistance:action-list"), {"year": 2014}, HTTP_ACCEPT_LANGUAGE="en"
        ).content
        body = body.decode()
        assert "53,500 yuan" in body and "53,500 元" not in body
        hot = client.get(reverse("assistance:hot-issues"), {"year": 2014}, HTTP_ACCEPT_LANGUAGE="en").content
    chart = json.loads(
        re.search(r'id="hot-data" type="application/json">(.*?)</script>', hot.decode(), re.S)[1]
    )
    assert chart["months"]["labels"][0] == "January"
    assert set(chart["legend"]) == {"this", "last"}


def test_need8_no_full_width_bracket_glued_outside_a_translated_string():
    """A bracket next to a translated word must be part of the translated string (English gets " (")."""
    import re
    from pathlib import Path

    import fuqing.assistance

    root = Path(fuqing.assistance.__file__).parent / "templates"
    glued = re.compile(r"%\}（|）\{%|\}\}）|（\{\{")
    offenders = []
    for path in root.rglob("*.html"):
        for line in path.read_text(encoding="utf-8").splitlines():
            # inside {% blocktranslate %} a bracket next to a variable is part of the message
            outside = re.sub(r"\{% blocktranslate.*?endblocktranslate %\}", "", line)
            if glued.search(outside):
                offenders.append(f"{path.name}: {outside.strip()[:80]}")
    assert offenders == []
