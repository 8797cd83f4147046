"""The masked contact phone is stored beside the encrypted one, so lists, ledgers and the API show it
without decrypting (REG-3). Existing rows get theirs once, here."""

from django.db import migrations

import fuqing.core.crypto


def fill_masks(apps, schema_editor):
    from fuqing.core.masking import mask_phone

    ContactPoint = apps.get_model("fieldwork", "ContactPoint")
    rows = ContactPoint.objects.exclude(contact_phone="").only("pk", "contact_phone")
    for cp in rows.iterator(chunk_size=2000):
        ContactPoint.objects.filter(pk=cp.pk).update(contact_phone_masked=mask_phone(cp.contact_phone))


class Migration(migrations.Migration):
    dependencies = [
        ("fieldwork", "0002_contact_points_visits_questionnaires"),
    ]

    operations = [
        migrations.AddField(
            model_name="contactpoint",
            name="contact_phone_masked",
            field=fuqing.core.crypto.MaskField(blank=True, editable=False, max_length=20),
        ),
        migrations.RunPython(fill_masks, migrations.RunPython.noop),
    ]
