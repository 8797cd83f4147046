"""Importing a questionnaire from an XLSForm file (FLD-6): survey/choices/settings sheets; every
unsupported feature is named in the error and nothing is created."""

from __future__ import annotations

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from fuqing.fieldwork import xlsform
from fuqing.fieldwork.models import Questionnaire


def _book(path, survey, choices=None, settings=None):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "survey"
    for row in survey:
        sheet.append(row)
    if choices is not None:
        extra = book.create_sheet("choices")
        for row in choices:
            extra.append(row)
    if settings is not None:
        extra = book.create_sheet("settings")
        for row in settings:
            extra.append(row)
    book.save(path)
    return path


GOOD_SURVEY = [
    ["type", "name", "label::Chinese (zh)", "hint", "required", "relevant"],
    ["integer", "age", "您的年龄", "周岁", "yes", ""],
    ["select_one yn", "employed", "是否有工作", "", "yes", ""],
    ["select_multiple skills", "training", "想参加的培训", "", "", "${employed} = 'no'"],
    ["text", "need", "最需要的帮助", "", "", ""],
    ["date", "day", "走访日期", "", "no", ""],
    ["decimal", "income", "月收入（元）", "", "", "${age} >= 18"],
]
GOOD_CHOICES = [
    ["list_name", "name", "label::Chinese (zh)"],
    ["yn", "yes", "是"],
    ["yn", "no", "否"],
    ["skills", "housekeeping", "家政"],
    ["skills", "ecommerce", "电商"],
]


def test_fld6_an_xlsform_becomes_questions_with_their_choices_and_skip_logic(tmp_path):
    path = _book(
        tmp_path / "form.xlsx", GOOD_SURVEY, GOOD_CHOICES, [["form_title", "form_id"], ["留守妇女调查", "lb"]]
    )
    title, questions = xlsform.read(str(path))
    assert title == "留守妇女调查"
    assert [(q.code, q.kind, q.required) for q in questions] == [
        ("age", "number", True),
        ("employed", "single", True),
        ("training", "multiple", False),
        ("need", "text", False),
        ("day", "date", False),
        ("income", "number", False),
    ]
    assert questions[0].help == "周岁"
    assert questions[2].choices == [
        {"value": "housekeeping", "label": "家政"},
        {"value": "ecommerce", "label": "电商"},
    ]
    assert questions[2].relevant == "${employed} = 'no'"


def test_fld6_unsupported_types_and_pyxform_errors_name_the_row(tmp_path):
    survey = [
        ["type", "name", "label", "appearance"],
        ["text", "a", "甲", "multiline"],
        ["osm", "building", "建筑"],
        ["select_one_external towns", "town", "乡镇"],
        ["audio", "voice", "录音"],
    ]
    with pytest.raises(xlsform.XLSFormError) as caught:
        xlsform.read(str(_book(tmp_path / "bad.xlsx", survey)))
    problems = "\n".join(caught.value.problems)
    assert "survey 表第3行：不支持题型“osm”（题目 building）" in problems
    assert "survey 表第4行：不支持题型“select_one_external towns”（题目 town）" in problems
    assert "survey 表第5行：不支持题型“audio”（题目 voice）" in problems
    assert "appearance" not in problems  # display-only: ignored, not refused
    survey = [["type", "name", "label"], ["select_one missing", "q", "题"]]
    choices = [["list_name", "name", "label"], ["yn", "1", "是"], ["yn", "2", "否"]]
    with pytest.raises(xlsform.XLSFormError) as caught:
        xlsform.read(str(_book(tmp_path / "bad2.xlsx", survey, choices)))
    assert caught.value.problems[0].startswith("XLSForm 有误（survey 表第2行）：")
    assert "missing" in caught.value.problems[0]  # pyxform's own detail kept


def test_fld6_an_unsupported_function_is_named_with_its_row(tmp_path):
    survey = [
        ["type", "name", "label", "constraint"],
        ["text", "a", "甲", ""],
        ["text", "b", "乙", "pulldata('x', 'y', 'z', ${a}) > 2"],
    ]
    with pytest.raises(xlsform.XLSFormError) as caught:
        xlsform.read(str(_book(tmp_path / "r.xlsx", survey)))
    assert "survey 表第3行：constraint" in caught.value.problems[0]
    assert "pulldata" in caught.value.problems[0]


def test_fld6_a_file_that_is_not_an_xlsform_is_refused(tmp_path):
    path = tmp_path / "x.xlsx"
    path.write_bytes(b"not a spreadsheet")
    with pytest.raises(xlsform.XLSFormError) as caught:
        xlsform.read(str(path))
    assert "Excel 文件：文件内容不是有效的 Excel 文件" in caught.value.problems[0]


def test_fld6_importing_on_the_page_creates_a_draft_or_lists_the_problems(
    tree, city_leader, login_as, tmp_path
):
    client = login_as(city_leader)
    good = _book(tmp_path / "form.xlsx", GOOD_SURVEY, GOOD_CHOICES, [["form_title"], ["需求调查"]])
    response = client.post(
        reverse("fieldwork:questionnaire-import"),
        {"file": SimpleUploadedFile("form.xlsx", good.read_bytes()), "year": "2014", "org": tree.city.pk},
    )
    questionnaire = Questionnaire.objects.get()
    assert response["Location"] == reverse("fieldwork:questionnaire-detail", args=[questionnaire.pk])
    assert (questionnaire.title, questionnaire.status, questionnaire.questions.count()) == (
        "需求调查",
        "draft",
        6,
    )
    bad = _book(tmp_path / "bad.xlsx", [["type", "name", "label"], ["osm", "n", "说明"]])
    page = client.post(
        reverse("fieldwork:questionnaire-import"),
        {"file": SimpleUploadedFile("bad.xlsx", bad.read_bytes()), "year": "2014", "org": tree.city.pk},
    )
    assert "不支持题型“osm”" in page.content.decode()
    assert Questionnaire.objects.count() == 1
