"""Build the analytics tables from scratch (issue 16): every fact's cells, in one transaction."""

from django.core.management.base import BaseCommand, CommandError

from fuqing.core import analytics
from fuqing.core.analytics_models import AnalyticsCell


class Command(BaseCommand):
    help = (
        "Rebuild the analytics tables (every fact, or those named with --fact) from the registers, all or "
        "nothing; --refresh only applies the changes waiting for the worker."
    )

    def add_arguments(self, parser):
        parser.add_argument("--fact", action="append", default=[], help="a fact's key (repeatable)")
        parser.add_argument("--refresh", action="store_true", help="apply waiting changes instead")

    def handle(self, *args, **options):
        known = {f.key for f in analytics.facts()}
        unknown = [k for k in options["fact"] if k not in known]
        if unknown:
            raise CommandError(f"unknown fact(s): {', '.join(unknown)}; known: {', '.join(sorted(known))}")
        keys = options["fact"] or None
        if options["refresh"]:
            for key, marks in analytics.refresh(keys).items():
                self.stdout.write(f"{key}: {marks} changed unit-days applied")
            return
        for key, seconds in analytics.rebuild(keys).items():
            cells = AnalyticsCell.objects.filter(fact=key).count()
            self.stdout.write(f"{key}: {cells} cells in {seconds:.2f} s")
