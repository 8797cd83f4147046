"""Her rights on the page: reveal one field with a reason (REG-3), consent per purpose (SEC-9), closing,
removal on request and export for her (REG-5)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from fuqing.core.downloads import temporary_file_response
from fuqing.core.routes import scoped
from fuqing.core.scoping import get_visible_or_404
from fuqing.registry import privacy, services
from fuqing.registry.forms import CloseForm, ConsentForm, ReasonForm, UnmaskForm, WithdrawForm
from fuqing.registry.models import UNMASKABLE_FIELDS, Consent, Woman
from fuqing.registry.subject_export import export_for_her
from fuqing.registry.views import load_woman, report_error


@scoped(Woman, "read")
def woman_unmask(request, pk):
    """显示 → reason → value: one field of one woman, for a stated reason, written to the access log."""
    woman = load_woman(request, pk)
    if not privacy.can_unmask(request.user):
        raise PermissionDenied(_("您没有查看明文个人信息的权限。"))
    field = request.POST.get("field") or request.GET.get("field") or "id_number"
    if field not in UNMASKABLE_FIELDS:
        field = "id_number"
    form = UnmaskForm(request.POST or None, initial={"field": field})
    value = None
    if request.method == "POST" and form.is_valid():
        try:
            value = privacy.unmask(
                request.user, woman, form.cleaned_data["field"], form.cleaned_data["reason"]
            )
        except ValidationError as exc:
            form.apply_service_error(exc)
    context = {
        "woman": woman,
        "form": form,
        "field": field,
        "label": UNMASKABLE_FIELDS[field],
        "value": value,
        "revealed": value is not None,
    }
    template = "registry/_unmask.html" if request.htmx else "registry/woman_unmask.html"
    return render(request, template, context)


@require_POST
@scoped(Woman, "change")
def consent_give(request, pk):
    woman = load_woman(request, pk)
    form = ConsentForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            privacy.give_consent(
                request.user, woman, data["purpose"], data["notice_version"], data["given_on"]
            )
            messages.success(request, _("已记录同意。"))
        except ValidationError as exc:
            report_error(request, exc)
    else:
        messages.error(request, _("请选择用途。"))
    return redirect("registry:detail", pk=woman.pk)


@require_POST
@scoped(Consent, "change")
def consent_withdraw(request, pk):
    consent = get_visible_or_404(Consent.objects.select_related("woman"), request.user, pk=pk)
    services.ensure_can_change(request.user, consent.woman)
    form = WithdrawForm(request.POST)
    withdrawn_on = form.cleaned_data["withdrawn_on"] if form.is_valid() else None
    try:
        privacy.withdraw_consent(request.user, consent, withdrawn_on)
        messages.success(request, _("已记录撤回；仅凭该同意保存的信息已删除。"))
    except ValidationError as exc:
        report_error(request, exc)
    return redirect("registry:detail", pk=consent.woman_id)


@scoped(Woman, "change")
def woman_close(request, pk):
    woman = load_woman(request, pk)
    services.ensure_can_change(request.user, woman)
    form = CloseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            privacy.close_woman(request.user, woman, form.cleaned_data["reason"])
        except ValidationError as exc:
            form.apply_service_error(exc)
        else:
            messages.success(
                request,
                _("档案已注销；保存期（%(n)d 天）满后将自动匿名化。") % {"n": privacy.retention_days()},
            )
            return redirect("registry:detail", pk=woman.pk)
    return render(
        request,
        "registry/woman_action.html",
        {
            "woman": woman,
            "form": form,
            "title": _("注销档案"),
            "intro": _(
                "她迁出、去世或不再需要帮扶时注销。注销后不在名册中显示，保存期满后个人信息自动匿名化。"
            ),
            "submit": _("注销"),
        },
    )


@require_POST
@scoped(Woman, "change")
def woman_reopen(request, pk):
    woman = load_woman(request, pk)
    try:
        privacy.reopen_woman(request.user, woman)
        messages.success(request, _("档案已恢复在册。"))
    except ValidationError as exc:
        report_error(request, exc)
    return redirect("registry:detail", pk=woman.pk)


@scoped(Woman, "change")
def woman_remove(request, pk):
    """REG-5: removal on her request — personal fields anonymised, counts kept, reason logged."""
    woman = load_woman(request, pk)
    services.ensure_can_change(request.user, woman)
    form = ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            privacy.remove_woman(request.user, woman, form.cleaned_data["reason"])
        except ValidationError as exc:
            form.apply_service_error(exc)
        else:
            messages.success(request, _("已按本人要求删除个人信息；档案保留为匿名记录，用于统计。"))
            return redirect("registry:detail", pk=woman.pk)
    return render(
        request,
        "registry/woman_action.html",
        {
            "woman": woman,
            "form": form,
            "title": _("应本人要求删除"),
            "intro": _(
                "删除后，姓名、身份证号、电话、住址、家庭和健康情况将被不可恢复地清除；"
                "档案以匿名形式保留（所属社区、困难群体、出生年份），以免统计数字失真。"
            ),
            "submit": _("确认删除"),
            "danger": True,
        },
    )


@scoped(Woman, "export")
def woman_export(request, pk):
    """REG-5: export for her — everything held about her, unmasked, with the reason logged."""
    woman = load_woman(request, pk)
    try:
        privacy.require_export_for_her(request.user, woman)
    except ValidationError as exc:
        report_error(request, exc)
        return redirect("registry:detail", pk=woman.pk)
    form = ReasonForm(request.POST or None, initial={"reason": _("本人申请查阅、复制个人信息")})
    if request.method == "POST" and form.is_valid():
        try:
            path = export_for_her(request.user, woman, form.cleaned_data["reason"])
        except ValidationError as exc:
            form.apply_service_error(exc)
        else:
            filename = f"个人信息-{woman.file_number}-{timezone.localdate():%Y%m%d}.xlsx"
            return temporary_file_response(path, filename)
    return render(
        request,
        "registry/woman_action.html",
        {
            "woman": woman,
            "form": form,
            "title": _("为本人导出个人信息"),
            "intro": _("导出平台保存的她的全部个人信息（明文），交给本人。导出将记入访问日志。"),
            "submit": _("导出 Excel"),
        },
    )
