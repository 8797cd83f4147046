"""Recompute the stored keywords of needs (NEED-5) after the domain dictionary or the stop words
changed, in batches; the hot-issues page reads only these rows."""

from django.core.management.base import BaseCommand
from django.db import transaction

from fuqing.assistance.models import Need, NeedKeyword
from fuqing.assistance.text import extract_keywords


class Command(BaseCommand):
    help = "Recompute NeedKeyword rows from the needs' descriptions (after a dictionary change)."

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, help="only needs of this campaign year")
        parser.add_argument("--batch", type=int, default=2000)

    def handle(self, *args, **options):
        needs = Need.objects.order_by("pk").only("id", "org_id", "year", "description")
        if options["year"]:
            needs = needs.filter(year=options["year"])
        done = 0
        last = None
        while True:
            batch_qs = needs.filter(pk__gt=last) if last else needs
            batch = list(batch_qs[: options["batch"]])
            if not batch:
                break
            with transaction.atomic():
                NeedKeyword.objects.filter(need__in=[n.pk for n in batch]).delete()
                NeedKeyword.objects.bulk_create(
                    NeedKeyword(need_id=n.pk, org_id=n.org_id, year=n.year, keyword=w)
                    for n in batch
                    for w in extract_keywords(n.description)
                )
            done += len(batch)
            last = batch[-1].pk
        self.stdout.write(self.style.SUCCESS(f"keywords recomputed for {done} needs"))
