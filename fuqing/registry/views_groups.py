"""The vulnerable-group dictionary page (REG-2): a root system administrator extends it."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from fuqing.core.routes import unscoped
from fuqing.registry import dictionary
from fuqing.registry.forms import GroupForm
from fuqing.registry.models import VulnerableGroup


@unscoped("the dictionary of vulnerable groups is platform-wide configuration")
def group_list(request):
    user = request.user
    if not (dictionary.can_manage(user) or user.has_module_perm("registry", "view")):
        raise PermissionDenied(_("您没有查看困难群体字典的权限。"))
    can_manage = dictionary.can_manage(user)
    form = GroupForm(request.POST or None) if can_manage else None
    if request.method == "POST":
        if form is None:
            raise PermissionDenied(_("只有顶层单位的系统管理员可以维护困难群体字典。"))
        if form.is_valid():
            try:
                group = dictionary.save_group(user, None, **form.cleaned_data)
            except ValidationError as exc:
                form.apply_service_error(exc)
            else:
                messages.success(request, _("已新增“%(n)s”。") % {"n": group.name})
                return redirect("registry:groups")
    # No counts: an administrator holds no business permission (SEC-5), so only the dictionary shows.
    groups = VulnerableGroup.objects.all()
    return render(
        request, "registry/group_list.html", {"groups": groups, "form": form, "can_manage": can_manage}
    )


@unscoped("the dictionary is platform-wide configuration; only a root system administrator edits it")
def group_edit(request, pk):
    dictionary.require_manage(request.user)
    group = VulnerableGroup.objects.filter(pk=pk).first()
    if group is None:
        raise Http404
    initial = {"code": group.code, "name": group.name, "sort": group.sort, "is_active": group.is_active}
    form = GroupForm(request.POST or None, initial=initial, editing=True)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            dictionary.save_group(
                request.user,
                group,
                code=group.code,
                name=data["name"],
                sort=data["sort"],
                is_active=data["is_active"],
            )
        except ValidationError as exc:
            form.apply_service_error(exc)
        else:
            messages.success(request, _("已保存。"))
            return redirect("registry:groups")
    return render(request, "registry/group_form.html", {"form": form, "group": group})
