"""Background jobs (PLT-5): progress a user can leave and find again; old jobs pruned with their files."""

import datetime
from pathlib import Path

from django.core.management import call_command
from django.utils import timezone

from fuqing.core import jobs
from fuqing.core.models import Job


@jobs.handler("test_count")
def _count(job, progress):
    for i in range(1, 4):
        progress(i, 3)
    return {"rows": 3}


@jobs.handler("test_fail")
def _fail(job, progress):
    raise RuntimeError("secret internal detail")


def test_plt5_a_job_runs_after_commit_and_reports_its_result(daoli, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        job = jobs.start(daoli, daoli.org, "test_count", "计数")
    job.refresh_from_db()
    assert job.status == "succeeded" and job.result == {"rows": 3} and job.percent == 100


def test_plt5_a_failed_job_shows_a_message_without_internals(
    daoli, django_capture_on_commit_callbacks, login_as
):
    with django_capture_on_commit_callbacks(execute=True):
        job = jobs.start(daoli, daoli.org, "test_fail", "失败的任务")
    job.refresh_from_db()
    assert job.status == "failed" and "secret" not in job.error
    page = login_as(daoli).get(f"/jobs/{job.pk}/").content.decode()
    assert "任务执行失败" in page


def test_plt5_the_job_page_shows_progress_and_polls_until_finished(daoli, login_as):
    job = Job.objects.create(
        org=daoli.org, user=daoli, kind="test_count", title="计数", progress=1, total=4, status="running"
    )
    client = login_as(daoli)
    page = client.get(f"/jobs/{job.pk}/").content.decode()
    assert "25%" in page and "hx-trigger" in page
    assert "计数" in client.get("/jobs/").content.decode()


def test_plt5_jobs_are_private_to_who_started_them(daoli, colleague, login_as):
    job = Job.objects.create(org=daoli.org, user=daoli, kind="test_count", title="计数")
    assert login_as(colleague).get(f"/jobs/{job.pk}/").status_code == 404


def test_old_jobs_are_pruned_with_their_files(daoli, settings):
    path = Path(settings.VAR_DIR) / "old.xlsx"
    path.write_bytes(b"x")
    old = Job.objects.create(
        org=daoli.org, user=daoli, kind="test_count", title="旧", status="succeeded", output_file=str(path)
    )
    Job.objects.filter(pk=old.pk).update(finished_at=timezone.now() - datetime.timedelta(days=40))
    recent = Job.objects.create(
        org=daoli.org,
        user=daoli,
        kind="test_count",
        title="新",
        status="succeeded",
        finished_at=timezone.now(),
    )
    call_command("prune_jobs", "--days", "30")
    assert not Job.objects.filter(pk=old.pk).exists() and Job.objects.filter(pk=recent.pk).exists()
    assert not path.exists()
