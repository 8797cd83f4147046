"""FLD-6: questionnaires accept the XLSForms KoBo/ODK users write, read by pyxform: groups, cascading
choices, labels in several languages, constraints enforced on the server, notes, hints, calculations,
defaults, repeats, or_other; raw responses export to Excel one row per response."""

from __future__ import annotations

import io
import json
import shutil
import subprocess
from pathlib import Path

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from fuqing.fieldwork import questionnaires as service
from fuqing.fieldwork import responses, skiplogic, tallies, xlsform
from fuqing.fieldwork.models import Answer, Questionnaire, Response


def _book(path, survey, choices=None, settings=None):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "survey"
    for row in survey:
        sheet.append(row)
    for title, rows in (("choices", choices), ("settings", settings)):
        if rows is not None:
            extra = book.create_sheet(title)
            for row in rows:
                extra.append(row)
    book.save(path)
    return path


CASCADE_SURVEY = [
    ["type", "name", "label::中文 (zh)", "label::English (en)", "choice_filter", "appearance", "relevant"],
    ["begin group", "place", "所在地：", "Where", "", "field-list", ""],
    ["select one from province", "prov", "省份？", "Province?", "", "minimal", ""],
    ["select_one city", "city", "城市（地级市）", "City", "province=${prov}", "", ""],
    ["end group", "", "", "", "", "", ""],
    ["select all that apply help", "help", "需要的帮助", "Help needed", "", "horizontal", ""],
    ["phone number", "tel", "联系电话", "Phone", "", "", "${city} != ''"],
]
CASCADE_CHOICES = [
    ["list_name", "name", "label::中文 (zh)", "label::English (en)", "province"],
    ["province", "fj", "福建", "Fujian", ""],
    ["province", "zj", "浙江", "Zhejiang", ""],
    ["city", "fz", "福州", "Fuzhou", "fj"],
    ["city", "xm", "厦门", "Xiamen", "fj"],
    ["city", "hz", "杭州", "Hangzhou", "zj"],
    ["help", "job", "就业", "Jobs", ""],
    ["help", "law", "法律", "Legal aid", ""],
]

HEADER = ["type", "name", "label", "hint", "constraint", "constraint_message", "required"]
CONSTRAINT_SURVEY = [
    [*HEADER, "required_message", "calculation", "default"],
    ["note", "intro", "请如实填写，谢谢！", "", "", "", "", "", "", ""],
    [
        "integer",
        "age",
        "年龄（周岁）",
        "填整数",
        ". >= 0 and . < 120",
        "年龄应在0到120岁之间",
        "yes",
        *["请填写年龄", "", ""],
    ],
    ["calculate", "months", "", "", "", "", "", "", "${age} * 12", ""],
    ["text", "village", "村名", "", "string-length(.) <= 10", "", "", "", "", "福清村"],
    ["start", "start", "", "", "", "", "", "", "", ""],
]

REPEAT_SURVEY = [
    ["type", "name", "label"],
    ["text", "family", "户主"],
    ["begin repeat", "kids", "孩子"],
    ["text", "kid_name", "姓名"],
    ["integer", "kid_age", "年龄"],
    ["end repeat", "", ""],
    ["select_one yn or_other", "school", "上学情况"],
]
REPEAT_CHOICES = [["list_name", "name", "label"], ["yn", "yes", "在读"], ["yn", "no", "未读"]]


def _import(client, tree, path):
    response = client.post(
        reverse("fieldwork:questionnaire-import"),
        {"file": SimpleUploadedFile(path.name, path.read_bytes()), "year": "2014", "org": tree.city.pk},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    questionnaire = Questionnaire.objects.order_by("-pk").first()
    return questionnaire


def _open(actor, questionnaire):
    service.set_status(actor, questionnaire, "open")
    return questionnaire


def test_fld6_groups_cascading_choices_and_english_labels_import_and_render_in_the_interface_language(
    tree, city_leader, login_as, tmp_path
):
    client = login_as(city_leader)
    path = _book(tmp_path / "cascade.xlsx", CASCADE_SURVEY, CASCADE_CHOICES, [["form_title"], ["需求登记"]])
    questionnaire = _open(city_leader, _import(client, tree, path))
    assert [q.code for q in questionnaire.questions.order_by("position")] == ["prov", "city", "help", "tel"]
    prov = questionnaire.questions.get(code="prov")
    assert prov.text == "省份？"  # full-width punctuation kept as written
    assert prov.extra["appearance"] == "minimal"  # kept, ignored where it means nothing on a phone
    fill = reverse("fieldwork:questionnaire-fill", args=[questionnaire.pk])
    chinese = client.get(fill).content.decode()
    assert "省份？" in chinese and "福州" in chinese and "所在地：" in chinese
    english = client.get(fill, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Province?" in english and "Fuzhou" in english and "Where" in english
    assert "省份？" not in english
    assert "data-filter=" in english and "data-choice=" in english  # cascading in the browser
    # ... and on the server: Hangzhou is not a city of Fujian
    with pytest.raises(ValidationError) as caught:
        responses.submit_response(
            city_leader, questionnaire, org=tree.city, answers={"prov": "fj", "city": "hz"}
        )
    assert "city" in caught.value.message_dict
    response, _created = responses.submit_response(
        city_leader,
        questionnaire,
        org=tree.city,
        answers={"prov": "fj", "city": "xm", "help": ["job", "law"], "tel": "13800000000"},
    )
    assert responses.answers_of(response)["city"] == "xm"


def test_fld6_a_constraint_refuses_an_age_of_200_on_the_server_and_tallies_stay_true(
    tree, city_leader, login_as, tmp_path
):
    client = login_as(city_leader)
    questionnaire = _open(city_leader, _import(client, tree, _book(tmp_path / "age.xlsx", CONSTRAINT_SURVEY)))
    kinds = {q.code: q.kind for q in questionnaire.questions.all()}
    assert kinds == {"intro": "note", "age": "number", "months": "calculate", "village": "text"}
    page = client.get(reverse("fieldwork:questionnaire-fill", args=[questionnaire.pk])).content.decode()
    assert "请如实填写，谢谢！" in page and "填整数" in page
    assert "年龄应在0到120岁之间" in page  # the browser shows the message when the constraint fails
    assert 'value="福清村"' in page  # default
    fill = reverse("fieldwork:questionnaire-fill", args=[questionnaire.pk])
    refused = client.post(fill, {"org": tree.city.pk, "answered_on": "2014-05-01", "q_age": "200"})
    assert refused.status_code == 200
    assert "年龄应在0到120岁之间" in refused.content.decode()
    assert Response.objects.count() == 0
    missing = client.post(fill, {"org": tree.city.pk, "answered_on": "2014-05-01", "q_age": ""})
    assert "请填写年龄" in missing.content.decode()
    with pytest.raises(ValidationError) as caught:
        responses.submit_response(
            city_leader,
            questionnaire,
            org=tree.city,
            answers={"age": "30", "village": "一个很长很长很长的村名啊"},
        )
    assert "village" in caught.value.message_dict
    client.post(fill, {"org": tree.city.pk, "answered_on": "2014-05-01", "q_age": "40", "q_village": "东张"})
    saved = Response.objects.get()
    assert responses.answers_of(saved)["months"] == "480"  # calculated on the server
    result = tallies.tallies(city_leader, questionnaire, tree.city)
    age = next(t for t in result.questions if t.question.code == "age")
    assert age.stats["avg"] == 40


def test_fld6_repeats_and_or_other_are_stored_and_exported_one_row_per_response(
    tree, city_leader, login_as, tmp_path
):
    client = login_as(city_leader)
    questionnaire = _open(
        city_leader,
        _import(client, tree, _book(tmp_path / "kids.xlsx", REPEAT_SURVEY, REPEAT_CHOICES)),
    )
    codes = [q.code for q in questionnaire.questions.order_by("position")]
    assert codes == ["family", "kid_name", "kid_age", "school", "school_other"]
    fill = reverse("fieldwork:questionnaire-fill", args=[questionnaire.pk])
    page = client.get(fill).content.decode()
    assert "data-fq-repeat" in page and "再添一组" in page and "其他" in page
    refused = client.post(
        fill,
        {
            "org": tree.city.pk,
            "answered_on": "2014-05-01",
            "q_family": "林家",
            "q_kid_name__0": "小明",
            "q_kid_age__0": "八岁",
        },
    )
    assert "第1组" in refused.content.decode() and Response.objects.count() == 0
    client.post(
        fill,
        {
            "org": tree.city.pk,
            "answered_on": "2014-05-01",
            "q_family": "林家",
            "q_kid_name__0": "小明",
            "q_kid_age__0": "8",
            "q_kid_name__1": "小红",
            "q_kid_age__1": "5",
            "q_school": "other",
            "q_school_other": "在家自学",
        },
    )
    response = Response.objects.get()
    assert response.repeats == {
        "kids": [{"kid_name": "小明", "kid_age": "8"}, {"kid_name": "小红", "kid_age": "5"}]
    }
    assert responses.answers_of(response)["school_other"] == "在家自学"
    assert not Answer.objects.filter(question__code="kid_name").exists()  # repeats live on the response
    responses.submit_response(city_leader, questionnaire, org=tree.city, answers={"family": "陈家"})
    export = client.get(reverse("fieldwork:responses-export", args=[questionnaire.pk]))
    assert export.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(b"".join(export.streaming_content)), read_only=True)
    main = list(book["答卷"].iter_rows(values_only=True))
    assert main[0][:4] == ("_id", "答卷单位", "填写日期", "family")
    assert len(main) == 3  # one row per response
    assert {row[3] for row in main[1:]} == {"林家", "陈家"}
    kids = list(book["kids"].iter_rows(values_only=True))
    assert kids[0] == ("_parent_id", "_index", "kid_name", "kid_age")
    assert [row[2:] for row in kids[1:]] == [("小明", 8), ("小红", 5)]
    assert {row[0] for row in kids[1:]} == {str(response.pk)}


def test_fld6_photo_and_location_questions_take_a_picture_and_a_geopoint(tmp_path):
    survey = [
        ["type", "name", "label"],
        ["image", "photo", "现场照片"],
        ["geopoint", "where", "位置"],
    ]
    _title, questions = xlsform.read(str(_book(tmp_path / "geo.xlsx", survey)))
    assert [(q.code, q.kind) for q in questions] == [("photo", "image"), ("where", "geopoint")]


def test_fld6_geopoints_are_checked_and_photos_refused_when_not_images(tree, city_leader, tmp_path):
    survey = [["type", "name", "label"], ["image", "photo", "现场照片"], ["geopoint", "where", "位置"]]
    _title, questions = xlsform.read(str(_book(tmp_path / "geo.xlsx", survey)))
    questionnaire = service.create_questionnaire(
        city_leader, org=tree.city, year=2014, title="照片", questions=questions
    )
    _open(city_leader, questionnaire)
    with pytest.raises(ValidationError) as caught:
        responses.submit_response(
            city_leader,
            questionnaire,
            org=tree.city,
            answers={"where": "200 30", "photo": SimpleUploadedFile("a.jpg", b"not an image")},
        )
    assert set(caught.value.message_dict) == {"where", "photo"}
    response, _created = responses.submit_response(
        city_leader, questionnaire, org=tree.city, answers={"where": "25.71 119.38 10 5"}
    )
    assert responses.answers_of(response)["where"] == "25.71 119.38 10 5"


@pytest.mark.parametrize(
    ("source", "answers", "current", "expected"),
    [
        (". < 120", {}, "200", False),
        (". < 120", {}, "30", True),
        ("${a} * 2 + 1", {"a": "4"}, None, 9.0),
        ("selected(${m}, 'b') and count-selected(${m}) = 2", {"m": ["a", "b"]}, None, True),
        ("regex(., '^1[0-9]{10}$')", {}, "13800000000", True),
        ("if(${a} > 3, 'big', 'small')", {"a": "4"}, None, "big"),
        ("string-length(.) <= 3", {}, "福清村", True),
        ("${missing} + 1 > 0", {}, None, False),
    ],
)
def test_fld6_the_expression_evaluator_never_evals(source, answers, current, expected):
    assert skiplogic.evaluate_expr(skiplogic.parse_expr(source), answers, current) == expected


@pytest.mark.skipif(shutil.which("node") is None, reason="node is not installed")
def test_fld6_the_browser_evaluates_constraints_like_the_server():
    cases = [
        (". < 120", {}, "200"),
        (". >= 0 and . < 120", {}, "30"),
        ("${a} * 2 + 1 = 9", {"a": "4"}, None),
        ("selected(${m}, 'b')", {"m": ["a", "b"]}, None),
        ("province = ${prov}", {"prov": "fj"}, None),
        ("string-length(.) <= 3", {}, "福清村长"),
    ]
    expected = [skiplogic.truthy(skiplogic.parse_expr(s), a, c, {"province": "fj"}) for s, a, c in cases]
    script = Path(__file__).resolve().parents[2] / "static" / "fuqing" / "fieldwork.js"
    trees = [[skiplogic.parse_expr(s), a, c] for s, a, c in cases]
    program = (
        "global.document = {querySelectorAll: () => []}; global.window = global;\n"
        + script.read_text(encoding="utf-8")
        + f"\nconst cases = {json.dumps(trees)};\n"
        + "const s = window.fuqingSkipLogic;\n"
        + "console.log(JSON.stringify(cases.map(c => s.asBool(s.expr(c[0], c[1], c[2], {province: 'fj'})))));"
    )
    result = subprocess.run(["node", "-e", program], capture_output=True, text=True, timeout=30, check=True)
    assert json.loads(result.stdout) == expected == [False, True, True, True, True, False]


def test_fld6_a_response_shows_its_repeat_rows(tree, city_leader, login_as, tmp_path):
    client = login_as(city_leader)
    questionnaire = _open(
        city_leader,
        _import(client, tree, _book(tmp_path / "kids.xlsx", REPEAT_SURVEY, REPEAT_CHOICES)),
    )
    response, _created = responses.submit_response(
        city_leader,
        questionnaire,
        org=tree.city,
        answers={"family": "林家", "school": "yes"},
        repeats={"kids": [{"kid_name": "小明", "kid_age": "8"}]},
    )
    page = client.get(reverse("fieldwork:response-detail", args=[response.pk])).content.decode()
    assert "小明" in page and "第 1 组" in page and "在读" in page
    edit = client.get(reverse("fieldwork:response-edit", args=[response.pk])).content.decode()
    assert 'value="小明"' in edit


def test_fld6_constraint_messages_follow_the_interface_language(tree, city_leader, login_as, tmp_path):
    survey = [
        [
            "type",
            "name",
            "label::中文 (zh)",
            "label::English (en)",
            "constraint",
            "constraint_message::中文 (zh)",
            "constraint_message::English (en)",
        ],
        ["integer", "age", "年龄", "Age", ". < 120", "年龄应小于120岁", "Age must be under 120"],
    ]
    client = login_as(city_leader)
    questionnaire = _open(city_leader, _import(client, tree, _book(tmp_path / "m.xlsx", survey)))
    fill = reverse("fieldwork:questionnaire-fill", args=[questionnaire.pk])
    data = {"org": tree.city.pk, "answered_on": "2014-05-01", "q_age": "200"}
    assert "年龄应小于120岁" in client.post(fill, data).content.decode()
    english = client.post(fill, data, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Age must be under 120" in english
    assert Response.objects.count() == 0
