"""A woman's assistance timeline (NEED-2) with 200 entries: queries and milliseconds per request.

Adds one woman with a pair, 100 needs (half of them closed) and 50 actions inside a transaction that is
rolled back at the end, so the database is left as it was.

    .venv/bin/python bench/run.py assistance_timeline
"""

from __future__ import annotations

import datetime
import statistics
import time
from decimal import Decimal

from bench.common import emit


class _Rollback(Exception):
    pass


def run(args) -> None:
    from django.db import connection, transaction
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from fuqing.assistance.models import Action, Need, NeedCategory, NeedEvent, Pairing, PairingHelper
    from fuqing.orgs.models import Org, OrgKind, User
    from fuqing.registry.models import Woman

    community = Org.objects.filter(kind=OrgKind.COMMUNITY).order_by("path").first()
    user = User.objects.filter(roles__code="leader", is_active=True).order_by("org__depth").first()
    if community is None or user is None:
        emit(
            scenario="assistance timeline",
            skipped="needs an organisation tree and a leader (load_demo or synth)",
        )
        return
    try:
        with transaction.atomic():
            day = datetime.date(2014, 4, 1)
            woman = Woman.objects.create(org=community, name="测试妇女", registered_on=day)
            pair = Pairing.objects.create(
                org=community, kind="one_to_one", woman=woman, starts_on=day, year=2014
            )
            PairingHelper.objects.create(pairing=pair, user=user)
            category = NeedCategory.objects.first()
            needs = Need.objects.bulk_create(
                Need(
                    org=community,
                    woman=woman,
                    description=f"诉求{i}：希望提供灵活就业岗位",
                    reported_on=day + datetime.timedelta(days=i),
                    year=2014,
                    month=4,
                    category=category,
                )
                for i in range(100)
            )
            NeedEvent.objects.bulk_create(
                NeedEvent(need=n, type="resolved", actor=user, note="已解决") for n in needs[:49]
            )
            Action.objects.bulk_create(
                Action(
                    org=community,
                    woman=woman,
                    need=needs[i],
                    service="funds",
                    given_on=day,
                    year=2014,
                    given_by=user,
                    amount=Decimal(200),
                )
                for i in range(50)
            )
            client = Client()
            client.force_login(user)
            url = f"/assistance/women/{woman.pk}/timeline/"
            client.get(url)
            with CaptureQueriesContext(connection) as ctx:
                response = client.get(url)
            assert response.status_code == 200
            entries = response.content.decode().count("data-kind=")
            queries = len(ctx.captured_queries)  # read now: later requests reset the log
            times = []
            for _ in range(10):
                started = time.perf_counter()
                client.get(url)
                times.append(time.perf_counter() - started)
            emit(
                scenario="woman timeline page",
                entries=entries,
                queries=queries,
                seconds=round(statistics.median(times), 4),
                ms=round(statistics.median(times) * 1000, 1),
            )
            raise _Rollback
    except _Rollback:
        pass
