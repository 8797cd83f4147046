from django.urls import path

from fuqing.core import reminder_views, views
from fuqing.core.ledger import ledgers


def ledger_patterns():
    patterns = []
    for name, ledger in sorted(ledgers().items()):
        patterns.append(
            path(f"ledgers/{name}/export/", views.ledger_export_view(ledger), name=f"ledger-export-{name}")
        )
        if ledger.supports_import():
            patterns.append(
                path(
                    f"ledgers/{name}/template/",
                    views.ledger_template_view(ledger),
                    name=f"ledger-template-{name}",
                )
            )
            patterns.append(
                path(
                    f"ledgers/{name}/import/", views.ledger_import_view(ledger), name=f"ledger-import-{name}"
                )
            )
    return patterns


urlpatterns = [
    path("", views.home, name="home"),
    path("jobs/", views.job_list, name="job-list"),
    path("jobs/<uuid:pk>/", views.job_detail, name="job-detail"),
    path("jobs/<uuid:pk>/download/", views.job_download, name="job-download"),
    path("jobs/<uuid:pk>/valid-only/", views.job_import_valid_only, name="job-valid-only"),
    path("audit/", views.audit_list, name="audit-list"),
    path("reminders/", reminder_views.reminder_list, name="reminders"),
    path("reminders/read-all/", reminder_views.reminder_read_all, name="reminders-read-all"),
    path("reminders/<int:pk>/read/", reminder_views.reminder_read, name="reminder-read"),
    *ledger_patterns(),
]
