"""Three-level training (BLD-4): sessions, attendance by person (typed or imported from the sign-in
sheet), and coverage — which units had no cadre trained this year, hours per level and per cadre."""

from __future__ import annotations

import os

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import CharField, Count, Exists, F, OuterRef, Q, Sum, Value
from django.db.models.functions import Cast, Concat
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from fuqing.building import services
from fuqing.building.coverage import TRAINED_KINDS
from fuqing.building.forms import AttendanceForm, SessionForm, unit_choices
from fuqing.building.models import Attendance, TrainingLevel, TrainingSession
from fuqing.building.services.training import LEVEL_KINDS
from fuqing.building.views.common import (
    can_edit,
    can_export,
    page_year,
    paginate,
    report,
    require_edit,
    require_view,
    selected_unit,
)
from fuqing.core import uploads
from fuqing.core.context_processors import list_year
from fuqing.core.ledger import ImportContext, LedgerFileError, get_ledger, import_file
from fuqing.core.routes import scoped
from fuqing.core.scoping import can_edit as may_change
from fuqing.core.scoping import get_visible_or_404, subtree_q
from fuqing.orgs.models import Org


@scoped(TrainingSession, "list")
def session_list(request):
    require_view(request.user)
    unit = selected_unit(request)
    q = request.GET.get("q", "").strip()[:50]
    year = list_year(request, searching=bool(q))
    qs = TrainingSession.objects.visible_to(request.user).select_related("org")
    if year:
        qs = qs.filter(year=year)
    if q:
        qs = qs.filter(Q(topic__icontains=q) | Q(place__icontains=q) | Q(trainer__icontains=q))
    qs = qs.annotate(
        people=Count("attendances", filter=Q(attendances__in=Attendance.objects.visible_to(request.user)))
    ).order_by("-held_on", "-id")
    page, querystring = paginate(request, qs)
    return render(
        request,
        "building/session_list.html",
        {
            "page": page,
            "querystring": querystring,
            "q": q,
            "year": year,
            "unit": unit,
            "can_edit": can_edit(request.user),
            "can_export": can_export(request.user),
            "active": "trainings",
        },
    )


@scoped(Attendance, "page")
def training_coverage(request):
    """Which units of the subtree had no cadre trained this year; hours per level and per cadre."""
    require_view(request.user)
    unit = selected_unit(request)
    year = page_year(request)
    context = {"unit": unit, "year": year, "active": "trainings", "tab": request.GET.get("tab", "units")}
    if unit is None:
        return render(request, "building/training_coverage.html", context)
    attendance = Attendance.objects.visible_to(request.user).filter(
        subtree_q(unit.path, "org__path"), session__year=year
    )
    person = Concat(Cast("org_id", CharField()), Value(":"), F("name"), output_field=CharField())
    levels = {
        r["session__level"]: r
        for r in attendance.annotate(person=person)
        .values("session__level")
        .annotate(
            sessions=Count("session", distinct=True),
            people=Count("person", distinct=True),
            units=Count("org", distinct=True),
            hours=Sum("hours"),
        )
        .order_by()
    }
    to_train = {
        r["kind"]: r["n"]
        for r in Org.objects.visible_to(request.user)
        .filter(subtree_q(unit.path), kind__in=TRAINED_KINDS, is_active=True)
        .values("kind")
        .annotate(n=Count("id"))
        .order_by()
    }
    level_rows = []
    for level, label in TrainingLevel.choices:
        row = levels.get(level, {})
        people = row.get("people") or 0
        hours = float(row.get("hours") or 0)
        units = sum(to_train.get(k, 0) for k in LEVEL_KINDS[level])
        level_rows.append(
            {
                "label": label,
                "sessions": row.get("sessions") or 0,
                "people": people,
                "hours": hours,
                "per_cadre": round(hours / people, 1) if people else None,
                "units": units,
            }
        )
    tab = context["tab"]
    if tab == "cadres":
        cadres = (
            attendance.values("org__name", "org_id", "name")
            .annotate(sessions=Count("id"), hours=Sum("hours"))
            .order_by("-hours", "org__name", "name")
        )
        page, querystring = paginate(request, cadres)
    else:
        trained = Attendance.objects.filter(org=OuterRef("pk"), session__year=year)
        untrained = (
            Org.objects.visible_to(request.user)
            .filter(subtree_q(unit.path), kind__in=TRAINED_KINDS, is_active=True)
            .annotate(trained=Exists(trained))
            .filter(trained=False)
            .order_by("path")
        )
        page, querystring = paginate(request, untrained)
    context.update({"levels": level_rows, "page": page, "querystring": querystring})
    return render(request, "building/training_coverage.html", context)


@scoped(TrainingSession, "create")
def session_add(request):
    require_edit(request.user)
    form = SessionForm(
        request.POST or None, user=request.user, unit=selected_unit(request), initial={"hours": 3}
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        org = data.pop("org")
        try:
            session = services.create_session(request.user, org, **data)
        except ValidationError as exc:
            form.apply_service_error(exc)
        else:
            messages.success(request, _("已安排培训：%(t)s。") % {"t": session.topic})
            return redirect("building:session", pk=session.pk)
    return render(
        request, "building/form.html", {"form": form, "title": _("安排培训"), "active": "trainings"}
    )


@scoped(TrainingSession, "change")
def session_edit(request, pk):
    session = get_visible_or_404(TrainingSession, request.user, edit=True, pk=pk)
    require_edit(request.user)
    initial = {f: getattr(session, f) for f in ("held_on", "place", "level", "topic", "hours", "trainer")}
    form = SessionForm(request.POST or None, user=request.user, editing=True, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_session(request.user, session, **form.cleaned_data)
        except ValidationError as exc:
            form.apply_service_error(exc)
        else:
            messages.success(request, _("已保存。"))
            return redirect("building:session", pk=session.pk)
    return render(
        request, "building/form.html", {"form": form, "title": _("修改培训"), "active": "trainings"}
    )


def _attendee_units(user, session):
    kinds = LEVEL_KINDS[session.level]
    return unit_choices(user, session.org, levels=3).filter(kind__in=kinds)


@scoped(TrainingSession, "read")
def session_detail(request, pk):
    session = get_visible_or_404(TrainingSession.objects.select_related("org"), request.user, pk=pk)
    require_view(request.user)
    attendances = (
        Attendance.objects.visible_to(request.user)
        .filter(session=session)
        .select_related("org")
        .order_by("org__path", "name")
    )
    page, querystring = paginate(request, attendances, 100)
    editable = can_edit(request.user)
    return render(
        request,
        "building/session_detail.html",
        {
            "session": session,
            "page": page,
            "querystring": querystring,
            "can_edit": editable and may_change(request.user, session),
            "can_edit_session": editable and may_change(request.user, session),
            "form": AttendanceForm(units=_attendee_units(request.user, session))
            if editable and may_change(request.user, session)
            else None,
            "active": "trainings",
        },
    )


@require_POST
@scoped(TrainingSession, "change")
def attendance_add(request, pk):
    """The organiser records attendance (she holds the sign-in sheet) for units of her subtree."""
    session = get_visible_or_404(TrainingSession, request.user, edit=True, pk=pk)
    require_edit(request.user)
    form = AttendanceForm(request.POST, units=_attendee_units(request.user, session))
    if form.is_valid():
        try:
            services.add_attendance(request.user, session, **form.cleaned_data)
        except ValidationError as exc:
            report(request, exc)
        else:
            messages.success(request, _("已签到。"))
    else:
        for field, errors in form.errors.items():
            for error in errors:
                messages.error(request, f"{form.fields[field].label}：{error}")
    return redirect("building:session", pk=session.pk)


@require_POST
@scoped(Attendance, "delete")
def attendance_remove(request, pk):
    attendance = get_visible_or_404(Attendance, request.user, edit=True, pk=pk)
    require_edit(request.user)
    session_pk = attendance.session_id
    services.remove_attendance(request.user, attendance)
    messages.success(request, _("已删除签到记录。"))
    return redirect("building:session", pk=session_pk)


@require_POST
@scoped(TrainingSession, "change")
def signin_import(request, pk):
    """The sign-in sheet (Excel: 姓名, 单位, 职务, 学时) of one session, all or nothing (BLD-4)."""
    session = get_visible_or_404(TrainingSession, request.user, edit=True, pk=pk)
    require_edit(request.user)
    upload = request.FILES.get("file")
    ledger = get_ledger("building_attendance")
    try:
        if upload is None:
            raise ValidationError(_("签到表：请选择要上传的 Excel 文件。"))
        uploads.SPREADSHEETS.check(upload)
        path = uploads.spool(upload)
        try:
            summary = import_file(
                ledger, path, ImportContext(actor=request.user, org=session.org, extra={"session": session})
            )
        finally:
            os.unlink(path)
    except (ValidationError, LedgerFileError) as exc:
        for message in getattr(exc, "messages", [str(exc)]):
            messages.error(request, message)
        return redirect("building:session", pk=session.pk)
    except PermissionDenied as exc:
        messages.error(request, str(exc))
        return redirect("building:session", pk=session.pk)
    if summary.written:
        messages.success(request, _("已从签到表导入 %(n)d 人。") % {"n": summary.imported})
    else:
        messages.error(request, _("签到表有 %(n)d 处错误，未导入任何记录：") % {"n": summary.error_count})
        for error in summary.errors[:20]:
            messages.error(
                request,
                _("第 %(r)d 行“%(c)s”：%(m)s") % {"r": error.row, "c": error.column, "m": error.message},
            )
    return redirect("building:session", pk=session.pk)
