"""Contact points (FLD-1): who keeps which, the last visit, and the communities nobody visited this year."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from fuqing.core import audit
from fuqing.core.context_processors import selected_year
from fuqing.core.models import AuditAction
from fuqing.core.routes import scoped
from fuqing.core.scoping import can_edit, get_visible_or_404
from fuqing.fieldwork import services, stats
from fuqing.fieldwork.filters import ContactPointFilter
from fuqing.fieldwork.forms import ContactPointForm
from fuqing.fieldwork.models import ContactPoint
from fuqing.fieldwork.views.common import int_param, require_edit, require_view


@scoped(ContactPoint, "list")
def contact_point_list(request):
    require_view(request.user)
    year = int_param(request, "year") or selected_year(request)
    flt = ContactPointFilter(request.GET, request.user)  # the ledger's and the API's filters (issue 11)
    qs = flt.apply(stats.contact_points_with_last_visit(request.user))
    q = flt.data.get("q") or ""
    page = Paginator(qs.order_by("org__path", "keeper__name", "place__path"), 50).get_page(
        request.GET.get("page")
    )
    unvisited = Paginator(stats.unvisited_communities(request.user, year), 50).get_page(
        request.GET.get("upage")
    )
    parents = stats.parents_of(list(unvisited))
    params = request.GET.copy()
    params.pop("page", None)
    uparams = request.GET.copy()
    uparams.pop("upage", None)
    return render(
        request,
        "fieldwork/contact_point_list.html",
        {
            "page": page,
            "q": q,
            "flt": flt,
            "year": year,
            "unvisited": [(o, parents.get(o.path)) for o in unvisited],
            "unvisited_page": unvisited,
            "querystring": params.urlencode(),
            "uquerystring": uparams.urlencode(),
            "can_edit": request.user.has_module_perm("fieldwork", "edit"),
        },
    )


@scoped(ContactPoint, "read")
def contact_point_detail(request, pk):
    cp = get_visible_or_404(
        ContactPoint.objects.select_related("org", "place", "keeper"), request.user, pk=pk
    )
    require_view(request.user)
    visits = cp.visits.visible_to(request.user).select_related("lead").order_by("-started_on")[:20]
    return render(
        request,
        "fieldwork/contact_point_detail.html",
        {
            "cp": cp,
            "visits": visits,
            "can_edit": can_edit(request.user, cp) and request.user.has_module_perm("fieldwork", "edit"),
            "can_unmask": request.user.has_module_perm("fieldwork", "unmask"),
        },
    )


def _data(form, keep: ContactPoint | None = None) -> services.ContactPointData:
    """``keep``: a contact point whose masked contact details stay as they are when left blank."""
    data = form.cleaned_data
    return services.ContactPointData(
        org=data["org"],
        place=data["place"],
        keeper=data["keeper"],
        contact_name=data["contact_name"] or (keep.contact_name if keep else ""),
        contact_phone=data["contact_phone"] or (keep.contact_phone if keep else ""),
        since_year=data["since_year"],
        notes=data["notes"],
        is_active=data["is_active"],
    )


@scoped(ContactPoint, "create")
def contact_point_add(request):
    require_edit(request.user)
    keeper = request.user.pk if request.user.is_leader else None
    form = ContactPointForm(
        request.POST or None,
        user=request.user,
        initial={
            "org": request.user.org_id,
            "keeper": keeper,
            "since_year": selected_year(request),
            "is_active": True,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            cp = services.save_contact_point(request.user, None, _data(form))
        except ValidationError as exc:
            form.apply_service_error(exc)
        else:
            messages.success(request, _("已新增联系点“%(p)s”。") % {"p": cp.place.name})
            return redirect("fieldwork:contact-point-detail", pk=cp.pk)
    return render(request, "fieldwork/contact_point_form.html", {"form": form, "title": _("新增联系点")})


@scoped(ContactPoint, "change")
def contact_point_edit(request, pk):
    cp = get_visible_or_404(ContactPoint, request.user, pk=pk)
    require_edit(request.user)
    if not can_edit(request.user, cp):
        raise PermissionDenied(_("只读范围：您可以查看该联系点，但不能修改。"))
    masked = not request.user.has_module_perm("fieldwork", "unmask")  # REG-3: no plain value in the form
    initial = {
        "org": cp.org_id,
        "keeper": cp.keeper_id,
        "place": cp.place_id,
        "contact_name": "" if masked else cp.contact_name,
        "contact_phone": "" if masked else cp.contact_phone,
        "since_year": cp.since_year,
        "notes": cp.notes,
        "is_active": cp.is_active,
    }
    form = ContactPointForm(request.POST or None, user=request.user, instance=cp, initial=initial)
    if masked:
        for name, shown in (
            ("contact_name", cp.masked_contact_name),
            ("contact_phone", cp.masked_contact_phone),
        ):
            form.fields[name].widget.attrs["placeholder"] = shown
            form.fields[name].help_text = _("已脱敏显示；留空则保持不变。")
    if request.method == "POST" and form.is_valid():
        try:
            services.save_contact_point(request.user, cp, _data(form, keep=cp if masked else None))
        except ValidationError as exc:
            form.apply_service_error(exc)
        else:
            messages.success(request, _("已保存。"))
            return redirect("fieldwork:contact-point-detail", pk=cp.pk)
    return render(
        request, "fieldwork/contact_point_form.html", {"form": form, "title": _("修改联系点"), "cp": cp}
    )


@require_POST
@scoped(ContactPoint, "read", method="POST")
def contact_point_reveal(request, pk):
    """The contact's phone in full, for a user with the unmask permission and a stated reason (REG-3)."""
    cp = get_visible_or_404(ContactPoint, request.user, pk=pk)
    if not request.user.has_module_perm("fieldwork", "unmask"):
        raise PermissionDenied(_("您没有查看明文个人信息的权限。"))
    reason = request.POST.get("reason", "").strip()[:200]
    if len(reason) < 2:
        return render(request, "fieldwork/_reveal.html", {"cp": cp, "error": _("请说明查看原因。")})
    audit.record(
        AuditAction.UNMASK, actor=request.user, obj=cp, details={"field": "contact_phone", "reason": reason}
    )
    return render(request, "fieldwork/_reveal.html", {"cp": cp, "phone": cp.contact_phone})
