"""The password policy of SEC-6: configurable length and character classes (expiry is in middleware)."""

import string

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

CLASSES = (
    ("lower", lambda c: c in string.ascii_lowercase),
    ("upper", lambda c: c in string.ascii_uppercase),
    ("digit", lambda c: c.isdigit()),
    ("symbol", lambda c: not c.isalnum()),
)


class CharacterClassValidator:
    """Reads the policy from settings at each use, so a changed setting applies at once."""

    @property
    def min_length(self) -> int:
        return settings.PASSWORD_MIN_LENGTH

    @property
    def min_classes(self) -> int:
        return settings.PASSWORD_MIN_CLASSES

    def validate(self, password, user=None):
        if len(password) < self.min_length:
            raise ValidationError(
                _("密码至少需要 %(n)d 个字符。") % {"n": self.min_length}, code="password_too_short"
            )
        present = sum(1 for _name, test in CLASSES if any(test(c) for c in password))
        if present < self.min_classes:
            raise ValidationError(
                _("密码需包含大写字母、小写字母、数字、符号中的至少 %(n)d 类。") % {"n": self.min_classes},
                code="password_too_simple",
            )

    def get_help_text(self):
        return _("至少 %(len)d 个字符，包含大写字母、小写字母、数字、符号中的至少 %(n)d 类。") % {
            "len": self.min_length,
            "n": self.min_classes,
        }
