"""Registry pages: the list, registering, her page with its timeline, correcting, duplicates and merging.

Every object comes through ``get_visible_or_404`` first (out of scope: 404), permissions second. No
personal value ever appears in a URL: records by UUID, look-ups by ID number by POST.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from fuqing.core import paging, searches
from fuqing.core.permissions import require
from fuqing.core.routes import scoped
from fuqing.core.scoping import can_edit, get_visible_or_404
from fuqing.orgs.models import Org, OrgKind
from fuqing.registry import finding, hooks, privacy, services
from fuqing.registry.filters import SORTS, WomanFilter
from fuqing.registry.forms import LookupForm, MergeForm, WomanForm
from fuqing.registry.history import timeline
from fuqing.registry.ledgers import WomanLedger
from fuqing.registry.models import UNMASKABLE_FIELDS, Consent, ConsentPurpose, Woman, WomanStatus
from fuqing.registry.privacy import can_unmask, notice_version

PAGE_SIZE = 50
SORTABLE = {  # module level: lazy, so the headers follow the reader's language
    "name": gettext_lazy("姓名"),
    "age": gettext_lazy("年龄"),
    "org": gettext_lazy("所属社区(村)"),
    "registered_on": gettext_lazy("登记日期"),
}


def load_woman(request, pk, select=("org",)) -> Woman:
    woman = get_visible_or_404(Woman.objects.select_related(*select), request.user, pk=pk)
    require(request.user, "registry", "view")
    return woman


COMMUNITY_CHOICES = 1500


def _communities(user) -> list[tuple[int, str]]:
    """Units to filter by; a scope too big to list every community offers districts and townships."""
    visible = Org.objects.visible_to(user).filter(is_active=True).order_by("path")
    kinds = [OrgKind.DISTRICT, OrgKind.TOWNSHIP, OrgKind.COMMUNITY]
    if visible.filter(kind__in=kinds)[COMMUNITY_CHOICES : COMMUNITY_CHOICES + 1].exists():
        kinds = [OrgKind.DISTRICT, OrgKind.TOWNSHIP]
    orgs = visible.filter(kind__in=kinds).values_list("pk", "name", "depth")[:COMMUNITY_CHOICES]
    if not orgs:
        return []
    top = min(depth for _pk, _name, depth in orgs)
    return [(pk, "　" * (depth - top) + name) for pk, name, depth in orgs]


# A name searched on the list never travels in the URL (issue 10): it is posted and kept behind a token.
PERSONAL_FILTERS = ("q",)


@scoped(Woman, "list")
def woman_list(request):
    """The register: count in the title, filters in the URL — except the name searched, which is posted
    and saved behind a token (``core.searches``) —, allowlisted sorting (SEC-4), pagination."""
    user = request.user
    require(user, "registry", "view")
    source = request.POST if request.method == "POST" else request.GET
    moved = searches.move_out_of_url(request, source, PERSONAL_FILTERS)
    if request.method == "POST" or moved is not None:
        moved = moved if moved is not None else source.copy()
        moved.pop("csrfmiddlewaretoken", None)
        query = moved.urlencode()
        return redirect(reverse("registry:list") + (f"?{query}" if query else ""))
    flt = WomanFilter(searches.expand(request, request.GET), communities=_communities(user))
    women = flt.apply(Woman.objects.visible_to(user)).select_related("org").prefetch_related("groups")
    page = paging.paginate(request, women, PAGE_SIZE)
    params = request.GET.copy()
    for name in paging.CURSOR_PARAMS:
        params.pop(name, None)
    sort_params = params.copy()
    sort_params.pop("sort", None)
    ledger = WomanLedger()
    return render(
        request,
        "registry/woman_list.html",
        {
            "page": page,
            "filter": flt.form,
            "querystring": params.urlencode(),
            "sort_base": sort_params.urlencode(),
            "sort": flt.sort,
            "sortable": [(key, label, _next_sort(key, flt.sort)) for key, label in SORTABLE.items()],
            "filtered": any(v for k, v in params.items() if k != "sort"),
            "can_edit": user.has_module_perm("registry", "edit"),
            "can_export": ledger.can_export(user),
            "can_import": ledger.can_import(user),
            "lookup_form": LookupForm(),
        },
    )


def deep_page_query(user, number: int) -> str:
    """The query string of the list's page ``number`` (default filters and sort) as its "next" links
    reach it: for benchmarks of deep pages."""
    women = WomanFilter({}).apply(Woman.objects.visible_to(user))
    cursor = paging.cursor_at(women, (number - 1) * PAGE_SIZE)
    return f"after={cursor}&n={number}" if cursor else f"page={number}"


def _next_sort(key: str, current: str) -> str:
    return f"-{key}" if current == key and f"-{key}" in SORTS else key


@scoped(Woman, "create")
def woman_add(request):
    """REG-1: register a woman; the same ID number twice is refused with a link to her record (REG-4)."""
    user = request.user
    require(user, "registry", "edit")
    orgs = services.eligible_orgs(user)
    form = WomanForm(request.POST or None, orgs=orgs, initial={"org": _default_org(user, orgs)})
    existing = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            woman = services.register_woman(
                user,
                org=data["org"],
                name=data["name"],
                id_number=data["id_number"],
                phone=data["phone"],
                address=data["address"],
                groups=list(data["groups"]),
                household_notes=data["household_notes"],
                health_notes=data["health_notes"],
                registered_on=data["registered_on"],
                confirm_male=data["confirm_male"],
                health_consent=data["health_consent"],
                notice_version=data["notice_version"],
            )
        except ValidationError as exc:
            existing = getattr(exc, "existing", None)
            form.apply_service_error(exc)
        else:
            messages.success(request, _("已登记，档案编号 %(f)s。") % {"f": woman.file_number})
            return redirect("registry:detail", pk=woman.pk)
    return render(
        request, "registry/woman_form.html", {"form": form, "title": _("登记妇女"), "existing": existing}
    )


def _default_org(user, orgs):
    if user.org_id and orgs.filter(pk=user.org_id).exists():
        return user.org_id
    return None


@scoped(Woman, "read")
def woman_detail(request, pk):
    woman = load_woman(request, pk, select=("org", "merged_into"))
    user = request.user
    sections = []
    for section in hooks.detail_sections():
        context = section.context(request, woman)
        if context is not None:
            sections.append({"label": section.label, "template": section.template, "context": context})
    editable = can_edit(user, woman) and user.has_module_perm("registry", "edit")
    return render(
        request,
        "registry/woman_detail.html",
        {
            "woman": woman,
            "groups": list(woman.groups.all()),
            "consents": list(Consent.objects.filter(woman=woman).select_related("recorded_by")),
            "timeline": timeline(woman, user),
            "can_change": editable and woman.status in (WomanStatus.ACTIVE, WomanStatus.INACTIVE),
            "is_active": woman.status == WomanStatus.ACTIVE,
            "can_unmask": can_unmask(user) and not woman.anonymised_at,
            "can_export_for_her": can_unmask(user) and user.has_module_perm("registry", "export"),
            "unmaskable": UNMASKABLE_FIELDS,
            "consent_purposes": ConsentPurpose.choices,
            "notice_version": notice_version(),
            "sections": sections,
        },
    )


@scoped(Woman, "change")
def woman_edit(request, pk):
    """REG-5: correct a record. Masked fields stay empty: typing a value replaces it, blank keeps it."""
    woman = load_woman(request, pk)
    user = request.user
    services.ensure_can_change(user, woman)
    orgs = services.eligible_orgs(user)
    initial = {
        "org": woman.org_id,
        "address": woman.address,
        "household_notes": woman.household_notes,
        "groups": list(woman.groups.all()),
        "registered_on": woman.registered_on,
    }
    form = WomanForm(request.POST or None, orgs=orgs, editing=True, woman=woman, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        changes = {
            "address": data["address"],
            "household_notes": data["household_notes"],
            "registered_on": data["registered_on"] or woman.registered_on,
        }
        for name in ("name", "id_number", "phone", "health_notes"):
            if data[name]:
                changes[name] = data[name]
        if "id_number" in changes:
            changes["confirm_male"] = data["confirm_male"]
        try:
            with transaction.atomic():  # the consent given on this form stands only if the change does
                if (
                    data["health_consent"]
                    and data["health_notes"]
                    and not privacy.has_consent(woman, "health")
                ):
                    privacy.give_consent(user, woman, "health", data["notice_version"])
                services.update_woman(
                    user,
                    woman,
                    reason=data["reason"],
                    org=data["org"],
                    groups=list(data["groups"]),
                    **changes,
                )
        except ValidationError as exc:
            form.apply_service_error(exc)
        else:
            messages.success(request, _("已保存更正。"))
            return redirect("registry:detail", pk=woman.pk)
    return render(request, "registry/woman_form.html", {"form": form, "title": _("更正档案"), "woman": woman})


@require_POST
@scoped(Woman, "page")
def woman_lookup(request):
    """Find a record by ID number without the number entering a URL or a log (SEC-8)."""
    form = LookupForm(request.POST)
    if form.is_valid():
        try:
            woman, exists = finding.lookup_by_id_number(request.user, form.cleaned_data["id_number"])
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
        else:
            if woman is not None:
                return redirect("registry:detail", pk=woman.pk)
            if exists:
                messages.warning(request, _("该身份证号已在您管理范围以外的单位登记，您无权查看。"))
            else:
                messages.info(request, _("没有找到该身份证号的档案，可以登记。"))
    else:
        messages.error(request, _("请输入身份证号。"))
    return redirect("registry:list")


@scoped(Woman, "list")
def duplicates(request):
    """REG-4: likely duplicates (same name and phone) in the user's scope, to check and merge."""
    require(request.user, "registry", "view")
    # The name checked never travels in the URL (issue 10, as on the list): posted, kept behind a token.
    source = request.POST if request.method == "POST" else request.GET
    moved = searches.move_out_of_url(request, source, PERSONAL_FILTERS)
    if request.method == "POST" or moved is not None:
        moved = moved if moved is not None else source.copy()
        moved.pop("csrfmiddlewaretoken", None)
        query = moved.urlencode()
        return redirect(reverse("registry:duplicates") + (f"?{query}" if query else ""))
    q = searches.expand(request, request.GET).get("q", "").strip()[:50]
    groups = finding.duplicate_groups(request.user, q=q)
    editable = request.user.has_module_perm("registry", "edit")
    return render(
        request,
        "registry/duplicates.html",
        {
            "groups": [
                {
                    "women": g,
                    "mergeable": editable and len(g) > 1 and all(can_edit(request.user, w) for w in g),
                }
                for g in groups
            ],
            "q": q,
        },
    )


@scoped(Woman, "change")
def woman_merge(request, pk):
    """REG-4: merge a duplicate into this record (the survivor); all history is kept."""
    survivor = load_woman(request, pk)
    user = request.user
    services.ensure_can_change(user, survivor)
    editable = Woman.objects.editable_by(user).active().exclude(pk=survivor.pk).select_related("org")
    candidates = list(
        editable.filter(
            Q(name=survivor.name, phone_index=survivor.phone_index) & ~Q(phone_index="")
            | Q(name=survivor.name, birth_date=survivor.birth_date) & Q(birth_date__isnull=False)
        )[:20]
    )
    chosen = request.POST.get("file_number", "").strip().upper()[:20]
    if chosen:
        extra = editable.filter(file_number=chosen).first()
        if extra is not None and extra not in candidates:
            candidates.append(extra)
    form = MergeForm(request.POST or None, candidates=candidates)
    if request.method == "POST":
        if chosen and not any(c.file_number == chosen for c in candidates):
            form.add_error(None, _("找不到您可修改的在册档案 %(f)s。") % {"f": chosen})
        elif form.is_valid():
            try:
                services.merge_women(
                    user, survivor, form.candidates[form.cleaned_data["other"]], form.cleaned_data["reason"]
                )
            except ValidationError as exc:
                form.apply_service_error(exc)
            else:
                messages.success(request, _("已合并，原档案的全部记录已归入本档案。"))
                return redirect("registry:detail", pk=survivor.pk)
    return render(request, "registry/woman_merge.html", {"woman": survivor, "form": form, "chosen": chosen})


def report_error(request, exc: Exception) -> None:
    if isinstance(exc, ValidationError):
        for message in exc.messages:
            messages.error(request, message)
    elif isinstance(exc, PermissionDenied):
        raise exc
