"""Audit of logins, logouts and failures (SEC-7). The session list used to end sessions (SEC-6) is kept by
the app of the user model (``orgs.signals``); core reaches users through ``get_user_model()``."""

import time

from axes.signals import user_locked_out
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from fuqing.core import audit
from fuqing.core.middleware import LOGIN_AT
from fuqing.core.models import AuditAction, AuditResult


@receiver(user_logged_in)
def on_login(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        request.session[LOGIN_AT] = time.time()
        if not request.session.session_key:
            request.session.save()
    audit.record(AuditAction.LOGIN, actor=user, obj=user, details={"via": _via(request)})


@receiver(user_logged_out)
def on_logout(sender, request, user, **kwargs):
    if user is None:
        return
    audit.record(AuditAction.LOGOUT, actor=user, obj=user)


@receiver(user_login_failed)
def on_login_failed(sender, credentials, request=None, **kwargs):
    username = str(credentials.get("username", ""))[:150]
    user = get_user_model().objects.filter(username=username).select_related("org").first()
    if user is None:  # what was typed may be a password typed in the wrong box: keep only a hint
        username = f"{username[:2]}***({len(username)})" if username else ""
    audit.record(
        AuditAction.LOGIN_FAILED,
        result=AuditResult.FAILURE,
        username=username,
        org=user.org if user else None,
        object_type=_user_type() if user else "",
        object_id=str(user.pk) if user else "",
        object_repr=username,
        details={"via": _via(request)},
    )


@receiver(user_locked_out)
def on_locked_out(sender, request, username=None, ip_address=None, **kwargs):
    user = (
        get_user_model().objects.filter(username=username).select_related("org").first() if username else None
    )
    audit.record(
        AuditAction.LOCKED_OUT,
        result=AuditResult.DENIED,
        username=username or "",
        org=user.org if user else None,
        object_type=_user_type() if user else "",
        object_id=str(user.pk) if user else "",
        object_repr=username or "",
    )


def _user_type() -> str:
    return get_user_model()._meta.label_lower  # "orgs.user", as every audit row about a user says


def _via(request) -> str:
    if request is None:
        return "cli"
    return "api" if request.path.startswith("/api/") else "web"
