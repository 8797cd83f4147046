"""SEC-7: cutting the newest audit records off the end and rewinding the chain head leaves a consistent,
shorter chain; the anchor log outside the database (written as events commit, at every verification and
on a schedule) finds it."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction

from fuqing.core import audit
from fuqing.core.models import AuditEvent, AuditHead

ROOT = Path(__file__).resolve().parents[2]


def _write(tree, actor, n) -> list[int]:
    """n events; their seqs (the cast itself wrote some before)."""
    return [audit.record("update", actor=actor, obj=tree.a, details={"i": i}).seq for i in range(n)]


def _cut(keep: int) -> None:
    """What someone with database access does: delete every record after ``keep`` and rewind the head."""
    kept = AuditEvent.objects.get(seq=keep)
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM core_auditevent WHERE seq > %s", [keep])
    AuditHead.objects.filter(pk=1).update(seq=kept.seq, hash=kept.hash)


def _anchored() -> list[int]:
    path = audit.anchor_path()
    return [int(line.split()[0]) for line in path.read_text().splitlines()] if path.exists() else []


def test_sec7_records_cut_after_the_last_anchor_are_found(
    tree, sysadmin, capsys, django_capture_on_commit_callbacks
):
    _write(tree, sysadmin, 3)
    call_command("anchor_audit")  # the scheduled anchor
    call_command("verify_audit")  # intact, and anchored again
    with django_capture_on_commit_callbacks(execute=True):
        s = _write(tree, sysadmin, 4)  # written after the last anchor, each committed
    capsys.readouterr()
    _cut(keep=s[1])  # the two newest deleted, the head rewound: a consistent, shorter chain
    assert audit.verify_chain()[1] == []  # the chain alone cannot tell
    with pytest.raises(CommandError, match="broken"):
        call_command("verify_audit")
    err = capsys.readouterr().err
    assert f"behind the anchor log's tail ({s[3]})" in err
    assert f"records {s[2]}..{s[3]} were cut off the end" in err


def test_sec7_each_committed_event_is_witnessed_and_a_rolled_back_one_is_not(
    tree, sysadmin, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        s = _write(tree, sysadmin, 2)
        with pytest.raises(RuntimeError), transaction.atomic():
            audit.record("update", actor=sysadmin, obj=tree.a, details={"rolled": "back"})
            raise RuntimeError
        s += _write(tree, sysadmin, 1)  # takes the rolled-back event's seq
    assert _anchored() == s == [s[0], s[0] + 1, s[0] + 2]
    lines = audit.anchor_path().read_text().splitlines()
    assert lines[-1].split()[1] == AuditEvent.objects.get(seq=s[2]).hash
    call_command("verify_audit")


def test_sec7_the_head_is_compared_with_the_tail_of_the_anchor_log(tree, sysadmin, capsys):
    s = _write(tree, sysadmin, 5)
    call_command("verify_audit")  # anchors the head at verification
    assert _anchored() == [s[4]]
    _cut(keep=s[2])
    with pytest.raises(CommandError):
        call_command("verify_audit")
    assert f"records {s[3]}..{s[4]} were cut off the end" in capsys.readouterr().err


def test_sec7_a_rewound_chain_that_grows_again_is_still_found(
    tree, sysadmin, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        s = _write(tree, sysadmin, 4)
    _cut(keep=s[1])
    _write(tree, sysadmin, 3)  # the platform writes on: the cut seqs again (and one more), other hashes
    with pytest.raises(CommandError, match="broken"):
        call_command("verify_audit")


def test_sec7_a_torn_anchor_line_does_not_stop_verification(tree, sysadmin, capsys):
    s = _write(tree, sysadmin, 2)
    call_command("anchor_audit")
    with audit.anchor_path().open("a") as handle:
        handle.write(f"{s[1] + 1} abc")  # a crash mid-write
    call_command("verify_audit")
    assert "intact" in capsys.readouterr().out


def test_sec7_the_scheduled_anchor_is_a_documented_job(db, tree, sysadmin, capsys):
    s = _write(tree, sysadmin, 2)
    call_command("anchor_audit")
    assert _anchored() == [s[1]] and f"audit head {s[1]} anchored" in capsys.readouterr().out
    operations = (ROOT / "docs" / "operations.md").read_text(encoding="utf-8")
    assert any(
        "manage.py anchor_audit" in line and line.lstrip()[:1] in "*0123456789"
        for line in operations.splitlines()
    )
