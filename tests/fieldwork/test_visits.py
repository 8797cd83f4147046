"""Recording visits on the phone form (FLD-2, PLT-6) and reading them back."""

from __future__ import annotations

import datetime
import uuid

import pytest
from django.urls import reverse
from django.utils import timezone

from fuqing.core.models import AuditEvent
from fuqing.fieldwork import services
from fuqing.fieldwork.models import Visit, VisitDay, VisitGroupCount, VisitMember
from fuqing.registry.models import VulnerableGroup
from tests.conftest import make_user
from tests.fieldwork.conftest import record


def _form(client):
    response = client.get(reverse("fieldwork:visit-add"))
    assert response.status_code == 200
    return response.context["form"]


def test_fld2_visit_form_defaults_to_today_own_unit_and_the_user_as_lead(tree, colleague, login_as):
    form = _form(login_as(colleague))
    assert form.initial["started_on"] == timezone.localdate()
    assert form.initial["org"] == tree.a.pk
    assert form.initial["lead"] == colleague.pk
    assert form.initial["members"] == [colleague.pk]
    assert isinstance(form.initial["id"], uuid.UUID)
    assert form.fields["method"].initial == "home_visit"


def test_fld2_a_minimal_post_records_a_visit_with_its_grassroots_day(tree, colleague, login_as):
    client = login_as(colleague)
    visit_id = uuid.uuid4()
    response = client.post(
        reverse("fieldwork:visit-add"),
        {
            "id": visit_id,
            "started_on": "2014-04-15",
            "method": "home_visit",
            "place": tree.a1a.pk,
            "org": tree.a.pk,
            "lead": colleague.pk,
            "members": [colleague.pk],
            "women_met": "3",
        },
    )
    assert response.status_code == 302, response.context["form"].errors if response.context else ""
    visit = Visit.objects.get(pk=visit_id)
    assert response["Location"] == reverse("fieldwork:visit-detail", args=[visit.pk])
    assert (visit.org, visit.place, visit.lead, visit.ended_on, visit.year) == (
        tree.a,
        tree.a1a,
        colleague,
        datetime.date(2014, 4, 15),
        2014,
    )
    assert list(VisitDay.objects.filter(visit=visit).values_list("user_id", "day")) == [
        (colleague.pk, datetime.date(2014, 4, 15))
    ]
    assert AuditEvent.objects.filter(
        object_type="fieldwork.visit", object_id=str(visit.pk), action="create"
    ).exists()


def test_fld2_everything_a_visit_records(tree, daoli, colleague, login_as):
    groups = list(VulnerableGroup.objects.all()[:2])
    client = login_as(daoli)
    response = client.post(
        reverse("fieldwork:visit-add"),
        {
            "id": uuid.uuid4(),
            "started_on": "2014-04-15",
            "ended_on": "2014-04-16",
            "method": "forum",
            "place": tree.a1a.pk,
            "org": tree.a.pk,
            "lead": daoli.pk,
            "members": [colleague.pk],
            "women_met": "12",
            f"group_{groups[0].pk}": "5",
            f"group_{groups[1].pk}": "2",
            "notes": "座谈会，了解就业意愿",
            "needs_text": "就业：想学家政技能\n【住房】危房待修\n孩子上学远",
            "year": "2014",
        },
    )
    assert response.status_code == 302
    visit = Visit.objects.get()
    assert visit.led_by_leader is True  # daoli is a vice-chair (FLD-5 counts it)
    assert set(visit.members.all()) == {daoli, colleague}
    assert VisitMember.objects.get(visit=visit, is_lead=True).user == daoli
    assert dict(VisitGroupCount.objects.filter(visit=visit).values_list("group_id", "count")) == {
        groups[0].pk: 5,
        groups[1].pk: 2,
    }
    assert VisitDay.objects.filter(visit=visit).count() == 4  # two cadres × two days
    assert services.parse_needs(visit.needs_text) == [
        {"category": "就业", "text": "想学家政技能"},
        {"category": "住房", "text": "危房待修"},
        {"category": "", "text": "孩子上学远"},
    ]
    page = client.get(reverse("fieldwork:visit-detail", args=[visit.pk])).content.decode()
    for text in ("座谈会，了解就业意愿", "想学家政技能", "危房待修", "友谊社区", "领导带队"):
        assert text in page


def test_plt6_replaying_the_same_visit_id_does_not_duplicate_it(tree, colleague, login_as):
    client = login_as(colleague)
    data = {
        "id": uuid.uuid4(),
        "started_on": "2014-04-15",
        "method": "home_visit",
        "place": tree.a1a.pk,
        "org": tree.a.pk,
        "lead": colleague.pk,
        "members": [colleague.pk],
    }
    first = client.post(reverse("fieldwork:visit-add"), data)
    second = client.post(reverse("fieldwork:visit-add"), data, follow=True)
    assert first.status_code == 302
    assert Visit.objects.count() == 1
    assert "已经保存过，没有重复记录" in second.content.decode()


def test_plt6_a_visit_id_used_by_someone_else_is_refused(tree, colleague, daoli):
    visit = record(daoli, start=datetime.date(2014, 4, 15), place=tree.a1a)
    with pytest.raises(Exception) as caught:
        services.save_visit(
            colleague,
            None,
            services.VisitData(
                id=visit.pk,
                org=tree.a,
                started_on=datetime.date(2014, 4, 16),
                ended_on=datetime.date(2014, 4, 16),
                method="forum",
                place=tree.a1a,
                lead=colleague,
            ),
        )
    assert "编号已被使用" in str(caught.value)
    assert Visit.objects.get().started_on == datetime.date(2014, 4, 15)


def test_fld2_bad_input_is_answered_in_chinese_beside_the_field(tree, colleague, login_as):
    client = login_as(colleague)
    response = client.post(
        reverse("fieldwork:visit-add"),
        {
            "id": uuid.uuid4(),
            "started_on": "2014-04-15",
            "ended_on": "2014-04-10",
            "method": "home_visit",
            "org": tree.a.pk,
            "lead": colleague.pk,
            "women_met": "3",
        },
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "结束日期不能早于开始日期" in str(errors["ended_on"])
    assert "请选择联系点或走访地点" in str(errors["place"])
    assert Visit.objects.count() == 0


def test_fld2_group_counts_cannot_exceed_the_women_met(tree, colleague):
    group = VulnerableGroup.objects.first()
    with pytest.raises(Exception) as caught:
        record(
            colleague,
            start=datetime.date(2014, 4, 15),
            place=tree.a1a,
            women_met=2,
            group_counts={group.pk: 5},
        )
    assert group.name in str(caught.value) and "0 到走访妇女人数" in str(caught.value)


def test_fld2_members_outside_the_scope_are_refused(tree, colleague, nangang):
    with pytest.raises(Exception) as caught:
        record(colleague, start=datetime.date(2014, 4, 15), place=tree.a1a, members=[nangang])
    assert "参加人员只能是" in str(caught.value)
    assert Visit.objects.count() == 0


def test_fld2_a_city_leader_may_join_a_district_visit(tree, colleague, city_leader):
    visit = record(colleague, start=datetime.date(2014, 4, 15), place=tree.a1a, lead=city_leader)
    assert visit.lead == city_leader and visit.led_by_leader
    assert VisitDay.objects.filter(user=city_leader).count() == 1


def test_fld2_a_user_cannot_record_for_a_unit_outside_her_edit_scope(tree, colleague):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        record(colleague, start=datetime.date(2014, 4, 15), place=tree.a1a, org=tree.b)


def test_fld2_list_filters_by_year_method_and_keyword(tree, colleague, login_as):
    record(colleague, start=datetime.date(2014, 4, 15), place=tree.a1a, notes="了解留守妇女")
    record(colleague, start=datetime.date(2014, 5, 2), place=tree.a1a, method="forum", notes="座谈")
    record(colleague, start=datetime.date(2013, 5, 2), place=tree.a1a, notes="去年")
    client = login_as(colleague)
    url = reverse("fieldwork:visits")
    assert client.get(url, {"year": 2014}).context["page"].paginator.count == 2
    assert client.get(url, {"year": 2014, "method": "forum"}).context["page"].paginator.count == 1
    assert client.get(url, {"q": "留守"}).context["page"].paginator.count == 1
    assert client.get(url, {"q": "去年"}).context["page"].paginator.count == 1  # a search spans every year


def test_fld2_the_list_issues_a_bounded_number_of_queries(
    tree, colleague, login_as, django_assert_max_num_queries
):
    for day in range(1, 21):
        record(colleague, start=datetime.date(2014, 4, day), place=tree.a1a)
    client = login_as(colleague)
    with django_assert_max_num_queries(16):  # +2: the year notices (FLD-1)
        response = client.get(reverse("fieldwork:visits"), {"year": 2014})
    assert response.context["page"].paginator.count == 20


def test_fld2_editing_rewrites_members_and_days(tree, colleague, daoli, login_as):
    visit = record(colleague, start=datetime.date(2014, 4, 15), place=tree.a1a)
    client = login_as(colleague)
    response = client.post(
        reverse("fieldwork:visit-edit", args=[visit.pk]),
        {
            "started_on": "2014-04-15",
            "ended_on": "2014-04-17",
            "method": "interview",
            "place": tree.a1a.pk,
            "org": tree.a.pk,
            "lead": daoli.pk,
            "members": [colleague.pk],
            "women_met": "1",
        },
    )
    assert response.status_code == 302
    visit.refresh_from_db()
    assert visit.lead == daoli and visit.method == "interview" and visit.days == 3
    assert VisitDay.objects.filter(visit=visit).count() == 6


def test_fld2_deleting_a_visit_removes_its_days(tree, colleague, login_as):
    visit = record(colleague, start=datetime.date(2014, 4, 15), place=tree.a1a)
    response = login_as(colleague).post(reverse("fieldwork:visit-delete", args=[visit.pk]))
    assert response.status_code == 302
    assert not Visit.objects.exists() and not VisitDay.objects.exists()


def test_org3_a_sibling_district_cannot_read_or_change_a_visit(tree, colleague, nangang, login_as):
    visit = record(colleague, start=datetime.date(2014, 4, 15), place=tree.a1a)
    client = login_as(nangang)
    assert client.get(reverse("fieldwork:visit-detail", args=[visit.pk])).status_code == 404
    assert client.post(reverse("fieldwork:visit-delete", args=[visit.pk])).status_code == 404
    assert Visit.objects.exists()


def test_org3_the_city_reads_a_district_visit_but_a_researcher_cannot_change_it(
    tree, colleague, researcher, login_as
):
    visit = record(colleague, start=datetime.date(2014, 4, 15), place=tree.a1a)
    client = login_as(researcher)
    assert client.get(reverse("fieldwork:visit-detail", args=[visit.pk])).status_code == 200
    assert client.post(reverse("fieldwork:visit-edit", args=[visit.pk]), {}).status_code == 403


def test_fld2_place_search_finds_places_in_scope_only(tree, colleague, community_b, login_as):
    client = login_as(colleague)
    mine = client.get(reverse("fieldwork:place-search"), {"q": "友谊"}).content.decode()
    theirs = client.get(reverse("fieldwork:place-search"), {"q": "花园"}).content.decode()
    assert "友谊社区" in mine
    assert "花园" not in theirs


def test_fld2_bottom_bar_offers_record_visit_and_fill_questionnaire(tree, colleague, login_as):
    page = login_as(colleague).get(reverse("home")).content.decode()
    bar = page[page.find("fq-bottom-bar") :]
    assert reverse("fieldwork:visit-add") in bar and "记走访" in bar
    assert reverse("fieldwork:fill-list") in bar and "填问卷" in bar


def test_fld2_navigation_lists_the_fieldwork_pages(tree, colleague, login_as):
    page = login_as(colleague).get(reverse("home")).content.decode()
    for label in ("联系点", "走访", "蹲点", "问卷", "下基层天数", "调研月统计"):
        assert f">{label}</a>" in page


def test_fld2_a_user_without_a_role_sees_no_fieldwork(tree, login_as):
    user = make_user(tree.a)
    client = login_as(user)
    assert client.get(reverse("fieldwork:visits")).status_code == 403
    assert "记走访" not in client.get(reverse("home")).content.decode()
