"""Data migration: the need categories of NEED-1."""

from django.db import migrations

CATEGORIES = [
    ("employment", "就业"),
    ("income", "收入"),
    ("housing", "住房"),
    ("health", "健康"),
    ("legal-rights", "权益维护"),
    ("education", "子女教育"),
    ("elderly-care", "养老"),
    ("marriage-family", "婚姻家庭"),
    ("startup-loans", "创业贷款"),
    ("other", "其他"),
]


def create(apps, schema_editor):
    Category = apps.get_model("assistance", "NeedCategory")
    for sort, (code, name) in enumerate(CATEGORIES, start=1):
        Category.objects.update_or_create(code=code, defaults={"name": name, "sort": sort * 10, "is_builtin": True})


def remove(apps, schema_editor):
    apps.get_model("assistance", "NeedCategory").objects.filter(code__in=[c for c, _n in CATEGORIES]).delete()


class Migration(migrations.Migration):
    dependencies = [("assistance", "0003_needs_pairings_actions_suggestions")]
    operations = [migrations.RunPython(create, remove)]
