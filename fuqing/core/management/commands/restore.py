"""Rebuild an install from a backup (PLT-7): the database, the files under var/ and the keys.

    FUQING_VAR_DIR=/srv/fuqing/var manage.py restore /srv/backups/fuqing-…

Refuses a database that already holds accounts, organisations or audit records unless --force. After
restoring it checks row counts, the files' checksums, a sample of decrypted fields and the audit chain.
"""

import json

from django.core.management.base import BaseCommand, CommandError

from fuqing.core import backup


class Command(BaseCommand):
    help = "Restore a backup written by `manage.py backup` into this install, then check it."

    def add_arguments(self, parser):
        parser.add_argument("dir", help="the backup folder")
        parser.add_argument("--force", action="store_true", help="replace a database that is not empty")
        parser.add_argument("--json", action="store_true", help="print the report as one JSON line")
        parser.add_argument(
            "--export-keys",
            metavar="FOLDER",
            help="only write the bundle's keys into FOLDER, one file each (for the *_FILE settings)",
        )

    def handle(self, *args, **options):
        if options["export_keys"]:
            try:
                written = backup.export_keys(options["dir"], options["export_keys"])
            except backup.BackupError as exc:
                raise CommandError(str(exc)) from None
            self.stdout.write("\n".join(str(path) for path in written))
            return
        quiet = options["json"]
        try:
            report = backup.restore(
                options["dir"],
                force=options["force"],
                progress=(lambda _m: None) if quiet else self.stdout.write,
            )
        except backup.BackupError as exc:
            if quiet:
                self.stdout.write(json.dumps({"problems": [str(exc)], "warnings": []}, ensure_ascii=False))
                return
            raise CommandError(str(exc)) from None
        if quiet:
            self.stdout.write(json.dumps(report, ensure_ascii=False))
            return
        for warning in report["warnings"]:
            self.stderr.write(f"warning: {warning}")
        for problem in report["problems"]:
            self.stderr.write(problem)
        if report["problems"]:
            raise CommandError(f"restored, but the check found {len(report['problems'])} problem(s)")
        self.stdout.write(
            self.style.SUCCESS(
                f"restored and checked: {sum(report['counts'].values())} rows; "
                "files, keys and audit chain intact"
            )
        )
