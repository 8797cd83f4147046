"""Drivers for the in-scope change proof of the access matrix (tests/core/test_access_matrix.py).

The matrix proves every in-scope change or delete by the change happening. For most routes the form as
offered (a free-text field changed) or the API body's required fields drive it. The others need the row
in a given state (a closed record to reopen, a published questionnaire), a second row (a merge), a file,
or a body the page builds with script (a split, criteria). A driver, registered under the route's key,
gets the factory's row and a ``Context`` (the tree, the cast, the role about to try, a fresh text) and
returns a ``Drive``: the body (merged over the form as offered, for a page), optionally another row to
watch and address (``obj``) and a ``proof(obj, row_after) -> bool`` when a re-read of the row (or the
count of rows) does not show the change.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, NamedTuple

DRIVERS: dict[str, Callable] = {}


class Context(NamedTuple):
    tree: Any
    cast: dict
    user: Any  # the role about to try
    changed: str  # a fresh text to write


@dataclass
class Drive:
    body: dict = field(default_factory=dict)
    obj: Any = None
    proof: Callable | None = None
    form: bool = True  # merge the body over the form the page offers (pages only)


def driver(*keys):
    def decorate(func):
        for key in keys:
            DRIVERS[key] = func
        return func

    return decorate


def _fresh(obj):
    return type(obj)._base_manager.get(pk=obj.pk)


TODAY = datetime.date(2026, 6, 1)


# --- orgs -----------------------------------------------------------------------------------------


@driver("orgs:move")
def move_org(org, ctx):
    """A community of the district is moved under another township of the district."""
    from fuqing.orgs import services
    from fuqing.orgs.models import OrgKind

    township = services.add_org(None, parent=ctx.tree.a, name=f"街道{ctx.changed}", kind=OrgKind.TOWNSHIP)
    community = services.add_org(None, parent=ctx.tree.a1, name=f"社区{ctx.changed}", kind=OrgKind.COMMUNITY)
    return Drive({"parent": township.pk}, obj=community)


@driver("orgs:user-roles")
def user_roles(user, ctx):
    from fuqing.orgs.models import Role

    user.roles.clear()
    return Drive({"roles": [Role.objects.get(code="cadre").pk]}, proof=lambda obj, after: obj.roles.exists())


@driver("orgs:user-password")
def user_password(user, ctx):
    return Drive({"password": f"Fq{ctx.changed}#2026x"})


@driver("orgs:user-unlock")
def user_unlock(user, ctx):
    """The account is locked out (failed logins recorded); unlocking clears them."""
    from axes.models import AccessAttempt

    AccessAttempt.objects.update_or_create(
        username=user.username,
        ip_address="127.0.0.1",
        user_agent="test",
        defaults={
            "get_data": "",
            "post_data": "",
            "http_accept": "*/*",
            "path_info": "/",
            "failures_since_start": 9,
        },
    )
    return Drive(proof=lambda obj, after: not AccessAttempt.objects.filter(username=obj.username).exists())


@driver("orgs:user-grant")
def user_grant(user, ctx):
    return Drive({"org": ctx.tree.a1.pk, "can_edit": "on"})


# --- campaigns ------------------------------------------------------------------------------------


def _deadline_body(campaign, ctx):
    return {
        "code": f"d{ctx.changed[1:]}",
        "name": ctx.changed,
        "due_on": datetime.date(campaign.year, 5, 20).isoformat(),
        "kind": "document",
        "owed_by_kinds": ["district"],
        "remind_days_before": 7,
    }


@driver("campaigns:deadline-add")
def deadline_add(campaign, ctx):
    return Drive(_deadline_body(campaign, ctx))


@driver("campaigns:deadline-edit")
def deadline_edit(deadline, ctx):
    return Drive(_deadline_body(deadline.campaign, ctx))


# --- fieldwork ------------------------------------------------------------------------------------


def _draft(questionnaire):
    type(questionnaire).objects.filter(pk=questionnaire.pk).update(status="draft")


@driver("fieldwork:questionnaire-status")
def questionnaire_status(questionnaire, ctx):
    return Drive({"status": "closed"}, form=False)


@driver("fieldwork:question-add")
def question_add(questionnaire, ctx):
    _draft(questionnaire)
    return Drive({"text": ctx.changed, "kind": "text"})


@driver("fieldwork:question-edit")
def question_edit(question, ctx):
    _draft(question.questionnaire)
    return Drive({"text": ctx.changed, "kind": "text"})


@driver("fieldwork:question-delete")
def question_delete(question, ctx):
    _draft(question.questionnaire)
    return Drive(form=False)


@driver("fieldwork:question-move")
def question_move(question, ctx):
    """A second question below it; the first moves down."""
    _draft(question.questionnaire)
    question.questionnaire.questions.get_or_create(
        position=2, defaults={"code": "q2", "text": "二", "kind": "text"}
    )
    return Drive({"direction": "down"}, form=False)


# --- registry -------------------------------------------------------------------------------------


@driver("registry:close")
def woman_close(woman, ctx):
    from fuqing.registry.models import CloseReason

    return Drive({"reason": CloseReason.values[0]})


@driver("registry:reopen")
def woman_reopen(woman, ctx):
    from fuqing.registry.models import CloseReason

    type(woman).objects.filter(pk=woman.pk).update(
        status="inactive", closed_on=TODAY, close_reason=CloseReason.values[0]
    )
    return Drive(form=False)


@driver("registry:merge")
def woman_merge(woman, ctx):
    """A duplicate (same name and phone) in the same district is merged into her."""
    from tests.scoped_factories.registry import make_woman

    twin = make_woman(woman.org, f"T{ctx.changed[1:]}".upper(), ctx.user)
    type(woman).objects.filter(pk=twin.pk).update(name=woman.name, phone_index=woman.phone_index)
    return Drive(
        {"other": str(twin.pk), "reason": "姓名、电话相同"},
        proof=lambda obj, after: type(obj)._base_manager.get(pk=twin.pk).status != "active",
    )


# --- assistance -----------------------------------------------------------------------------------


def _escalation(ctx):
    from fuqing.assistance.models import SuggestionChannel, SuggestionRecipient

    return {
        "title": ctx.changed,
        "channel": SuggestionChannel.values[0],
        "recipient": SuggestionRecipient.values[0],
    }


@driver("assistance:need-escalate")
def need_escalate(need, ctx):
    return Drive({f"escalate-{k}": v for k, v in _escalation(ctx).items()}, form=False)


@driver("api:api-need-escalate-POST")
def api_need_escalate(need, ctx):
    return Drive(_escalation(ctx))


def _resolved(need):
    type(need).objects.filter(pk=need.pk).update(status="resolved", closed_on=need.reported_on)


@driver("assistance:need-reopen")
def need_reopen(need, ctx):
    _resolved(need)
    return Drive({"reopen-reason": ctx.changed}, form=False)


@driver("api:api-need-reopen-POST")
def api_need_reopen(need, ctx):
    _resolved(need)
    return Drive({"reason": ctx.changed})


def _with_helper(pairing):
    """A one-to-one pairing has exactly one helper (the factory's has none)."""
    from fuqing.assistance.models import PairingHelper

    PairingHelper.objects.get_or_create(pairing=pairing, helper_org=pairing.org)


@driver("assistance:pairing-edit")
def pairing_edit(pairing, ctx):
    _with_helper(pairing)
    return Drive({"notes": ctx.changed, "helper_orgs": [pairing.org_id]})


@driver("api:api-pairing-PATCH")
def api_pairing(pairing, ctx):
    _with_helper(pairing)
    return Drive({"notes": ctx.changed})


def _for_a_need(action, ctx):
    """An action is given for a need, a pairing or a woman (the factory's names none)."""
    from tests.scoped_factories.assistance import make_need

    if action.need_id is None:
        type(action).objects.filter(pk=action.pk).update(need=make_need(action.org, ctx.changed, ctx.user))
        action.refresh_from_db()


@driver("assistance:action-edit")
def action_edit(action, ctx):
    _for_a_need(action, ctx)
    return Drive({"notes": ctx.changed})


@driver("api:api-action-PATCH")
def api_action(action, ctx):
    _for_a_need(action, ctx)
    return Drive({"notes": ctx.changed})


# --- projects -------------------------------------------------------------------------------------


@driver("projects:split")
def split_edit(indicator, ctx):
    """The district's target split onto its township (the page builds the fields with script)."""
    return Drive({f"part_{ctx.tree.a1.pk}": "40", f"note_{ctx.tree.a1.pk}": ctx.changed}, form=False)


@driver("api:api-split-save-PUT")
def api_split(indicator, ctx):
    return Drive({"parts": [{"org": ctx.tree.a1.pk, "value": 40, "note": ctx.changed}]})


@driver("api:api-indicator-create-POST")
def api_indicator(project, ctx):
    return Drive({"name": ctx.changed, "unit": "person_time", "target": 100, "source": "reported"})


@driver("projects:volunteer-grant")
def volunteer_grant(volunteer, ctx):
    """The volunteer has an account (职务 巾帼志愿者) without the role yet."""
    from fuqing.orgs.models import Position, User

    if volunteer.user_id is None:
        user = User.objects.create(
            username=f"v{ctx.changed[1:]}", name="志愿者", org=volunteer.org, position=Position.VOLUNTEER
        )
        type(volunteer).objects.filter(pk=volunteer.pk).update(user=user)
        volunteer.refresh_from_db()
    return Drive(form=False, proof=lambda obj, after: obj.user.roles.filter(code="volunteer").exists())


@driver("projects:pair-end")
def pair_end(pair, ctx):
    return Drive({"ended_on": max(pair.started_on, TODAY).isoformat(), "reason": ctx.changed})


# --- campaigns: files and drafts ------------------------------------------------------------------


@driver("campaigns:obligation-submit")
def obligation_submit(obligation, ctx):
    from tests.scoped_factories.campaigns import docx_upload

    return Drive({"file": docx_upload(f"{ctx.changed}.docx", ctx.changed), "note": ctx.changed})


@driver("campaigns:plan-attach")
def plan_attach(plan, ctx):
    from tests.scoped_factories.campaigns import docx_upload

    return Drive({"file": docx_upload(f"{ctx.changed}.docx", ctx.changed)})


@driver("campaigns:obligation-draft")
def obligation_draft(obligation, ctx):
    """The draft is made by a job (jobs are not counted as data): a new job proves it."""
    from fuqing.core.models import Job

    jobs = Job.objects.count()
    return Drive(form=False, proof=lambda obj, after: Job.objects.count() > jobs)


@driver("api:api-deadline-update-PATCH")
def api_deadline(deadline, ctx):
    body = _deadline_body(deadline.campaign, ctx)
    return Drive({k: body[k] for k in ("name", "due_on", "owed_by_kinds")})


# --- API bodies -----------------------------------------------------------------------------------


@driver("api:api-woman-update-PATCH")
def api_woman(woman, ctx):
    return Drive({"address": ctx.changed})


@driver("api:api-suggestion-outcome-POST")
def api_outcome(suggestion, ctx):
    return Drive({"stage": 10, "happened_on": TODAY.isoformat(), "note": ctx.changed})


# --- research -------------------------------------------------------------------------------------


@driver("research:report-action", "api:api-research-report-transition-POST")
def report_comment(report, ctx):
    return Drive({"action": "comment", "comment": ctx.changed}, form=False)


@driver("research:report-evidence")
def report_evidence(report, ctx):
    from tests.scoped_factories.assistance import make_need

    need = make_need(report.org, ctx.changed, ctx.user)
    return Drive(
        {"kind": "needs", "op": "add", "id": need.pk}, form=False, proof=lambda obj, after: obj.needs.exists()
    )


@driver("research:cup-criteria")
def cup_criteria(competition, ctx):
    return Drive({"name": [ctx.changed], "weight": ["100"]}, form=False)


@driver("research:cup-judges")
def cup_judges(competition, ctx):
    return Drive({"user": ctx.cast["cadre"].pk}, form=False)


def _chaired(topic):
    """A district's topic is led by its chair."""
    from fuqing.orgs.models import Position, User

    chair = User.objects.filter(org=topic.org, position=Position.CHAIR).first() or User.objects.create(
        username=f"chair{topic.pk}", name="主席", org=topic.org, position=Position.CHAIR
    )
    type(topic).objects.filter(pk=topic.pk).update(leader=chair)
    topic.refresh_from_db()
    return chair


@driver("research:topic-edit")
def topic_edit(topic, ctx):
    chair = _chaired(topic)
    return Drive({"title": ctx.changed, "leader": chair.pk})


@driver("api:api-research-topic-update-PATCH")
def api_topic(topic, ctx):
    _chaired(topic)
    return Drive({"title": ctx.changed})


def _submitted_report(org, year, ctx):
    from tests.scoped_factories.research import make_report

    report = make_report(org, ctx.changed, ctx.user)
    type(report).objects.filter(pk=report.pk).update(status="submitted", year=year)
    return report


@driver("research:cup-entries")
def cup_entries(competition, ctx):
    """A report of the competition's year, submitted, is entered."""
    return Drive({"report": [_submitted_report(competition.org, competition.year, ctx).pk]}, form=False)


@driver("research:cup-publish")
def cup_publish(competition, ctx):
    """Published results are withdrawn (publishing needs every score sheet; the other way is shorter)."""
    import django.utils.timezone

    type(competition).objects.filter(pk=competition.pk).update(closed_at=django.utils.timezone.now())
    return Drive({"undo": "1"}, form=False)


@driver("research:book-edit")
def book_edit(book, ctx):
    """A book collects at least one submitted report of its year."""
    return Drive({"title": ctx.changed, "report": [_submitted_report(book.org, book.year, ctx).pk]})


# --- the API's administration, 求实杯, books and volunteers (issue 11) --------------------------------

driver("api:api-user-unlock-POST")(user_unlock)
driver("api:api-user-roles-PUT")(user_roles)
driver("api:api-volunteer-grant-POST")(volunteer_grant)
driver("api:api-pair-end-POST")(pair_end)
driver("api:api-org-move-POST")(move_org)


@driver("api:api-user-active-POST")
def api_user_active(user, ctx):
    return Drive({"active": False})


@driver("api:api-user-password-POST")
def api_user_password(user, ctx):
    return Drive({"password": f"Fq{ctx.changed}#2026x"})


@driver("api:api-competition-criteria-PUT")
def api_cup_criteria(competition, ctx):
    return Drive({"criteria": [{"name": ctx.changed, "weight": 100}]})


@driver("api:api-competition-publish-POST")
def api_cup_publish(competition, ctx):
    """Published results are withdrawn (the shorter way, as for the page)."""
    cup_publish(competition, ctx)
    return Drive({"publish": False})


@driver("api:api-book-update-PATCH")
def api_book(book, ctx):
    return Drive({"title": ctx.changed, "reports": [_submitted_report(book.org, book.year, ctx).pk]})


# --- building -------------------------------------------------------------------------------------


def _building_woman(org, name):
    from fuqing.registry.models import Woman

    return Woman.objects.create(org=org, name=name, registered_on=datetime.date(2014, 4, 1))


@driver("building:home-activity-add", "api:api-building-home-activity-POST")
def building_home_activity(home, ctx):
    return Drive(
        {"held_on": "2014-05-20", "theme": ctx.changed, "attendance": 20},
        form=False,
        proof=lambda obj, after: obj.activities.filter(theme=ctx.changed).exists(),
    )


@driver("building:group-activity-add")
def building_group_activity(group, ctx):
    return Drive(
        {"held_on": "2014-05-20", "theme": ctx.changed, "attendance": 9},
        form=False,
        proof=lambda obj, after: obj.activities.filter(theme=ctx.changed).exists(),
    )


@driver("building:home-photo-add")
def building_photo(home, ctx):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.scoped_factories.building import PNG

    return Drive(
        {"photo": SimpleUploadedFile("照片.png", PNG, "image/png"), "caption": ctx.changed},
        form=False,
        proof=lambda obj, after: obj.photos.filter(caption=ctx.changed).exists(),
    )


@driver("building:group-members-add", "api:api-building-group-members-POST")
def building_members(group, ctx):
    woman = _building_woman(group.org, ctx.changed)
    return Drive(
        {"women": [str(woman.pk)]},
        form=False,
        proof=lambda obj, after: obj.members.filter(woman=woman).exists(),
    )


@driver("building:attendance-add", "api:api-building-attendance-create-POST")
def building_attendance(session, ctx):
    from fuqing.orgs.models import OrgKind

    type(session).objects.filter(pk=session.pk).update(
        level="district" if session.org.kind == OrgKind.CITY else "township"
    )
    unit = ctx.tree.a1 if session.org_id == ctx.tree.a.pk else session.org
    return Drive(
        {"org": unit.pk, "name": ctx.changed, "position": "主席"},
        form=False,
        proof=lambda obj, after: obj.attendances.filter(name=ctx.changed).exists(),
    )


@driver("building:signin-import")
def building_signin(session, ctx):
    import io

    import openpyxl
    from django.core.files.uploadedfile import SimpleUploadedFile

    unit = ctx.tree.a1 if session.org_id == ctx.tree.a.pk else session.org
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["姓名", "单位", "职务"])
    sheet.append([ctx.changed, unit.name, "主席"])
    data = io.BytesIO()
    book.save(data)
    upload = SimpleUploadedFile("签到表.xlsx", data.getvalue())
    return Drive(
        {"file": upload},
        form=False,
        proof=lambda obj, after: obj.attendances.filter(name=ctx.changed).exists(),
    )


@driver("building:version-add")
def building_version(handbook, ctx):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return Drive(
        {
            "file": SimpleUploadedFile("手册.pdf", b"%PDF-1.4\n%x\n", "application/pdf"),
            "changes": ctx.changed,
        },
        form=False,
        proof=lambda obj, after: obj.versions.filter(changes=ctx.changed).exists(),
    )


# --- oversight ------------------------------------------------------------------------------------


@driver("oversight:item-add", "api:api-oversight-item-create-POST")
def oversight_item(scheme, ctx):
    return Drive(
        {"name": ctx.changed, "kind": "inspected", "weight": "10"},
        form=False,
        proof=lambda obj, after: obj.items.filter(name=ctx.changed).exists(),
    )


@driver("oversight:assignment-add")
def oversight_assignment(scheme, ctx):
    """An inspector of the scheme's unit is assigned to a unit below it."""
    from fuqing.orgs.models import Role, User

    inspector = User.objects.create(username=f"insp{ctx.changed}", name=ctx.changed, org=scheme.org)
    inspector.roles.set(Role.objects.filter(code="inspector"))
    return Drive(
        {"inspector": inspector.pk, "unit": ctx.tree.a1.pk},
        form=False,
        proof=lambda obj, after: obj.assignments.filter(inspector=inspector).exists(),
    )


@driver("oversight:scheme-publish", "api:api-oversight-publish-POST")
def oversight_publish(scheme, ctx):
    """A scheme worth 100 points is published."""
    scheme.items.all().delete()
    scheme.items.create(name=ctx.changed, kind="inspected", weight=100, position=1)
    return Drive({}, form=False, proof=lambda obj, after: _fresh(obj).published_at is not None)


@driver("api:api-oversight-case-transition-POST")
def oversight_case(case, ctx):
    return Drive({"decision": "submit"}, proof=lambda obj, after: _fresh(obj).status == "submitted")


@driver("oversight:score", "api:api-oversight-score-PUT")
def oversight_score(item, ctx):
    """The role about to try is assigned to a unit below the scheme's and scores it."""
    from fuqing.oversight.models import Assignment, InspectorScore

    Assignment.objects.get_or_create(scheme=item.scheme, inspector=ctx.user, unit=ctx.tree.a1)
    return Drive(
        {"unit": ctx.tree.a1.pk, "points": "5", "comment": ctx.changed},
        form=False,
        proof=lambda obj, after: InspectorScore.objects.filter(item=obj, comment=ctx.changed).exists(),
    )
