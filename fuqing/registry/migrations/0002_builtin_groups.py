"""Data migration: the vulnerable groups of REG-2."""

from django.db import migrations

GROUPS = [
    ("landless", "失地妇女"),
    ("unemployed", "失业妇女"),
    ("left-behind", "留守妇女"),
    ("migrant", "流动妇女"),
    ("special-hardship", "特殊困难妇女"),
    ("single-poor-mother", "单亲贫困母亲"),
    ("elderly-empty-nest", "高龄空巢妇女"),
]


def create(apps, schema_editor):
    Group = apps.get_model("registry", "VulnerableGroup")
    for sort, (code, name) in enumerate(GROUPS, start=1):
        Group.objects.update_or_create(code=code, defaults={"name": name, "sort": sort * 10, "is_builtin": True})


def remove(apps, schema_editor):
    apps.get_model("registry", "VulnerableGroup").objects.filter(code__in=[c for c, _n in GROUPS]).delete()


class Migration(migrations.Migration):
    dependencies = [("registry", "0001_initial")]
    operations = [migrations.RunPython(create, remove)]
