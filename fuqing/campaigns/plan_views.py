"""Pages of implementation plans (实施方案, CAM-3)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.shortcuts import redirect, render
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from fuqing.campaigns import plans
from fuqing.campaigns.filters import PlanFilter
from fuqing.campaigns.forms import AttachmentForm, PlanForm
from fuqing.campaigns.models import Plan, PlanAttachment
from fuqing.campaigns.submission_views import org_param, require_view
from fuqing.core import uploads
from fuqing.core.context_processors import current_campaign
from fuqing.core.routes import scoped
from fuqing.core.scoping import can_edit, get_visible_or_404, subtree_q
from fuqing.orgs.models import Org, OrgKind, User


def _leaders(org: Org):
    return User.objects.filter(org=org, is_active=True).order_by("username")


def _can_edit_plan(user, plan: Plan) -> bool:
    return user.has_module_perm("campaigns", "edit") and can_edit(user, plan)


@scoped(Plan, "list")
def plan_list(request):
    """The plans of the campaign year the user sees (CAM-3), searchable, with the ledger download."""
    require_view(request.user)
    user = request.user
    campaign = current_campaign(request)
    org_param(request)  # a unit outside the scope answers 404, as on every campaigns list
    flt = PlanFilter(request.GET, user)  # the plans' filters, as their ledger and the API take them
    unit = flt.objects.get("org")
    plans_qs = Plan.objects.none()
    if campaign is not None:
        plans_qs = flt.apply(Plan.objects.visible_to(user), default_year=campaign.year)
    q, status = (flt.data.get("q") or "").strip(), flt.data.get("status", "")
    plans_qs = plans_qs.select_related("org").annotate(
        attachment_count=Count("attachments", filter=Q(attachments__removed_at__isnull=True))
    )
    page = Paginator(plans_qs.order_by("org__path"), 50).get_page(request.GET.get("page"))
    own = None
    if campaign is not None and user.org_id:
        own = Plan.objects.visible_to(user).filter(campaign__year=campaign.year, org=user.org).first()
    children = []
    if campaign is not None and user.has_module_perm("campaigns", "edit"):
        children = _children_without_plan(user, campaign)
    return render(
        request,
        "campaigns/plan_list.html",
        {
            "campaign": campaign,
            "page": page,
            "q": q,
            "status": status,
            "unit": unit,
            "flt": flt,
            "problems": flt.problems,
            "year": flt.data.get("year") or (campaign.year if campaign else None),
            "querystring": urlencode(
                {
                    "q": q,
                    "status": status,
                    **({"org": unit.pk} if unit else {}),
                    **({"year": flt.data["year"]} if flt.data.get("year") else {}),
                }
            ),
            "own": own,
            "can_create": campaign is not None and user.has_module_perm("campaigns", "edit"),
            "children_without_plan": children,
            "can_export": user.has_module_perm("campaigns", "export"),
        },
    )


def _children_without_plan(user, campaign) -> list[Org]:
    """The user's direct child federations and departments that have no plan yet (coverage at a glance)."""
    if user.org_id is None:
        return []
    org = user.org
    children = (
        Org.objects.editable_by(user)
        .filter(subtree_q(org.path), depth=org.depth + 1, is_active=True)
        .exclude(kind=OrgKind.WOMENS_GROUP)
    )
    with_plan = Plan.objects.filter(campaign__year=campaign.year, org__in=children).values("org_id")
    return list(children.exclude(pk__in=with_plan).order_by("path")[:50])


@scoped(Plan, "create")
def plan_add(request):
    """A new plan for the user's unit, or (``?org=``) for a unit under it."""
    user = request.user
    if not user.has_module_perm("campaigns", "edit"):
        raise PermissionDenied(_("您没有填报实施方案的权限。"))
    campaign = current_campaign(request)
    if campaign is None:
        messages.error(request, _("还没有本年度活动，无法填报实施方案。"))
        return redirect("campaigns:plans")
    org = user.org
    org_id = request.GET.get("org", "")
    if org_id.isdigit():
        org = get_visible_or_404(Org, user, edit=True, pk=int(org_id))
    existing = Plan.objects.visible_to(user).filter(campaign__year=campaign.year, org=org).first()
    if existing is not None:
        messages.info(request, _("本单位已有实施方案，请在原方案上修改。"))
        return redirect("campaigns:plan-edit", pk=existing.pk)
    form = PlanForm(
        request.POST or None,
        leaders=_leaders(org),
        initial={
            "title": _("%(org)s%(y)d年“%(n)s”活动实施方案")
            % {"org": org.name, "y": campaign.year, "n": campaign.name}
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            plan = plans.create_plan(user, campaign=campaign, org=org, **form.cleaned_data)
        except ValidationError as exc:
            form.apply_service_error(exc)
        else:
            messages.success(request, _("实施方案已保存（第 1 版）。确认无误后请提交。"))
            return redirect("campaigns:plan", pk=plan.pk)
    return render(
        request,
        "campaigns/plan_form.html",
        {"form": form, "org": org, "campaign": campaign, "title": _("填报实施方案")},
    )


@scoped(Plan, "read")
def plan_detail(request, pk):
    plan = get_visible_or_404(Plan.objects.select_related("org", "campaign"), request.user, pk=pk)
    require_view(request.user)
    editable = _can_edit_plan(request.user, plan)
    return _render_detail(request, plan, editable)


def _render_detail(request, plan, editable, attachment_form=None, status=200):
    return render(
        request,
        "campaigns/plan_detail.html",
        {
            "plan": plan,
            "leaders": plan.leaders.all(),
            "attachments": plan.attachments.present().select_related("uploaded_by"),
            "versions": plan.versions.select_related("saved_by"),
            "can_edit": editable,
            "can_submit": editable and (plan.submitted_at is None or plan.submitted_version != plan.version),
            "attachment_form": attachment_form
            or (AttachmentForm(accept=uploads.ATTACHMENTS.accept) if editable else None),
            "types": uploads.ATTACHMENTS.types_label,
        },
        status=status,
    )


@scoped(Plan, "change")
def plan_edit(request, pk):
    plan = get_visible_or_404(Plan.objects.select_related("org", "campaign"), request.user, pk=pk)
    if not _can_edit_plan(request.user, plan):
        raise PermissionDenied(_("只读范围：您可以查看该单位的实施方案，但不能修改。"))
    initial = {
        "title": plan.title,
        "goals": plan.goals,
        "responsibilities": plan.responsibilities,
        "measures": plan.measures,
        "leaders": list(plan.leaders.all()),
    }
    form = PlanForm(request.POST or None, leaders=_leaders(plan.org), initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            updated = plans.update_plan(request.user, plan, **form.cleaned_data)
        except ValidationError as exc:
            form.apply_service_error(exc)
        else:
            if updated.version != plan.version:
                messages.success(
                    request, _("已保存为第 %(v)d 版，之前的版本保留在历史中。") % {"v": updated.version}
                )
            else:
                messages.info(request, _("内容没有变化。"))
            return redirect("campaigns:plan", pk=plan.pk)
    return render(
        request,
        "campaigns/plan_form.html",
        {"form": form, "org": plan.org, "campaign": plan.campaign, "plan": plan, "title": _("修改实施方案")},
    )


@require_POST
@scoped(Plan, "change")
def plan_submit(request, pk):
    plan = get_visible_or_404(Plan.objects.select_related("org", "campaign"), request.user, pk=pk)
    if not _can_edit_plan(request.user, plan):
        raise PermissionDenied(_("只读范围：您可以查看该单位的实施方案，但不能提交。"))
    try:
        plans.submit_plan(request.user, plan)
    except ValidationError as exc:
        for error in exc.messages:
            messages.error(request, error)
    else:
        messages.success(request, _("实施方案已提交。"))
    return redirect("campaigns:plan", pk=plan.pk)


@require_POST
@scoped(Plan, "change")
def plan_attach(request, pk):
    plan = get_visible_or_404(Plan.objects.select_related("org", "campaign"), request.user, pk=pk)
    if not _can_edit_plan(request.user, plan):
        raise PermissionDenied(_("只读范围：您可以查看该单位的实施方案，但不能上传附件。"))
    form = AttachmentForm(request.POST, request.FILES, accept=uploads.ATTACHMENTS.accept)
    if form.is_valid():
        try:
            plans.add_attachment(request.user, plan, form.cleaned_data["file"])
        except ValidationError as exc:
            form.apply_service_error(exc)
        else:
            messages.success(request, _("附件已上传。"))
            return redirect("campaigns:plan", pk=plan.pk)
    return _render_detail(request, plan, True, attachment_form=form)


@scoped(PlanAttachment, "read")
def attachment_download(request, pk):
    attachment = get_visible_or_404(PlanAttachment, request.user, pk=pk)
    require_view(request.user)
    return uploads.private_download(attachment.file_path, attachment.file_name, attachment.content_type)


@require_POST
@scoped(PlanAttachment, "delete")
def attachment_remove(request, pk):
    attachment = get_visible_or_404(PlanAttachment.objects.select_related("plan__org"), request.user, pk=pk)
    if not _can_edit_plan(request.user, attachment.plan):
        raise PermissionDenied(_("只读范围：您可以查看该单位的实施方案，但不能移除附件。"))
    plans.remove_attachment(request.user, attachment)
    messages.success(request, _("附件已移除（记录保留）。"))
    return redirect("campaigns:plan", pk=attachment.plan_id)
