"""NEED-4: needs past their review date appear in the helper's and the unit's to-do list and on the home
page; in-app reminders before they fall due, made by an idempotent scheduled job."""

import datetime

from django.core.management import call_command
from django.urls import reverse

from fuqing.assistance import pairings
from fuqing.assistance.reminders import SOURCE, generate_reminders, todo_for
from fuqing.core import jobs
from fuqing.core.models import Reminder
from fuqing.core.reminders import unread_count
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
    services.resolve_need(daoli, handled, note="已协调解决")
    assert todo_for(colleague, TODAY)["mine_overdue"] == []


def test_need4_reminders_before_and_after_the_review_date_once(daoli, colleague, tree, woman, make_need):
    handled, helped, _later = _needs(daoli, colleague, tree, woman, make_need)
    assert generate_reminders(TODAY) == 2
    assert generate_reminders(TODAY) == 0
    kinds = dict(Reminder.objects.values_list("key", "kind"))
    assert kinds == {str(handled.pk): "overdue", str(helped.pk): "due_soon"}
    assert set(Reminder.objects.values_list("user_id", "source")) == {(colleague.pk, SOURCE)}
    detail = reverse("assistance:need-detail", args=[handled.pk])
    assert Reminder.objects.get(key=str(handled.pk)).url == detail
    assert unread_count(colleague, SOURCE) == 2 and unread_count(daoli, SOURCE) == 0


def test_need4_closing_a_need_resolves_its_reminders(daoli, colleague, tree, woman, make_need):
    from fuqing.assistance import services

    handled, _helped, _later = _needs(daoli, colleague, tree, woman, make_need)
    generate_reminders(TODAY)
    services.resolve_need(daoli, handled, note="已协调解决")
    assert Reminder.objects.get(key=str(handled.pk)).resolved_at is not None
    assert unread_count(colleague, SOURCE) == 1
    assert generate_reminders(TODAY) == 0  # a closed need is not reminded again


def test_need4_the_daily_run_sweeps_needs_closed_another_way(daoli, colleague, tree, woman, make_need):
    from fuqing.assistance.models import Need

    handled, _helped, _later = _needs(daoli, colleague, tree, woman, make_need)
    generate_reminders(TODAY)
    Need.objects.filter(pk=handled.pk).update(status="resolved", closed_on=TODAY)  # e.g. an import
    generate_reminders(TODAY)
    assert Reminder.objects.get(key=str(handled.pk)).resolved_at is not None


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
    assert f'href="{reverse("reminders")}?show=unread"' in home  # the panel's count opens 我的提醒
    page = client.get(reverse("reminders")).content.decode()
    assert "已过复查日期" in page and "诉求复查" in page
    reminder = Reminder.objects.get(key=str(handled.pk))
    response = client.post(reverse("reminder-read", args=[reminder.pk]))
    assert response.status_code == 302
    assert response["Location"] == reverse("assistance:need-detail", args=[handled.pk])
    assert unread_count(colleague, SOURCE) == 1
    assert login_as(daoli).post(reverse("reminder-read", args=[reminder.pk])).status_code == 404


def test_need4_todo_page(login_as, daoli, colleague, tree, woman, make_need):
    _needs(daoli, colleague, tree, woman, make_need)
    body = login_as(colleague).get(reverse("assistance:todo")).content.decode()
    assert "承办的逾期诉求" in body  # review date 2014-05-01 lies in the past
    assert "复查日期还早" in login_as(daoli).get(reverse("assistance:todo")).content.decode()
