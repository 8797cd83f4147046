"""Create an administrator account on a production install (no default account exists, SEC-5).

    manage.py create_admin --kind system --username zhangsan \
        --root "哈尔滨市妇联" --root-kind city --root-code 230100
    manage.py create_admin --kind security --username lisi
    manage.py create_admin --kind audit --username wangwu

The password is asked for (or read from FUQING_ADMIN_PASSWORD); it must meet the password policy.
"""

import getpass

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from fuqing.env import env
from fuqing.orgs import services
from fuqing.orgs.models import Org, Role


class Command(BaseCommand):
    help = "Create a system, security or audit administrator (and the root organisation, the first time)."

    def add_arguments(self, parser):
        parser.add_argument("--kind", choices=["system", "security", "audit"], required=True)
        parser.add_argument("--username", required=True)
        parser.add_argument("--name", default="")
        parser.add_argument(
            "--org-code", help="division code of the administrator's organisation (default: the root)"
        )
        parser.add_argument("--root", help="name of the root organisation, created if the tree is empty")
        parser.add_argument("--root-kind", default="city", choices=["province", "city"])
        parser.add_argument("--root-code", default="")

    @transaction.atomic
    def handle(self, *args, **options):
        root = Org.objects.get_first_root_node()
        if root is None:
            if not options["root"]:
                raise CommandError("the tree is empty: give --root NAME (and --root-kind, --root-code)")
            root = services.add_org(
                None,
                parent=None,
                name=options["root"],
                kind=options["root_kind"],
                division_code=options["root_code"],
            )
            self.stdout.write(f"created the root organisation {root.name}")
        org = root
        if options["org_code"]:
            org = Org.objects.filter(division_code=options["org_code"]).first()
            if org is None:
                raise CommandError(f"no organisation with division code {options['org_code']}")
        password = env("FUQING_ADMIN_PASSWORD") or getpass.getpass("Password: ")
        try:
            user = services.create_user(
                None, username=options["username"], password=password, org=org, name=options["name"]
            )
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from exc
        user.roles.set([Role.objects.get(admin_kind=options["kind"], is_builtin=True)])
        self.stdout.write(
            self.style.SUCCESS(f"{options['kind']} administrator {user.username} created at {org.name}")
        )
        self.stdout.write("They set up TOTP at their first login.")
