"""Data migration: file numbers, masked forms and birth years for records made before they existed."""

import secrets

from django.db import migrations

from fuqing.core.masking import mask_id_number, mask_phone


def fill(apps, schema_editor):
    Woman = apps.get_model("registry", "Woman")
    for woman in Woman.objects.filter(file_number__isnull=True).iterator(chunk_size=1000):
        # The historical model keeps EncryptedTextField: values arrive decrypted.
        id_number, phone = woman.id_number or "", woman.phone or ""
        woman.file_number = "F" + secrets.token_hex(6).upper()
        woman.id_number_masked = mask_id_number(id_number)
        woman.phone_masked = mask_phone(phone)
        woman.birth_year = woman.birth_date.year if woman.birth_date else None
        woman.save(update_fields=["file_number", "id_number_masked", "phone_masked", "birth_year"])


class Migration(migrations.Migration):
    dependencies = [("registry", "0003_woman_privacy_fields")]
    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
