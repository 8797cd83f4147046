"""CAM-2: units are reminded in-app a configurable number of days before a deadline (and once when it
is overdue), by an idempotent scheduled job — a django-tasks task and ``manage.py send_reminders``."""

from __future__ import annotations

import datetime
from io import StringIO

import pytest
from django.core.management import call_command
from freezegun import freeze_time

from fuqing.campaigns.reminders import SOURCE, generate_reminders
from fuqing.campaigns.submissions import submit_document
from fuqing.core.models import Reminder, ReminderKind
from fuqing.orgs.models import Position
from tests.campaigns.conftest import docx, obligation
from tests.conftest import make_user

pytestmark = pytest.mark.usefixtures("campaign")
DAY = datetime.date


def reminded(deadline) -> set[tuple[str, str]]:
    keys = [str(pk) for pk in deadline.obligations.values_list("pk", flat=True)]
    return set(Reminder.objects.filter(source=SOURCE, key__in=keys).values_list("user__username", "kind"))


def test_cam2_no_reminder_before_the_configured_window(survey, daoli):
    assert generate_reminders(DAY(2014, 5, 2))["created"] == 0  # 05-10 minus 7 days is 05-03
    assert not Reminder.objects.exists()


def test_cam2_reminders_start_the_configured_number_of_days_before(tree, survey, daoli, colleague, nangang):
    result = generate_reminders(DAY(2014, 5, 3))
    assert reminded(survey) == {
        ("daoli", ReminderKind.DUE_SOON),
        ("colleague", ReminderKind.DUE_SOON),
        ("nangang", ReminderKind.DUE_SOON),
    }
    assert result["created"] == 3
    reminder = Reminder.objects.get(user=daoli)
    assert reminder.org == tree.a and "还有 7 天" in reminder.title and "调研月活动总结" in reminder.title
    owed = obligation(survey, tree.a)
    assert reminder.key == str(owed.pk) and reminder.url == f"/campaigns/obligations/{owed.pk}/"


def test_cam2_days_before_is_configurable_per_deadline(survey, daoli):
    survey.remind_days_before = 2
    survey.save()
    assert generate_reminders(DAY(2014, 5, 7))["created"] == 0
    assert generate_reminders(DAY(2014, 5, 8))["created"] >= 1


def test_cam2_running_twice_changes_nothing(survey, daoli, nangang):
    first = generate_reminders(DAY(2014, 5, 5))
    second = generate_reminders(DAY(2014, 5, 5))
    third = generate_reminders(DAY(2014, 5, 6))
    assert first["created"] == 2 and second["created"] == 0 and third["created"] == 0
    assert Reminder.objects.count() == 2


def test_cam2_units_that_submitted_are_not_reminded(tree, survey, daoli, nangang):
    submit_document(daoli, obligation(survey, tree.a), docx())
    generate_reminders(DAY(2014, 5, 5))
    assert reminded(survey) == {("nangang", ReminderKind.DUE_SOON)}


def test_cam2_one_overdue_reminder_after_the_deadline(survey, daoli):
    generate_reminders(DAY(2014, 5, 5))
    generate_reminders(DAY(2014, 5, 11))
    generate_reminders(DAY(2014, 5, 12))
    assert sorted(Reminder.objects.filter(user=daoli).values_list("kind", flat=True)) == [
        "due_soon",
        "overdue",
    ]
    overdue = Reminder.objects.get(user=daoli, kind="overdue")
    assert "已于2014年5月10日截止" in overdue.title


def test_cam2_old_deadlines_do_not_flood_a_first_run(survey, daoli):
    assert generate_reminders(DAY(2014, 12, 31))["created"] == 0


def test_cam2_only_users_who_can_submit_are_reminded(tree, survey, daoli):
    make_user(tree.a, "volunteer", username="helper", position=Position.VOLUNTEER)
    make_user(tree.a, "cadre", username="gone", is_active=False)
    generate_reminders(DAY(2014, 5, 5))
    assert {u for u, _k in reminded(survey)} == {"daoli"}


def test_cam2_submission_resolves_and_a_later_run_sweeps(tree, survey, daoli):
    generate_reminders(DAY(2014, 5, 5))
    owed = obligation(survey, tree.a)
    owed.first_submitted_at = owed.last_submitted_at = datetime.datetime(2014, 5, 6, tzinfo=datetime.UTC)
    owed.save()  # e.g. written by an import, not through the service
    assert generate_reminders(DAY(2014, 5, 6))["resolved"] == 1
    assert not Reminder.objects.active().exists()


def test_plt5_send_reminders_command_is_idempotent(survey, daoli):
    out = StringIO()
    call_command("send_reminders", "--date", "2014-05-05", stdout=out)
    call_command("send_reminders", "--date", "2014-05-05", stdout=out)
    assert "1 reminders created" in out.getvalue() and "0 reminders created" in out.getvalue()
    assert Reminder.objects.count() == 1


def test_plt5_send_reminders_task_runs_through_django_tasks(survey, daoli):
    from fuqing.campaigns.tasks import send_reminders

    result = send_reminders.enqueue("2014-05-05")  # the test backend runs it at once
    assert result.return_value["created"] == 1


def test_plt5_send_reminders_rejects_a_bad_date():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("send_reminders", "--date", "10 May")


# --- pages ----------------------------------------------------------------------------------------


@freeze_time("2014-05-05")
def test_cam2_home_panel_shows_what_my_unit_owes_and_my_reminders(tree, survey, daoli, login_as):
    generate_reminders(DAY(2014, 5, 5))
    response = login_as(daoli).get("/")
    text = response.content.decode()
    assert 'data-panel="campaign-owed"' in text
    assert 'data-reminder-count="1"' in text and "还有 5 天" in text
    assert 'href="/reminders/?show=unread"' in text  # the badge opens the one 我的提醒 page
    panel = next(p for p in response.context["panels"] if p["name"] == "campaign_owed")
    assert [r["o"].deadline.code for r in panel["context"]["owed"]] == ["survey-summary", "annual-summary"]


@freeze_time("2014-05-05")
def test_cam2_home_panel_badge_counts_what_the_bell_counts(tree, survey, daoli, login_as):
    """The badge beside 我的提醒 opens the one page of every reminder, so it counts all of them."""
    from fuqing.core import reminders

    generate_reminders(DAY(2014, 5, 5))
    reminders.remind(
        daoli, tree.a, "assistance.need", "n-1", ReminderKind.OVERDUE, "诉求已过复查日期", DAY(2014, 5, 1)
    )
    text = login_as(daoli).get("/").content.decode()
    assert 'data-bell="2"' in text and 'data-reminder-count="2"' in text


@freeze_time("2014-05-05")
def test_cam2_reminder_page_lists_mine_only_and_marks_read(tree, survey, daoli, colleague, login_as):
    generate_reminders(DAY(2014, 5, 5))
    client = login_as(daoli)
    page = client.get("/reminders/")
    assert [r.user for r in page.context["page"]] == [daoli]
    assert "报送截止" in page.content.decode()
    mine = Reminder.objects.get(user=daoli)
    response = client.post(f"/reminders/{mine.pk}/read/")
    assert response.status_code == 302 and response["Location"].endswith(f"/obligations/{mine.key}/")
    mine.refresh_from_db()
    assert mine.read_at is not None
    theirs = Reminder.objects.get(user=colleague)
    assert client.post(f"/reminders/{theirs.pk}/read/").status_code == 404


@freeze_time("2014-05-05")
def test_cam2_mark_all_read(survey, daoli, login_as):
    generate_reminders(DAY(2014, 5, 5))
    client = login_as(daoli)
    client.post("/reminders/read-all/")
    assert not Reminder.objects.filter(user=daoli).unread().exists()
    assert client.get("/reminders/?show=unread").context["page"].paginator.count == 0
    assert client.get("/reminders/").context["page"].paginator.count == 1  # all: still listed
