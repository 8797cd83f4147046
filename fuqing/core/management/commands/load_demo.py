"""Load the demo federation (Harbin 2014) into an empty database and print the demo accounts."""

from django.core.management.base import BaseCommand, CommandError

from fuqing.core.loaders import load_all_demo
from fuqing.core.scoping import org_model
from fuqing.env import env


class Command(BaseCommand):
    help = "Load the demo federation (哈尔滨市妇联 2014) into an empty database."

    def add_arguments(self, parser):
        parser.add_argument("--if-empty", action="store_true", help="do nothing (exit 0) when data exists")

    def handle(self, *args, **options):
        if org_model().objects.exists():
            if options["if_empty"]:
                self.stdout.write("Demo not loaded: the database already holds data.")
                return
            raise CommandError(
                "The database already holds organisations; the demo loads only into an empty one."
            )
        password = env("FUQING_DEMO_PASSWORD", "Fuqing@2014")
        summary = load_all_demo(password)
        self.stdout.write(self.style.SUCCESS(f"Demo federation loaded: {summary['orgs']} organisations."))
        self.stdout.write(f"Demo accounts (password: {password}):")
        for username in summary["users"]:
            self.stdout.write(f"  {username}")
        self.stdout.write("Administrators (sysadmin, secadmin, auditor) set up TOTP at their first login.")
