"""Login, logout, password change and TOTP for administrators (PLT-4, SEC-6)."""

from __future__ import annotations

import base64
import io

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.contrib.auth import logout as auth_logout
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect, JsonResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from fuqing.core import audit
from fuqing.core.context_processors import YEAR_SESSION_KEY
from fuqing.core.forms import Form
from fuqing.core.middleware import exempt_from_checks
from fuqing.core.models import AuditAction, AuditResult
from fuqing.core.passwords import CharacterClassValidator
from fuqing.core.routes import unscoped
from fuqing.orgs import services
from fuqing.orgs.services import lockout_message


def locked_out(request, response=None, credentials=None):
    """django-axes calls this when an account is locked: a clear Chinese message (SEC-6)."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": lockout_message(), "code": "locked"}, status=429)
    form = LoginForm(request)
    return render(
        request, "registration/login.html", {"form": form, "locked_message": lockout_message()}, status=429
    )


class LoginForm(AuthenticationForm):
    error_messages = {
        "invalid_login": gettext_lazy("用户名或密码不正确。连续 5 次失败将锁定账户 30 分钟。"),
        "inactive": gettext_lazy("该账户已停用，请联系系统管理员。"),
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].label = _("用户名")
        self.fields["password"].label = _("密码")
        self.error_messages["invalid_login"] = _(
            "用户名或密码不正确。连续 %(n)d 次失败将锁定账户 %(m)d 分钟。"
        ) % {
            "n": settings.AXES_FAILURE_LIMIT,
            "m": int(settings.AXES_COOLOFF_TIME.total_seconds() // 60),
        }


@login_not_required
@sensitive_post_parameters()
@csrf_protect
@never_cache
@unscoped("the login page: no one is signed in yet")
def login_view(request):
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    if not url_has_allowed_host_and_scheme(next_url, {request.get_host()}, request.is_secure()):
        next_url = ""
    if request.user.is_authenticated:
        return redirect(next_url or "home")
    form = LoginForm(request, data=request.POST or None)
    if request.method == "POST" and form.is_valid():
        request.session.cycle_key()
        auth_login(request, form.get_user())
        return HttpResponseRedirect(next_url or "/")
    return render(request, "registration/login.html", {"form": form, "next": next_url})


@require_POST
@exempt_from_checks
@unscoped("ends the caller's own session")
def logout_view(request):
    auth_logout(request)
    messages.info(request, _("您已安全退出。"))
    response = redirect("login")
    # PLT-6 / SEC-8: the phone's offline outbox, its key and the cached pages go with the session (the
    # page has warned about anything unsent before posting here)
    response["Clear-Site-Data"] = '"storage"'
    return response


class PasswordChangeForm(Form):
    old_password = forms.CharField(label=gettext_lazy("原密码"), widget=forms.PasswordInput)
    password = forms.CharField(label=gettext_lazy("新密码"), widget=forms.PasswordInput)
    password2 = forms.CharField(label=gettext_lazy("再次输入新密码"), widget=forms.PasswordInput)

    def clean(self):
        data = super().clean()
        if data.get("password") and data.get("password") != data.get("password2"):
            self.add_error("password2", _("两次输入的新密码不一致。"))
        return data


@sensitive_post_parameters()
@exempt_from_checks
@unscoped("the caller's own password")
def password_change(request):
    form = PasswordChangeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.set_password(
                request.user,
                request.user,
                form.cleaned_data["password"],
                old_password=form.cleaned_data["old_password"],
            )
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                for error in errors:
                    form.add_error(field if field in form.fields else None, error)
        else:
            from django.contrib.auth import update_session_auth_hash

            update_session_auth_hash(request, request.user)
            messages.success(request, _("密码已修改。"))
            return redirect("home")

    return render(
        request,
        "registration/password_change.html",
        {
            "form": form,
            "policy": CharacterClassValidator().get_help_text(),
            "max_age": settings.PASSWORD_MAX_AGE_DAYS,
        },
    )


class OtpForm(Form):
    token = forms.CharField(
        label=gettext_lazy("动态验证码"),
        max_length=6,
        min_length=6,
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "one-time-code", "autofocus": True}
        ),
    )


def _qr_svg(uri: str) -> str:
    import qrcode
    import qrcode.image.svg

    image = qrcode.make(uri, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    buffer = io.BytesIO()
    image.save(buffer)
    return "data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue()).decode()


def _safe_next(request) -> str:
    target = request.GET.get("next") or ""
    return (
        target if url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()) else ""
    )


@exempt_from_checks
@unscoped("the caller's own second factor")
def otp_setup(request):
    """An administrator's first TOTP device: scan, then confirm with a code (SEC-6)."""
    user = request.user
    if TOTPDevice.objects.filter(user=user, confirmed=True).exists():
        return redirect("otp-verify")
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="fuqing", confirmed=False)
    form = OtpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["token"]):
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            otp_login(request, device)
            audit.record(AuditAction.OTP, actor=user, obj=user, details={"setup": True})
            messages.success(request, _("双因素认证已启用。"))
            return redirect("home")
        audit.record(
            AuditAction.OTP, actor=user, obj=user, result=AuditResult.FAILURE, details={"setup": True}
        )
        form.add_error("token", _("验证码不正确，请核对手机上的时间后重试。"))
    secret = base64.b32encode(device.bin_key).decode()
    return render(
        request,
        "registration/otp_setup.html",
        {"form": form, "qr": _qr_svg(device.config_url), "secret": secret},
    )


@exempt_from_checks
@unscoped("the caller's own second factor")
def otp_verify(request):
    user = request.user
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        return redirect("otp-setup")
    form = OtpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["token"]):
            otp_login(request, device)
            audit.record(AuditAction.OTP, actor=user, obj=user)
            return redirect(_safe_next(request) or "home")
        audit.record(AuditAction.OTP, actor=user, obj=user, result=AuditResult.FAILURE)
        form.add_error("token", _("验证码不正确。"))
    return render(request, "registration/otp_verify.html", {"form": form})


@require_POST
@exempt_from_checks
@unscoped("the caller's own working year, kept in her session")
def set_year(request):
    """Switch the campaign year every page shows."""
    try:
        request.session[YEAR_SESSION_KEY] = int(request.POST.get("year", ""))
    except ValueError:
        pass
    target = request.POST.get("next") or "/"
    if not url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        target = "/"
    return redirect(target)
