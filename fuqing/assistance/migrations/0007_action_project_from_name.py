"""Data migration (NEED-3): actions that name a livelihood project in text get the project itself.

An action is linked when a project of exactly that name and of the action's year is run by the
action's unit or by one of the federations above it (the nearest wins) — the rule of
``fuqing.assistance.pairings.project_for_name``, frozen here so the migration means the same thing
forever. The text is kept as it was. Reversing clears the links again (the text is still there).
"""

from django.db import migrations




def link(apps, schema_editor):
    Action = apps.get_model("assistance", "Action")
    Project = apps.get_model("projects", "Project")
    projects: dict[tuple[str, int], list[tuple[str, int]]] = {}
    for pk, name, year, path in Project.objects.values_list("pk", "name", "year", "org__path"):
        projects.setdefault((name, year), []).append((path, pk))
    if not projects:
        return
    pending = (
        Action.objects.filter(project__isnull=True)
        .exclude(project_name="")
        .values_list("pk", "project_name", "year", "org__path")
    )
    by_project: dict[int, list] = {}
    for pk, name, year, path in pending.iterator(chunk_size=2000):
        candidates = [c for c in projects.get((name.strip(), year), []) if path.startswith(c[0])]
        if candidates:
            nearest = max(candidates, key=lambda c: len(c[0]))
            by_project.setdefault(nearest[1], []).append(pk)
    for project_id, ids in by_project.items():
        for start in range(0, len(ids), 500):
            Action.objects.filter(pk__in=ids[start : start + 500]).update(project_id=project_id)


def unlink(apps, schema_editor):
    apps.get_model("assistance", "Action").objects.filter(project__isnull=False).update(project=None)


class Migration(migrations.Migration):
    dependencies = [("assistance", "0006_action_project"), ("projects", "0001_initial")]
    operations = [migrations.RunPython(link, unlink)]
