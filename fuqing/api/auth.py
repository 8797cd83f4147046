"""Bearer tokens for the API (PLT-3): issued after password (and TOTP for administrators)."""

from __future__ import annotations

import hashlib
import secrets

from django.conf import settings
from django.contrib.auth import authenticate
from django.utils import timezone
from django.utils.translation import gettext as _
from django_otp.plugins.otp_totp.models import TOTPDevice
from ninja import Router, Schema
from ninja.errors import HttpError
from ninja.security import HttpBearer

from fuqing.core import audit
from fuqing.core.models import AuditAction, AuditResult
from fuqing.core.routes import unscoped
from fuqing.orgs.models import ApiToken

TOKEN_PREFIX = "fq_"  # noqa: S105 (a prefix, not a secret)


def digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class BearerToken(HttpBearer):
    def authenticate(self, request, token):
        if not token.startswith(TOKEN_PREFIX):
            return None
        record = (
            ApiToken.objects.select_related("user", "user__org")
            .filter(digest=digest(token), revoked=False, expires_at__gt=timezone.now())
            .first()
        )
        if record is None or not record.user.is_active:
            return None
        changed = record.user.password_changed_at
        if changed is not None and record.created_at < changed:
            return None  # issued before the password last changed (revoked by the change as well)
        now = timezone.now()
        if record.last_used_at is None or (now - record.last_used_at).total_seconds() > 60:
            ApiToken.objects.filter(pk=record.pk).update(last_used_at=now)
        request.user = record.user
        request.api_token = record
        return record.user


router = Router(tags=["auth"])


class TokenIn(Schema):
    username: str
    password: str
    otp: str | None = None


class TokenOut(Schema):
    token: str
    token_type: str = "Bearer"  # noqa: S105
    expires_at: str


@router.post("/token", response=TokenOut, auth=None, url_name="api-token")
@unscoped("issues the caller's own token")
def issue_token(request, payload: TokenIn):
    """Exchange username, password (and a TOTP code for administrators) for a bearer token."""
    user = authenticate(request, username=payload.username, password=payload.password)
    if getattr(request, "axes_locked_out", False):
        from fuqing.orgs.services import lockout_message

        raise HttpError(429, lockout_message())
    if user is None:
        raise HttpError(401, _("用户名或密码不正确。"))
    if user.password_expired(settings.PASSWORD_MAX_AGE_DAYS):
        raise HttpError(401, _("密码已过期或须修改：请先在网页端登录修改密码。"))
    if user.is_administrator and settings.ADMIN_TOTP_REQUIRED:
        device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
        if device is None:
            raise HttpError(401, _("管理员须先在网页端启用双因素认证。"))
        if not payload.otp or not device.verify_token(payload.otp):
            audit.record(
                AuditAction.OTP, actor=user, obj=user, result=AuditResult.FAILURE, details={"via": "api"}
            )
            raise HttpError(401, _("双因素认证验证码不正确或未填写（otp）。"))
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    expires = timezone.now() + timezone.timedelta(hours=settings.API_TOKEN_HOURS)
    ApiToken.objects.create(user=user, digest=digest(raw), prefix=raw[:8], expires_at=expires)
    audit.record(AuditAction.LOGIN, actor=user, obj=user, details={"via": "api"})
    return {"token": raw, "expires_at": expires.isoformat()}


issue_token.commits_on_error = True  # failed attempts are audited and counted for lockout (axes)


class RevokedOut(Schema):
    detail: str


@router.post("/revoke", response={200: RevokedOut}, url_name="api-token-revoke")
@unscoped("ends the caller's own token")
def revoke_token(request):
    """End the token this request carries: it answers 401 from now on."""
    ApiToken.objects.filter(pk=request.api_token.pk).update(revoked=True)
    audit.record(AuditAction.LOGOUT, actor=request.auth, obj=request.auth, details={"via": "api"})
    return {"detail": _("令牌已注销。")}
