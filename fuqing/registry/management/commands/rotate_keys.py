"""Re-encrypt every encrypted field under the newest key (REG-3), so an old key can be retired.

1. Put the new key first: FUQING_FIELD_KEYS=<new>,<old>   (or add it first in var/keys.json)
2. manage.py rotate_keys                                  (prints what it re-encrypted, per field)
3. Remove the old key from FUQING_FIELD_KEYS.

Safe to run again: values already under the newest key are left as they are.
"""

import json

from django.core.management.base import BaseCommand

from fuqing.core.crypto import rotate_all


class Command(BaseCommand):
    help = "Re-encrypt personal data under the newest of FUQING_FIELD_KEYS."

    def add_arguments(self, parser):
        parser.add_argument("--batch", type=int, default=1000)

    def handle(self, *args, **options):
        counts = rotate_all(
            batch=options["batch"], progress=lambda label, n: self.stderr.write(f"{label}: {n}")
        )
        self.stdout.write(json.dumps(counts, ensure_ascii=False))
