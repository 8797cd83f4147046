"""Data migration: the settings of a Women's Home named by the notice (BLD-1); federations add more."""

from django.db import migrations

# Frozen here (not imported) so the migration means the same thing forever.
SETTINGS = [
    ("village", "村", True, 10),
    ("community", "社区", True, 20),
    ("enterprise", "非公企业", False, 30),
    ("office_building", "商务楼宇", False, 40),
    ("cooperative", "专业合作组织", False, 50),
    ("other", "其他", False, 90),
]


def create(apps, schema_editor):
    HomeSetting = apps.get_model("building", "HomeSetting")
    for code, name, is_place, sort in SETTINGS:
        HomeSetting.objects.update_or_create(
            code=code, defaults={"name": name, "is_place": is_place, "sort": sort, "is_builtin": True}
        )


def remove(apps, schema_editor):
    apps.get_model("building", "HomeSetting").objects.filter(is_builtin=True).delete()


class Migration(migrations.Migration):
    dependencies = [("building", "0001_initial")]
    operations = [migrations.RunPython(create, remove)]
