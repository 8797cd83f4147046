"""Tallies of a questionnaire (FLD-6): counts per question and per child area, over the responses in
the viewer's scope; a fixed number of GROUP BY queries whatever the number of answers."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Avg, Count, Max, Min, Sum
from django.db.models.functions import Substr

from fuqing.core.scoping import subtree_q
from fuqing.fieldwork.models import CHOICE_KINDS, Answer, Question, QuestionKind, Questionnaire, Response
from fuqing.orgs.models import Org


@dataclass
class QuestionTally:
    question: Question
    answered: int = 0
    choices: list[dict] = field(default_factory=list)  # value, label, count, share
    stats: dict = field(default_factory=dict)
    samples: list[str] = field(default_factory=list)


@dataclass
class Tallies:
    questionnaire: Questionnaire
    area: Org
    responses: int
    questions: list[QuestionTally]
    areas: list[dict]  # {"org": Org|None, "label": str, "responses": int, "choices": {(qid, value): n}}


def tallies(actor, questionnaire: Questionnaire, area: Org, sample_limit: int = 5) -> Tallies:
    """FLD-6: counts per question and per child area of ``area``, over the responses in the user's
    scope; a fixed number of GROUP BY queries."""
    responses = Response.objects.visible_to(actor).filter(
        subtree_q(area.path, "org__path"), questionnaire=questionnaire
    )
    answers = Answer.objects.visible_to(actor).filter(
        subtree_q(area.path, "response__org__path"), response__questionnaire=questionnaire
    )
    width = len(area.path) + Org.steplen
    questions = list(questionnaire.questions.order_by("position"))
    answered = dict(
        answers.values("question_id")
        .annotate(n=Count("response_id", distinct=True))
        .values_list("question_id", "n")
    )
    choice_counts = {
        (r["question_id"], r["value"]): r["n"]
        for r in answers.filter(question__kind__in=CHOICE_KINDS)
        .values("question_id", "value")
        .annotate(n=Count("id"))
    }
    numbers = {
        r["question_id"]: r
        for r in answers.filter(question__kind=QuestionKind.NUMBER)
        .values("question_id")
        .annotate(avg=Avg("number"), low=Min("number"), high=Max("number"), total=Sum("number"))
    }
    dates = {
        r["question_id"]: r
        for r in answers.filter(question__kind=QuestionKind.DATE)
        .values("question_id")
        .annotate(low=Min("date"), high=Max("date"))
    }
    samples: dict[int, list[str]] = {}
    for qid, text in (
        answers.filter(question__kind=QuestionKind.TEXT)
        .order_by("-response__created_at")
        .values_list("question_id", "text")[:500]
    ):
        if len(samples.setdefault(qid, [])) < sample_limit:
            samples[qid].append(text)
    total = responses.count()
    result = []
    for question in questions:
        tally = QuestionTally(question=question, answered=answered.get(question.pk, 0))
        if question.has_choices:
            for choice in question.choices:
                count = choice_counts.get((question.pk, choice["value"]), 0)
                tally.choices.append(
                    {
                        "value": choice["value"],
                        "label": choice["label"],
                        "count": count,
                        "share": count / tally.answered if tally.answered else 0,
                    }
                )
        elif question.kind == QuestionKind.NUMBER and question.pk in numbers:
            tally.stats = numbers[question.pk]
        elif question.kind == QuestionKind.DATE and question.pk in dates:
            tally.stats = dates[question.pk]
        tally.samples = samples.get(question.pk, [])
        result.append(tally)
    return Tallies(
        questionnaire=questionnaire,
        area=area,
        responses=total,
        questions=result,
        areas=_area_rows(area, responses, answers, width),
    )


def _area_rows(area: Org, responses, answers, width: int) -> list[dict]:
    children = list(Org.objects.filter(subtree_q(area.path), depth=area.depth + 1).order_by("path"))
    rows = {c.path: {"org": c, "label": c.name, "responses": 0, "choices": {}} for c in children}
    rows[area.path] = {"org": None, "label": f"{area.name}（本级）", "responses": 0, "choices": {}}
    for r in (
        responses.annotate(unit=Substr("org__path", 1, width))
        .values("unit")
        .annotate(n=Count("id"))
        .order_by()
    ):
        if r["unit"] in rows:
            rows[r["unit"]]["responses"] = r["n"]
    for r in (
        answers.filter(question__kind__in=CHOICE_KINDS)
        .annotate(unit=Substr("response__org__path", 1, width))
        .values("unit", "question_id", "value")
        .annotate(n=Count("id"))
        .order_by()
    ):
        if r["unit"] in rows:
            rows[r["unit"]]["choices"][(r["question_id"], r["value"])] = r["n"]
    ordered = [rows[c.path] for c in children]
    if rows[area.path]["responses"]:
        ordered.insert(0, rows[area.path])
    return ordered
