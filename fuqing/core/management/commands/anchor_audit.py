"""Append the audit chain's head to the anchor log (SEC-7), on a schedule (cron every few minutes).

Each committed audit event already appends its own line; this scheduled anchor also covers events written
by processes that could not reach the log (another host, a full disk for a moment). It reads one row and
writes one line, so it is cheap to run often. ``verify_audit`` checks the log against the chain.
"""

from django.core.management.base import BaseCommand

from fuqing.core.audit import anchor_path, write_anchor


class Command(BaseCommand):
    help = "Append the audit chain's head to the anchor log kept outside the database."

    def handle(self, *args, **options):
        seq = write_anchor(anchor_path())
        self.stdout.write(f"audit head {seq} anchored in {anchor_path()}" if seq else "no audit record yet")
