"""我的提醒: one core Reminder for every source (NEED-4 needs to review, CAM-2 deadlines owed), written only
through ``fuqing.core.reminders``; one page, one navigation entry, a bell in the top bar."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from fuqing.core import reminders
from fuqing.core.models import Reminder
from fuqing.core.navigation import navigation_for

DUE = datetime.date(2014, 5, 10)
NEED = "assistance.need"
DEADLINE = "campaigns.obligation"


def remind(user, key, source=DEADLINE, kind="due_soon", title=None, due_on=DUE, org=None):
    return reminders.remind(
        user,
        org or user.org,
        source,
        key,
        kind,
        title or f"{source} {key} {kind}",
        due_on,
        url=f"/{source}/{key}/",
    )


# --- the functions the apps call ------------------------------------------------------------------


def test_remind_is_idempotent_per_user_source_key_kind_and_due_date(daoli, colleague):
    assert remind(daoli, 1) is True
    assert remind(daoli, 1) is False
    assert remind(daoli, 1, kind="overdue") is True
    assert remind(daoli, 1, due_on=DUE + datetime.timedelta(days=1)) is True  # the date moved
    assert remind(daoli, 1, source=NEED) is True
    assert remind(colleague, 1) is True
    assert Reminder.objects.count() == 5


def test_remind_many_is_bulk_and_counts_only_new_rows(tree, daoli, colleague, django_assert_max_num_queries):
    notices = [
        reminders.Notice(u.pk, tree.a.pk, DEADLINE, str(k), "due_soon", f"t{k}", DUE, "/")
        for k in range(1200)
        for u in (daoli, colleague)
    ]
    # 2400 rows: one lookup per thousand, and multi-row INSERTs (SQLite fits ~90 rows in its 999
    # parameters, PostgreSQL 500) — never a query per row.
    with django_assert_max_num_queries(40):
        assert reminders.remind_many(notices) == 2400
    with django_assert_max_num_queries(4):
        assert reminders.remind_many(notices + notices[:10]) == 0


def test_resolve_takes_ids_or_a_queryset_and_leaves_other_sources(daoli):
    remind(daoli, 1)
    remind(daoli, 2)
    remind(daoli, 1, source=NEED)
    assert reminders.resolve(DEADLINE, [1]) == 1
    assert reminders.resolve(DEADLINE, [1]) == 0  # already resolved
    assert reminders.resolve(DEADLINE, reminders.active_keys(DEADLINE)) == 1
    assert set(Reminder.objects.active().values_list("source", "key")) == {(NEED, "1")}
    assert reminders.unread_count(daoli) == 1  # resolved ones no longer count


def test_mark_read_touches_only_the_users_own(daoli, colleague):
    remind(daoli, 1)
    remind(daoli, 2)
    remind(colleague, 1)
    theirs = Reminder.objects.get(user=colleague)
    mine = Reminder.objects.filter(user=daoli).order_by("key").first()
    assert reminders.mark_read(daoli, [mine.pk, theirs.pk]) == 1
    assert reminders.unread_count(daoli) == 1 and reminders.unread_count(colleague) == 1
    assert reminders.mark_read(daoli, "all") == 1
    assert reminders.unread_count(daoli) == 0 and reminders.unread_count(colleague) == 1


def test_scoping_a_reminder_filed_outside_the_users_scope_is_not_hers_to_see(tree, daoli):
    remind(daoli, 1, org=tree.b)  # filed under another district: the one door hides it
    assert Reminder.objects.for_user(daoli).count() == 0
    assert reminders.unread_count(daoli) == 0


# --- the page -------------------------------------------------------------------------------------


def test_one_page_lists_both_sources_newest_first_and_never_anothers(daoli, colleague, login_as):
    remind(daoli, 7, source=NEED, kind="overdue", title="诉求“低保”已过复查日期")
    remind(daoli, 8, source=DEADLINE, title="“调研月活动总结”将于5月10日截止")
    remind(colleague, 9, title="同事的提醒")
    response = login_as(daoli).get(reverse("reminders"))
    text = response.content.decode()
    assert response.status_code == 200
    assert [r.key for r in response.context["page"]] == ["8", "7"]
    assert "诉求复查" in text and "报送截止" in text  # each source named
    assert "已过复查日期" in text and "调研月活动总结" in text
    assert "同事的提醒" not in text


def test_filter_unread_and_all(daoli, login_as):
    remind(daoli, 1, title="读过的提醒")
    remind(daoli, 2, title="没读的提醒")
    remind(daoli, 3, title="办结的提醒")
    reminders.mark_read(daoli, Reminder.objects.filter(key="1").values_list("pk", flat=True))
    reminders.resolve(DEADLINE, [3])
    client = login_as(daoli)
    unread = client.get(reverse("reminders"), {"show": "unread"}).content.decode()
    assert "没读的提醒" in unread and "读过的提醒" not in unread and "办结的提醒" not in unread
    every = client.get(reverse("reminders")).content.decode()
    assert all(t in every for t in ("读过的提醒", "没读的提醒", "办结的提醒"))
    assert "已办结" in every


def test_mark_one_read_opens_the_object_or_stays(daoli, colleague, login_as):
    remind(daoli, 1)
    remind(daoli, 2)
    one, two = Reminder.objects.filter(user=daoli).order_by("key")
    client = login_as(daoli)
    response = client.post(reverse("reminder-read", args=[one.pk]))
    assert response.status_code == 302 and response["Location"] == one.url
    response = client.post(reverse("reminder-read", args=[two.pk]), {"stay": "1", "show": "unread"})
    assert response["Location"] == reverse("reminders") + "?show=unread"
    assert reminders.unread_count(daoli) == 0
    remind(colleague, 3)
    theirs = Reminder.objects.get(user=colleague)
    assert client.post(reverse("reminder-read", args=[theirs.pk])).status_code == 404
    assert client.get(reverse("reminder-read", args=[one.pk])).status_code == 405


def test_a_stored_url_to_another_site_is_not_followed(daoli, login_as):
    reminders.remind(daoli, daoli.org, DEADLINE, 1, "due_soon", "t", DUE, url="https://evil.example/")
    reminder = Reminder.objects.get()
    response = login_as(daoli).post(reverse("reminder-read", args=[reminder.pk]))
    assert response["Location"] == reverse("reminders")


def test_mark_all_read(daoli, colleague, login_as):
    for k in range(3):
        remind(daoli, k)
    remind(colleague, 1)
    response = login_as(daoli).post(reverse("reminders-read-all"))
    assert response.status_code == 302
    assert reminders.unread_count(daoli) == 0 and reminders.unread_count(colleague) == 1


def test_the_page_is_paginated(daoli, login_as):
    reminders.remind_many(
        reminders.Notice(daoli.pk, daoli.org_id, DEADLINE, str(k), "due_soon", f"t{k}", DUE, "/")
        for k in range(35)
    )
    client = login_as(daoli)
    first = client.get(reverse("reminders"))
    assert len(first.context["page"]) == 30 and first.context["page"].paginator.num_pages == 2
    assert len(client.get(reverse("reminders"), {"page": 2}).context["page"]) == 5


@pytest.mark.parametrize("count", [3, 60])
def test_the_page_runs_a_bounded_number_of_queries(daoli, login_as, count, django_assert_max_num_queries):
    reminders.remind_many(
        reminders.Notice(
            daoli.pk, daoli.org_id, NEED if k % 2 else DEADLINE, str(k), "overdue", "t", DUE, "/"
        )
        for k in range(count)
    )
    client = login_as(daoli)
    client.get(reverse("reminders"))  # warm the session and caches
    with django_assert_max_num_queries(14):
        assert client.get(reverse("reminders")).status_code == 200


# --- the bell and the navigation ------------------------------------------------------------------


def test_the_bell_shows_the_unread_count_on_every_page(daoli, colleague, login_as):
    remind(daoli, 1)
    remind(daoli, 2)
    remind(colleague, 3)
    client = login_as(daoli)
    for url in (reverse("home"), reverse("job-list"), reverse("reminders")):
        text = client.get(url).content.decode()
        assert 'data-bell="2"' in text, url
        assert f'href="{reverse("reminders")}?show=unread"' in text
    reminders.mark_read(daoli, "all")
    assert 'data-bell="0"' in client.get(reverse("home")).content.decode()


def test_the_bell_is_counted_once_per_request(rf, daoli, django_assert_max_num_queries):
    remind(daoli, 1)
    request = rf.get("/")
    request.user = daoli
    reminders.request_unread_count(request)  # the scope is computed once per user, first
    del request._fuqing_unread
    with django_assert_max_num_queries(1):  # at most one COUNT (none while the frame cache holds it)
        assert reminders.request_unread_count(request) == 1
        assert reminders.request_unread_count(request) == 1


def test_one_navigation_entry(daoli):
    labels = [i["label"] for s in navigation_for(daoli) for i in s["items"]]
    assert labels.count("我的提醒") == 1
    urls = [i["url"] for s in navigation_for(daoli) for i in s["items"]]
    assert reverse("reminders") in urls
