from django.db import migrations, models


def create_audit_head(apps, schema_editor):
    """The chain head exists before the first event, so concurrent first writers lock one row instead of
    racing to insert it."""
    apps.get_model("core", "AuditHead").objects.get_or_create(pk=1)


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0003_reminder"),
    ]

    operations = [
        migrations.AddField(
            model_name="job",
            name="heartbeat_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.RunPython(create_audit_head, migrations.RunPython.noop),
    ]
