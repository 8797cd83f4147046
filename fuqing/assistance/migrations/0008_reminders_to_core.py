"""NEED-4's reminders move to core's one ``Reminder`` (see docs/decisions.md): copy, then drop the
table. Reversible: the need reminders are copied back and removed from core."""

from django.db import migrations

SOURCE = "assistance.need"
BATCH = 2000


def _url(need_id) -> str:
    from django.urls import NoReverseMatch, reverse

    try:
        return reverse("assistance:need-detail", args=[need_id])
    except NoReverseMatch:
        return ""


def _keeping_created_at(model):
    """bulk_create without auto_now_add overwriting the original times."""
    field = model._meta.get_field("created_at")
    field.auto_now_add = False
    return field


def forward(apps, schema_editor):
    Old = apps.get_model("assistance", "Reminder")
    New = apps.get_model("core", "Reminder")
    field = _keeping_created_at(New)
    try:
        rows = []
        for r in Old.objects.order_by("pk").iterator(chunk_size=BATCH):
            rows.append(
                New(
                    org_id=r.org_id,
                    user_id=r.user_id,
                    source=SOURCE,
                    key=str(r.need_id),
                    kind=r.kind,
                    title=r.message[:200],
                    due_on=r.due_on,
                    url=_url(r.need_id),
                    created_at=r.created_at,
                    read_at=r.read_at,
                )
            )
            if len(rows) >= BATCH:
                New.objects.bulk_create(rows, ignore_conflicts=True)
                rows = []
        New.objects.bulk_create(rows, ignore_conflicts=True)
    finally:
        field.auto_now_add = True


def backward(apps, schema_editor):
    import uuid

    Old = apps.get_model("assistance", "Reminder")
    New = apps.get_model("core", "Reminder")
    Need = apps.get_model("assistance", "Need")
    field = _keeping_created_at(Old)
    try:
        mine = New.objects.filter(source=SOURCE)
        rows = []
        for r in mine.order_by("pk").iterator(chunk_size=BATCH):
            rows.append(
                Old(
                    org_id=r.org_id,
                    user_id=r.user_id,
                    need_id=uuid.UUID(r.key),
                    kind=r.kind[:10],
                    message=r.title,
                    due_on=r.due_on,
                    created_at=r.created_at,
                    read_at=r.read_at,
                )
            )
            if len(rows) >= BATCH:
                _restore(Old, Need, rows)
                rows = []
        _restore(Old, Need, rows)
        mine.delete()
    finally:
        field.auto_now_add = True


def _restore(Old, Need, rows):
    existing = set(Need.objects.filter(pk__in={r.need_id for r in rows}).values_list("pk", flat=True))
    Old.objects.bulk_create([r for r in rows if r.need_id in existing], ignore_conflicts=True)


class Migration(migrations.Migration):
    dependencies = [
        ("assistance", "0007_action_project_from_name"),
        ("core", "0003_reminder"),
    ]

    operations = [
        migrations.RunPython(forward, backward),
        migrations.DeleteModel(name="Reminder"),
    ]
