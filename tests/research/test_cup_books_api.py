"""PLT-3 with RES-4, RES-5: the 求实杯 (competitions, criteria, judges, entries, publishing) and compiled
books through the API — the organiser manages, entries are blind until published, a judge never scores
her own unit, the sibling district finds nothing, bad input names the field and writes nothing."""

from __future__ import annotations

import pytest

from fuqing.core.models import AuditEvent, Job
from fuqing.orgs.models import ScopeGrant
from fuqing.research.models import Book, Competition, Criterion, Entry, Judge
from fuqing.research.services import cup as services
from tests.api.conftest import token_for
from tests.conftest import make_user

YEAR = 2014


@pytest.fixture
def cup(tree, researcher):
    return services.create_competition(researcher, org=tree.research, year=YEAR, name="“求实杯”调研成果评选")


@pytest.fixture
def reports(tree, new_report, daoli, nangang, city_leader):
    return {
        "a": new_report(daoli, tree.a, status="submitted", title="道里区失地妇女就业调研"),
        "b": new_report(nangang, tree.b, status="reviewed", reviewer=city_leader, title="南岗区留守妇女调研"),
        "draft": new_report(daoli, tree.a, title="道里区草稿"),
    }


def test_res4_the_organiser_opens_a_competition_with_default_criteria(call, tree, researcher):
    response = call(
        researcher, "post", "/competitions/", {"org": tree.research.pk, "year": 2015, "first_prizes": 2}
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["org"] == tree.research.pk and body["first_prizes"] == 2
    assert sum(c["weight"] for c in body["criteria"]) == 100
    again = call(researcher, "post", "/competitions/", {"org": tree.research.pk, "year": 2015})
    assert again.status_code == 422 and "年度（year）" in again.json()["detail"]
    prizes = call(
        researcher, "post", "/competitions/", {"org": tree.research.pk, "year": 2016, "third_prizes": 501}
    )
    assert prizes.status_code == 422 and "三等奖名额（third_prizes）" in prizes.json()["detail"]
    assert Competition.objects.count() == 1


def test_res4_criteria_are_replaced_whole_and_must_add_to_100(call, cup, researcher, daoli):
    before = list(cup.criteria.values_list("name", "weight"))
    bad = call(
        researcher, "put", f"/competitions/{cup.pk}/criteria/", {"criteria": [{"name": "质量", "weight": 60}]}
    )
    assert bad.status_code == 422 and "评分项（criteria）" in bad.json()["detail"]
    zero = call(
        researcher, "put", f"/competitions/{cup.pk}/criteria/", {"criteria": [{"name": "质量", "weight": 0}]}
    )
    assert zero.status_code == 422
    assert list(cup.criteria.values_list("name", "weight")) == before
    body = {"criteria": [{"name": "选题", "weight": 40}, {"name": "对策", "weight": 60}]}
    assert call(daoli, "put", f"/competitions/{cup.pk}/criteria/", body).status_code == 404  # not her scope
    response = call(researcher, "put", f"/competitions/{cup.pk}/criteria/", body)
    assert [c["name"] for c in response.json()["criteria"]] == ["选题", "对策"]


def test_res4_judges_can_read_the_whole_federation_and_are_never_administrators(
    call, tree, cup, researcher, city_leader, daoli, sysadmin
):
    response = call(researcher, "post", "/judges/", {"competition": cup.pk, "user": city_leader.pk})
    assert response.status_code == 201 and response.json()["name"] == city_leader.display_name
    for user in (daoli, sysadmin):  # a district cadre cannot read the city; an administrator never judges
        refused = call(researcher, "post", "/judges/", {"competition": cup.pk, "user": user.pk})
        assert refused.status_code == 422 and "用户（user）" in refused.json()["detail"]
    stranger = make_user(tree.other, "leader", username="stranger")
    assert (
        call(researcher, "post", "/judges/", {"competition": cup.pk, "user": stranger.pk}).status_code == 404
    )
    assert Judge.objects.filter(competition=cup).count() == 1
    listed = call(researcher, "get", "/judges/", {"competition": cup.pk}).json()
    assert [j["user"] for j in listed["items"]] == [city_leader.pk]
    judge = Judge.objects.get(competition=cup)
    assert (
        call(city_leader, "delete", f"/judges/{judge.pk}/").status_code == 204
    )  # the city leads research too
    assert not Judge.objects.filter(pk=judge.pk).exists()


def test_res4_entries_are_blind_until_published(call, tree, cup, researcher, reports):
    response = call(researcher, "post", "/entries/", {"competition": cup.pk, "reports": [reports["a"].pk]})
    assert response.status_code == 201, response.content
    entry = response.json()["items"][0]
    assert entry["org_name"] == "道里区妇联" and len(entry["code"]) == 4  # the organiser sees the unit
    reader = make_user(tree.a, "leader", username="city_reader")
    ScopeGrant.objects.create(user=reader, org=tree.city, can_edit=False)
    seen = call(reader, "get", f"/entries/{entry['id']}/").json()
    assert seen["code"] == entry["code"] and seen["org"] is None and seen["report"] is None


def test_res4_entries_come_only_from_submitted_reports_and_foreign_ones_are_not_found(
    call, cup, researcher, reports, daoli
):
    draft = call(researcher, "post", "/entries/", {"competition": cup.pk, "reports": [reports["draft"].pk]})
    assert draft.status_code == 422 and "报告（reports）" in draft.json()["detail"]
    empty = call(researcher, "post", "/entries/", {"competition": cup.pk, "reports": []})
    assert empty.status_code == 422 and "报告（reports）" in empty.json()["detail"]
    assert (
        call(researcher, "post", "/entries/", {"competition": cup.pk, "reports": [987654]}).status_code == 404
    )
    assert (
        call(daoli, "post", "/entries/", {"competition": cup.pk, "reports": [reports["a"].pk]}).status_code
        == 404
    )
    assert Entry.objects.count() == 0


def test_res4_a_judge_never_scores_her_own_unit(call, tree, cup, researcher, reports):
    a_judge = make_user(tree.a, "leader", username="a_judge")
    ScopeGrant.objects.create(user=a_judge, org=tree.city, can_edit=False)
    call(researcher, "post", "/judges/", {"competition": cup.pk, "user": a_judge.pk})
    created = call(
        researcher,
        "post",
        "/entries/",
        {"competition": cup.pk, "reports": [reports["a"].pk, reports["b"].pk]},
    )
    by_org = {e["org"]: e["id"] for e in created.json()["items"]}
    scores = [{"criterion": c.pk, "value": 80} for c in Criterion.objects.filter(competition=cup)]
    own = call(a_judge, "post", "/scores/", {"entry": by_org[tree.a.pk], "scores": scores})
    assert own.status_code == 403
    other = call(a_judge, "post", "/scores/", {"entry": by_org[tree.b.pk], "scores": scores})
    assert other.status_code == 201


def test_res4_publishing_needs_every_sheet_and_withdrawing_reopens(call, cup, researcher, reports):
    call(researcher, "post", "/entries/", {"competition": cup.pk, "reports": [reports["a"].pk]})
    refused = call(researcher, "post", f"/competitions/{cup.pk}/publish/", {"publish": True})
    assert refused.status_code == 422
    cup.refresh_from_db()
    assert cup.closed_at is None
    Competition.objects.filter(pk=cup.pk).update(closed_at="2014-09-30T00:00:00Z")
    response = call(researcher, "post", f"/competitions/{cup.pk}/publish/", {"publish": False})
    assert response.status_code == 200 and response.json()["is_closed"] is False


def test_res4_the_sibling_district_finds_nothing(call, tree, reports, daoli, nangang, new_report):
    own = services.create_competition(nangang, org=tree.b, year=YEAR, name="南岗区评选")
    services.add_entries(nangang, own, [reports["b"].pk])
    entry = own.entries.get()
    assert call(daoli, "get", f"/competitions/{own.pk}/").status_code == 404
    assert call(daoli, "patch", f"/competitions/{own.pk}/", {"name": "改"}).status_code == 404
    assert call(daoli, "delete", f"/entries/{entry.pk}/").status_code == 404
    assert call(daoli, "post", "/judges/", {"competition": own.pk, "user": daoli.pk}).status_code == 404
    assert "南岗区评选" not in call(daoli, "get", "/competitions/").content.decode()
    own.refresh_from_db()
    assert own.name == "南岗区评选" and Entry.objects.filter(pk=entry.pk).exists()


def test_res4_lists_pin_their_queries(call, cup, researcher, reports, django_assert_max_num_queries):
    services.add_entries(researcher, cup, [reports["a"].pk, reports["b"].pk])
    token = token_for(researcher)
    with django_assert_max_num_queries(10):
        assert call(token, "get", "/competitions/").json()["count"] == 1
    with django_assert_max_num_queries(12):
        assert call(token, "get", "/entries/", {"competition": cup.pk}).json()["count"] == 2


def test_res4_the_organiser_removes_an_entry_and_a_district_cannot(call, cup, researcher, reports, daoli):
    services.add_entries(researcher, cup, [reports["a"].pk])
    entry = cup.entries.get()
    assert call(daoli, "delete", f"/entries/{entry.pk}/").status_code == 404
    assert call(researcher, "delete", f"/entries/{entry.pk}/").status_code == 204
    assert AuditEvent.objects.filter(action="delete", object_id=str(entry.pk)).exists()


# --- books (RES-5) --------------------------------------------------------------------------------


def _book_body(*report_ids, **extra):
    return {
        "year": YEAR,
        "title": "2014年调研成果汇编",
        "issuer": "哈尔滨市妇联研究室",
        "issued_on": "2014-09-01",
        "reports": list(report_ids),
        **extra,
    }


def test_res5_a_book_collects_submitted_reports_in_order_and_generates(
    call, researcher, reports, django_capture_on_commit_callbacks
):
    response = call(researcher, "post", "/books/", _book_body(reports["b"].pk, reports["a"].pk))
    assert response.status_code == 201, response.content
    book = Book.objects.get(pk=response.json()["id"])
    assert response.json()["reports"] == [reports["b"].pk, reports["a"].pk]
    patched = call(researcher, "patch", f"/books/{book.pk}/", {"title": "汇编（修订）"})
    assert patched.json()["title"] == "汇编（修订）" and patched.json()["reports"] == [
        reports["b"].pk,
        reports["a"].pk,
    ]
    with django_capture_on_commit_callbacks(execute=True):
        started = call(researcher, "post", f"/books/{book.pk}/generate/")
    assert started.status_code == 202
    job = Job.objects.get(pk=started.json()["job"])
    assert job.kind == "research_book"


def test_res5_bad_input_names_the_field_and_writes_nothing(call, researcher, reports):
    draft = call(researcher, "post", "/books/", _book_body(reports["draft"].pk))
    assert draft.status_code == 422 and "报告（reports）" in draft.json()["detail"]
    blank = call(researcher, "post", "/books/", _book_body(reports["a"].pk, title=" "))
    assert blank.status_code == 422 and "标题（title）" in blank.json()["detail"]
    date = call(researcher, "post", "/books/", _book_body(reports["a"].pk, issued_on="1999-01-01"))
    assert date.status_code == 422 and "编印日期（issued_on）" in date.json()["detail"]
    assert Book.objects.count() == 0


def test_res5_a_district_cannot_use_the_siblings_reports_or_books(call, tree, reports, daoli, nangang):
    assert call(daoli, "post", "/books/", _book_body(reports["b"].pk)).status_code == 404
    book = Book.objects.create(org=tree.b, year=YEAR, title="南岗汇编", issuer="南岗", issued_on="2014-09-01")
    assert call(daoli, "get", f"/books/{book.pk}/").status_code == 404
    assert call(daoli, "patch", f"/books/{book.pk}/", {"title": "改"}).status_code == 404
    assert call(daoli, "post", f"/books/{book.pk}/generate/").status_code == 404
    assert Book.objects.count() == 1 and Job.objects.count() == 0
    colleague = make_user(tree.a, username="viewer_only")
    assert call(colleague, "get", "/books/").status_code == 403


def test_res5_the_book_list_pins_its_queries(call, researcher, reports, django_assert_max_num_queries):
    for i in range(6):
        call(researcher, "post", "/books/", _book_body(reports["a"].pk, title=f"汇编{i}"))
    token = token_for(researcher)
    with django_assert_max_num_queries(10):  # the same for 6 books as for 1
        assert call(token, "get", "/books/").json()["count"] == 6
