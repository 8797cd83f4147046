"""Analytics tables (issue 16 point 1): every materialised figure read from the cells equals the same
figure computed afresh from the rows, after a rebuild and after the worker's incremental refresh; one
refresh per transaction however many rows it writes; scoped like the rows; the command; the dashboard's
"as of" line."""

from __future__ import annotations

import datetime
import io

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from fuqing.assistance.models import Need, NeedCategory, NeedStatus
from fuqing.core import analytics, figures
from fuqing.core.analytics_models import AnalyticsCell, AnalyticsChange, AnalyticsState
from fuqing.dashboard import board
from fuqing.fieldwork.models import Visit, VisitMethod
from tests.conftest import login, make_user

D = datetime.date
PERIODS = [
    (D(2014, 1, 1), D(2014, 12, 31)),
    (D(2013, 1, 1), D(2013, 12, 31)),
    (D(2014, 3, 3), D(2014, 9, 17)),  # a span that cuts months: cells are days
    (D(2014, 6, 15), D(2014, 6, 15)),
]


@pytest.fixture(autouse=True)
def _enabled(settings):
    settings.ANALYTICS_ENABLED = True


def _live(key: str, scope: figures.FigureScope, units) -> dict:
    """The figure computed afresh from the rows: the provider's grouped answer and its one-unit answer."""
    provider = figures.get_provider(key)
    grouped = provider.units_func(scope, units) if provider.units_func else None
    single = {u.pk: provider.func(scope.for_unit(u)) for u in units}
    if grouped is not None:
        assert grouped == single, key  # the provider agrees with itself
    return single


def _served(key: str, scope: figures.FigureScope, units) -> dict:
    found = analytics.read(key, scope, units)
    assert found is not None, f"{key} not served from the analytics tables"
    return found


def _assert_equal_everywhere(units, user=None) -> int:
    """Every materialised figure, every period, every unit: cells == rows. Returns the non-zero values."""
    nonzero = 0
    for m in analytics.materialised():
        for start, end in PERIODS:
            scope = figures.FigureScope(None, start, end, user=user)
            served, live = _served(m.key, scope, units), _live(m.key, scope, units)
            assert served == live, (m.key, start, end)
            nonzero += sum(1 for f in served.values() if f.value)
    return nonzero


def _visit(org, day, method=VisitMethod.INTERVIEW, lead=None):
    return Visit.objects.create(org=org, started_on=day, ended_on=day, method=method, lead=lead)


def _need(org, day, status=NeedStatus.OPEN, category=None):
    return Need.objects.create(org=org, description="就业", reported_on=day, status=status, category=category)


@pytest.fixture
def rows(tree):
    """Visits and needs spread over the tree's units, two years, every method, status and category."""
    lead = make_user(tree.a, "cadre")
    jobs, home = NeedCategory.objects.order_by("sort", "id")[:2]
    units = [tree.city, tree.a, tree.a1, tree.a1a, tree.b, tree.b1, tree.other]
    methods, statuses = list(VisitMethod.values), list(NeedStatus.values)
    for i in range(140):
        org = units[i % len(units)]
        day = D(2013 + i % 2, 1 + i % 12, 1 + (i * 7) % 28)
        _visit(org, day, methods[i % len(methods)], lead)
        _need(org, day, statuses[i % len(statuses)], [jobs, home, None][i % 3])
    # the test's transaction never commits: forget the refresh these rows scheduled (each test says when)
    connection.run_on_commit = [e for e in connection.run_on_commit if e[1] is not analytics._enqueue]
    AnalyticsChange.objects.all().delete()
    return {"lead": lead, "units": units, "jobs": jobs}


def test_rebuild_equals_a_fresh_recomputation_for_every_materialised_figure(tree, rows):
    assert {m.key for m in analytics.materialised()} >= {
        "visit_count",
        "visits",
        "needs_found",
        "needs_count",
        "needs_resolved",
        "needs_by_category",
    }
    analytics.rebuild()
    assert AnalyticsCell.objects.filter(whole=False).count() > 0
    # the city's whole cells sum to all its subtree's visits (rolled up through four levels)
    city_visits = AnalyticsCell.objects.filter(
        fact="fieldwork.visits_by_method", whole=True, month=False, org=tree.city
    )
    assert (
        sum(city_visits.values_list("n", flat=True))
        == Visit.objects.filter(org__path__startswith=tree.city.path).count()
    )
    months = AnalyticsCell.objects.filter(fact="fieldwork.visits_by_method", month=True, org=tree.city)
    assert sum(months.values_list("n", flat=True)) == sum(city_visits.values_list("n", flat=True))
    assert _assert_equal_everywhere(rows["units"]) > 50


def test_compute_and_compute_for_units_read_the_cells_and_say_as_of_when(tree, rows):
    analytics.rebuild()
    Visit.objects.filter(org=tree.a1a).delete()  # outside any transaction's hook: cells now differ
    AnalyticsChange.objects.all().delete()  # (as if the worker had not heard of it)
    scope = figures.FigureScope.of_year(tree.a, 2014)
    served = figures.compute("visit_count", scope)
    assert scope.served_as_of == AnalyticsState.objects.get(fact="fieldwork.visits_by_method").refreshed_at
    live = figures.get_provider("visit_count").func(scope)
    assert served.value > live.value  # read from the cells, not recounted
    analytics.rebuild()
    assert figures.compute("visit_count", figures.FigureScope.of_year(tree.a, 2014)) == live


def test_incremental_refresh_after_changes_makes_them_equal_again(
    tree, rows, django_capture_on_commit_callbacks
):
    analytics.rebuild()
    need = Need.objects.filter(org=tree.a1, status=NeedStatus.OPEN).first()
    visit = Visit.objects.filter(org=tree.b1).first()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        _visit(tree.a1a, D(2014, 6, 15), VisitMethod.FORUM, rows["lead"])  # added
        need.status = NeedStatus.RESOLVED  # changed in place
        need.save()
        moved = Need.objects.filter(org=tree.b).first()
        moved.org, moved.reported_on, moved.category = tree.a1a, D(2014, 3, 3), rows["jobs"]  # moved
        moved.save()
        visit.delete()  # removed
    assert len(callbacks) == 1  # one refresh for the whole transaction
    assert not AnalyticsChange.objects.exists()  # the worker (immediate in tests) took every mark
    assert _assert_equal_everywhere(rows["units"]) > 50


def test_a_bulk_write_marks_each_unit_day_once_and_enqueues_one_refresh(
    tree, rows, django_capture_on_commit_callbacks
):
    analytics.rebuild()
    lead = rows["lead"]
    new = [
        Visit(
            org=tree.a1, started_on=D(2014, 5, 1 + i % 3), ended_on=D(2014, 5, 1), method="forum", lead=lead
        )
        for i in range(60)
    ]
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        Visit.objects.bulk_create(new)
        analytics.changed_rows(Visit.objects.filter(pk__in=[v.pk for v in new]))
        analytics.changed_rows(Visit.objects.filter(pk__in=[v.pk for v in new]))  # marked again: no-op
    assert len(callbacks) == 1
    assert AnalyticsChange.objects.filter(fact="fieldwork.visits_by_method").count() == 3  # 3 days × 1 unit
    assert analytics.refresh() == {
        "assistance.needs_by_category": 0,
        "assistance.needs_by_status": 0,
        "fieldwork.visits_by_method": 3,
    }
    assert _assert_equal_everywhere(rows["units"]) > 50


def test_a_large_batch_of_changes_rebuilds_the_fact(tree, rows, monkeypatch):
    analytics.rebuild()
    Visit.objects.filter(org=tree.b1).update(org=tree.a1a)
    analytics.changed_rows(Visit.objects.filter(org=tree.a1a))
    AnalyticsChange.objects.create(fact="fieldwork.visits_by_method", org=tree.b1, day=D(2014, 6, 15))
    monkeypatch.setattr(analytics, "REFRESH_MAX_DAYS", 1)
    analytics.refresh()
    assert _assert_equal_everywhere(rows["units"]) > 50


def test_stale_or_unbuilt_cells_are_not_served(tree, rows, settings):
    scope = figures.FigureScope.of_year(tree.a, 2014)
    assert analytics.read("visit_count", scope, [tree.a]) is None  # never built
    analytics.rebuild()
    assert analytics.read("visit_count", scope, [tree.a]) is None  # a scope reads the states once
    assert analytics.read("visit_count", figures.FigureScope.of_year(tree.a, 2014), [tree.a]) is not None
    change = AnalyticsChange.objects.create(fact="fieldwork.visits_by_method", org=tree.a, day=D(2014, 1, 2))
    assert analytics.read("visit_count", figures.FigureScope.of_year(tree.a, 2014), [tree.a]) is not None
    AnalyticsChange.objects.filter(pk=change.pk).update(
        marked_at=timezone.now() - datetime.timedelta(hours=1)
    )
    assert analytics.read("visit_count", figures.FigureScope.of_year(tree.a, 2014), [tree.a]) is None
    settings.ANALYTICS_ENABLED = False  # switched off (as conftest does for every other test)
    AnalyticsChange.objects.all().delete()
    assert analytics.read("visit_count", figures.FigureScope.of_year(tree.a, 2014), [tree.a]) is None


def test_scoped_like_the_rows_a_district_reads_only_its_subtree(tree, rows, client):
    analytics.rebuild()
    chair = make_user(tree.a, "leader")
    visible = AnalyticsCell.objects.visible_to(chair)
    assert visible.exists()
    assert set(visible.values_list("org__path", flat=True)) <= {
        p for p in AnalyticsCell.objects.values_list("org__path", flat=True) if p.startswith(tree.a.path)
    }
    assert not visible.filter(org__in=[tree.city, tree.b, tree.other]).exists()
    # the district's dashboard: served from the cells, equal to its subtree's rows, as of the build
    found = board.build(tree.a, 2014, chair, today=D(2014, 12, 31))
    assert found.figures_as_of is not None
    visits = next(c for _t, cards in found.sections for c in cards if c["key"] == "visit_count")
    assert (
        visits["this"]
        == Visit.objects.filter(org__path__startswith=tree.a.path, started_on__year=2014).count()
    )
    assert {c["name"]: c["this"] for c in visits["children"]} == {
        tree.a1.name: Visit.objects.filter(org__path__startswith=tree.a1.path, started_on__year=2014).count()
    }
    # a unit only partly in her scope (the city) is not served from the cells: computed from what she sees
    scope = figures.FigureScope.of_year(tree.city, 2014, user=chair)
    assert analytics.read("visit_count", scope, [tree.city]) is None
    assert figures.compute("visit_count", scope).value == visits["this"]
    login(client, chair)
    page = client.get(reverse("dashboard:unit", args=[tree.a.pk]) + "?year=2014")
    assert page.status_code == 200
    assert "data-dashboard-as-of" in page.content.decode()


def test_oversight_reads_served_figures(tree, rows):
    from fuqing.oversight import sources

    analytics.rebuild()
    units = [tree.a, tree.b]
    found = sources.values_for_units("needs_count", units, 2014)
    assert {pk: f.value for pk, f in found.items()} == {
        u.pk: Need.objects.filter(org__path__startswith=u.path, reported_on__year=2014).count() for u in units
    }


def test_rebuild_command_all_or_nothing(tree, rows, monkeypatch):
    out = io.StringIO()
    call_command("rebuild_analytics", stdout=out)
    assert "fieldwork.visits_by_method:" in out.getvalue() and " cells in " in out.getvalue()
    assert set(AnalyticsState.objects.values_list("fact", flat=True)) == {f.key for f in analytics.facts()}
    before = sorted(AnalyticsCell.objects.values_list("fact", "org_id", "whole", "day", "code", "n"))
    Visit.objects.filter(org=tree.a1).delete()

    def broken(fact, *args, **kwargs):
        if fact.key == "fieldwork.visits_by_method":
            raise RuntimeError("disk full")
        return real(fact, *args, **kwargs)

    real = analytics._roll_up
    monkeypatch.setattr(analytics, "_roll_up", broken)
    with pytest.raises(RuntimeError):
        call_command("rebuild_analytics")
    assert sorted(AnalyticsCell.objects.values_list("fact", "org_id", "whole", "day", "code", "n")) == before
    monkeypatch.setattr(analytics, "_roll_up", real)
    with pytest.raises(CommandError, match="unknown fact"):
        call_command("rebuild_analytics", "--fact", "nope")
    call_command("rebuild_analytics", "--fact", "fieldwork.visits_by_method", stdout=io.StringIO())
    assert _assert_equal_everywhere(rows["units"]) > 50
    out = io.StringIO()
    call_command("rebuild_analytics", "--refresh", stdout=out)
    assert "fieldwork.visits_by_method: 0 changed unit-days applied" in out.getvalue()


def test_moving_a_unit_moves_its_counts_to_the_new_ancestors(tree, rows, sysadmin):
    from fuqing.orgs import services as org_services

    analytics.rebuild()
    org_services.move_org(sysadmin, tree.a1, tree.b)  # 新阳路街道 (with 友谊社区) from 道里区 to 南岗区
    assert AnalyticsChange.objects.filter(org=tree.a).exists()  # the old parent's days are marked
    analytics.refresh()
    for org in rows["units"]:
        org.refresh_from_db()
    assert _assert_equal_everywhere(rows["units"]) > 50
