"""Offline capture (PLT-6): the service worker, served from the site's root so its scope covers the
form pages, and the list of pages a phone keeps for working without a network."""

from __future__ import annotations

from django.http import JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET

from fuqing.core.routes import scoped, unscoped
from fuqing.fieldwork.models import Questionnaire, QuestionnaireStatus

OFFLINE_QUESTIONNAIRES = 20


@unscoped("the service worker's script: code, no federation data")
@require_GET
def service_worker(request):
    """/sw.js: Workbox (vendored) caches the form pages and the static files they need; it holds no
    personal data of its own. ``Service-Worker-Allowed: /`` lets it control every page. Behind the
    login like every page: registered by a signed-in page, unregistered by logging out."""
    response = render(request, "fieldwork/sw.js", content_type="application/javascript; charset=utf-8")
    response["Service-Worker-Allowed"] = "/"
    response["Cache-Control"] = "no-cache"
    return response


@scoped(Questionnaire, "page")
@require_GET
def offline_pages(request):
    """The pages this user may fill in without a network (PLT-6): the visit form, the need form and the
    open questionnaires she can fill. Their contact points, places and dictionaries are in the pages."""
    user = request.user
    pages = []
    if user.has_module_perm("fieldwork", "edit"):
        pages.append(reverse("fieldwork:visit-add"))
        open_ones = (
            Questionnaire.objects.visible_to(user)
            .filter(status=QuestionnaireStatus.OPEN)
            .order_by("-pk")
            .values_list("pk", flat=True)[:OFFLINE_QUESTIONNAIRES]
        )
        pages += [reverse("fieldwork:questionnaire-fill", args=[pk]) for pk in open_ones]
    if user.has_module_perm("assistance", "edit"):
        pages.append(reverse("assistance:need-add"))
    return JsonResponse({"pages": pages})
