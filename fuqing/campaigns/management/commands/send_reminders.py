"""Generate the day's in-app deadline reminders (CAM-2). Idempotent; run it daily (cron, systemd timer)."""

import datetime

from django.core.management.base import BaseCommand, CommandError

from fuqing.campaigns.tasks import send_reminders


class Command(BaseCommand):
    help = "Remind units that still owe a deadline (in-app), and resolve reminders of units that submitted."

    def add_arguments(self, parser):
        parser.add_argument("--date", help="run as of this day (YYYY-MM-DD); default today")
        parser.add_argument(
            "--enqueue", action="store_true", help="hand the run to the background worker instead"
        )

    def handle(self, *args, **options):
        day = options["date"]
        if day:
            try:
                datetime.date.fromisoformat(day)
            except ValueError:
                raise CommandError("--date must be YYYY-MM-DD") from None
        if options["enqueue"]:
            result = send_reminders.enqueue(day)
            self.stdout.write(f"enqueued {result.id}")
            return
        outcome = send_reminders.call(day)
        self.stdout.write(
            self.style.SUCCESS(
                f"{outcome['date']}: {outcome['created']} reminders created, "
                f"{outcome['resolved']} resolved, {outcome['synced']} deadlines re-checked"
            )
        )
