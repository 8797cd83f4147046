"""PRJ-5 / SEC-2: a volunteer's narrowing is part of her scope. Every ``visible_to`` / ``editable_by`` —
the ordinary door, with no volunteer check anywhere in the caller — gives her only her own pairs and
households (and what each model declares through ``scope_volunteer``); she changes nothing."""

from __future__ import annotations

import datetime
import uuid

import pytest
from django.utils import timezone

from fuqing.core.ledger import ledgers
from fuqing.core.scoping import VOLUNTEER_ALL, ScopedQuerySet, scope_q, scoped_models, user_scope
from fuqing.orgs.models import Position, User
from fuqing.projects import services
from fuqing.projects.models import (
    ElderlyPerson,
    Household,
    Measure,
    Project,
    Source,
    Unit,
    Volunteer,
    VolunteerPair,
)
from tests.conftest import make_user
from tests.scoped_factories import FACTORIES

DAY = datetime.date(2014, 5, 1)


@pytest.fixture
def sunset(tree):
    from fuqing.campaigns.models import Campaign

    campaign = Campaign.objects.create(
        org=tree.city,
        year=2014,
        name="下基层、访妇情、办实事",
        theme="下基层 访妇情 办实事",
        starts_on=datetime.date(2014, 4, 1),
        ends_on=datetime.date(2014, 8, 31),
    )
    project = services.create_project(None, org=tree.city, campaign=campaign, name="爱心暖夕阳")
    services.add_indicator(
        None,
        project,
        name="结对空巢老人家庭",
        unit=Unit.HOUSEHOLD,
        target=10,
        source=Source.VOLUNTEER_PAIRS,
        measure=Measure.HOUSEHOLDS,
    )
    return project


@pytest.fixture
def world(tree, sunset, colleague):
    """赵桂兰 (a volunteer with an account) paired with 友谊路12号; 刘春梅 paired with 友谊路99号 — both
    in 友谊社区, inside 赵桂兰's unit."""
    me = services.register_volunteer(None, org=tree.a1a, name="赵桂兰", phone="13904511234")
    user = make_user(tree.a1a, "volunteer", username="zhaoguilan", position=Position.VOLUNTEER)
    me.user = user
    me.save()
    someone = services.register_volunteer(None, org=tree.a1a, name="刘春梅")
    mine = services.add_household(
        None, org=tree.a1a, address="友谊路12号", elders=[{"name": "王桂芝", "birth_year": 1936}]
    )
    other = services.add_household(
        None, org=tree.a1a, address="友谊路99号", elders=[{"name": "孙玉珍", "birth_year": 1938}]
    )
    services.pair(colleague, project=sunset, volunteer=me, household=mine, started_on=DAY)
    services.pair(colleague, project=sunset, volunteer=someone, household=other, started_on=DAY)
    return {"user": user, "me": me, "someone": someone, "mine": mine, "other": other}


def _ids(qs):
    return set(qs.values_list("pk", flat=True))


def test_prj5_the_volunteer_narrowing_is_carried_by_the_scope(tree, world):
    scope = user_scope(world["user"])
    assert scope.volunteer == world["user"].pk
    assert scope.edit_paths == ()  # she changes nothing
    cadre = make_user(tree.a1a, "volunteer", "cadre")
    assert user_scope(cadre).volunteer is None


def test_prj5_a_volunteer_sees_only_her_own_pairs_households_and_elders(tree, world, sunset):
    user = world["user"]
    assert _ids(VolunteerPair.objects.visible_to(user)) == _ids(
        VolunteerPair.objects.filter(volunteer=world["me"])
    )
    assert _ids(Household.objects.visible_to(user)) == {world["mine"].pk}
    assert _ids(ElderlyPerson.objects.visible_to(user)) == _ids(world["mine"].elders.all())
    assert _ids(Volunteer.objects.visible_to(user)) == {world["me"].pk}
    assert _ids(Project.objects.visible_to(user)) == {sunset.pk}
    for model in (VolunteerPair, Household, ElderlyPerson, Volunteer, Project):
        assert not model.objects.editable_by(user).exists(), model


def test_prj5_a_new_scoped_queryset_is_narrowed_without_any_volunteer_check(world):
    """A queryset written tomorrow — the base class, or one overriding the door — needs no volunteer
    check: the door narrows what it returns."""

    class Tomorrow(ScopedQuerySet):
        def visible_to(self, user):
            return self.filter(scope_q(user, self.model.scope_field))

        def editable_by(self, user):
            return self.filter(scope_q(user, self.model.scope_field))

    user = world["user"]
    assert _ids(ScopedQuerySet(Household).visible_to(user)) == {world["mine"].pk}
    assert _ids(Tomorrow(Household).visible_to(user)) == {world["mine"].pk}
    assert _ids(Tomorrow(Household).editable_by(user)) == {world["mine"].pk}
    assert _ids(Tomorrow(Household).visible_to(make_user(world["mine"].org, "cadre"))) == {
        world["mine"].pk,
        world["other"].pk,
    }


@pytest.mark.parametrize(
    "model", sorted(scoped_models(), key=lambda m: m._meta.label), ids=lambda m: m._meta.label
)
def test_prj5_every_scoped_model_gives_a_volunteer_only_what_it_declares(model, tree, world, colleague):
    """Every scoped model: a row of her own community made for someone else is visible to her only
    where the model says a volunteer sees its rows as her scope allows (the tree, the campaign);
    a model that declares nothing is closed to her. She may change none of it."""
    user = world["user"]
    obj = FACTORIES[model](tree.a1a, f"MARK-{uuid.uuid4().hex[:8]}", colleague)
    rule = getattr(model, "scope_volunteer", None)
    assert model._default_manager.visible_to(user).filter(pk=obj.pk).exists() == (rule == VOLUNTEER_ALL)
    assert not model._default_manager.editable_by(user).filter(pk=obj.pk).exists()


@pytest.mark.parametrize("name", sorted(ledgers()))
def test_prj5_every_ledger_gives_a_volunteer_only_her_own_rows(name, tree, world, colleague):
    """Every ledger's rows, asked through the ordinary door (no export gate in between)."""
    ledger = ledgers()[name]
    model = ledger.queryset(colleague).model
    if model not in (VolunteerPair, Household):
        FACTORIES[model](tree.a1a, f"MARK-{uuid.uuid4().hex[:8]}", colleague)
        assert ledger.queryset(colleague).exists(), "the cadre beside her sees the row"
    rows = ledger.queryset(world["user"])
    assert not ledger.can_export(world["user"]) and not ledger.can_import(world["user"])
    if model is VolunteerPair:
        assert _ids(rows) == _ids(VolunteerPair.objects.filter(volunteer=world["me"]))
    elif model is Household:
        assert _ids(rows) == {world["mine"].pk}
    elif model is Volunteer:  # her own profile, no one else's
        assert _ids(rows) == {world["me"].pk}
    elif model is User:  # her own account, no one else's
        assert _ids(rows) == {world["user"].pk}
    elif getattr(model, "scope_volunteer", None) == VOLUNTEER_ALL:  # the organisation tree
        assert all(o.path.startswith(tree.a1a.path) for o in rows)
    else:
        assert not rows.exists()


def _token(user) -> dict:
    from fuqing.api.auth import TOKEN_PREFIX, digest
    from fuqing.orgs.models import ApiToken

    raw = TOKEN_PREFIX + uuid.uuid4().hex
    ApiToken.objects.create(
        user=user, digest=digest(raw), prefix=raw[:8], expires_at=timezone.now() + timezone.timedelta(hours=1)
    )
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def test_prj5_the_lists_are_narrowed_even_where_a_page_forgets_its_volunteer_gate(world, client, monkeypatch):
    """Lift the cadres-only gate (as a new page that forgot it would): the pages, the API lists and the
    volunteer's own pages still show her own households and pairs and nothing else."""
    from fuqing.projects import access

    monkeypatch.setattr(access, "is_volunteer_only", lambda user: False)
    user = world["user"]
    client.force_login(user)
    for url in ("/projects/households/", "/projects/pairs/", "/projects/volunteers/", "/projects/my/"):
        response = client.get(url)
        assert response.status_code == 200, url
        page = response.content.decode()
        assert "友谊路99号" not in page and "刘春梅" not in page, url
    assert "友谊路12号" in client.get("/projects/households/").content.decode()
    assert client.get(f"/projects/households/{world['other'].pk}/").status_code == 404
    headers = _token(user)
    for url in (
        "/api/v1/households/",
        "/api/v1/volunteer-pairs/",
        "/api/v1/volunteers/",
        "/api/v1/my/households/",
    ):
        response = client.get(url, **headers)
        assert response.status_code == 200, url
        text = response.content.decode()
        assert "友谊路99号" not in text and "刘春梅" not in text, url
    from fuqing.projects.models import Beneficiary

    marker = f"MARK-{uuid.uuid4().hex[:8]}"
    FACTORIES[Beneficiary](world["mine"].org, marker, make_user(world["mine"].org, "cadre"))
    for url in ("/api/v1/beneficiaries/", "/projects/beneficiaries/"):
        response = client.get(url, **headers)
        assert response.status_code == 200, url
        assert marker not in response.content.decode(), url
    assert client.get("/api/v1/beneficiaries/", **headers).json()["count"] == 0
    households = client.get("/api/v1/households/", **headers).json()["items"]
    assert [h["address"] for h in households] == ["友谊路12号"]
    assert client.get(f"/api/v1/households/{world['other'].pk}/", **headers).status_code == 404
