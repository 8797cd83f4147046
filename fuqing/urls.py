from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.views.i18n import set_language

from fuqing.api.api import api
from fuqing.core import health
from fuqing.fieldwork.views.offline import service_worker
from fuqing.orgs import auth_views


def _api_urls():
    """Operations authenticate by token (401 without one); the docs page needs a web login like any
    page; the description (openapi.json) takes either."""
    patterns, app_name, namespace = api.urls
    for pattern in patterns:
        # openapi.json checks a bearer token or the web login itself (fuqing.api.api._openapi_access)
        if pattern.name not in ("openapi-view", "api-root"):
            pattern.callback.login_required = False
    return patterns, app_name, namespace


urlpatterns = [
    path("healthz", health.healthz, name="healthz"),  # load balancers: no login, ok/fail per check only
    path("login/", auth_views.login_view, name="login"),
    path("logout/", auth_views.logout_view, name="logout"),
    path("sw.js", service_worker, name="service-worker"),  # at the root: its scope covers every page
    path("account/password/", auth_views.password_change, name="password-change"),
    path("account/otp/setup/", auth_views.otp_setup, name="otp-setup"),
    path("account/otp/verify/", auth_views.otp_verify, name="otp-verify"),
    path("account/year/", auth_views.set_year, name="set-year"),
    path("i18n/setlang/", login_not_required(set_language), name="set_language"),  # used on the login page
    path("orgs/", include("fuqing.orgs.urls")),
    path("campaigns/", include("fuqing.campaigns.urls")),
    path("fieldwork/", include("fuqing.fieldwork.urls")),
    path("registry/", include("fuqing.registry.urls")),
    path("assistance/", include("fuqing.assistance.urls")),
    path("projects/", include("fuqing.projects.urls")),
    path("research/", include("fuqing.research.urls")),
    path("building/", include("fuqing.building.urls")),
    path("oversight/", include("fuqing.oversight.urls")),
    path("dashboard/", include("fuqing.dashboard.urls")),
    path("api/v1/", _api_urls()),
    path("", include("fuqing.core.urls")),
]
