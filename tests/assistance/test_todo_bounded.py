"""The home page's needs to-do at scale (issue 16): "my overdue needs" start from the user's own handler
and helped-women ids and stay inside her scope; the unit's overdue count stops at the lists' threshold."""

import datetime

from fuqing.assistance import pairings
from fuqing.assistance.models import Need
from fuqing.assistance.reminders import todo_for
from fuqing.core import paging
from tests.assistance.conftest import DAY

TODAY = datetime.date(2014, 6, 1)
PAST = datetime.date(2014, 5, 1)


def test_my_overdue_needs_stay_in_my_scope(daoli, colleague, nangang, tree, woman, make_need):
    mine = make_need(daoli, tree.a1a, description="本区承办", review_on=PAST, handler=colleague)
    # handled by her on paper (she moved units since), but of another district: not hers to see
    other = make_need(nangang, tree.b1, description="外区诉求", review_on=PAST)
    Need.objects.filter(pk=other.pk).update(handler=colleague)
    helped = make_need(daoli, woman.org, woman=woman, description="结对妇女", review_on=PAST)
    pairings.create_pairing(
        daoli, org=woman.org, kind="one_to_one", woman=woman, starts_on=DAY, helper_users=[colleague]
    )
    todo = todo_for(colleague, TODAY)
    assert set(todo["mine_overdue"]) == {mine, helped}
    assert todo["unit_overdue_count"] == 2 and not todo["unit_overdue_more"]


def test_the_units_overdue_count_stops_at_the_threshold(daoli, tree, make_need, monkeypatch):
    for n in range(3):
        make_need(daoli, tree.a1a, description=f"逾期{n}", review_on=PAST)
    monkeypatch.setattr(paging, "EXACT_COUNT_LIMIT", 2)
    todo = todo_for(daoli, TODAY)
    assert todo["unit_overdue_more"] and todo["unit_overdue_count"] == 2
    monkeypatch.setattr(paging, "EXACT_COUNT_LIMIT", 3)
    todo = todo_for(daoli, TODAY)
    assert not todo["unit_overdue_more"] and todo["unit_overdue_count"] == 3
