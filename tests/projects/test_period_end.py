"""PRJ-3 after the period (issue 13 point 6): once the campaign has ended, an indicator below its target
is missed (未完成), never on track — whatever its pace against the expected line."""

from __future__ import annotations

import datetime
from decimal import Decimal

from fuqing.orgs.models import Org, OrgKind
from fuqing.projects import metrics
from fuqing.projects.models import Indicator


def test_prj3_the_demo_loans_below_target_on_the_last_day_of_2014_are_missed_not_on_track(db, client):
    from fuqing.core.loaders import load_all_demo

    load_all_demo("Demo@2014pass")
    loans = Indicator.objects.select_related("project__campaign").get(
        project__year=2014, project__name="妇女小额贷款兴业", name="新增小额贷款"
    )
    city = Org.objects.get(kind=OrgKind.CITY)
    figure = metrics.figures([loans], [city], datetime.date(2014, 12, 31))[(loans.pk, city.pk)]
    assert figure.value == Decimal(45325000) and figure.target == Decimal(50000000)
    assert figure.status == metrics.Status.MISSED
    assert figure.status_label == "未完成"
    # the same value inside the period is judged by its pace, as before (0.9065 of the expected ≥ 0.9)
    inside = metrics.figures([loans], [city], datetime.date(2014, 8, 31))[(loans.pk, city.pk)]
    assert inside.status == metrics.Status.ON_TRACK

    client.force_login(loans.project.org.users.filter(position="chair").first())
    page = client.get(f"/projects/?org={city.pk}&year=2014").content.decode()
    assert "未完成" in page


def test_prj3_a_target_reached_after_the_period_is_still_completed(tree, jobs, daoli):
    from fuqing.projects import services

    services.report_progress(
        daoli, indicator=jobs, org=tree.a, month=datetime.date(2014, 8, 1), value=Decimal(3000)
    )
    figure = metrics.figures([jobs], [tree.city], datetime.date(2014, 12, 31))[(jobs.pk, tree.city.pk)]
    assert figure.status == metrics.Status.COMPLETED
