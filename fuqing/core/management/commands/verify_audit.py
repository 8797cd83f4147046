"""Verify the audit hash chain (SEC-7): exit 1 and name the records altered, inserted or removed."""

from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Check that no audit record was altered or removed directly in the database."

    def handle(self, *args, **options):
        from fuqing.core.audit import verify_chain

        checked, problems = verify_chain()
        if problems:
            for problem in problems[:100]:
                self.stderr.write(f"record {problem.seq}: {problem.problem}")
            raise CommandError(f"audit chain broken: {len(problems)} problem(s) in {checked} records")
        self.stdout.write(self.style.SUCCESS(f"audit chain intact: {checked} records"))
