"""The ninja API under /api/v1/ (PLT-3): token auth, the same scoping and services as the pages."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from ninja import NinjaAPI

from fuqing.api import assistance, auth, fieldwork, jobs, orgs, projects, registry, reminders, research
from fuqing.core.scoping import ScopeDenied

api = NinjaAPI(
    title="fuqing API",
    version="1",
    description=(
        "妇情平台接口。先用 POST /api/v1/auth/token 取得令牌，"
        "再以 `Authorization: Bearer <token>` 调用。所有数据按调用者的数据范围过滤；范围外的对象返回 404。"
    ),
    auth=auth.BearerToken(),
    urls_namespace="api",
)
api.add_router("/auth", auth.router)
api.add_router("/orgs", orgs.router)
api.add_router("/", jobs.router)
api.add_router("/", reminders.router)
api.add_router("/", fieldwork.router)
api.add_router("/", registry.router)
api.add_router("/", assistance.router)
api.add_router("/", projects.router)
api.add_router("/", research.router)
api.add_router("/", "fuqing.api.campaigns.router")


@api.exception_handler(ScopeDenied)
def scope_denied(request, exc):
    from fuqing.core.middleware import record_denied

    record_denied(request, exc)
    return api.create_response(request, {"detail": "Not Found"}, status=404)


@api.exception_handler(PermissionDenied)
def permission_denied(request, exc):
    from fuqing.core.middleware import record_denied

    record_denied(request, exc)
    return api.create_response(request, {"detail": str(exc) or "Forbidden"}, status=403)


def routers():
    """Every router of the API (for the access-matrix test)."""
    return [router for _prefix, router in api._routers]
