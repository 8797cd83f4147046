"""The Qiushi Cup (求实杯, RES-4): criteria with weights, judges, entries, blind scores, ranking, awards.

Scores are blind: a judge sees entries by code and title only — never the unit, the author or another
judge's scores — and never gets an entry of her own unit (``rules.judge_conflict``). An entry's total is
the mean over its judges of Σ score × weight / 100. Equal totals share a rank and the next rank skips
(1, 1, 3); awards go down the ranks by the configured counts, and tied entries share an award.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, F, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from fuqing.core import audit
from fuqing.core.documents import clean_text
from fuqing.core.models import AuditAction
from fuqing.core.permissions import require
from fuqing.core.scoping import can_edit, subtree_q, user_scope
from fuqing.orgs.models import Org, User
from fuqing.orgs.services import administrators, is_administrator_account
from fuqing.research.models import (
    Award,
    Competition,
    Criterion,
    Entry,
    Judge,
    Report,
    Score,
    ScoreSheet,
)
from fuqing.research.rules import administrator_problem, federation_of, judge_conflict

DEFAULT_CRITERIA = [
    ("选题价值", 20),
    ("调研深度", 25),
    ("分析质量", 25),
    ("对策建议可行性", 20),
    ("文字表达", 10),
]
TWO = Decimal("0.01")


def can_manage(user, competition: Competition) -> bool:
    return user.has_module_perm("research", "edit") and can_edit(user, competition)


def require_manage(user, competition: Competition) -> None:
    require(user, "research", "edit")
    if not can_edit(user, competition):
        raise PermissionDenied(_("只有主办单位可以管理本次评选。"))


def _require_open(competition: Competition) -> None:
    if competition.is_closed:
        raise ValidationError(_("评选结果已公布，不能再修改；如需调整请先撤销公布。"), code="RES-4")


def _counts(values: dict) -> dict:
    counts = {}
    for key in ("first_prizes", "second_prizes", "third_prizes", "excellence_prizes"):
        try:
            value = int(values.get(key, 0))
        except (TypeError, ValueError):
            value = -1
        if not 0 <= value <= 500:
            raise ValidationError({key: _("名额应为 0 至 500 之间的整数。")}, code="RES-4")
        counts[key] = value
    return counts


@transaction.atomic
def create_competition(actor, *, org: Org, year: int, name: str, **counts) -> Competition:
    """Open a year's competition with the default criteria (editable until scoring starts)."""
    require(actor, "research", "edit")
    if not user_scope(actor).covers(org.path, edit=True):
        raise PermissionDenied(_("只能为本单位组织评选。"))
    name = clean_text(name).strip() or "“求实杯”调研成果评选"
    if Competition.objects.filter(org=org, year=year).exists():
        raise ValidationError({"year": _("%(y)d年的评选已经存在。") % {"y": year}}, code="RES-4")
    competition = Competition.objects.create(
        org=org, year=year, name=name[:100], created_by=actor, **_counts(counts)
    )
    Criterion.objects.bulk_create(
        Criterion(competition=competition, name=n, weight=w, position=i)
        for i, (n, w) in enumerate(DEFAULT_CRITERIA)
    )
    audit.record(AuditAction.CREATE, actor=actor, obj=competition, details={"year": year})
    return competition


@transaction.atomic
def update_competition(actor, competition: Competition, *, name: str, **counts) -> Competition:
    require_manage(actor, competition)
    _require_open(competition)
    competition.name = (clean_text(name).strip() or competition.name)[:100]
    for key, value in _counts(counts).items():
        setattr(competition, key, value)
    competition.save()
    audit.record(AuditAction.UPDATE, actor=actor, obj=competition, details=_counts(counts))
    return competition


@transaction.atomic
def set_criteria(actor, competition: Competition, criteria: list[tuple[str, int]]) -> None:
    """Replace the criteria; the weights must add up to 100 and scoring must not have started."""
    require_manage(actor, competition)
    _require_open(competition)
    if ScoreSheet.objects.filter(entry__competition=competition).exists():
        raise ValidationError({"criteria": _("评委已开始评分，不能再修改评分项。")}, code="RES-4")
    cleaned, names = [], set()
    for name, weight in criteria:
        name = clean_text(name).strip()[:50]
        if not name:
            continue
        if name in names:
            raise ValidationError({"criteria": _("评分项“%(n)s”重复。") % {"n": name}}, code="RES-4")
        try:
            weight = int(weight)
        except (TypeError, ValueError):
            weight = 0
        if not 1 <= weight <= 100:
            raise ValidationError({"criteria": _("“%(n)s”的权重应为 1 至 100。") % {"n": name}}, code="RES-4")
        names.add(name)
        cleaned.append((name, weight))
    if not cleaned:
        raise ValidationError({"criteria": _("至少需要一个评分项。")}, code="RES-4")
    total = sum(w for _n, w in cleaned)
    if total != 100:
        raise ValidationError(
            {"criteria": _("各评分项权重之和应为 100%%，现为 %(t)d%%。") % {"t": total}}, code="RES-4"
        )
    competition.criteria.all().delete()
    Criterion.objects.bulk_create(
        Criterion(competition=competition, name=n, weight=w, position=i) for i, (n, w) in enumerate(cleaned)
    )
    audit.record(AuditAction.UPDATE, actor=actor, obj=competition, details={"criteria": len(cleaned)})


@transaction.atomic
def add_judge(actor, competition: Competition, user) -> Judge:
    """A judge must be able to read every entry (city-wide read: leaders, the research office)."""
    require_manage(actor, competition)
    _require_open(competition)
    federation = federation_of(competition.org)
    if problem := administrator_problem(_("评委"), user):
        raise ValidationError({"user": problem}, code="SEC-5")
    if not user.is_active or not user_scope(user).covers(federation.path):
        raise ValidationError(
            {
                "user": _("%(n)s不能查看%(f)s全部的调研报告，不能担任评委。")
                % {"n": user.display_name, "f": federation.name}
            },
            code="RES-4",
        )
    if competition.judges.filter(user=user).exists():
        raise ValidationError({"user": _("%(n)s已是评委。") % {"n": user.display_name}}, code="RES-4")
    judge = Judge.objects.create(competition=competition, user=user)
    audit.record(AuditAction.CREATE, actor=actor, obj=judge, details={"competition": competition.pk})
    return judge


@transaction.atomic
def remove_judge(actor, judge: Judge) -> None:
    require_manage(actor, judge.competition)
    _require_open(judge.competition)
    audit.record(AuditAction.DELETE, actor=actor, obj=judge, details={"sheets": judge.sheets.count()})
    judge.delete()


def candidate_reports(actor, competition: Competition):
    """Submitted (or later) reports of the competition's year and federation not yet entered."""
    federation = federation_of(competition.org)
    return (
        Report.objects.visible_to(actor)
        .submitted()
        .filter(year=competition.year)
        .filter(subtree_q(federation.path, "org__path"))
        .exclude(cup_entries__competition=competition)
        .exclude(created_by__in=administrators())  # administrators take no part in the cup (SEC-5)
        .select_related("org")
        .order_by("org__path", "title")
    )


def _new_code(taken: set[str]) -> str:
    while True:  # a random code, so the order of entry says nothing about the unit
        code = f"{secrets.randbelow(9000) + 1000}"
        if code not in taken:
            taken.add(code)
            return code


@transaction.atomic
def add_entries(actor, competition: Competition, report_ids) -> list[Entry]:
    """Enter reports: only submitted ones of the year, of the organiser's federation (RES-4)."""
    require_manage(actor, competition)
    _require_open(competition)
    raw = [str(pk) for pk in report_ids]
    wanted = {int(pk) for pk in raw if pk.isdigit() and len(pk) < 19}
    if len(wanted) != len(set(raw)):
        wanted.add(0)  # a malformed id is "not among the choices", never a crash
    for report in Report.objects.visible_to(actor).filter(pk__in=wanted).select_related("created_by"):
        if report.created_by is not None and (
            problem := administrator_problem(_("参评报告的作者"), report.created_by)
        ):
            raise ValidationError({"reports": problem}, code="SEC-5")
    reports = list(candidate_reports(actor, competition).filter(pk__in=wanted))
    if not wanted or len(reports) != len(wanted):
        raise ValidationError({"reports": _("只能选择本年度已报送、尚未参评的调研报告。")}, code="RES-4")
    taken = set(competition.entries.values_list("code", flat=True))
    entries = Entry.objects.bulk_create(
        Entry(competition=competition, report=r, code=_new_code(taken)) for r in reports
    )
    audit.record(AuditAction.UPDATE, actor=actor, obj=competition, details={"entries_added": len(entries)})
    return entries


@transaction.atomic
def remove_entry(actor, entry: Entry) -> None:
    require_manage(actor, entry.competition)
    _require_open(entry.competition)
    audit.record(AuditAction.DELETE, actor=actor, obj=entry, details={"competition": entry.competition_id})
    entry.delete()


# --- scoring --------------------------------------------------------------------------------------


def judge_of(user, competition: Competition) -> Judge | None:
    return competition.judges.filter(user=user).first()


def entries_for_judge(judge: Judge):
    """The entries a judge scores: every entry except those of her own unit (blind: code and title)."""
    entries = list(judge.competition.entries.select_related("report__org").order_by("code"))
    return [e for e in entries if not judge_conflict(judge.user.org, e.report.org)]


def _value(raw, criterion: Criterion) -> Decimal:
    try:
        value = Decimal(str(raw).strip()).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    except (InvalidOperation, ValueError):
        raise ValidationError(
            {f"c{criterion.pk}": _("“%(n)s”的得分应为 0 至 100 的数字。") % {"n": criterion.name}},
            code="RES-4",
        ) from None
    if not Decimal(0) <= value <= Decimal(100):
        raise ValidationError(
            {f"c{criterion.pk}": _("“%(n)s”的得分应为 0 至 100 的数字。") % {"n": criterion.name}},
            code="RES-4",
        )
    return value


@transaction.atomic
def score(actor, entry: Entry, values: dict, comment: str = "") -> ScoreSheet:
    """A judge's scores for an entry: every criterion, 0–100; never an entry of her own unit."""
    competition = entry.competition
    judge = judge_of(actor, competition)
    if judge is None:
        raise PermissionDenied(_("您不是本次评选的评委。"))
    if is_administrator_account(actor):  # named a judge before the rule, or given a role since (SEC-5)
        raise PermissionDenied(_("管理员账号（安全、审计、系统管理员）不参与“求实杯”评分。"))
    if judge_conflict(actor.org, entry.report.org):
        raise PermissionDenied(_("评委不能为本单位的报告评分（回避）。"))
    _require_open(competition)
    criteria = list(competition.criteria.all())
    if not criteria:
        raise ValidationError(_("本次评选还没有评分项。"), code="RES-4")
    cleaned = {}
    for criterion in criteria:
        raw = values.get(criterion.pk, values.get(str(criterion.pk)))
        if raw is None or str(raw).strip() == "":
            raise ValidationError(
                {f"c{criterion.pk}": _("请为“%(n)s”打分。") % {"n": criterion.name}}, code="RES-4"
            )
        cleaned[criterion.pk] = _value(raw, criterion)
    comment = clean_text(comment).strip()[:2000]
    sheet, created = ScoreSheet.objects.update_or_create(
        entry=entry, judge=judge, defaults={"comment": comment}
    )
    sheet.scores.all().delete()
    Score.objects.bulk_create(Score(sheet=sheet, criterion_id=pk, value=v) for pk, v in cleaned.items())
    audit.record(
        AuditAction.CREATE if created else AuditAction.UPDATE,
        actor=actor,
        obj=sheet,
        details={"entry": entry.code},
    )
    return sheet


def sheet_total(sheet: ScoreSheet, scores=None) -> Decimal:
    """Σ score × weight / 100 of one sheet (``scores`` with their criteria, or the prefetched ones)."""
    scores = sheet.scores.all() if scores is None else scores
    total = sum((s.value * s.criterion.weight for s in scores), Decimal(0))
    return (total / 100).quantize(TWO, rounding=ROUND_HALF_UP)


# --- ranking and awards ---------------------------------------------------------------------------


@dataclass
class Ranked:
    entry: Entry
    total: Decimal | None
    sheets: int
    expected: int
    rank: int | None = None
    award: str = ""

    @property
    def award_label(self) -> str:
        return Award(self.award).label if self.award else ""


def competition_ranks(totals: list[Decimal]) -> list[int]:
    """Standard competition ranking of totals given in descending order: 1, 1, 3 for ties."""
    ranks, previous = [], None
    for index, total in enumerate(totals):
        if total != previous:
            rank = index + 1
        ranks.append(rank)
        previous = total
    return ranks


def awards_for(ranks: list[int], counts: list[tuple[str, int]]) -> list[str]:
    """Awards down the ranks: the first N1 places get the first award, the next N2 the second … A tie
    shares the award of its rank, so a tie at a band's edge widens that band."""
    limits, running = [], 0
    for award, count in counts:
        running += count
        limits.append((running, award))
    result = []
    for rank in ranks:
        result.append(next((award for limit, award in limits if rank <= limit), ""))
    return result


def ranking(competition: Competition) -> list[Ranked]:
    """Entries with their totals (the mean of their judges' weighted sums), ranks and awards — two
    aggregate queries whatever the number of scores."""
    entries = list(competition.entries.select_related("report__org").order_by("code"))
    weighted = dict(
        Score.objects.filter(sheet__entry__competition=competition)
        .values("sheet__entry")
        .annotate(w=Sum(F("value") * F("criterion__weight")))
        .values_list("sheet__entry", "w")
    )
    sheets = dict(
        ScoreSheet.objects.filter(entry__competition=competition)
        .values("entry")
        .annotate(n=Count("pk"))
        .values_list("entry", "n")
    )
    judges = list(competition.judges.select_related("user__org"))
    rows = []
    for entry in entries:
        n = sheets.get(entry.pk, 0)
        total = None
        if n:
            total = (Decimal(weighted.get(entry.pk) or 0) / 100 / n).quantize(TWO, rounding=ROUND_HALF_UP)
        expected = sum(1 for j in judges if not judge_conflict(j.user.org, entry.report.org))
        rows.append(Ranked(entry, total, n, expected))
    scored = sorted((r for r in rows if r.total is not None), key=lambda r: (-r.total, r.entry.code))
    ranks = competition_ranks([r.total for r in scored])
    for row, rank, award in zip(scored, ranks, awards_for(ranks, competition.award_counts()), strict=True):
        row.rank, row.award = rank, award
    unscored = [r for r in rows if r.total is None]
    return scored + unscored


def missing_sheets(rows: list[Ranked]) -> int:
    return sum(max(0, r.expected - r.sheets) for r in rows)


@transaction.atomic
def publish(actor, competition: Competition) -> list[Ranked]:
    """Close the scoring and publish ranks and awards (every judge must have scored every entry)."""
    require_manage(actor, competition)
    competition = Competition.objects.select_for_update().get(pk=competition.pk)
    _require_open(competition)
    rows = ranking(competition)
    if not rows:
        raise ValidationError(_("还没有参评报告。"), code="RES-4")
    if any(r.expected == 0 for r in rows):
        raise ValidationError(_("有的参评报告没有可以评分的评委（评委均须回避），请增加评委。"), code="RES-4")
    missing = missing_sheets(rows)
    if missing:
        raise ValidationError(_("还有 %(n)d 份评分表未提交，不能公布结果。") % {"n": missing}, code="RES-4")
    for row in rows:
        row.entry.total, row.entry.rank, row.entry.award = row.total, row.rank, row.award
    Entry.objects.bulk_update([r.entry for r in rows], ["total", "rank", "award"])
    competition.closed_at = timezone.now()
    competition.save(update_fields=["closed_at"])
    audit.record(AuditAction.UPDATE, actor=actor, obj=competition, details={"published": len(rows)})
    return rows


@transaction.atomic
def unpublish(actor, competition: Competition) -> None:
    require_manage(actor, competition)
    if not competition.is_closed:
        return
    competition.entries.update(total=None, rank=None, award="")
    competition.closed_at = None
    competition.save(update_fields=["closed_at"])
    audit.record(AuditAction.UPDATE, actor=actor, obj=competition, details={"published": False})


def eligible_judges(competition: Competition):
    """Users who can read the whole federation (its own cadres and anyone with a grant over it) — never
    an administrator account (SEC-5)."""

    federation = federation_of(competition.org)
    ancestors = [federation.path[:i] for i in range(Org.steplen, len(federation.path) + 1, Org.steplen)]
    return (
        User.objects.filter(is_active=True, roles__isnull=False)
        .filter(Q(org__path__in=ancestors) | Q(scope_grants__org__path__in=ancestors))
        .exclude(pk__in=administrators().values("pk"))
        .distinct()
        .select_related("org")
        .order_by("org__path", "name")
    )


def sheet_for(judge: Judge, entry: Entry) -> ScoreSheet | None:
    return ScoreSheet.objects.filter(judge=judge, entry=entry).prefetch_related("scores").first()
