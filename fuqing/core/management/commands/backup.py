"""Back up the install (PLT-7): the database, the files under var/ and an encrypted key bundle.

    manage.py backup /srv/backups/fuqing-2026-12-07          # one backup into a new folder
    manage.py backup /srv/backups --keep 14 [--enqueue]      # a dated folder, the newest 14 kept (cron)
    manage.py backup --verify /srv/backups/fuqing-…          # restore into a scratch install and check
    manage.py backup --verify /srv/backups                   # the newest backup in the folder

The key bundle is encrypted with FUQING_BACKUP_PASSPHRASE (or _FILE); see docs/operations.md §8.
"""

import json

from django.core.management.base import BaseCommand, CommandError

from fuqing.core import backup


class Command(BaseCommand):
    help = "Write a consistent backup (database, var/ files, encrypted keys) or --verify one."

    def add_arguments(self, parser):
        parser.add_argument(
            "dir", help="the backup folder (new or empty); with --keep, the folder of backups"
        )
        parser.add_argument(
            "--verify",
            action="store_true",
            help="restore DIR (or the newest backup in it) into a scratch install and check it",
        )
        parser.add_argument(
            "--scratch-url",
            help="with --verify: a scratch database to create and drop (default: beside the configured one)",
        )
        parser.add_argument("--keep", type=int, help="write a dated backup under DIR and keep the newest N")
        parser.add_argument(
            "--enqueue", action="store_true", help="with --keep: run on the background worker"
        )

    def handle(self, *args, **options):
        try:
            if options["verify"]:
                report = backup.verify(options["dir"], options["scratch_url"])
                for warning in report["warnings"]:
                    self.stderr.write(f"warning: {warning}")
                for problem in report["problems"]:
                    self.stderr.write(problem)
                if report["problems"]:
                    raise CommandError(f"backup verification failed: {len(report['problems'])} problem(s)")
                self.stdout.write(
                    self.style.SUCCESS(
                        f"backup {report['backup']} verified: {report['rows']} rows in "
                        f"{report['tables']} tables, {report['files']} files, keys and audit chain intact"
                    )
                )
            elif options["keep"] is not None:
                if options["keep"] < 1:
                    raise CommandError("--keep must be at least 1")
                if options["enqueue"]:
                    backup.passphrase()  # fail here, not silently on the worker
                    result = backup.backup_task.enqueue(options["dir"], options["keep"])
                    self.stdout.write(json.dumps({"enqueued": str(result.id)}))
                    return
                self.stdout.write(json.dumps(backup.scheduled(options["dir"], options["keep"])))
            else:
                if options["enqueue"]:
                    raise CommandError("--enqueue goes with --keep")
                manifest = backup.create(options["dir"])
                self.stdout.write(
                    self.style.SUCCESS(
                        f"backup written to {options['dir']}: {sum(manifest['row_counts'].values())} rows, "
                        f"{len(manifest['files'])} files, keys in {backup.BUNDLE} (encrypted)"
                    )
                )
        except backup.BackupError as exc:
            raise CommandError(str(exc)) from None
