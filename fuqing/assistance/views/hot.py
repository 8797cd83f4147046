"""Hot issues (NEED-5), the to-do list (NEED-4; reminders are core's 我的提醒), and the category
dictionary (NEED-1)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from fuqing.assistance import dictionary, reminders
from fuqing.assistance.hot import cached_hot_issues, chart_data, long_standing_days
from fuqing.assistance.models import Need, NeedCategory
from fuqing.assistance.views.common import require_view
from fuqing.core.forms import ModelForm
from fuqing.core.routes import scoped, unscoped
from fuqing.core.scoping import get_visible_or_404


@scoped(Need, "page")
def hot_issues_view(request):
    """One unit's hot and difficult issues, this year beside last year (NEED-5). ``?org=`` picks a
    unit inside the user's scope; aggregates only (no personal data)."""
    from fuqing.core.context_processors import requested_year, selected_year
    from fuqing.orgs.models import Org

    require_view(request.user)
    org = request.user.org
    if request.GET.get("org", "").isdigit():
        org = get_visible_or_404(Org, request.user, pk=int(request.GET["org"]))
    if org is None:
        raise PermissionDenied(_("您的账户没有所属单位。"))
    year = requested_year(request) or selected_year(request)  # drill-down links carry the year
    days = request.GET.get("days", "")
    days = int(days) if days.isdigit() and 7 <= int(days) <= 3650 else long_standing_days()
    refresh = bool(request.GET.get("fresh"))
    computed = cached_hot_issues(
        request.user, org, year, timezone.localdate(), threshold_days=days, refresh=refresh
    )
    hot = computed.value
    lineage = Org.objects.visible_to(request.user).filter(path__in=org.ancestor_paths()).order_by("depth")
    return render(
        request,
        "assistance/hot_issues.html",
        {
            "hot": hot,
            "as_of": computed.at,
            "org": org,
            "lineage": lineage,
            "chart": chart_data(hot),
            "days": days,
        },
    )


@scoped(Need, "page")
def todo(request):
    """Needs past or near their review date: mine (handler, pair helper) and my unit's (NEED-4)."""
    require_view(request.user)
    return render(request, "assistance/todo.html", {"todo": reminders.todo_for(request.user)})


# --- the category dictionary ----------------------------------------------------------------------


class CategoryForm(ModelForm):
    class Meta:
        model = NeedCategory
        fields = ["code", "name", "sort", "is_active"]
        labels = {"code": gettext_lazy("代码（英文字母、数字或连字符）")}


@unscoped("the need categories are a platform-wide dictionary")
def category_list(request):
    dictionary.require_manage(request.user)
    form = CategoryForm(request.POST or None, initial={"sort": 200, "is_active": True})
    if request.method == "POST" and form.is_valid():
        try:
            category = dictionary.save_category(request.user, None, **form.cleaned_data)
        except ValidationError as exc:
            form.apply_service_error(exc)
        else:
            messages.success(request, _("已新增类别“%(n)s”。") % {"n": category.name})
            return redirect("assistance:categories")
    return render(
        request, "assistance/category_list.html", {"categories": NeedCategory.objects.all(), "form": form}
    )


@unscoped("a platform-wide dictionary entry, not federation data")
def category_edit(request, pk):
    dictionary.require_manage(request.user)
    category = get_object_or_404(NeedCategory, pk=pk)
    stored = NeedCategory.objects.get(pk=pk)  # the form writes its values onto ``category`` as it validates
    form = CategoryForm(request.POST or None, instance=category)
    if category.is_builtin:
        form.fields["code"].disabled = True
    if request.method == "POST" and form.is_valid():
        try:
            dictionary.save_category(request.user, stored, **form.cleaned_data)
        except ValidationError as exc:
            form.apply_service_error(exc)
        else:
            messages.success(request, _("已保存。"))
            return redirect("assistance:categories")
    return render(request, "assistance/category_form.html", {"form": form, "category": category})
