"""The campaign calendar pages (CAM-1)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from fuqing.campaigns import services
from fuqing.campaigns.forms import CampaignForm, DeadlineForm
from fuqing.campaigns.models import Campaign, Deadline
from fuqing.campaigns.submission_views import org_param
from fuqing.campaigns.submissions import campaign_obligations, counts_by_deadline
from fuqing.core.routes import scoped
from fuqing.core.scoping import can_edit, get_visible_or_404


def _can_manage(user, campaign=None) -> bool:
    if not user.has_admin_ability("manage_campaigns"):
        return False
    return campaign is None or can_edit(user, campaign)


def _require_view(user):
    if not (user.has_module_perm("campaigns", "view") or user.has_admin_ability("manage_campaigns")):
        raise PermissionDenied(_("您没有查看活动的权限。"))


@scoped(Campaign, "list")
def campaign_list(request):
    _require_view(request.user)
    org_param(request)  # the calendar is the user's; a unit outside her scope answers 404
    campaigns = Campaign.objects.visible_to(request.user).select_related("org").prefetch_related("deadlines")
    return render(
        request,
        "campaigns/campaign_list.html",
        {
            "campaigns": campaigns,
            "can_manage": _can_manage(request.user),
            # FLD-1: records of today's year count in that year; say when it has no campaign yet
            "missing_year": None
            if campaigns.filter(year=timezone.localdate().year).exists()
            else timezone.localdate().year,
        },
    )


@scoped(Campaign, "read")
def campaign_detail(request, pk):
    campaign = get_visible_or_404(Campaign.objects.select_related("org"), request.user, pk=pk)
    _require_view(request.user)
    today = timezone.localdate()
    counts = counts_by_deadline(campaign_obligations(request.user, campaign), today)
    return render(
        request,
        "campaigns/campaign_detail.html",
        {
            "campaign": campaign,
            "deadlines": campaign.deadlines.prefetch_related("owed_by_orgs"),
            "counts": counts,
            "can_manage": _can_manage(request.user, campaign),
        },
    )


@scoped(Campaign, "create")
def campaign_add(request):
    if not _can_manage(request.user):
        raise PermissionDenied(_("只有系统管理员可以新建活动。"))
    form = CampaignForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            campaign = services.create_campaign(request.user, org=request.user.org, **form.cleaned_data)
        except ValidationError as exc:
            form.apply_service_error(exc)
        else:
            messages.success(request, _("活动已创建，截止日期按 2014 年通知的日程生成，可逐项修改。"))
            return redirect("campaigns:detail", pk=campaign.pk)
    return render(request, "campaigns/campaign_form.html", {"form": form, "title": _("新建活动")})


@scoped(Campaign, "change")
def campaign_edit(request, pk):
    campaign = get_visible_or_404(Campaign, request.user, pk=pk)
    if not _can_manage(request.user, campaign):
        raise PermissionDenied(_("只有主办单位的系统管理员可以修改活动。"))
    form = CampaignForm(request.POST or None, instance=campaign)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_campaign(request.user, campaign, form)
        except ValidationError as exc:
            form.apply_service_error(exc)
        else:
            messages.success(request, _("已保存。"))
            return redirect("campaigns:detail", pk=campaign.pk)
    return render(
        request, "campaigns/campaign_form.html", {"form": form, "title": _("修改活动"), "campaign": campaign}
    )


@require_POST
@scoped(Campaign, "change")
def campaign_copy(request, pk):
    """Next year's campaign in one step (CAM-1)."""
    campaign = get_visible_or_404(Campaign, request.user, pk=pk)
    if not _can_manage(request.user, campaign):
        raise PermissionDenied(_("只有主办单位的系统管理员可以新建活动。"))
    try:
        new = services.copy_to_next_year(request.user, campaign)
    except ValidationError as exc:
        for error in exc.messages:
            messages.error(request, error)
        return redirect("campaigns:detail", pk=campaign.pk)
    messages.success(request, _("已按%(y)d年的设置创建%(n)d年活动。") % {"y": campaign.year, "n": new.year})
    return redirect("campaigns:detail", pk=new.pk)


@scoped(Deadline, "change")
def deadline_edit(request, pk):
    deadline = get_visible_or_404(Deadline.objects.select_related("campaign"), request.user, pk=pk)
    if not _can_manage(request.user, deadline):
        raise PermissionDenied(_("只有主办单位的系统管理员可以修改截止日期。"))
    form = DeadlineForm(
        request.POST or None, instance=deadline, campaign=deadline.campaign, actor=request.user
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.update_deadline(request.user, deadline, form)
        except ValidationError as exc:
            form.apply_service_error(exc)
        else:
            messages.success(request, _("已保存。"))
            return redirect("campaigns:detail", pk=deadline.campaign_id)
    return render(
        request,
        "campaigns/campaign_form.html",
        {"form": form, "title": _("修改截止日期"), "campaign": deadline.campaign},
    )


@scoped(Campaign, "change")
def deadline_add(request, pk):
    campaign = get_visible_or_404(Campaign, request.user, pk=pk)
    if not _can_manage(request.user, campaign):
        raise PermissionDenied(_("只有主办单位的系统管理员可以增加截止日期。"))
    form = DeadlineForm(
        request.POST or None,
        instance=Deadline(campaign=campaign),
        initial={"remind_days_before": 7},
        campaign=campaign,
        actor=request.user,
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.update_deadline(request.user, form.instance, form)
        except ValidationError as exc:
            form.apply_service_error(exc)
        else:
            messages.success(request, _("已增加。"))
            return redirect("campaigns:detail", pk=campaign.pk)
    return render(
        request,
        "campaigns/campaign_form.html",
        {"form": form, "title": _("增加截止日期"), "campaign": campaign},
    )
