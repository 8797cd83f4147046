"""NEED-4: needs past their review date appear in the helper's and the unit's to-do list and on the home
page; in-app reminders before they fall due, made by an idempotent scheduled job."""

import datetime

from django.core.management import call_command
from django.urls import reverse

from fuqing.assistance import pairings
from fuqing.assistance.models import Reminder
from fuqing.assistance.reminders import generate_reminders, todo_for, unread_count
from fuqing.core import jobs
from tests.assistance.conftest import DAY

TODAY = datetime.date(2014, 6, 1)


def _needs(daoli, colleague, tree, woman, make_need):
    handled = make_need(
        daoli, tree.a1a, description="承办的逾期诉求", review_on=datetime.date(2014, 5, 1), handler=colleague
    )
    helped = make_need(
        daoli, woman.org, woman=woman, description="结对妇女的诉求", review_on=datetime.date(2014, 6, 2)
    )
    pairings.create_pairing(
        daoli, org=woman.org, kind="one_to_one", woman=woman, starts_on=DAY, helper_users=[colleague]
    )
    later = make_need(daoli, tree.a1, description="复查日期还早", review_on=datetime.date(2014, 9, 1))
    return handled, helped, later


def test_need4_overdue_needs_are_in_the_helpers_and_the_units_todo(daoli, colleague, tree, woman, make_need):
    handled, helped, _later = _needs(daoli, colleague, tree, woman, make_need)
    todo = todo_for(colleague, TODAY)
    assert todo["mine_overdue"] == [handled]
    assert todo["mine_soon"] == [helped]
    unit = todo_for(daoli, TODAY)
    assert unit["unit_overdue"] == [handled] and unit["mine_overdue"] == []


def test_need4_closed_needs_leave_the_todo(daoli, colleague, tree, woman, make_need):
    from fuqing.assistance import services

    handled, _helped, _later = _needs(daoli, colleague, tree, woman, make_need)
    services.resolve_need(daoli, handled)
    assert todo_for(colleague, TODAY)["mine_overdue"] == []


def test_need4_reminders_before_and_after_the_review_date_once(daoli, colleague, tree, woman, make_need):
    handled, helped, _later = _needs(daoli, colleague, tree, woman, make_need)
    assert generate_reminders(TODAY) == 2
    assert generate_reminders(TODAY) == 0
    kinds = dict(Reminder.objects.values_list("need_id", "kind"))
    assert kinds == {handled.pk: "overdue", helped.pk: "due_soon"}
    assert set(Reminder.objects.values_list("user_id", flat=True)) == {colleague.pk}
    assert unread_count(colleague) == 2 and unread_count(daoli) == 0


def test_need4_management_command_and_job_make_reminders(daoli, colleague, tree, woman, make_need):
    _needs(daoli, colleague, tree, woman, make_need)
    call_command("assistance_reminders", "--date", "2014-06-01")
    assert Reminder.objects.count() == 2
    job = jobs.start(daoli, tree.a, "assistance_reminders", "提醒")
    job = jobs.run(job)
    assert job.status == "succeeded"


def test_need4_home_page_panel_and_reminders_page(login_as, daoli, colleague, tree, woman, make_need):
    handled, _helped, _later = _needs(daoli, colleague, tree, woman, make_need)
    generate_reminders(TODAY)
    client = login_as(colleague)
    home = client.get(reverse("home")).content.decode()
    assert (
        'data-panel="assistance_todo"' in home and "承办的逾期诉求" in home and 'data-reminders="2"' in home
    )
    page = client.get(reverse("assistance:reminders")).content.decode()
    assert "已过复查日期" in page
    reminder = Reminder.objects.get(need=handled)
    assert client.post(reverse("assistance:reminder-read", args=[reminder.pk])).status_code == 302
    assert unread_count(colleague) == 1
    assert login_as(daoli).post(reverse("assistance:reminder-read", args=[reminder.pk])).status_code == 403


def test_need4_todo_page(login_as, daoli, colleague, tree, woman, make_need):
    _needs(daoli, colleague, tree, woman, make_need)
    body = login_as(colleague).get(reverse("assistance:todo")).content.decode()
    assert "承办的逾期诉求" in body  # review date 2014-05-01 lies in the past
    assert "复查日期还早" in login_as(daoli).get(reverse("assistance:todo")).content.decode()
