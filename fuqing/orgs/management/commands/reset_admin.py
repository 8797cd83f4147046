"""Reset an administrator's account on the server (SEC-5: no administrator can do it to another in the
platform). Sets a new password she must replace, removes her TOTP devices (she enrols again), ends her
sessions; or disables/enables the account.

    manage.py reset_admin --username lisi                 # asks for the new password
    manage.py reset_admin --username lisi --disable
"""

import getpass

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from fuqing.env import env
from fuqing.orgs.models import User
from fuqing.orgs.services import reset_administrator


class Command(BaseCommand):
    help = "Reset (or disable/enable) an administrator account: new password, TOTP re-enrolment."

    def add_arguments(self, parser):
        parser.add_argument("--username", required=True)
        group = parser.add_mutually_exclusive_group()
        group.add_argument("--disable", action="store_true")
        group.add_argument("--enable", action="store_true")

    def handle(self, *args, **options):
        user = User.objects.filter(username=options["username"]).first()
        if user is None:
            raise CommandError(f"no user {options['username']}")
        try:
            if options["disable"] or options["enable"]:
                reset_administrator(user, active=bool(options["enable"]))
                self.stdout.write(f"{user.username} {'enabled' if options['enable'] else 'disabled'}")
                return
            password = env("FUQING_ADMIN_PASSWORD") or getpass.getpass("New password: ")
            reset_administrator(user, password=password, active=True)
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from exc
        self.stdout.write(
            f"{user.username}: password reset (to be replaced at login), TOTP to be set up again"
        )
