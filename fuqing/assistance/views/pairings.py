"""Pairings (NEED-2), actions and funds (NEED-3), and a woman's timeline."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from fuqing.assistance import pairings as services
from fuqing.assistance.filters import ActionFilter, PairingFilter
from fuqing.assistance.forms import ActionForm, PairingForm
from fuqing.assistance.models import Action, Need, Pairing, PairingHelper
from fuqing.assistance.services import require_edit
from fuqing.assistance.timeline import woman_timeline
from fuqing.assistance.views.common import can_edit_module, paginate, require_view, woman_from
from fuqing.core import searches
from fuqing.core.context_processors import list_year, selected_year
from fuqing.core.masking import mask_name
from fuqing.core.routes import scoped
from fuqing.core.scoping import can_edit, get_visible_or_404, subtree_q
from fuqing.orgs.models import Org
from fuqing.registry.models import Woman

HELPERS = Prefetch("helpers", queryset=PairingHelper.objects.select_related("user", "helper_org"))


@scoped(Pairing, "list")
def pairing_list(request):
    require_view(request.user)
    # The household searched (often a woman's name) never travels in the URL (issue 10, as on the
    # registry): posted, kept behind a session token that the page's links and the export carry.
    source = request.POST if request.method == "POST" else request.GET
    moved = searches.move_out_of_url(request, source, ("q",))
    if request.method == "POST" or moved is not None:
        moved = moved if moved is not None else source.copy()
        moved.pop("csrfmiddlewaretoken", None)
        query = moved.urlencode()
        return redirect(reverse("assistance:pairing-list") + (f"?{query}" if query else ""))
    params = searches.expand(request, request.GET)  # the words searched, back from the session
    flt = PairingFilter(params, request.user)
    q = (flt.data.get("q") or "").strip()
    year = list_year(request, searching=bool(q))
    qs = flt.apply(Pairing.objects.visible_to(request.user), default_year=year)
    qs = qs.select_related("org", "woman").prefetch_related(HELPERS).order_by("-starts_on")
    page, querystring = paginate(request, qs)
    export = request.GET.copy()
    export.pop("page", None)
    export["year"] = year or ""  # the export covers the year the page shows
    return render(
        request,
        "assistance/pairing_list.html",
        {
            "page": page,
            "form": flt.form,
            "flt": flt,
            "problems": flt.problems,
            "org": flt.objects.get("org"),
            "q": q,
            "year": year,
            "status": flt.data.get("status", ""),
            "querystring": querystring,
            "export_query": export.urlencode(),
            "can_edit": can_edit_module(request.user),
            "can_export": request.user.has_module_perm("assistance", "export"),
        },
    )


def _pairing_values(form) -> dict:
    data = dict(form.cleaned_data)
    data.pop("org")
    data["helper_users"] = list(data["helper_users"])
    data["helper_orgs"] = list(data["helper_orgs"])
    return data


@scoped(Pairing, "create")
def pairing_add(request):
    require_edit(request.user)
    woman = woman_from(request)
    initial = {"org": request.user.org_id, "kind": "one_to_one", "helper_users": [request.user.pk]}
    if woman is not None:
        initial.update(woman=woman.pk)
    form = PairingForm(request.POST or None, user=request.user, initial=initial)
    form.fields.pop("ends_on")
    if request.method == "POST" and form.is_valid():
        try:
            pairing = services.create_pairing(
                request.user, org=form.cleaned_data["org"], **_pairing_values(form)
            )
        except ValidationError as exc:
            form.apply_service_error(exc)
        else:
            messages.success(request, _("结对已建立。"))
            return redirect("assistance:pairing-detail", pk=pairing.pk)
    return render(
        request,
        "assistance/pairing_form.html",
        {"form": form, "title": _("新建结对帮扶"), "picked": _woman(request, form["woman"].value())},
    )


def _woman(request, value):
    if not value:
        return None
    try:
        return Woman.objects.visible_to(request.user).filter(pk=value).first()
    except (ValueError, ValidationError):
        return None


@scoped(Pairing, "read")
def pairing_detail(request, pk):
    pairing = get_visible_or_404(
        Pairing.objects.select_related("org", "woman").prefetch_related(HELPERS), request.user, pk=pk
    )
    require_view(request.user)
    actions = pairing.actions.select_related("given_by", "given_by_org").order_by("-given_on")
    return render(
        request,
        "assistance/pairing_detail.html",
        {
            "pairing": pairing,
            "actions": actions,
            "funds": services.funds_total(pairing.actions.all()),
            "editable": can_edit_module(request.user) and can_edit(request.user, pairing),
        },
    )


@scoped(Pairing, "change")
def pairing_edit(request, pk):
    pairing = get_visible_or_404(Pairing.objects.prefetch_related(HELPERS), request.user, pk=pk)
    require_edit(request.user, pairing)
    helpers = list(pairing.helpers.all())
    initial = {
        "org": pairing.org_id,
        "kind": pairing.kind,
        "woman": pairing.woman_id,
        "household": pairing.household,
        "starts_on": pairing.starts_on,
        "review_on": pairing.review_on,
        "ends_on": pairing.ends_on,
        "notes": pairing.notes,
        "helper_users": [h.user_id for h in helpers if h.user_id],
        "helper_orgs": [h.helper_org_id for h in helpers if h.helper_org_id],
    }
    form = PairingForm(request.POST or None, user=request.user, initial=initial, org=pairing.org)
    form.fields["org"].disabled = True
    if request.method == "POST" and form.is_valid():
        try:
            services.update_pairing(request.user, pairing, **_pairing_values(form))
        except ValidationError as exc:
            form.apply_service_error(exc)
        else:
            messages.success(request, _("已保存。"))
            return redirect("assistance:pairing-detail", pk=pairing.pk)
    return render(
        request,
        "assistance/pairing_form.html",
        {
            "form": form,
            "title": _("修改结对帮扶"),
            "pairing": pairing,
            "picked": _woman(request, form["woman"].value()),
        },
    )


# --- actions --------------------------------------------------------------------------------------


@scoped(Action, "list")
def action_list(request):
    """Actions with the funds they add up to per project and per unit (NEED-3)."""

    require_view(request.user)
    flt = ActionFilter(request.GET, request.user, initial={"year": selected_year(request)})
    org = flt.objects.get("org") or request.user.org
    year = list_year(request, searching=bool(flt.data.get("q")))
    # the top bar's year unless one is asked for; a search looks through every year
    qs = flt.apply(Action.objects.visible_to(request.user), default_year=year)
    page, querystring = paginate(
        request,
        qs.select_related("org", "woman", "need", "project", "given_by", "given_by_org").order_by(
            "-given_on", "-created_at"
        ),
    )
    export = request.GET.copy()
    export.pop("page", None)
    export["year"] = year or ""
    children = []
    if org is not None:
        children = Org.objects.visible_to(request.user).filter(subtree_q(org.path), depth=org.depth + 1)
    by_woman = services.funds_by_woman(qs, limit=10)
    for row in by_woman:
        row["masked"] = mask_name(row.pop("woman__name"))
    return render(
        request,
        "assistance/action_list.html",
        {
            "page": page,
            "form": flt.form,
            "flt": flt,
            "problems": flt.problems,
            "querystring": querystring,
            "export_query": export.urlencode(),
            "org": org,
            "year": year,
            "total": services.funds_total(qs),
            "by_project": services.funds_by_project(qs, limit=20),
            "by_unit": services.funds_by_unit(qs, org, children) if org is not None else [],
            "by_woman": by_woman,
            "can_edit": can_edit_module(request.user),
            "can_export": request.user.has_module_perm("assistance", "export"),
        },
    )


def _target(request):
    """The need, pair or woman an action is for, from the query string (each within scope)."""
    need = pairing = woman = None
    if request.GET.get("need"):
        need = get_visible_or_404(
            Need.objects.select_related("woman", "org"), request.user, pk=request.GET["need"]
        )
    if request.GET.get("pairing"):
        pairing = get_visible_or_404(
            Pairing.objects.select_related("woman", "org"), request.user, pk=request.GET["pairing"]
        )
    if need is None and pairing is None:
        woman = woman_from(request)
    return need, pairing, woman


@scoped(Action, "create")
def action_add(request):
    require_edit(request.user)
    need, pairing, woman = _target(request)
    if need is None and pairing is None and woman is None:
        messages.info(request, _("请先打开一条诉求、一个结对或一位妇女的帮扶记录，再从那里登记帮扶措施。"))
        return redirect("assistance:need-list")
    target = need or pairing or woman
    form = ActionForm(
        request.POST or None,
        user=request.user,
        org=target.org,
        year=need.year if need is not None else selected_year(request),
    )
    if request.method == "POST" and form.is_valid():
        try:
            action = services.record_action(
                request.user,
                need=need,
                pairing=pairing,
                woman=woman,
                org=None if (need or pairing) else woman.org,
                **form.cleaned_data,
            )
        except ValidationError as exc:
            form.apply_service_error(exc)
        else:
            messages.success(request, _("帮扶措施已登记。"))
            if action.need_id:
                return redirect("assistance:need-detail", pk=action.need_id)
            if action.pairing_id:
                return redirect("assistance:pairing-detail", pk=action.pairing_id)
            return redirect("assistance:woman-timeline", pk=action.woman_id)
    return render(
        request,
        "assistance/action_form.html",
        {"form": form, "title": _("登记帮扶措施"), "need": need, "pairing": pairing, "woman": woman},
    )


@scoped(Action, "change")
def action_edit(request, pk):
    action = get_visible_or_404(
        Action.objects.select_related("need", "pairing", "woman"), request.user, pk=pk
    )
    require_view(request.user)
    editable = can_edit_module(request.user) and can_edit(request.user, action)
    initial = {f: getattr(action, f) for f in ("service", "given_on", "amount", "notes")}
    initial.update(
        given_by=action.given_by_id,
        given_by_org=action.given_by_org_id,
        project=action.project_id,
        project_name="" if action.project_id else action.project_name,
    )
    form = ActionForm(
        request.POST or None,
        user=request.user,
        initial=initial,
        org=action.org,
        year=action.need.year if action.need_id else action.year,
    )
    if request.method == "POST":
        require_edit(request.user, action)
        if form.is_valid():
            try:
                services.update_action(request.user, action, **form.cleaned_data)
            except ValidationError as exc:
                form.apply_service_error(exc)
            else:
                messages.success(request, _("已保存。"))
                return redirect("assistance:action-edit", pk=action.pk)
    return render(
        request,
        "assistance/action_form.html",
        {
            "form": form,
            "title": _("帮扶措施"),
            "action": action,
            "need": action.need,
            "pairing": action.pairing,
            "woman": action.woman,
            "editable": editable,
        },
    )


# --- a woman's timeline ---------------------------------------------------------------------------


@scoped(Woman, "read")
def woman_timeline_view(request, pk):
    """Her pairs, helpers, needs and actions on one timeline (NEED-2); the registry's page embeds
    the same section with ``{% woman_assistance woman %}``."""
    woman = get_visible_or_404(Woman.objects.select_related("org"), request.user, pk=pk)
    require_view(request.user)
    timeline = woman_timeline(request.user, woman)
    return render(
        request,
        "assistance/woman_timeline.html",
        {
            "timeline": timeline,
            "woman": woman,
            "can_edit": can_edit_module(request.user) and can_edit(request.user, woman),
        },
    )
