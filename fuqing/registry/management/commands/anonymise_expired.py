"""Anonymise closed women's records past the retention period (SEC-9). Run daily, e.g. from cron:

    15 2 * * *  cd /srv/fuqing && .venv/bin/python manage.py anonymise_expired

``--enqueue`` hands the work to the background worker instead; ``--days`` overrides the setting
``FUQING_REGISTRY_RETENTION_DAYS`` for one run.
"""

import json

from django.core.management.base import BaseCommand

from fuqing.registry.privacy import anonymise_expired, retention_days
from fuqing.registry.tasks import anonymise_expired_task


class Command(BaseCommand):
    help = "Anonymise closed (注销, merged, removed) women's records whose retention period has run out."

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, help="retention period in days (default: the setting)")
        parser.add_argument("--enqueue", action="store_true", help="run in the background worker")

    def handle(self, *args, **options):
        if options["enqueue"]:
            result = anonymise_expired_task.enqueue()
            self.stdout.write(json.dumps({"enqueued": str(result.id)}))
            return
        days = options["days"] if options["days"] is not None else retention_days()
        count = anonymise_expired(days=days)
        self.stdout.write(json.dumps({"anonymised": count, "retention_days": days}))
