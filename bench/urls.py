"""The platform's URLs plus two reference pages for ratios, served only by ``bench/settings.py``.

* ``/__bench__/bare``: a bare Django view (no login, no template): the ceiling of the stack.
* ``/__bench__/empty``: a signed-in page with nothing in it but the frame (``base.html``): what every
  signed-in page costs before its own work (middleware, session, user, navigation, year, reminders).
"""

from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponse
from django.template import engines
from django.urls import path

from fuqing.core.routes import unscoped
from fuqing.urls import urlpatterns as platform_patterns

_EMPTY = None


@login_not_required
@unscoped("benchmark reference: a bare Django view")
def bare(request):
    return HttpResponse("ok", content_type="text/plain")


@unscoped("benchmark reference: the signed-in frame with no content")
def empty(request):
    global _EMPTY
    if _EMPTY is None:
        _EMPTY = engines["django"].from_string('{% extends "base.html" %}{% block content %}{% endblock %}')
    return HttpResponse(_EMPTY.render({}, request))


urlpatterns = [
    path("__bench__/bare", bare),
    path("__bench__/empty", empty),
    *platform_patterns,
]
