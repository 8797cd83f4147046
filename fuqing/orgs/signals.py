"""The list of a user's open sessions (SEC-6): a row per login, removed at logout, so an administrator
or the user herself can end a session. Kept here, beside the user model; core audits the logins."""

from django.contrib.auth.signals import user_logged_in, user_logged_out
from django.dispatch import receiver

from fuqing.core import audit
from fuqing.orgs.models import LoginSession


@receiver(user_logged_in)
def open_session(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        if not request.session.session_key:
            request.session.save()
        LoginSession.objects.update_or_create(
            session_key=request.session.session_key,
            defaults={"user": user, "ip": audit.request_ip(request)},
        )


@receiver(user_logged_out)
def close_session(sender, request, user, **kwargs):
    if user is None:
        return
    if request is not None and getattr(request, "session", None) is not None and request.session.session_key:
        LoginSession.objects.filter(session_key=request.session.session_key).delete()
