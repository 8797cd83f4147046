"""Audit of logins, logouts and failures (SEC-7), and the session list used to end sessions (SEC-6)."""

import time

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from fuqing.core import audit
from fuqing.core.middleware import LOGIN_AT
from fuqing.core.models import AuditAction, AuditResult


@receiver(user_logged_in)
def on_login(sender, request, user, **kwargs):
    from fuqing.orgs.models import LoginSession

    if request is not None and hasattr(request, "session"):
        request.session[LOGIN_AT] = time.time()
        if not request.session.session_key:
            request.session.save()
        LoginSession.objects.update_or_create(
            session_key=request.session.session_key,
            defaults={"user": user, "ip": audit.request_ip(request)},
        )
    audit.record(AuditAction.LOGIN, actor=user, obj=user, details={"via": _via(request)})


@receiver(user_logged_out)
def on_logout(sender, request, user, **kwargs):
    from fuqing.orgs.models import LoginSession

    if user is None:
        return
    if request is not None and getattr(request, "session", None) is not None and request.session.session_key:
        LoginSession.objects.filter(session_key=request.session.session_key).delete()
    audit.record(AuditAction.LOGOUT, actor=user, obj=user)


@receiver(user_login_failed)
def on_login_failed(sender, credentials, request=None, **kwargs):
    from fuqing.orgs.models import User

    username = str(credentials.get("username", ""))[:150]
    user = User.objects.filter(username=username).select_related("org").first()
    if user is None:  # what was typed may be a password typed in the wrong box: keep only a hint
        username = f"{username[:2]}***({len(username)})" if username else ""
    audit.record(
        AuditAction.LOGIN_FAILED,
        result=AuditResult.FAILURE,
        username=username,
        org=user.org if user else None,
        object_type="orgs.user" if user else "",
        object_id=str(user.pk) if user else "",
        object_repr=username,
        details={"via": _via(request)},
    )


@receiver(user_locked_out)
def on_locked_out(sender, request, username=None, ip_address=None, **kwargs):
    from fuqing.orgs.models import User

    user = User.objects.filter(username=username).select_related("org").first() if username else None
    audit.record(
        AuditAction.LOCKED_OUT,
        result=AuditResult.DENIED,
        username=username or "",
        org=user.org if user else None,
        object_type="orgs.user" if user else "",
        object_id=str(user.pk) if user else "",
        object_repr=username or "",
    )


def _via(request) -> str:
    if request is None:
        return "cli"
    return "api" if request.path.startswith("/api/") else "web"
