"""Data migration: existing deadlines get their kind from their code, and the units they are owed by
get their obligation rows (CAM-2). Frozen here, so it means the same thing forever."""

from django.db import migrations

KIND_BY_CODE = {"survey-summary": "survey_summary", "annual-summary": "annual_summary"}


def forwards(apps, schema_editor):
    Deadline = apps.get_model("campaigns", "Deadline")
    Obligation = apps.get_model("campaigns", "Obligation")
    Org = apps.get_model("orgs", "Org")
    for deadline in Deadline.objects.select_related("campaign__org"):
        kind = KIND_BY_CODE.get(deadline.code)
        if kind and deadline.kind == "document":
            deadline.kind = kind
            deadline.save(update_fields=["kind"])
        root = deadline.campaign.org.path
        owed = Org.objects.filter(
            path__startswith=root, is_active=True, kind__in=deadline.owed_by_kinds or []
        ).values_list("pk", flat=True)
        existing = set(Obligation.objects.filter(deadline=deadline).values_list("org_id", flat=True))
        Obligation.objects.bulk_create(
            [Obligation(deadline=deadline, org_id=pk) for pk in owed if pk not in existing], batch_size=500
        )


def backwards(apps, schema_editor):
    apps.get_model("campaigns", "Obligation").objects.filter(versions=0).delete()


class Migration(migrations.Migration):
    dependencies = [("campaigns", "0003_submissions_plans_reminders")]
    operations = [migrations.RunPython(forwards, backwards)]
