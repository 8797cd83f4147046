"""Paired assistance (NEED-2) and the actions given (NEED-3), with the funds they add up to."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Case, Count, DecimalField, F, Q, Sum, Value, When
from django.db.models.functions import Coalesce, Substr
from django.utils.translation import gettext as _

from fuqing.assistance.models import (
    Action,
    ActionService,
    NeedEventType,
    Pairing,
    PairingHelper,
    PairingKind,
    PairingStatus,
)
from fuqing.assistance.services import (
    _event,
    can_see,
    check_dates,
    check_org,
    check_user,
    check_woman,
    require_edit,
)
from fuqing.core import audit
from fuqing.core.models import AuditAction
from fuqing.core.scoping import user_scope
from fuqing.orgs.services import is_administrator_account
from fuqing.projects.models import Project
from fuqing.registry.models import ConsentPurpose
from fuqing.registry.privacy import check_help_consent, record_consent_exception

# --- pairings -------------------------------------------------------------------------------------


def clean_pairing(actor, values: dict, users: list, orgs: list, org=None, *, picked: bool = False) -> None:
    """NEED-2's rules, shared by the form, the API and the import (``picked``: see ``clean_need``)."""
    errors = {}
    if values["kind"] not in PairingKind.values:
        errors["kind"] = _("请选择结对形式（一帮一或多帮一）。")
    if values.get("woman") is None and not (values.get("household") or "").strip():
        errors["woman"] = _("请选择帮扶对象妇女，或填写帮扶家庭。")
    helpers = len(users) + len(orgs)
    if values["kind"] == PairingKind.ONE_TO_ONE and helpers != 1:
        errors["helpers"] = _("“一帮一”须恰好有一名帮扶干部或一个帮扶单位。")
    elif values["kind"] == PairingKind.MANY_TO_ONE and helpers < 2:
        errors["helpers"] = _("“多帮一”须有两名（个）以上帮扶干部或单位。")
    if errors:
        raise ValidationError(errors, code="NEED-2")
    check_dates(
        values["starts_on"],
        values.get("review_on"),
        "starts_on",
        "review_on",
        "NEED-2",
        _("结对日期"),
        _("复查日期"),
    )
    if not picked:
        check_woman(actor, values.get("woman"), code="NEED-2")
        for user in users:
            check_user(actor, user, "helpers", "NEED-2")
    check_helpers(users, org, values.get("woman"))
    if actor is not None:
        scope = user_scope(actor)
        for org in orgs:
            if not scope.covers(org.path):
                raise ValidationError({"helpers": _("帮扶单位须在您的数据范围内。")}, code="NEED-2")


def check_helpers(users: list, org, woman) -> None:
    """NEED-2: a cadre helper must see the pair's unit and the woman's unit, or the pair never reaches
    her 待办 and its page opens as 404 for her. Checked for every actor, the platform's demo included."""

    units = [u for u in (org, woman.org if woman is not None else None) if u is not None]
    for user in users:
        if is_administrator_account(user):  # SEC-5: administrators take no part in the work
            raise ValidationError(
                {
                    "helpers": _("帮扶干部不能是管理员账号：%(name)s是安全、审计或系统管理员，请选择干部。")
                    % {"name": user.display_name}
                },
                code="SEC-5",
            )
        for unit in units:
            if not can_see(user, unit):
                raise ValidationError(
                    {
                        "helpers": _(
                            "帮扶干部：%(name)s（%(unit)s）不能查看%(org)s的数据，"
                            "请选择%(org)s或其上级单位的干部。"
                        )
                        % {
                            "name": user.display_name,
                            "unit": user.org.name if user.org_id else "—",
                            "org": unit.name,
                        }
                    },
                    code="NEED-2",
                )


def _set_helpers(pairing: Pairing, users: list, orgs: list) -> None:
    pairing.helpers.all().delete()
    PairingHelper.objects.bulk_create(
        [PairingHelper(pairing=pairing, user=u) for u in users]
        + [PairingHelper(pairing=pairing, helper_org=o) for o in orgs]
    )


@transaction.atomic
def create_pairing(
    actor,
    *,
    org,
    kind: str,
    starts_on: datetime.date,
    woman=None,
    household: str = "",
    review_on: datetime.date | None = None,
    helper_users=(),
    helper_orgs=(),
    notes: str = "",
) -> Pairing:
    """Pair helpers with a woman or a household, one-to-one or many-to-one (NEED-2)."""
    if actor is not None:
        require_edit(actor)
    check_org(actor, org, code="NEED-2")
    users, orgs = list(dict.fromkeys(helper_users)), list(dict.fromkeys(helper_orgs))
    values = {"kind": kind, "woman": woman, "household": household.strip(), "starts_on": starts_on}
    values["review_on"] = review_on
    clean_pairing(actor, values, users, orgs, org=org)
    pairing = Pairing.objects.create(
        org=org, notes=notes.strip(), year=starts_on.year, created_by=actor, **values
    )
    _set_helpers(pairing, users, orgs)
    audit.record(
        AuditAction.CREATE,
        actor=actor,
        obj=pairing,
        details={"kind": kind, "helpers": len(users) + len(orgs)},
    )
    return pairing


@transaction.atomic
def update_pairing(actor, pairing: Pairing, *, helper_users=None, helper_orgs=None, **changes) -> Pairing:
    require_edit(actor, pairing)
    if helper_users is None and helper_orgs is None:
        current = list(pairing.helpers.all())
        users = [h.user for h in current if h.user_id]
        orgs = [h.helper_org for h in current if h.helper_org_id]
    else:
        users, orgs = list(dict.fromkeys(helper_users or ())), list(dict.fromkeys(helper_orgs or ()))
    fields = ("kind", "woman", "household", "starts_on", "review_on", "ends_on", "notes")
    values = {f: changes.get(f, getattr(pairing, f)) for f in fields}
    values["household"] = (values["household"] or "").strip()
    clean_pairing(actor, values, users, orgs, org=pairing.org)
    if values["ends_on"] is not None and values["ends_on"] < values["starts_on"]:
        raise ValidationError({"ends_on": _("结束日期不能早于结对日期。")}, code="NEED-2")
    for field, value in values.items():
        setattr(pairing, field, value)
    pairing.status = PairingStatus.ENDED if pairing.ends_on else PairingStatus.ACTIVE
    pairing.year = pairing.starts_on.year
    pairing.save()
    _set_helpers(pairing, users, orgs)
    audit.record(AuditAction.UPDATE, actor=actor, obj=pairing, details={"status": pairing.status})
    return pairing


def helper_names(pairing: Pairing) -> str:
    """Helpers as one line (expects ``helpers`` prefetched with user and helper_org)."""
    return "、".join(str(h.user or h.helper_org) for h in pairing.helpers.all())


# --- actions (NEED-3) -----------------------------------------------------------------------------


@transaction.atomic
def record_action(
    actor,
    *,
    service: str,
    given_on: datetime.date,
    need=None,
    pairing=None,
    woman=None,
    org=None,
    given_by=None,
    given_by_org=None,
    amount: Decimal | None = None,
    project=None,
    project_name: str = "",
    notes: str = "",
    consent_exception: str = "",
) -> Action:
    """Record a service given (NEED-3) for a need, a pair or a woman; funds are in yuan. ``project``
    is a livelihood project (``project_name`` alone is linked to the project of that name when there
    is one, see ``project_for_name``). Funds or health help for a woman needs her consent (SEC-9), or
    ``consent_exception``: the reason a permitted user gives for helping without it."""
    if actor is not None:
        require_edit(actor)
        for target in (need, pairing):
            if target is not None:
                require_edit(actor, target)
    values = clean_action(
        actor,
        {
            "service": service,
            "given_on": given_on,
            "need": need,
            "pairing": pairing,
            "woman": woman,
            "given_by": given_by,
            "given_by_org": given_by_org,
            "amount": amount,
            "project": project,
            "project_name": project_name,
            "notes": notes,
        },
    )
    org = org or (need.org if need else pairing.org if pairing else None)
    check_org(actor, org, code="NEED-3")
    _check_project(actor, values, org)
    exception = check_action_consent(actor, values, consent_exception)
    action = Action.objects.create(org=org, year=given_on.year, created_by=actor, **values)
    record_consent_exception(actor, values["woman"], action_purpose(values["service"]), exception, action)
    if need is not None:
        _event(
            need,
            NeedEventType.ACTION,
            actor,
            note=action.notes,
            action=str(action.pk),
            service=action.service,
            amount=str(action.amount) if action.amount is not None else None,
        )
    audit.record(AuditAction.CREATE, actor=actor, obj=action, details={"service": service})
    return action


def action_purpose(service: str) -> str:
    """The consent a service needs (SEC-9): funds → finance, health aid → health; others none."""
    return {ActionService.FUNDS: ConsentPurpose.FINANCE, ActionService.HEALTH_AID: ConsentPurpose.HEALTH}.get(
        service, ""
    )


def check_action_consent(actor, values: dict, consent_exception: str = "", states: dict | None = None) -> str:
    """SEC-9 for an action (cleaned ``values``): "" when no consent is needed or hers is in force, the
    exception's reason when a permitted user gave one; otherwise a ValidationError on ``service``."""
    return check_help_consent(
        actor,
        values["woman"],
        action_purpose(values["service"]),
        field="service",
        exception_reason=consent_exception,
        states=states,
    )


def clean_action(actor, values: dict, *, picked: bool = False) -> dict:
    """NEED-3's rules, shared by the form, the API and the import (``picked``: see ``clean_need``)."""
    errors = {}
    need, pairing = values["need"], values["pairing"]
    if values["service"] not in ActionService.values:
        errors["service"] = _("请选择服务类型。")
    if need is None and pairing is None and values["woman"] is None:
        errors["need"] = _("请选择帮扶措施所针对的诉求、结对或妇女。")
    if values["woman"] is None:
        values["woman"] = (need.woman if need else None) or (pairing.woman if pairing else None)
    amount = values["amount"]
    if values["service"] == ActionService.FUNDS and (amount is None or amount <= 0):
        errors["amount"] = _("资金帮扶须填写大于 0 的金额（元）。")
    elif amount is not None and amount < 0:
        errors["amount"] = _("金额不能为负数。")
    elif amount is not None and amount > Decimal("100000000"):
        errors["amount"] = _("金额超过一亿元，请核对单位（元）。")
    if values["given_by"] is None and values["given_by_org"] is None:
        errors["given_by"] = _("请填写提供服务的干部或单位。")
    if errors:
        raise ValidationError(errors, code="NEED-3")
    check_dates(values["given_on"], None, "given_on", "given_on", "NEED-3", _("日期"), "")
    if not picked:
        check_woman(actor, values["woman"], code="NEED-3")
        check_user(actor, values["given_by"], "given_by", "NEED-3")
    if actor is not None and values["given_by_org"] is not None:
        if not user_scope(actor).covers(values["given_by_org"].path):
            raise ValidationError({"given_by_org": _("提供单位须在您的数据范围内。")}, code="NEED-3")
    values["project_name"] = (values["project_name"] or "").strip()
    values["notes"] = (values["notes"] or "").strip()
    return values


def project_for_name(name: str, year: int, org):
    """The livelihood project an action names in text (NEED-3): exactly that name, that year, run by
    the action's unit or by the nearest federation above it. None when there is none."""

    name = (name or "").strip()
    if not name or org is None:
        return None
    return (
        Project.objects.filter(name=name, year=year, org__path__in=[*org.ancestor_paths(), org.path])
        .order_by("-org__depth")
        .first()
    )


def projects_for(actor, org, year: int):
    """Projects an action of ``org`` may name: those of ``year`` the actor sees that cover the unit
    (run by it or a federation above it)."""

    qs = Project.objects.all() if actor is None else Project.objects.visible_to(actor)
    qs = qs.filter(year=year)
    if org is not None:
        qs = qs.filter(org__path__in=[*org.ancestor_paths(), org.path])
    return qs.select_related("org").order_by("-org__depth", "sort", "id")


def _check_project(actor, values: dict, org) -> None:
    """NEED-3: a named project must be one the actor sees, covering the action's unit, of the year of
    the action or of its need; the text then carries its name. A name alone links to its project."""
    project = values.get("project")
    years = {values["given_on"].year} | ({values["need"].year} if values.get("need") else set())
    if project is None:
        years_ordered = [values["given_on"].year, *sorted(years - {values["given_on"].year})]
        for year in years_ordered:
            project = project_for_name(values["project_name"], year, org)
            if project is not None:
                break
        values["project"] = project
    elif not projects_for(actor, org, project.year).filter(pk=project.pk).exists():
        raise ValidationError(
            {
                "project": _("实事项目“%(p)s”不适用于“%(o)s”或不在您的数据范围内。")
                % {"p": project.name, "o": org}
            },
            code="NEED-3",
        )
    elif project.year not in years:
        raise ValidationError(
            {
                "project": _("实事项目应为帮扶措施或诉求所在年度（%(y)s）的项目。")
                % {"y": "、".join(map(str, sorted(years)))}
            },
            code="NEED-3",
        )
    if values["project"] is not None:
        values["project_name"] = values["project"].name


@transaction.atomic
def update_action(actor, action: Action, *, consent_exception: str = "", **changes) -> Action:
    require_edit(actor, action)
    fields = (
        "service",
        "given_on",
        "need",
        "pairing",
        "woman",
        "given_by",
        "given_by_org",
        "amount",
        "project",
        "project_name",
        "notes",
    )
    values = {f: changes.get(f, getattr(action, f)) for f in fields}
    if "project_name" in changes and "project" not in changes:
        values["project"] = None  # a name written anew is linked anew
    values = clean_action(actor, values)
    _check_project(actor, values, action.org)
    exception = ""
    if values["service"] != action.service or values["woman"] != action.woman:  # new sensitive help
        exception = check_action_consent(actor, values, consent_exception)
    for field, value in values.items():
        setattr(action, field, value)
    action.year = action.given_on.year
    action.save()
    record_consent_exception(actor, action.woman, action_purpose(action.service), exception, action)
    audit.record(AuditAction.UPDATE, actor=actor, obj=action, details={"service": action.service})
    return action


# --- funds (NEED-3) -------------------------------------------------------------------------------

ZERO = Value(Decimal("0"), output_field=DecimalField(max_digits=14, decimal_places=2))


def funds_total(actions) -> Decimal:
    return actions.aggregate(total=Coalesce(Sum("amount"), ZERO))["total"]


def funds_by_project(actions, limit: int = 50) -> list[dict]:
    """Funds and actions per livelihood project, through the ``project`` FK (NEED-3): one row per
    project whatever its actions' text says; actions naming a project outside the register add up
    per name, marked ``linked`` False. One GROUP BY."""
    rows = (
        actions.filter(Q(project__isnull=False) | ~Q(project_name=""))
        .annotate(
            label=Case(When(project__isnull=False, then=F("project__name")), default=F("project_name")),
            project_year=F("project__year"),
        )
        .values("project", "label", "project_year")
        .annotate(total=Coalesce(Sum("amount"), ZERO), count=Count("id"))
        .order_by("-total", "label")[:limit]
    )
    return [
        {
            "project": r["project"],
            "project_name": r["label"],
            "year": r["project_year"],
            "linked": r["project"] is not None,
            "total": r["total"],
            "count": r["count"],
        }
        for r in rows
    ]


def funds_by_unit(actions, org, visible_children) -> list[dict]:
    """Funds per child unit of ``org`` (each child's whole subtree), plus the unit's own rows."""
    length = len(org.path) + org.steplen
    rows = (
        actions.annotate(branch=Substr("org__path", 1, length))
        .values("branch")
        .annotate(total=Coalesce(Sum("amount"), ZERO), count=Count("id"))
    )
    by_path = {r["branch"]: r for r in rows}
    result = [
        {
            "org": child,
            "total": by_path.get(child.path, {}).get("total", 0),
            "count": by_path.get(child.path, {}).get("count", 0),
        }
        for child in visible_children
    ]
    own = by_path.get(org.path)
    if own:
        result.insert(0, {"org": org, "total": own["total"], "count": own["count"], "own": True})
    return result


def funds_by_woman(actions, limit: int = 50) -> list[dict]:
    return list(
        actions.filter(woman__isnull=False)
        .values("woman_id", "woman__name")
        .annotate(total=Coalesce(Sum("amount"), ZERO), count=Count("id"))
        .filter(Q(total__gt=0))
        .order_by("-total")[:limit]
    )
