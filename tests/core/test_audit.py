"""The audit log (SEC-7): who, when, what, which object, result, IP — append-only and chained."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from fuqing.core import audit
from fuqing.core.models import AuditEvent
from fuqing.orgs import services
from fuqing.orgs.models import OrgKind
from tests.ledger_sheets import table


def test_sec7_every_change_is_recorded(tree, sysadmin):
    org = services.add_org(sysadmin, parent=tree.a1, name="建国社区", kind=OrgKind.COMMUNITY)
    services.update_org(sysadmin, org, name="建国里社区")
    event = AuditEvent.objects.filter(action="update", object_id=str(org.pk)).get()
    assert event.actor == sysadmin and event.org_id == org.pk and event.result == "success"
    assert event.details["changed"]["name"] == ["建国社区", "建国里社区"]
    assert event.object_type == "orgs.org"


def test_sec7_denied_access_is_recorded(tree, login_as, daoli):
    client = login_as(daoli)
    assert client.get(f"/orgs/{tree.b.pk}/").status_code == 404
    event = AuditEvent.objects.get(action="denied")
    assert event.actor == daoli and event.object_id == str(tree.b.pk) and event.ip == "127.0.0.1"
    assert event.details["reason"] == "out_of_scope"
    assert client.get("/audit/").status_code == 403
    assert AuditEvent.objects.filter(action="denied").count() == 2


def test_sec7_nobody_can_change_or_delete_an_audit_record_through_the_platform(tree, sysadmin):
    event = audit.record("update", actor=sysadmin, obj=tree.a)
    event.object_repr = "changed"
    with pytest.raises(PermissionError):
        event.save()
    with pytest.raises(PermissionError):
        event.delete()
    with pytest.raises(PermissionError):
        AuditEvent.objects.filter(pk=event.pk).update(object_repr="x")
    with pytest.raises(PermissionError):
        AuditEvent.objects.all().delete()


def test_sec7_no_route_changes_or_deletes_audit_records():
    from tests.routes import all_routes

    audit_routes = [r for r in all_routes() if (r.info or {}).get("model") is AuditEvent]
    assert {r.info["action"] for r in audit_routes} <= {"list", "read", "export"}


def _events(tree, sysadmin, n=5):
    for i in range(n):
        audit.record("update", actor=sysadmin, obj=tree.a, details={"i": i})


def test_sec7_verify_audit_passes_on_an_intact_chain(tree, sysadmin, capsys):
    _events(tree, sysadmin)
    call_command("verify_audit")
    assert "intact" in capsys.readouterr().out


def test_sec7_verify_audit_detects_a_record_altered_in_the_database(tree, sysadmin):
    _events(tree, sysadmin)
    target = AuditEvent.objects.order_by("seq")[2]
    with connection.cursor() as cursor:
        cursor.execute("UPDATE core_auditevent SET actor_username = %s WHERE id = %s", ["mallory", target.pk])
    with pytest.raises(CommandError, match="broken"):
        call_command("verify_audit")


def test_sec7_verify_audit_detects_a_record_removed_in_the_database(tree, sysadmin):
    _events(tree, sysadmin)
    target = AuditEvent.objects.order_by("seq")[2]
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM core_auditevent WHERE id = %s", [target.pk])
    with pytest.raises(CommandError, match="broken"):
        call_command("verify_audit")


def test_sec7_verify_audit_detects_the_last_record_removed(tree, sysadmin, capsys):
    _events(tree, sysadmin)
    last = AuditEvent.objects.order_by("-seq").first()
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM core_auditevent WHERE id = %s", [last.pk])
    with pytest.raises(CommandError, match="broken"):
        call_command("verify_audit")
    assert "missing at the end" in capsys.readouterr().err


def test_sec7_the_audit_administrator_searches_and_exports_the_log(tree, login_as, auditor, sysadmin):
    services.add_org(sysadmin, parent=tree.a1, name="光明社区", kind=OrgKind.COMMUNITY)
    client = login_as(auditor)
    page = client.get("/audit/", {"q": "光明社区", "action": "create"}).content.decode()
    assert "光明社区" in page and "sysadmin" in page
    response = client.get("/ledgers/audit/export/", {"q": "光明社区"})
    rows = [tuple(r) for r in table(response)]
    assert rows[0][:4] == ("序号", "时间", "操作人", "操作")
    assert len(rows) == 2 and rows[1][7] == "光明社区"
    assert AuditEvent.objects.filter(action="export", actor=auditor).exists()


def test_sec7_the_log_filter_names_come_from_an_allowlist(tree, login_as, auditor):
    client = login_as(auditor)
    assert client.get("/audit/", {"action": "drop table"}).status_code == 200
    assert client.get("/audit/", {"order": "password"}).status_code == 200
