"""Rules for needs, their outcomes and their history (NEED-1, NEED-4), and the woman re-pointer.

Every function takes the acting user first, checks the module permission and the scope, validates with
Chinese messages naming the field and the rule, writes in one transaction, and records the audit log.
Pairings and actions live in ``pairings.py``; suggestions in ``suggestions.py``.
"""

from __future__ import annotations

import datetime
import hashlib
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from fuqing.assistance import reminders, suggestions
from fuqing.assistance.access import check_org, require_edit
from fuqing.assistance.models import (
    Action,
    Need,
    NeedCategory,
    NeedEvent,
    NeedEventType,
    NeedKeyword,
    NeedSource,
    NeedStatus,
    Pairing,
    Urgency,
)
from fuqing.assistance.text import extract_keywords, guess_category_code
from fuqing.core import analytics, audit
from fuqing.core.models import AuditAction
from fuqing.core.scoping import user_scope
from fuqing.fieldwork.services import format_needs, parse_needs
from fuqing.orgs.models import User
from fuqing.orgs.services import administrators, is_administrator_account
from fuqing.registry.models import Woman, WomanStatus

MAX_DESCRIPTION = 2000


# --- shared checks --------------------------------------------------------------------------------


def check_woman(actor, woman, field: str = "woman", code: str = "NEED-1") -> None:
    """The woman must be a registered woman the actor may see (REG-3: picked within scope)."""

    if woman is None:
        return
    visible = Woman.objects.all() if actor is None else Woman.objects.visible_to(actor)
    if not visible.filter(pk=woman.pk, status=WomanStatus.ACTIVE).exists():
        raise ValidationError({field: _("只能选择您数据范围内在册的妇女。")}, code=code)


def check_user(actor, user, field: str, code: str) -> None:
    if user is None or actor is None:
        return
    if not User.objects.visible_to(actor).filter(pk=user.pk, is_active=True).exists():
        raise ValidationError({field: _("只能选择您数据范围内的在职干部。")}, code=code)


def users_seeing(org):
    """Active users whose scope covers ``org`` (ORG-3): those of the unit or of a unit above it, and
    those granted it or a unit above it — one bounded query, no per-user scope computation. A user
    without a role or whose own unit is closed sees nothing (``User.compute_scope``). Administrator
    accounts are never handlers or helpers (SEC-5) and are left out."""

    paths = [*org.ancestor_paths(), org.path]
    granted = Q(scope_grants__org__path__in=paths, scope_grants__org__is_active=True)
    return (
        User.objects.filter(is_active=True, org__is_active=True, roles__isnull=False)
        .filter(Q(org__path__in=paths) | granted)
        .exclude(pk__in=administrators().values("pk"))
        .distinct()
    )


def can_see(user, org) -> bool:
    """Whether ``user`` (not the actor: a handler or a helper) may read ``org``'s data."""
    return user_scope(user).covers(org.path)


def check_handler(handler, org, code: str = "NEED-1") -> None:
    """NEED-1: the handler (承办人) must see the need's unit, or the need never reaches her 待办 and
    opens as 404 for her; and she is a cadre, never an administrator account (SEC-5). Checked for every
    actor, the platform's demo included."""

    if is_administrator_account(handler):
        raise ValidationError(
            {"handler": _("承办人不能是管理员账号（安全、审计、系统管理员），请选择干部。")}, code="SEC-5"
        )
    if handler is None or org is None or can_see(handler, org):
        return
    raise ValidationError(
        {
            "handler": _(
                "承办人：%(name)s（%(unit)s）不能查看%(org)s的诉求，请选择%(org)s或其上级单位的干部。"
            )
            % {
                "name": handler.display_name,
                "unit": handler.org.name if handler.org_id else "—",
                "org": org.name,
            }
        },
        code=code,
    )


def check_dates(
    start, later, start_field: str, later_field: str, code: str, start_label: str, later_label: str
) -> None:
    """``start`` (named ``start_label`` on the form) is required and not in the future; ``later``
    (``later_label``) is not before it. Messages name the form's own fields (NEED-3 review)."""
    today = timezone.localdate()
    if start is None:
        raise ValidationError({start_field: _("%(label)s必填。") % {"label": start_label}}, code=code)
    if start > today:
        raise ValidationError({start_field: _("%(label)s不能晚于今天。") % {"label": start_label}}, code=code)
    if later is not None and later < start:
        raise ValidationError(
            {later_field: _("%(later)s不能早于%(start)s。") % {"later": later_label, "start": start_label}},
            code=code,
        )


def _event(need, type_, actor, note: str = "", **parameters) -> NeedEvent:
    return NeedEvent.objects.create(need=need, type=type_, actor=actor, note=note, parameters=parameters)


def store_keywords(need: Need) -> list[str]:
    """Keep the need's keywords beside it (NEED-5), so themes never re-read descriptions."""
    words = extract_keywords(need.description)
    NeedKeyword.objects.filter(need=need).delete()
    NeedKeyword.objects.bulk_create(
        [NeedKeyword(need=need, org_id=need.org_id, year=need.year, keyword=w) for w in words]
    )
    return list(words)


# --- needs (NEED-1) -------------------------------------------------------------------------------


def clean_need(actor, values: dict, org=None, *, picked: bool = False) -> dict:
    """NEED-1's rules for a need's values, shared by the form, the API and the ledger import. With
    ``picked`` the woman and the handler were already found through the actor's scope (an import's bulk
    lookups), so they are not looked up again row by row."""
    errors = {}
    description = (values.get("description") or "").strip()
    if not description:
        errors["description"] = _("诉求描述必填。")
    elif len(description) > MAX_DESCRIPTION:
        errors["description"] = _("诉求描述不能超过 %(n)d 个字。") % {"n": MAX_DESCRIPTION}
    values["description"] = description
    category = values.get("category")
    if category is None:
        errors["category"] = _("请选择诉求类别。")
    elif not category.is_active:
        errors["category"] = _("该类别已停用，请另选。")
    if values.get("source") not in NeedSource.values:
        errors["source"] = _("请选择诉求来源（走访、问卷、座谈会、热线、来信）。")
    if values.get("urgency") not in Urgency.values:
        errors["urgency"] = _("请选择紧急程度。")
    woman = values.get("woman")
    group = (values.get("group_description") or "").strip()
    values["group_description"] = group
    if woman is None and not group:
        errors["woman"] = _("请选择妇女，或填写群体（座谈会等反映的群体诉求）。")
    size = values.get("group_size")
    if size is not None and (size < 1 or size > 100000):
        errors["group_size"] = _("人数应为 1 至 100000 之间的整数。")
    if errors:
        raise ValidationError(errors, code="NEED-1")
    check_dates(
        values.get("reported_on"),
        values.get("review_on"),
        "reported_on",
        "review_on",
        "NEED-1",
        _("反映日期"),
        _("复查日期"),
    )
    if not picked:
        check_woman(actor, woman)
        check_user(actor, values.get("handler"), "handler", "NEED-1")
    check_handler(values.get("handler"), org)
    return values


NEED_FIELDS = (
    "woman",
    "group_description",
    "group_size",
    "category",
    "source",
    "urgency",
    "description",
    "reported_on",
    "review_on",
    "handler",
    "visit",
)


@transaction.atomic
def create_need(
    actor,
    *,
    org,
    description: str,
    reported_on: datetime.date,
    category: NeedCategory | None,
    source: str = NeedSource.VISIT,
    urgency: str = Urgency.NORMAL,
    woman=None,
    group_description: str = "",
    group_size: int | None = None,
    review_on: datetime.date | None = None,
    handler=None,
    visit=None,
    visit_line: str = "",
    event: str = NeedEventType.CREATED,
    id=None,
) -> Need:
    """Record a need (NEED-1) for a registered woman or a group. ``actor`` None: demo or synth.
    ``id``: the client's key; a need already recorded under it is the caller's to check first
    (``replayed_need``) — here it is refused rather than duplicated (PLT-6)."""
    if actor is not None:
        require_edit(actor)
    if id is not None and Need.objects.filter(pk=id).exists():
        raise ValidationError({"id": _("该诉求编号已被使用，请刷新页面后重新填写。")}, code="PLT-6")
    check_org(actor, org)
    values = clean_need(
        actor,
        org=org,
        values={
            "woman": woman,
            "group_description": group_description,
            "group_size": group_size,
            "category": category,
            "source": source,
            "urgency": urgency,
            "description": description,
            "reported_on": reported_on,
            "review_on": review_on,
            "handler": handler,
            "visit": visit,
        },
    )
    need = Need(org=org, created_by=actor, visit_line=visit_line, **values)
    if id is not None:
        need.id = id
    need.year, need.month = need.reported_on.year, need.reported_on.month
    need.save()
    store_keywords(need)
    _event(need, event, actor)
    audit.record(AuditAction.CREATE, actor=actor, obj=need, details={"source": need.source})
    return need


def replayed_need(actor, need_id) -> Need | None:
    """The need this user already recorded under the client's key ``need_id`` (a replayed offline
    submission or a double tap, PLT-6); None when there is none. Someone else's key is not hers to
    reuse: ``create_need`` refuses it."""
    return Need.objects.filter(pk=need_id, created_by=actor).first() if actor is not None else None


@transaction.atomic
def update_need(actor, need: Need, **changes) -> Need:
    """Correct a need's facts; its outcome changes only through the transitions below."""
    require_edit(actor, need)
    values = {f: changes.get(f, getattr(need, f)) for f in NEED_FIELDS}
    values = clean_need(actor, values, org=need.org)
    changed = [f for f in NEED_FIELDS if getattr(need, f) != values[f]]
    for field, value in values.items():
        setattr(need, field, value)
    need.year, need.month = need.reported_on.year, need.reported_on.month
    need.save()
    if "description" in changed or "reported_on" in changed:
        store_keywords(need)
    if changed:
        _event(need, NeedEventType.UPDATED, actor, fields=changed)
        audit.record(AuditAction.UPDATE, actor=actor, obj=need, details={"changed": changed})
    return need


# --- outcomes (NEED-4) ----------------------------------------------------------------------------


def _closing(actor, need: Need, on: datetime.date | None) -> datetime.date:
    require_edit(actor, need)
    if need.status != NeedStatus.OPEN:
        raise ValidationError(
            {"status": _("该诉求已是“%(s)s”状态，须先重新办理。") % {"s": need.get_status_display()}},
            code="NEED-4",
        )
    on = on or timezone.localdate()
    if on < need.reported_on:
        raise ValidationError(
            {"closed_on": _("办结日期不能早于反映日期（%(d)s）。") % {"d": need.reported_on.isoformat()}},
            code="NEED-4",
        )
    if on > timezone.localdate():
        raise ValidationError({"closed_on": _("办结日期不能晚于今天。")}, code="NEED-4")
    return on


def _close(actor, need: Need, status: str, on, note: str, event_type: str, **parameters) -> Need:
    need.status = status
    need.closed_on = on
    need.outcome_note = note
    need.save(update_fields=["status", "closed_on", "outcome_note"])
    reminders.resolve_need(need)
    _event(need, event_type, actor, note=note, closed_on=on.isoformat(), **parameters)
    audit.record(AuditAction.UPDATE, actor=actor, obj=need, details={"status": status, **parameters})
    return need


@transaction.atomic
def resolve_need(actor, need: Need, *, note: str = "", on: datetime.date | None = None) -> Need:
    """The need was solved (已解决): how it was solved is required, as the explanation of 解释疏导 is."""
    on = _closing(actor, need, on)
    note = (note or "").strip()
    if not note:
        raise ValidationError({"note": _("解决情况必填：请写明诉求是如何解决的。")}, code="NEED-4")
    return _close(actor, need, NeedStatus.RESOLVED, on, note, NeedEventType.RESOLVED)


@transaction.atomic
def counsel_need(actor, need: Need, *, explanation: str, on: datetime.date | None = None) -> Need:
    """It cannot be solved now; the explanation given to her is required (解释疏导)."""
    on = _closing(actor, need, on)
    explanation = (explanation or "").strip()
    if len(explanation) < 5:
        raise ValidationError(
            {"explanation": _("解释疏导须写明向当事人所作的解释（至少 5 个字）。")}, code="NEED-4"
        )
    return _close(actor, need, NeedStatus.COUNSELLED, on, explanation, NeedEventType.COUNSELLED)


@transaction.atomic
def escalate_need(
    actor,
    need: Need,
    *,
    suggestion=None,
    title: str = "",
    channel: str = "",
    recipient: str = "",
    note: str = "",
    on: datetime.date | None = None,
):
    """The need becomes evidence of a policy suggestion (NEED-6): an existing one in scope is joined,
    or a new draft is created with ``title``, ``channel`` and ``recipient``."""

    on = _closing(actor, need, on)
    if suggestion is None:
        if not title.strip():
            raise ValidationError(
                {"suggestion": _("请选择要并入的对策建议，或填写新建议的标题。")}, code="NEED-4"
            )
        suggestion = suggestions.create_suggestion(
            actor,
            org=need.org,
            year=need.year,
            title=title,
            channel=channel,
            recipient=recipient,
            needs=[need],
        )
    else:
        suggestions.add_evidence(actor, suggestion, needs=[need])
    _close(
        actor,
        need,
        NeedStatus.ESCALATED,
        on,
        note.strip(),
        NeedEventType.ESCALATED,
        suggestion=str(suggestion.pk),
        suggestion_title=suggestion.title,
    )
    return suggestion


@transaction.atomic
def reopen_need(actor, need: Need, *, reason: str, review_on: datetime.date | None = None) -> Need:
    """A closed need is taken up again; the reason is kept in its history (NEED-4)."""
    require_edit(actor, need)
    if need.status == NeedStatus.OPEN:
        raise ValidationError({"status": _("该诉求仍在办理中，无需重新办理。")}, code="NEED-4")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("请写明重新办理的原因。")}, code="NEED-4")
    if review_on is not None and review_on < timezone.localdate():
        raise ValidationError({"review_on": _("新的复查日期不能早于今天。")}, code="NEED-4")
    previous = need.status
    need.status = NeedStatus.OPEN
    need.closed_on = None
    need.outcome_note = ""
    if review_on is not None:
        need.review_on = review_on
    need.save(update_fields=["status", "closed_on", "outcome_note", "review_on"])
    _event(need, NeedEventType.REOPENED, actor, note=reason, previous=previous)
    audit.record(AuditAction.UPDATE, actor=actor, obj=need, details={"status": "open", "previous": previous})
    return need


# --- needs found on visits (NEED-1, FLD-2) -------------------------------------------------------

METHOD_SOURCES = {"forum": NeedSource.FORUM, "questionnaire": NeedSource.QUESTIONNAIRE}
# Whatever happened to a need beyond being recorded makes it "in hand": it outlives its line.
FIRST_EVENTS = (NeedEventType.CREATED, NeedEventType.CONVERTED)


def line_key(line: str) -> str:
    return hashlib.sha1(line.encode("utf-8"), usedforsecurity=False).hexdigest()


@dataclass(frozen=True)
class VisitNeedLine:
    """One need named in a visit's text: ``line`` as the visit keeps it ("类别：描述" or "描述"),
    ``prefix`` the category written before the colon (may be empty), ``text`` what follows it."""

    number: int
    line: str
    prefix: str
    text: str

    @property
    def key(self) -> str:
        return line_key(self.line)


def visit_need_lines(text: str) -> list[VisitNeedLine]:
    """The needs of a visit's ``needs_text``, read by field work's one parser (``parse_needs``: one per
    line, list markers dropped, 类别：描述 or 【类别】描述), each line once."""

    lines, seen = [], set()
    for item in parse_needs(text):
        line = format_needs([item])[:MAX_DESCRIPTION]
        if line in seen:
            continue
        seen.add(line)
        lines.append(VisitNeedLine(len(lines) + 1, line, item["category"], item["text"][:MAX_DESCRIPTION]))
    return lines


def visit_lines(text: str) -> list[str]:
    """The lines of a visit's text that become needs (markers and blank lines dropped)."""
    return [item.line for item in visit_need_lines(text)]


def category_for_line(prefix: str, text: str, categories) -> tuple[NeedCategory | None, bool]:
    """The category of a need written as "类别：描述" (NEED-1): the active dictionary entry the prefix
    names (its name or code, or the one entry whose name contains it or is contained in it, so 教育
    finds 子女教育); else the words of the prefix and the text point to one (``guess_category_code``),
    else 其他. Returns (category, whether the prefix named it)."""
    active = [c for c in categories if c.is_active]
    prefix = (prefix or "").strip()
    if prefix:
        exact = [c for c in active if prefix in (c.name, c.code)]
        if exact:
            return exact[0], True
        near = [c for c in active if prefix in c.name or c.name in prefix]
        if len(near) == 1:
            return near[0], True
    by_code = {c.code: c for c in active}
    code = guess_category_code(prefix) if prefix else "other"
    if code == "other":
        code = guess_category_code(text)
    return by_code.get(code) or by_code.get("other"), False


def _needs_from_lines(actor, visit, text: str, *, key, event: str, **fields) -> list[Need]:
    """Each line of ``text`` becomes a Need linked to the visit (its unit, its first day, the category its
    prefix names, source 走访 / 座谈会 / 问卷), keyed by ``key(item)`` so a line already recorded is skipped.
    A line that breaks a rule raises a ValidationError naming its number."""
    categories = list(NeedCategory.objects.all())
    done = set(Need.objects.filter(visit=visit).exclude(visit_line="").values_list("visit_line", flat=True))
    created = []
    for item in visit_need_lines(text):
        line_key_ = key(item)
        if line_key_ in done:
            continue
        done.add(line_key_)
        category, named = category_for_line(item.prefix, item.text, categories)
        try:
            need = create_need(
                actor,
                org=visit.org,
                description=item.text if named else item.line,
                reported_on=visit.started_on,
                category=category,
                source=METHOD_SOURCES.get(visit.method, NeedSource.VISIT),
                visit=visit,
                visit_line=line_key_,
                event=event,
                **fields,
            )
        except ValidationError as exc:
            raise ValidationError(
                _("第 %(n)d 条诉求“%(line)s”：%(why)s")
                % {"n": item.number, "line": item.line[:20], "why": "".join(exc.messages)},
                code="NEED-1",
            ) from exc
        created.append(need)
    return created


@transaction.atomic
def convert_visit_needs(actor, visit, *, event: str = NeedEventType.CONVERTED) -> list[Need]:
    """Turn each line of a visit's ``needs_text`` into a Need linked to the visit: the visit's unit,
    its first day, the category its prefix names (``category_for_line``), source 走访 (座谈会 or 问卷
    for a forum or questionnaire visit). Idempotent on visit + line: a line already recorded is
    skipped; the text itself is kept as it was. A line that breaks a rule is reported by number."""
    place = visit.place.name if visit.place_id else visit.org.name
    try:
        return _needs_from_lines(
            actor,
            visit,
            visit.needs_text,
            key=lambda item: item.key,
            event=event,
            group_description=_("%(place)s走访中反映") % {"place": place},
        )
    except ValidationError as exc:
        raise ValidationError({"needs_text": exc.messages}, code="NEED-1") from exc


def woman_line_key(woman, line: str) -> str:
    return line_key(f"{woman.pk}|{line}")


def record_woman_needs(actor, visit, woman, lines) -> list[Need]:
    """FLD-2 / NEED-1: the needs a cadre wrote under a woman she met on the visit become Needs of that
    woman linked to the visit (category as ``convert_visit_needs`` reads it). Idempotent on visit +
    woman + line: saving the visit again or replaying it never records a need twice. Runs in the
    visit's transaction; a line that breaks a rule is reported by number."""
    return _needs_from_lines(
        actor,
        visit,
        "\n".join(lines),
        key=lambda item: woman_line_key(woman, item.line),
        event=NeedEventType.CREATED,
        woman=woman,
    )


def need_in_hand(need: Need) -> bool:
    """Whether anyone has worked on the need beyond recording it: closed, an action, a suggestion or a
    report citing it, a correction or any later step in its history."""
    return (
        need.status != NeedStatus.OPEN
        or need.actions.exists()
        or need.suggestions.exists()
        or need.research_reports.exists()
        or need.events.exclude(type__in=FIRST_EVENTS).exists()
    )


@transaction.atomic
def withdraw_visit_needs(actor, visit, keep=frozenset()) -> tuple[list[str], list[Need]]:
    """The needs recorded from lines of the visit's text that are no longer there (``keep``: the keys
    still there). A need nobody has worked on goes with its line (recorded in the audit log); one in
    hand stays in the register, linked to the visit. Returns (ids withdrawn, needs kept)."""
    withdrawn, kept = [], []
    # needs written under a woman met (``record_woman_needs``) are not lines of the text: never withdrawn here
    stale = (
        Need.objects.filter(visit=visit, woman__isnull=True)
        .exclude(visit_line="")
        .exclude(visit_line__in=list(keep))
    )
    for need in stale:
        if actor is not None:
            require_edit(actor, need)
        if need_in_hand(need):
            kept.append(need)
            continue
        audit.record(
            AuditAction.DELETE,
            actor=actor,
            obj=need,
            details={"visit": str(visit.pk), "reason": "visit_line"},
        )
        withdrawn.append(str(need.pk))
        need.delete()
    return withdrawn, kept


@transaction.atomic
def sync_visit_needs(actor, visit) -> tuple[list[Need], list[str]]:
    """FLD-2 / NEED-1: after a visit is saved, its needs text and the needs register agree — each line
    is one Need of the visit (created once, never duplicated by later edits), and a line taken out
    takes its need with it unless someone has worked on it. Runs inside the visit's transaction.
    Returns (needs created, ids of needs withdrawn)."""
    created = convert_visit_needs(actor, visit, event=NeedEventType.CREATED)
    withdrawn, _kept = withdraw_visit_needs(
        actor, visit, keep={item.key for item in visit_need_lines(visit.needs_text)}
    )
    _follow_visit(actor, visit)
    return created, withdrawn


def _follow_visit(actor, visit) -> None:
    """A visit moved to another unit or day takes the needs nobody has worked on with it (their unit,
    date, year and month, and their keywords' unit and year); needs in hand stay where they are."""
    day = visit.started_on
    moved = [
        n
        for n in Need.objects.filter(visit=visit)
        .exclude(visit_line="")
        .filter(~Q(org_id=visit.org_id) | ~Q(reported_on=day))
        if not need_in_hand(n)
    ]
    if not moved:
        return
    if actor is not None:
        for need in moved:
            require_edit(actor, need)
    ids = [n.pk for n in moved]
    analytics.changed_rows(Need.objects.filter(pk__in=ids))  # their old unit-days (an update sends no signal)
    Need.objects.filter(pk__in=ids).update(org=visit.org, reported_on=day, year=day.year, month=day.month)
    analytics.changed_rows(Need.objects.filter(pk__in=ids))  # and their new ones
    NeedKeyword.objects.filter(need__in=ids).update(org=visit.org, year=day.year)
    for need in moved:
        audit.record(
            AuditAction.UPDATE,
            actor=actor,
            obj=need,
            details={"visit": str(visit.pk), "org": visit.org_id, "reported_on": day.isoformat()},
        )


def visible_visit_needs(user, visit) -> tuple[list[Need], list[VisitNeedLine]]:
    """A visit's page (FLD-2): the needs register's rows of the visit the user may see, and the lines of
    its text that are not needs yet."""
    needs = list(
        Need.objects.visible_to(user)
        .filter(visit=visit)
        .select_related("category")
        .order_by("reported_on", "created_at")
    )
    return needs, pending_visit_lines(visit, needs)


def pending_visit_lines(visit, needs=None) -> list[VisitNeedLine]:
    """Lines of the visit's text that are not (yet) needs — a visit recorded before the register, or by
    someone without the right to record needs (the visit page offers 转为诉求)."""
    if needs is None:
        needs = Need.objects.filter(visit=visit)
    keys = {n.visit_line for n in needs if n.visit_line}
    return [item for item in visit_need_lines(visit.needs_text) if item.key not in keys]


# --- the registry's merge (REG-4) -----------------------------------------------------------------


@transaction.atomic
def repoint_woman(old, new) -> dict[str, int]:
    """After the registry merges ``old`` into ``new``: one UPDATE per model that links a woman."""
    return {
        "needs": Need.objects.filter(woman=old).update(woman=new),
        "pairings": Pairing.objects.filter(woman=old).update(woman=new),
        "actions": Action.objects.filter(woman=old).update(woman=new),
    }
