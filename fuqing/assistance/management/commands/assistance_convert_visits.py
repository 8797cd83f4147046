"""Turn the needs visits kept as text (one per line) into Need rows linked to their visit (NEED-1).
Idempotent: lines already converted are skipped, and the visits' text is left as it was."""

from django.core.management.base import BaseCommand, CommandError

from fuqing.assistance.services import convert_visit_needs
from fuqing.core.scoping import subtree_q
from fuqing.fieldwork.models import Visit
from fuqing.orgs.models import Org


class Command(BaseCommand):
    help = "Convert visits' needs_text lines into needs (idempotent; keeps the text)."

    def add_arguments(self, parser):
        parser.add_argument("--org", help="only visits of this unit's subtree (id or division code)")

    def handle(self, *args, **options):
        visits = Visit.objects.exclude(needs_text="").select_related("org", "place")
        if options["org"]:
            value = options["org"]
            org = Org.objects.filter(division_code=value).first() or (
                Org.objects.filter(pk=int(value)).first() if value.isdigit() else None
            )
            if org is None:
                raise CommandError(f"no organisation {value}")
            visits = visits.filter(subtree_q(org.path, "org__path"))
        created = 0
        for visit in visits.iterator(chunk_size=500):
            created += len(convert_visit_needs(None, visit))
        self.stdout.write(self.style.SUCCESS(f"{created} needs created from visits' text"))
