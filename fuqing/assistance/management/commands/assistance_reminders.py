"""Daily: in-app reminders for needs near or past their review date (NEED-4). Run from cron, e.g.
``15 7 * * * manage.py assistance_reminders``; it is idempotent, so running it twice does no harm."""

import datetime

from django.core.management.base import BaseCommand

from fuqing.assistance.reminders import generate_reminders


class Command(BaseCommand):
    help = "Create reminders for open needs due for review soon or overdue (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument("--date", help="pretend today is this date (YYYY-MM-DD)")

    def handle(self, *args, **options):
        today = datetime.date.fromisoformat(options["date"]) if options["date"] else None
        created = generate_reminders(today)
        self.stdout.write(self.style.SUCCESS(f"{created} new reminders"))
