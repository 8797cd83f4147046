"""Jobs are never lost when a worker is killed mid-job (PLT-5/PLT-8): a running job beats; one whose
heartbeat stopped is marked failed, never left "running" forever."""

import datetime
import time

import pytest
from django.utils import timezone

from fuqing.core import jobs
from fuqing.core.models import Job


@jobs.handler("test_slow")
def _slow(job, progress):
    time.sleep(2.5)
    return {"rows": 0}


@jobs.handler("test_quick")
def _quick(job, progress):
    return {"rows": 0}


def _running(user, beat_minutes_ago):
    at = timezone.now() - datetime.timedelta(minutes=beat_minutes_ago)
    return Job.objects.create(
        org=user.org,
        user=user,
        kind="test_slow",
        title="导入",
        status="running",
        started_at=at,
        heartbeat_at=at,
    )


def test_plt5_a_running_job_whose_worker_died_is_marked_failed(daoli, settings):
    settings.JOB_STALE_SECONDS = 120
    dead, alive = _running(daoli, 10), _running(daoli, 0)
    assert jobs.reap_stale() == 1
    dead.refresh_from_db()
    alive.refresh_from_db()
    assert dead.status == "failed" and "重新提交" in dead.error and dead.finished_at
    assert alive.status == "running"


def test_plt5_the_job_page_shows_a_dead_workers_job_as_failed(daoli, login_as):
    dead = _running(daoli, 10)
    page = login_as(daoli).get(f"/jobs/{dead.pk}/").content.decode()
    dead.refresh_from_db()
    assert dead.status == "failed" and "重新提交" in page


def test_plt5_a_worker_sweeps_dead_jobs_before_taking_one(daoli, django_capture_on_commit_callbacks):
    dead = _running(daoli, 10)
    with django_capture_on_commit_callbacks(execute=True):
        jobs.start(daoli, daoli.org, "test_quick", "x")
    dead.refresh_from_db()
    assert dead.status == "failed"


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_plt5_a_running_job_writes_its_heartbeat(tree, settings):
    from tests.conftest import make_user

    settings.JOB_HEARTBEAT_SECONDS = 1
    user = make_user(tree.a, username="beat")
    job = Job.objects.create(org=user.org, user=user, kind="test_slow", title="x")
    jobs.execute_job.call(str(job.pk))
    job.refresh_from_db()
    assert job.status == "succeeded"
    assert job.heartbeat_at > job.started_at + datetime.timedelta(milliseconds=900)
