"""SEC-9: after the retention period a scheduled job anonymises closed records (注销, merged, removed)."""

import datetime
import json
from io import StringIO

from django.core.management import call_command
from django.utils import timezone

from fuqing.core.models import AuditEvent
from fuqing.registry import privacy, services
from fuqing.registry.models import Woman, WomanEvent
from fuqing.registry.tasks import anonymise_expired_task
from tests.registry.conftest import add_woman


def _closed(daoli, tree, days_ago: int):
    woman = add_woman(daoli, tree.a1a)
    privacy.close_woman(
        daoli, woman, "moved", closed_on=timezone.localdate() - datetime.timedelta(days=days_ago)
    )
    return woman


def test_sec9_the_command_anonymises_closed_records_past_the_retention_period(tree, daoli, settings):
    settings.REGISTRY_RETENTION_DAYS = 365
    old = _closed(daoli, tree, 400)
    recent = _closed(daoli, tree, 100)
    active = add_woman(daoli, tree.a1a)
    out = StringIO()
    call_command("anonymise_expired", stdout=out)
    assert json.loads(out.getvalue()) == {"anonymised": 1, "retention_days": 365}
    old, recent, active = (Woman.objects.get(pk=w.pk) for w in (old, recent, active))
    assert old.anonymised_at and old.name == "（已匿名）" and old.id_number == "" and old.status == "inactive"
    assert recent.anonymised_at is None and recent.id_number
    assert active.anonymised_at is None
    assert WomanEvent.objects.filter(woman=old, kind="anonymised").exists()
    assert AuditEvent.objects.get(actor_username="retention").details == {
        "anonymised": 1,
        "retention_days": 365,
    }
    out = StringIO()
    call_command("anonymise_expired", stdout=out)  # nothing left to do
    assert json.loads(out.getvalue())["anonymised"] == 0


def test_sec9_merged_records_are_anonymised_too(tree, daoli):
    survivor = add_woman(daoli, tree.a1a, name="王丽", phone="13800000001")
    merged = add_woman(daoli, tree.a1a, name="王丽", phone="13800000001")
    services.merge_women(daoli, survivor, merged, "同一人重复登记")
    Woman.objects.filter(pk=merged.pk).update(closed_on=timezone.localdate() - datetime.timedelta(days=4000))
    assert privacy.anonymise_expired(days=1095) == 1
    merged.refresh_from_db()
    survivor.refresh_from_db()
    assert merged.anonymised_at and merged.merged_into == survivor and survivor.anonymised_at is None


def test_sec9_the_task_runs_the_same_job(tree, daoli, settings):
    settings.REGISTRY_RETENTION_DAYS = 30
    woman = _closed(daoli, tree, 31)
    result = anonymise_expired_task.enqueue()
    assert result.return_value == 1
    woman.refresh_from_db()
    assert woman.anonymised_at is not None


def test_sec9_the_days_option_overrides_the_setting(tree, daoli):
    _closed(daoli, tree, 10)
    out = StringIO()
    call_command("anonymise_expired", "--days", "5", stdout=out)
    assert json.loads(out.getvalue()) == {"anonymised": 1, "retention_days": 5}
