"""Request-wide rules: login everywhere (SEC-1), session limits and admin TOTP (SEC-6), headers (SEC-8),
and an audit record for every denied access (SEC-7)."""

from __future__ import annotations

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.middleware import LoginRequiredMiddleware as DjangoLoginRequiredMiddleware
from django.contrib.sessions.middleware import SessionMiddleware as DjangoSessionMiddleware
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from fuqing.core import audit
from fuqing.core.models import AuditAction, AuditResult
from fuqing.core.scoping import ScopeDenied

LOGIN_AT = "fuqing_login_at"


def exempt_from_checks(view):
    """Views an administrator still needs before TOTP or a password change (set-up pages, logout)."""
    view.fuqing_exempt = True
    return view


class LoginRequiredMiddleware(DjangoLoginRequiredMiddleware):
    """Every URL except login and static files requires login; htmx gets a full-page redirect."""

    def handle_no_permission(self, request, view_func):
        response = super().handle_no_permission(request, view_func)
        if getattr(request, "htmx", False):
            response["HX-Redirect"] = response["Location"]
        return response


class SessionLimitsMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        with audit.client_ip(audit.request_ip(request)):
            return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        user = request.user
        # Token-authenticated API operations (and the login pages) carry login_required = False; the
        # API's documentation is a page like any other and goes through every check.
        if not user.is_authenticated or getattr(view_func, "login_required", True) is False:
            return None
        login_at = request.session.get(LOGIN_AT)
        if login_at is None or time.time() - login_at > settings.SESSION_ABSOLUTE_HOURS * 3600:
            logout(request)
            messages.info(request, _("会话已超过最长时限，请重新登录。"))
            return redirect(settings.LOGIN_URL)
        if getattr(view_func, "fuqing_exempt", False):
            return None
        if user.is_administrator and settings.ADMIN_TOTP_REQUIRED and not user.is_verified():
            if not has_confirmed_device(user):
                return redirect("otp-setup")
            return redirect(f"{reverse('otp-verify')}?{urlencode({'next': request.get_full_path()})}")
        if user.password_expired(settings.PASSWORD_MAX_AGE_DAYS):
            messages.warning(request, _("密码已超过有效期，请先修改密码。"))
            return redirect("password-change")
        return None

    def process_exception(self, request, exception):
        if isinstance(exception, PermissionDenied | ScopeDenied):
            record_denied(request, exception)
        return None


def record_denied(request, exception) -> None:
    user = request.user if request.user.is_authenticated else None
    details = {"path": request.path, "method": request.method}
    fields = {}
    if isinstance(exception, ScopeDenied):
        details["reason"] = "out_of_scope"
        fields = {"object_type": exception.object_type, "object_id": exception.object_id}
    else:
        details["reason"] = str(exception)[:100] or "permission"
    audit.record(
        AuditAction.DENIED,
        actor=user,
        result=AuditResult.DENIED,
        details=details,
        username="" if user else "anonymous",
        **fields,
    )


def has_confirmed_device(user) -> bool:
    from django_otp.plugins.otp_totp.models import TOTPDevice

    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


CSP = (
    "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; script-src 'self'; "
    "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)


class SecurityHeadersMiddleware:
    """CSP (nothing loads from outside the server) and no caching of pages that hold personal data."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.setdefault("Content-Security-Policy", CSP)
        if request.user.is_authenticated and not request.path.startswith(settings.STATIC_URL):
            response["Cache-Control"] = "no-store"
        return response


SEEN_AT = "fuqing_seen_at"


class SessionMiddleware(DjangoSessionMiddleware):
    """Django's, except that an unchanged session is written at most once a minute
    (``SESSION_REFRESH_SECONDS``) instead of on every request, and automatic polls (``@passive`` views)
    never extend the idle timeout. The idle limit is counted from the last write, so a session ends
    after at most ``SESSION_IDLE_MINUTES`` of inactivity (up to a refresh interval sooner)."""

    def process_response(self, request, response):
        session = getattr(request, "session", None)
        if session is None:
            return super().process_response(request, response)
        now = time.time()
        if not session.modified and (
            getattr(request, "fuqing_passive", False)  # a poll does not extend the session
            or session.is_empty()  # nothing to save
            or now - session.get(SEEN_AT, 0) < settings.SESSION_REFRESH_SECONDS  # the expiry stands
        ):
            if session.accessed:
                patch_vary_headers(response, ("Cookie",))
            return response
        if not session.is_empty():  # after a logout the flushed session stays empty
            session[SEEN_AT] = now
        return super().process_response(request, response)


MAX_QUERY_INT = 2**63 - 1


def out_of_range_parameter(query) -> str | None:
    """The first query-string parameter no database could hold: an integer past 64 bits (an id, an
    offset, a page, a year) or text with a NUL character. Free-text search (``q``) may hold any digits."""
    for name, values in query.lists():
        for value in values:
            if "\x00" in value:
                return name
            digits = value.strip().lstrip("+-")
            if name != "q" and digits.isdigit() and int(digits) > MAX_QUERY_INT:
                return name
    return None


def nul_in_form(data) -> str | None:
    """The first posted form field holding a NUL character (files are not form fields)."""
    for name, values in data.lists():
        if any("\x00" in value for value in values):
            return name
    return None


class UploadLimitMiddleware:
    """SEC-10: a request body larger than the upload limit is refused before it is read. And a page's
    query string with a value past what the database holds is refused with 400 (issue 10 point 9), once,
    here, instead of in every view that reads ?page=, ?offset=, ?year= or an id."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        limit = (settings.UPLOAD_MAX_MB + 1) * 1024 * 1024
        if length > limit:
            message = _("上传的文件超过 %(n)d MB，已拒绝。请拆分后再上传。") % {"n": settings.UPLOAD_MAX_MB}
            if request.path.startswith("/api/"):  # the API answers JSON, errors included
                return JsonResponse({"detail": message}, status=413)
            return HttpResponse(message, status=413, content_type="text/plain; charset=utf-8")
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.path.startswith("/api/"):
            return None  # the API validates its parameters by their types (fuqing.api.types)
        name = out_of_range_parameter(request.GET)
        if name is not None:
            message = _("网址中的参数“%(name)s”超出允许的范围。") % {"name": name}
        elif request.method == "POST" and (name := nul_in_form(request.POST)) is not None:
            # a NUL no database text column can hold (PostgreSQL refuses it): refused here once, for the
            # forms and for the views that read a posted value themselves (issue 10 point 9)
            message = _("表单中的“%(name)s”含有不允许的控制字符，未保存。") % {"name": name}
        else:
            return None

        return render(request, "400.html", {"message": message}, status=400)
