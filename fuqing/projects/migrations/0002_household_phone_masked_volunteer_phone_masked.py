"""Volunteers' and households' masked phones are stored beside the encrypted ones, so lists, ledgers
and the API show them without decrypting (REG-3). Existing rows get theirs once, here."""

from django.db import migrations

import fuqing.core.crypto


def fill_masks(apps, schema_editor):
    from fuqing.core.masking import mask_phone

    for name in ("Volunteer", "Household"):
        model = apps.get_model("projects", name)
        for row in model.objects.exclude(phone="").only("pk", "phone").iterator(chunk_size=2000):
            model.objects.filter(pk=row.pk).update(phone_masked=mask_phone(row.phone))


class Migration(migrations.Migration):
    dependencies = [
        ("projects", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="household",
            name="phone_masked",
            field=fuqing.core.crypto.MaskField(blank=True, editable=False, max_length=20),
        ),
        migrations.AddField(
            model_name="volunteer",
            name="phone_masked",
            field=fuqing.core.crypto.MaskField(blank=True, editable=False, max_length=20),
        ),
        migrations.RunPython(fill_masks, migrations.RunPython.noop),
    ]
