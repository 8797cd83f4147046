"""Questionnaires (FLD-6): build, publish down the tree, fill in on a phone with skip logic applied on
the server as in the browser, tallies per question and per area, export."""

from __future__ import annotations

import datetime
import io
import uuid

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from fuqing.fieldwork import questionnaires as service
from fuqing.fieldwork import responses, tallies
from fuqing.fieldwork.models import Answer, Question, Questionnaire, Response
from fuqing.fieldwork.questionnaires import QuestionData

YES_NO = [{"value": "yes", "label": "是"}, {"value": "no", "label": "否"}]


def _survey(actor, org, status="open"):
    questionnaire = service.create_questionnaire(
        actor,
        org=org,
        year=2014,
        title="妇女需求调查",
        questions=[
            QuestionData("年龄", "number", code="age", required=True),
            QuestionData("是否有工作", "single", code="employed", required=True, choices=YES_NO),
            QuestionData(
                "想参加的培训",
                "multiple",
                code="training",
                required=True,
                choices=[
                    {"value": "a", "label": "家政"},
                    {"value": "b", "label": "电商"},
                    {"value": "c", "label": "种植"},
                ],
                relevant="${employed} = 'no'",
            ),
            QuestionData("最需要的帮助", "text", code="need"),
            QuestionData("走访日期", "date", code="day"),
        ],
    )
    if status != "draft":
        service.set_status(actor, questionnaire, status)
    return questionnaire


def test_fld6_a_federation_builds_a_questionnaire_on_the_page(tree, city_leader, login_as):
    client = login_as(city_leader)
    response = client.post(
        reverse("fieldwork:questionnaire-add"), {"title": "留守妇女调查", "year": "2014", "org": tree.city.pk}
    )
    questionnaire = Questionnaire.objects.get()
    assert response["Location"] == reverse("fieldwork:questionnaire-detail", args=[questionnaire.pk])
    add = reverse("fieldwork:question-add", args=[questionnaire.pk])
    client.post(
        add, {"text": "您是否留守妇女？", "kind": "single", "required": "on", "choices_text": "是\n否"}
    )
    client.post(
        add,
        {
            "text": "丈夫外出几年了？",
            "kind": "number",
            "cond_question": "q1",
            "cond_op": "=",
            "cond_value": "1",
        },
    )
    bad = client.post(add, {"text": "只有一个选项", "kind": "single", "choices_text": "是"})
    assert "至少要有两个选项" in bad.content.decode()
    first, second = questionnaire.questions.order_by("position")
    assert (first.code, first.required, first.choices) == (
        "q1",
        True,
        [{"value": "1", "label": "是"}, {"value": "2", "label": "否"}],
    )
    assert second.condition == {"op": "=", "q": "q1", "v": "1"} and second.relevant == "${q1} = 1"
    page = client.get(reverse("fieldwork:questionnaire-detail", args=[questionnaire.pk])).content.decode()
    assert "仅当“1. 您是否留守妇女？”等于“是”时显示" in page  # the choice shows as its label
    client.post(reverse("fieldwork:questionnaire-status", args=[questionnaire.pk]), {"status": "open"})
    questionnaire.refresh_from_db()
    assert questionnaire.is_open


def test_fld6_skip_logic_may_refer_only_to_earlier_questions(tree, city_leader):
    with pytest.raises(ValidationError) as caught:
        service.create_questionnaire(
            city_leader,
            org=tree.city,
            year=2014,
            title="t",
            questions=[
                QuestionData("a", "text", code="a", relevant="${b} = 'x'"),
                QuestionData("b", "text", code="b"),
            ],
        )
    assert "第1题" in str(caught.value) and "找不到：b" in str(caught.value)


def test_fld6_a_published_questionnaire_cannot_change_its_questions(tree, city_leader, login_as):
    questionnaire = _survey(city_leader, tree.city)
    question = questionnaire.questions.first()
    with pytest.raises(ValidationError) as caught:
        service.save_question(city_leader, questionnaire, question, QuestionData("改", "text"))
    assert "已发布" in str(caught.value)
    response = login_as(city_leader).post(
        reverse("fieldwork:question-delete", args=[question.pk]), follow=True
    )
    assert "已发布" in response.content.decode()
    assert questionnaire.questions.count() == 5


def test_fld6_questions_keep_their_order_and_dependencies(tree, city_leader):
    questionnaire = _survey(city_leader, tree.city, status="draft")
    training = questionnaire.questions.get(code="training")
    with pytest.raises(ValidationError):
        service.move_question(city_leader, training, -1)  # it depends on "employed" just above
    with pytest.raises(ValidationError):
        service.delete_question(city_leader, questionnaire.questions.get(code="employed"))
    need = questionnaire.questions.get(code="need")
    service.move_question(city_leader, need, -1)
    assert list(questionnaire.questions.order_by("position").values_list("code", flat=True)) == [
        "age",
        "employed",
        "need",
        "training",
        "day",
    ]


def test_fld6_a_city_questionnaire_is_answered_by_its_districts(tree, city_leader, daoli, nangang, login_as):
    questionnaire = _survey(city_leader, tree.city)
    client = login_as(daoli)
    assert questionnaire.title in client.get(reverse("fieldwork:fill-list")).content.decode()
    form_page = client.get(reverse("fieldwork:questionnaire-fill", args=[questionnaire.pk]))
    assert form_page.status_code == 200
    html = form_page.content.decode()
    assert (
        'data-code="training"' in html and "&quot;op&quot;: &quot;=&quot;" in html
    )  # skip logic for the browser
    response = client.post(
        reverse("fieldwork:questionnaire-fill", args=[questionnaire.pk]),
        {
            "id": uuid.uuid4(),
            "org": tree.a.pk,
            "answered_on": "2014-04-20",
            "q_age": "35",
            "q_employed": "no",
            "q_training": ["a", "b"],
            "q_need": "想学电商",
            "q_day": "2014-04-20",
        },
    )
    assert response.status_code == 302
    saved = Response.objects.get()
    assert (saved.org, saved.questionnaire, saved.year) == (tree.a, questionnaire, 2014)
    assert responses.answers_of(saved) == {
        "age": 35,
        "employed": "no",
        "training": ["a", "b"],
        "need": "想学电商",
        "day": datetime.date(2014, 4, 20),
    }
    # the city questionnaire is read-only below: a district cannot edit it
    assert (
        client.post(reverse("fieldwork:questionnaire-edit", args=[questionnaire.pk]), {}).status_code == 403
    )
    # responses belong to the responding unit: the sibling district does not see them
    assert login_as(nangang).get(reverse("fieldwork:response-detail", args=[saved.pk])).status_code == 404


def test_fld6_skip_logic_drops_hidden_answers_and_requires_only_shown_questions(tree, city_leader, daoli):
    questionnaire = _survey(city_leader, tree.city)
    response, created = responses.submit_response(
        daoli,
        questionnaire,
        org=tree.a,
        answers={"age": "40", "employed": "yes", "training": ["a"]},  # training is hidden when employed
    )
    assert created
    assert "training" not in responses.answers_of(response)
    with pytest.raises(ValidationError) as caught:
        responses.submit_response(daoli, questionnaire, org=tree.a, answers={"age": "40", "employed": "no"})
    assert "“想参加的培训”为必答题" in caught.value.message_dict["training"][0]
    with pytest.raises(ValidationError) as caught:
        responses.submit_response(
            daoli, questionnaire, org=tree.a, answers={"age": "四十", "employed": "maybe"}
        )
    assert "应为数字" in caught.value.message_dict["age"][0]
    assert "请从选项中选择" in caught.value.message_dict["employed"][0]
    assert Response.objects.count() == 1


def test_plt6_replaying_a_response_id_does_not_duplicate_it(tree, city_leader, daoli):
    questionnaire = _survey(city_leader, tree.city)
    response_id = uuid.uuid4()
    answers = {"age": 30, "employed": "yes"}
    first, created = responses.submit_response(
        daoli, questionnaire, org=tree.a, answers=answers, id=response_id
    )
    again, created_again = responses.submit_response(
        daoli, questionnaire, org=tree.a, answers=answers, id=response_id
    )
    assert created and not created_again and first.pk == again.pk == response_id
    assert Response.objects.count() == 1 and Answer.objects.count() == 2


def test_fld6_a_draft_or_closed_questionnaire_takes_no_answers(tree, city_leader, daoli, login_as):
    questionnaire = _survey(city_leader, tree.city, status="draft")
    with pytest.raises(ValidationError):
        responses.submit_response(daoli, questionnaire, org=tree.a, answers={})
    response = login_as(daoli).get(
        reverse("fieldwork:questionnaire-fill", args=[questionnaire.pk]), follow=True
    )
    assert "不在收集中" in response.content.decode()


def test_fld6_a_response_is_given_by_a_unit_under_the_publisher(tree, daoli, nangang):
    questionnaire = _survey(daoli, tree.a)
    with pytest.raises(ValidationError):
        responses.submit_response(
            nangang, Questionnaire.objects.get(pk=questionnaire.pk), org=tree.b, answers={}
        )


def _answers(actor, questionnaire, org, employed, training=(), age=30):
    return responses.submit_response(
        actor,
        questionnaire,
        org=org,
        answers={"age": age, "employed": employed, "training": list(training), "need": f"需要{age}"},
    )


def test_fld6_tallies_per_question_and_per_area(tree, city_leader, daoli, nangang, login_as):
    questionnaire = _survey(city_leader, tree.city)
    _answers(daoli, questionnaire, tree.a, "no", ["a", "b"], 30)
    _answers(daoli, questionnaire, tree.a1, "no", ["a"], 40)
    _answers(daoli, questionnaire, tree.a, "yes", age=50)
    _answers(nangang, questionnaire, tree.b, "no", ["c"], 60)
    t = tallies.tallies(city_leader, questionnaire, tree.city)
    assert t.responses == 4
    by_code = {q.question.code: q for q in t.questions}
    assert {c["value"]: c["count"] for c in by_code["employed"].choices} == {"yes": 1, "no": 3}
    assert {c["value"]: c["count"] for c in by_code["training"].choices} == {"a": 2, "b": 1, "c": 1}
    assert by_code["training"].answered == 3
    assert float(by_code["age"].stats["avg"]) == 45 and float(by_code["age"].stats["high"]) == 60
    assert len(by_code["need"].samples) == 4
    areas = {a["label"]: a for a in t.areas}
    assert areas["道里区妇联"]["responses"] == 3 and areas["南岗区妇联"]["responses"] == 1
    employed = by_code["employed"].question.pk
    assert areas["道里区妇联"]["choices"][(employed, "no")] == 2
    # a district sees only its own responses of the city's questionnaire
    district = tallies.tallies(daoli, questionnaire, tree.a)
    assert district.responses == 3
    page = login_as(daoli).get(reverse("fieldwork:tallies", args=[questionnaire.pk]))
    assert page.context["area"] == tree.a and page.context["t"].responses == 3
    assert (
        login_as(daoli)
        .get(reverse("fieldwork:tallies", args=[questionnaire.pk]), {"area": tree.b.pk})
        .status_code
        == 404
    )


def test_fld6_tallies_are_a_bounded_number_of_queries(
    tree, city_leader, daoli, login_as, django_assert_max_num_queries
):
    questionnaire = _survey(city_leader, tree.city)
    for age in range(20, 50):
        _answers(daoli, questionnaire, tree.a1a if age % 2 else tree.a, "no", ["a"], age)
    client = login_as(city_leader)
    with django_assert_max_num_queries(24):
        response = client.get(reverse("fieldwork:tallies", args=[questionnaire.pk]))
    assert response.context["t"].responses == 30


def test_fld6_tallies_export_as_xlsx(tree, city_leader, daoli, login_as):
    questionnaire = _survey(city_leader, tree.city)
    _answers(daoli, questionnaire, tree.a, "no", ["a", "b"], 30)
    _answers(daoli, questionnaire, tree.a1, "yes", age=41)
    response = login_as(city_leader).get(reverse("fieldwork:tallies-export", args=[questionnaire.pk]))
    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)
    assert book.sheetnames == ["汇总", "分地区", "答卷"]
    summary = [r for r in book["汇总"].iter_rows(values_only=True)]
    assert summary[0][0] == "妇女需求调查"
    assert ("2. 是否有工作", "作答人数", 2, None) in summary and (None, "否", 1, "50.0%") in summary
    raw = list(book["答卷"].iter_rows(values_only=True))
    assert len(raw) == 3 and "家政、电商" in raw[1] + raw[2]
    areas = list(book["分地区"].iter_rows(values_only=True))
    assert ("道里区妇联", 2, None, None, None) in areas


def test_fld6_responses_list_and_edit_within_scope(tree, city_leader, daoli, login_as):
    questionnaire = _survey(city_leader, tree.city)
    response, _ = _answers(daoli, questionnaire, tree.a, "yes", age=33)
    client = login_as(daoli)
    listing = client.get(reverse("fieldwork:responses", args=[questionnaire.pk]), {"q": "需要33"})
    assert listing.context["page"].paginator.count == 1
    edit = client.post(
        reverse("fieldwork:response-edit", args=[response.pk]),
        {"org": tree.a.pk, "answered_on": "2014-04-21", "q_age": "34", "q_employed": "yes"},
    )
    assert edit.status_code == 302
    assert responses.answers_of(response)["age"] == 34
    assert Response.objects.count() == 1


def test_fld6_question_rows_follow_inheritance_for_reading_only(tree, city_leader, daoli, login_as):
    questionnaire = _survey(city_leader, tree.city, status="draft")
    question = Question.objects.filter(questionnaire=questionnaire).first()
    client = login_as(daoli)
    assert client.get(reverse("fieldwork:questionnaire-detail", args=[questionnaire.pk])).status_code == 200
    assert client.post(reverse("fieldwork:question-edit", args=[question.pk]), {}).status_code == 403
