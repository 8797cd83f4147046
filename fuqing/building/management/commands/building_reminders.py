"""Daily: remind the leaders of units whose term election falls due or is overdue (BLD-3)."""

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Create reminders of term elections due within three months or overdue."

    def handle(self, *args, **options):
        from fuqing.building.reminders import generate_reminders

        self.stdout.write(f"{generate_reminders()} reminders created")
