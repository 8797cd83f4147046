"""Submitted reports are documents of record: give every report already past the draft its figures as they
are now (the migration's moment is their as-of date). Reversing drops the snapshots (the reports are live
again). Figures are computed by the research app's providers over the current field-work and needs data."""

from django.db import migrations
from django.utils import timezone

SECTIONS = ("situation", "analysis", "recommendations")


def freeze(apps, schema_editor):
    from fuqing.core import figures
    from fuqing.research import markup

    Report = apps.get_model("research", "Report")
    now = timezone.now()
    pending = Report.objects.exclude(status="draft").filter(figures_as_of__isnull=True)
    for report in pending.select_related("org"):
        keys = [k for field in SECTIONS for k in markup.figure_keys(getattr(report, field))]
        scope = figures.FigureScope.of_year(report.org, report.year)
        report.figure_snapshot = figures.snapshot(keys, scope)
        report.figures_as_of = now
        report.save(update_fields=["figure_snapshot", "figures_as_of"])


def thaw(apps, schema_editor):
    Report = apps.get_model("research", "Report")
    Report.objects.update(figure_snapshot=None, figures_as_of=None)


class Migration(migrations.Migration):
    dependencies = [
        ("research", "0003_report_figure_snapshot"),
        ("fieldwork", "0002_contact_points_visits_questionnaires"),
        ("assistance", "0008_reminders_to_core"),
        ("registry", "0008_no_pattern_indexes"),
    ]

    operations = [migrations.RunPython(freeze, thaw)]
