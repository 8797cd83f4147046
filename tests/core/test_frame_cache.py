"""The page frame's cache (issue 16, fixed cost of a signed-in page): the navigation, the campaign years,
the current campaign, the lineage and the bell's count are read once, then served from the cache until
what they read changes — and a change shows on the very next page."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from fuqing.campaigns.services import create_campaign
from fuqing.core import reminders
from fuqing.orgs.models import Role

pytestmark = pytest.mark.django_db

# On a warm cache the session, the user, her roles, unit and scope come from the cache too (at most the
# session's row, should the cache have lost it).
FRAME_QUERIES = 1


def _campaign(tree, year):
    return create_campaign(
        None,
        org=tree.city,
        year=year,
        starts_on=datetime.date(year, 4, 1),
        ends_on=datetime.date(year, 8, 31),
    )


def _reminders_page(client):
    return client.get(reverse("reminders"))


def test_warm_frame_costs_no_query_of_its_own(client, daoli, tree, django_assert_max_num_queries):
    _campaign(tree, 2014)
    client.force_login(daoli)
    client.get(reverse("reminders"))  # warms the cache
    response = client.get(reverse("reminders"))
    assert response.context["campaign_years"] == [2014]
    with django_assert_max_num_queries(FRAME_QUERIES + 2):  # + the page's own list and its count
        response = client.get(reverse("reminders"))
    assert response.status_code == 200
    assert [o.name for o in response.context["user_lineage"]] == ["哈尔滨市妇联", "道里区妇联"]


def test_a_new_campaign_year_shows_on_the_next_page(client, daoli, tree):
    _campaign(tree, 2014)
    client.force_login(daoli)
    assert client.get(reverse("reminders")).context["campaign_years"] == [2014]
    _campaign(tree, 2015)
    response = client.get(reverse("reminders"))
    assert response.context["campaign_years"] == [2015, 2014]
    assert response.context["current_campaign"].year == 2015


def test_the_bell_counts_again_after_a_reminder_is_made_or_read(client, daoli, tree):
    client.force_login(daoli)
    assert client.get(reverse("reminders")).context["reminder_unread"]() == 0
    reminders.remind(daoli, tree.a, "campaigns.obligation", 1, "due_soon", "报送", datetime.date(2014, 5, 1))
    assert client.get(reverse("reminders")).context["reminder_unread"]() == 1
    reminders.mark_read(daoli, "all")
    assert client.get(reverse("reminders")).context["reminder_unread"]() == 0
    reminders.remind(daoli, tree.a, "campaigns.obligation", 2, "due_soon", "报送", datetime.date(2014, 5, 2))
    assert client.get(reverse("reminders")).context["reminder_unread"]() == 1
    reminders.resolve("campaigns.obligation", [2])
    assert client.get(reverse("reminders")).context["reminder_unread"]() == 0


def test_navigation_follows_a_change_of_roles_and_permissions(client, daoli, tree):
    client.force_login(daoli)

    def sections():
        return {s["key"] for s in client.get(reverse("reminders")).context["nav_sections"]}

    assert "registry" in sections()
    leader = Role.objects.get(code="leader")
    leader.permissions = [p for p in leader.permissions if not p.startswith("registry.")]
    leader.save()
    assert "registry" not in sections()
    daoli.roles.set(Role.objects.filter(code="cadre"))  # another role: another key
    assert "registry" in sections()


def test_a_renamed_unit_shows_in_the_lineage(client, daoli, tree):
    client.force_login(daoli)
    client.get(reverse("reminders"))
    tree.city.name = "哈尔滨市妇女联合会"
    tree.city.save()
    lineage = client.get(reverse("reminders")).context["user_lineage"]
    assert lineage[0].name == "哈尔滨市妇女联合会"


def test_the_frame_is_per_scope(client, daoli, nangang, tree):
    """Two users of different units never share an entry (the key names the scope)."""
    reminders.remind(daoli, tree.a, "campaigns.obligation", 1, "due_soon", "报送", datetime.date(2014, 5, 1))
    client.force_login(daoli)
    assert client.get(reverse("reminders")).context["reminder_unread"]() == 1
    client.force_login(nangang)
    response = client.get(reverse("reminders"))
    assert response.context["reminder_unread"]() == 0
    assert [o.name for o in response.context["user_lineage"]] == ["哈尔滨市妇联", "南岗区妇联"]


def test_an_empty_signed_in_page_reads_nothing_on_a_warm_cache(client, daoli, django_assert_num_queries):
    client.force_login(daoli)
    client.get(reverse("reminders"))
    client.get(reverse("reminders"))
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        client.get(reverse("reminders"))
    frame_tables = ("orgs_user", "orgs_role", "orgs_scopegrant", "campaigns_campaign", "django_session")
    assert not [q for q in ctx.captured_queries if any(f'FROM "{t}"' in q["sql"] for t in frame_tables)]


def test_access_changes_count_from_the_next_request(client, daoli, tree):
    """A disabled account, a role taken away, a grant revoked, a new password: the cached user is
    read again at once."""
    from fuqing.orgs.models import ScopeGrant

    client.force_login(daoli)
    assert client.get(reverse("registry:list")).status_code == 200
    daoli.roles.set(Role.objects.filter(code="volunteer"))  # no registry permission
    assert client.get(reverse("registry:list")).status_code in (403, 404)
    daoli.roles.set(Role.objects.filter(code="leader"))
    assert client.get(reverse("registry:list")).status_code == 200
    grant = ScopeGrant.objects.create(user=daoli, org=tree.b, can_edit=False)
    response = client.get(reverse("registry:list"))
    assert tree.b.path in response.wsgi_request.user._fuqing_scope.read_paths
    grant.delete()
    response = client.get(reverse("registry:list"))
    assert tree.b.path not in response.wsgi_request.user._fuqing_scope.read_paths
    daoli.set_password("Another#Passw0rd-2014")
    daoli.save()
    response = client.get(reverse("registry:list"))
    assert response.status_code == 302  # the old session ends with the old password
    client.force_login(daoli)
    assert client.get(reverse("registry:list")).status_code == 200
    daoli.is_active = False
    daoli.save()
    assert client.get(reverse("registry:list")).status_code == 302


def test_the_home_pages_child_units_follow_a_new_or_closed_unit(client, daoli, tree):
    from fuqing.orgs import services as org_services
    from fuqing.orgs.models import OrgKind

    def children():
        panels = client.get(reverse("home")).context["panels"]
        return next(p["context"]["children"] for p in panels if p["name"] == "unit")

    client.force_login(daoli)
    assert children() == 1  # 新阳路街道
    added = org_services.add_org(None, parent=tree.a, name="抚顺街道", kind=OrgKind.TOWNSHIP)
    assert children() == 2
    added.is_active = False
    added.save()
    assert children() == 1


def test_the_frames_fixed_parts_follow_the_language_and_the_navigation_marks_the_page(client, daoli):
    client.force_login(daoli)
    zh = client.get(reverse("reminders")).content.decode()
    assert "待上传 {n} 条" in zh and "bootstrap.bundle.min.js" in zh and "app.css" in zh
    assert zh.count('class="nav-link active"') == 1
    assert f'class="nav-link active" href="{reverse("reminders")}"' in zh
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    en = client.get(reverse("reminders")).content.decode()
    assert "待上传 {n} 条" not in en and "bootstrap.bundle.min.js" in en
