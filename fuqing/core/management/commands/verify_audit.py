"""Verify the audit log (SEC-7): the HMAC chain, and the anchor log kept outside the database.

Run it daily (cron): it exits 1 and names the records altered, inserted or removed — and records cut off
the end with the head rewound, which only the anchor log (FUQING_AUDIT_ANCHOR_FILE, default
var/audit-anchors.log) can tell: every line there must still be in the chain, and the head must not be
behind the log's tail. Then it appends the current head to the log. Keep that file on append-only storage.
"""

from django.core.management.base import BaseCommand, CommandError

from fuqing.core.audit import anchor_path, check_anchors, verify_chain, write_anchor


class Command(BaseCommand):
    help = "Check that no audit record was altered, removed or cut off the end directly in the database."

    def add_arguments(self, parser):
        parser.add_argument("--no-anchor", action="store_true", help="do not append the current head")

    def handle(self, *args, **options):
        checked, problems = verify_chain()
        problems += check_anchors(anchor_path())
        if problems:
            for problem in problems[:100]:
                self.stderr.write(f"record {problem.seq}: {problem.problem}")
            raise CommandError(f"audit chain broken: {len(problems)} problem(s) in {checked} records")
        if not options["no_anchor"]:
            write_anchor(anchor_path())
        self.stdout.write(self.style.SUCCESS(f"audit chain intact: {checked} records"))
