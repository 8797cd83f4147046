"""CAM-2's deadline reminders move to core's one ``Reminder`` (see docs/decisions.md): copy, then drop
the table. Reversible: the obligation reminders are copied back and removed from core."""

from django.db import migrations

SOURCE = "campaigns.obligation"
BATCH = 2000


def _url(obligation_id) -> str:
    from django.urls import NoReverseMatch, reverse

    try:
        return reverse("campaigns:obligation", args=[obligation_id])
    except NoReverseMatch:
        return ""


def _keeping_created_at(model):
    """bulk_create without auto_now_add overwriting the original times."""
    field = model._meta.get_field("created_at")
    field.auto_now_add = False
    return field


def forward(apps, schema_editor):
    Old = apps.get_model("campaigns", "Reminder")
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
                    key=str(r.obligation_id),
                    kind=r.kind,
                    title=r.title,
                    due_on=r.due_on,
                    url=_url(r.obligation_id),
                    created_at=r.created_at,
                    read_at=r.read_at,
                    resolved_at=r.resolved_at,
                )
            )
            if len(rows) >= BATCH:
                New.objects.bulk_create(rows, ignore_conflicts=True)
                rows = []
        New.objects.bulk_create(rows, ignore_conflicts=True)
    finally:
        field.auto_now_add = True


def backward(apps, schema_editor):
    Old = apps.get_model("campaigns", "Reminder")
    New = apps.get_model("core", "Reminder")
    Obligation = apps.get_model("campaigns", "Obligation")
    field = _keeping_created_at(Old)
    try:
        mine = New.objects.filter(source=SOURCE)
        rows = []
        for r in mine.order_by("pk").iterator(chunk_size=BATCH):
            rows.append(
                Old(
                    org_id=r.org_id,
                    user_id=r.user_id,
                    obligation_id=int(r.key),
                    kind=r.kind[:10],
                    title=r.title,
                    due_on=r.due_on,
                    created_at=r.created_at,
                    read_at=r.read_at,
                    resolved_at=r.resolved_at,
                )
            )
            if len(rows) >= BATCH:
                _restore(Old, Obligation, rows)
                rows = []
        _restore(Old, Obligation, rows)
        mine.delete()
    finally:
        field.auto_now_add = True


def _restore(Old, Obligation, rows):
    ids = {r.obligation_id for r in rows}
    existing = set(Obligation.objects.filter(pk__in=ids).values_list("pk", flat=True))
    # The old table allowed one reminder per user, obligation and kind: the first one wins.
    Old.objects.bulk_create([r for r in rows if r.obligation_id in existing], ignore_conflicts=True)


class Migration(migrations.Migration):
    dependencies = [
        ("campaigns", "0004_deadline_kinds_and_obligations"),
        ("core", "0003_reminder"),
    ]

    operations = [
        migrations.RunPython(forward, backward),
        migrations.DeleteModel(name="Reminder"),
    ]
