"""Import a register's Excel ledger from the command line (RPT-3), printing a JSON summary.

manage.py import_ledger women ledger.xlsx --org 230102 --user daoli [--valid-only]
"""

import json

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from fuqing.core.ledger import ImportContext, LedgerFileError, get_ledger, import_file
from fuqing.core.scoping import org_model


class Command(BaseCommand):
    help = "Import an Excel ledger: REGISTER FILE --org DIVISION_CODE --user USERNAME [--valid-only]"

    def add_arguments(self, parser):
        parser.add_argument("register")
        parser.add_argument("file")
        parser.add_argument("--org", required=True, help="division code (or id) of the organisation")
        parser.add_argument("--user", required=True, help="the acting user: her scope and permissions apply")
        parser.add_argument(
            "--valid-only", action="store_true", help="import the valid rows, report the rest"
        )

    def handle(self, *args, **options):
        try:
            ledger = get_ledger(options["register"])
        except LookupError:
            raise CommandError(f"unknown register {options['register']}") from None
        user = get_user_model().objects.filter(username=options["user"], is_active=True).first()
        if user is None:
            raise CommandError(f"no active user {options['user']}")
        if not ledger.supports_import() or not ledger.can_import(user):
            raise CommandError(f"{user.username} may not import {ledger.name}")
        editable = org_model().objects.editable_by(user).filter(is_active=True)
        org = editable.filter(division_code=options["org"]).first()
        if org is None and options["org"].isdigit():
            org = editable.filter(pk=int(options["org"])).first()
        if org is None:
            raise CommandError(f"no organisation {options['org']} within {user.username}'s scope")

        def progress(done, total):
            self.stderr.write(f"\r{done}/{total}", ending="")

        ctx = ImportContext(actor=user, org=org, valid_only=options["valid_only"], progress=progress)
        try:
            summary = import_file(ledger, options["file"], ctx)
        except LedgerFileError as exc:
            summary_dict = {
                "rows": 0,
                "imported": 0,
                "errors": [{"row": 0, "column": "", "message": str(exc)}],
            }
            self.stdout.write(json.dumps(summary_dict, ensure_ascii=False))
            raise CommandError(str(exc)) from None
        self.stderr.write("")
        self.stdout.write(json.dumps(summary.as_dict(), ensure_ascii=False))
        if summary.error_count and not summary.written:
            raise CommandError(f"{summary.error_count} error(s): nothing imported")
