"""Move a laptop's SQLite install onto PostgreSQL (PLT-1): every row, ciphertext and audit record.

    manage.py move_to postgres://fuqing:…@db-host:5432/fuqing

The target is migrated, emptied, filled in one transaction, its sequences reset, then checked (row
counts, decryption with this install's keys, the audit chain). var/ — files, keys, anchors — stays as it
is: run the server with the same var/ (or a copy, or a restored backup) and DATABASE_URL set to the URL.
"""

from django.core.management.base import BaseCommand, CommandError

from fuqing.core import backup


class Command(BaseCommand):
    help = "Copy this install's database into an empty PostgreSQL database and check it there."

    def add_arguments(self, parser):
        parser.add_argument("database_url", help="postgres://user:password@host:5432/name")
        parser.add_argument(
            "--force", action="store_true", help="replace a target database that is not empty"
        )

    def handle(self, *args, **options):
        try:
            report = backup.move_to(
                options["database_url"], force=options["force"], progress=self.stdout.write
            )
        except backup.BackupError as exc:
            raise CommandError(str(exc)) from None
        for problem in report["problems"]:
            self.stderr.write(problem)
        if report["problems"]:
            raise CommandError(f"copied, but the check found {len(report['problems'])} problem(s)")
        self.stdout.write(
            self.style.SUCCESS(
                f"moved {report['rows']} rows in {report['tables']} tables; audit chain intact. "
                "Now start the server with DATABASE_URL set to the target and the same var/."
            )
        )
