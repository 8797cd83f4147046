"""SEC-2 / ORG-3: nothing leaves the scope through a form, a choice list or an error message. Every id
that comes from input — a posted form field, a query string, a JSON body — is resolved through the
scope door; out of scope it is simply "not found", and nothing foreign is listed, named or written."""

from __future__ import annotations

import json
import uuid

import pytest
from django.utils import timezone

from fuqing.core.forms import NOT_IN_SCOPE, ScopedModelChoiceField
from fuqing.core.scoping import resolve_input, resolve_inputs
from fuqing.fieldwork.models import ContactPoint, Visit
from fuqing.orgs.models import Org, Position, User
from tests.conftest import make_user

FOREIGN_CHAIR = "南岗区主席孙桂珍"
FOREIGN_CADRE = "南岗区干部钱丽华"
FOREIGN_PLACE = "花园街道"  # 南岗区's township (tree.b1)
NOT_FOUND = "不在您的范围内"


@pytest.fixture
def foreign_people(tree):
    """南岗区's leader and cadre, with names a page must never show to 道里区."""
    return [
        make_user(tree.b, "leader", name=FOREIGN_CHAIR, position=Position.CHAIR),
        make_user(tree.b, "cadre", name=FOREIGN_CADRE, position=Position.DEPARTMENT_HEAD),
    ]


def _token(user) -> dict:
    from fuqing.api.auth import TOKEN_PREFIX, digest
    from fuqing.orgs.models import ApiToken

    raw = TOKEN_PREFIX + uuid.uuid4().hex
    ApiToken.objects.create(
        user=user, digest=digest(raw), prefix=raw[:8], expires_at=timezone.now() + timezone.timedelta(hours=1)
    )
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def _assert_nothing_foreign(text: str) -> None:
    for name in (FOREIGN_CHAIR, FOREIGN_CADRE, FOREIGN_PLACE, "南岗区妇联"):
        assert name not in text, name


# --- the helpers in core ---------------------------------------------------------------------------


def test_sec2_resolve_input_answers_none_for_foreign_missing_and_malformed_ids(tree, daoli):
    assert resolve_input(Org, daoli, tree.a1.pk) == tree.a1
    assert resolve_input(Org, daoli, str(tree.a1.pk)) == tree.a1
    for value in (tree.b.pk, tree.other.pk, 10**30, "x", "1; drop", None, "", True, -1):
        assert resolve_input(Org, daoli, value) is None, value
    assert resolve_input(Org, daoli, tree.a.pk, edit=True) == tree.a
    assert resolve_inputs(Org, daoli, [tree.a.pk, tree.b.pk, "x", tree.a.pk]) == [tree.a]


def test_sec2_a_scoped_choice_field_says_not_found_naming_the_field(tree, daoli):
    field = ScopedModelChoiceField(queryset=Org.objects.visible_to(daoli), label="所属单位")
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as caught:
        field.clean(str(tree.b.pk))
    message = caught.value.messages[0]
    assert message == str(NOT_IN_SCOPE) % {"field": "所属单位"}
    assert "所属单位" in message and NOT_FOUND in message and "南岗" not in message


# --- leak class 1: a form re-rendered with choices built from a posted id --------------------------


def test_sec2_contact_point_form_with_a_foreign_unit_lists_no_foreign_leaders(
    tree, daoli, foreign_people, login_as
):
    client = login_as(daoli)
    before = ContactPoint.objects.count()
    response = client.post(
        "/fieldwork/contact-points/add/",
        {"org": tree.b.pk, "keeper": foreign_people[0].pk, "place": tree.b1.pk, "since_year": 2014},
    )
    assert response.status_code == 200  # the form again, with its errors
    page = response.content.decode()
    _assert_nothing_foreign(page)
    assert NOT_FOUND in page
    assert ContactPoint.objects.count() == before


def test_sec2_visit_form_with_a_foreign_unit_lists_no_foreign_people(tree, daoli, foreign_people, login_as):
    client = login_as(daoli)
    response = client.post(
        "/fieldwork/visits/add/",
        {
            "id": str(uuid.uuid4()),
            "started_on": "2014-05-06",
            "method": "home_visit",
            "org": tree.b.pk,
            "lead": foreign_people[0].pk,
            "members": [p.pk for p in foreign_people],
            "place": tree.b1.pk,
        },
    )
    assert response.status_code == 200
    page = response.content.decode()
    _assert_nothing_foreign(page)
    assert NOT_FOUND in page
    assert not Visit.objects.exists()


# --- leak class 2: the place picker ----------------------------------------------------------------


def test_sec2_the_place_picker_never_prints_a_foreign_place(tree, daoli, login_as):
    client = login_as(daoli)
    picked = client.post("/fieldwork/visits/add/", {"place": tree.b1.pk, "org": tree.a.pk}).content.decode()
    assert FOREIGN_PLACE not in picked
    searched = client.get("/fieldwork/places/", {"q": "花园"}).content.decode()
    assert FOREIGN_PLACE not in searched
    from fuqing.fieldwork.forms import place_options

    assert all(FOREIGN_PLACE not in label for _v, label in place_options(daoli, tree.a, selected=tree.b1.pk))
    assert all(FOREIGN_PLACE not in label for _v, label in place_options(daoli, tree.a, selected="x"))


# --- leak class 3: an API body's id falling back outside the scope, named in the error -------------


def test_sec2_the_topic_api_does_not_fall_back_to_a_foreign_user_nor_name_her(
    tree, daoli, foreign_people, client
):
    from fuqing.research.models import Topic

    headers = _token(daoli)
    body = {"org": tree.a.pk, "year": 2014, "title": "道里区妇女就业调研", "leader": foreign_people[0].pk}
    response = client.post("/api/v1/topics/", body, content_type="application/json", **headers)
    assert response.status_code == 404  # like every foreign id (the API kit's one answer), nobody named
    text = json.dumps(response.json(), ensure_ascii=False)
    _assert_nothing_foreign(text)
    assert NOT_FOUND in text
    assert not Topic.objects.exists()


def test_sec2_the_topic_api_still_explains_the_rule_for_a_user_in_scope(tree, daoli, colleague, client):
    headers = _token(daoli)
    body = {"org": tree.a.pk, "year": 2014, "title": "道里区妇女就业调研", "leader": colleague.pk}
    response = client.post("/api/v1/topics/", body, content_type="application/json", **headers)
    assert response.status_code == 422
    assert "colleague" in response.content.decode()  # hers to see: the rule's message names her


# --- leak class 4: ?initial values from the query string -------------------------------------------


def test_sec2_query_string_ids_prefill_nothing_foreign(tree, daoli, foreign_people, login_as):
    """?org=, ?contact_point=, ?woman=, ?visit=, ?need=, ?project=: a foreign id prefills nothing and
    names nothing (404 where the id is the page's subject)."""
    from tests.scoped_factories import FACTORIES

    cp = FACTORIES[ContactPoint](tree.b, "南岗区联系点", foreign_people[0])
    visit = FACTORIES[Visit](tree.b, "南岗区走访记录", foreign_people[0])
    client = login_as(daoli)
    for url in (
        f"/fieldwork/visits/add/?contact_point={cp.pk}",
        f"/fieldwork/contact-points/add/?org={tree.b.pk}",
        f"/research/topics/add/?org={tree.b.pk}",
        f"/orgs/users/add/?org={tree.b.pk}",
        f"/assistance/needs/add/?visit={visit.pk}",
        f"/assistance/suggestions/add/?need={uuid.uuid4()}",
        f"/projects/beneficiaries/add/?project={10**20}",
    ):
        response = client.get(url)
        # 400: an id past 64 bits is refused before any view runs (bad input, issue 10 point 9)
        assert response.status_code in (200, 400, 403, 404), url
        _assert_nothing_foreign(response.content.decode())


def test_sec2_the_split_page_with_a_foreign_unit_is_not_found(tree, daoli, login_as):
    client = login_as(daoli)
    response = client.get(f"/projects/report/?org={tree.b.pk}")
    assert response.status_code == 404
    assert response.status_code != 403


def test_sec2_users_outside_the_scope_are_never_offered_as_a_keeper(tree, daoli, foreign_people):
    from fuqing.fieldwork.forms import ContactPointForm, VisitForm

    for form in (
        ContactPointForm({"org": str(tree.b.pk)}, user=daoli),
        VisitForm({"org": str(tree.b.pk)}, user=daoli),
    ):
        offered = {
            u.pk
            for name in ("keeper", "lead", "members")
            if name in form.fields
            for u in form.fields[name].queryset
        }
        assert not offered & {p.pk for p in foreign_people}
        assert not User.objects.filter(pk__in=offered, org=tree.b).exists()
