"""NEED-6: suggestions gather needs and reports as evidence, name a channel and a recipient, and track
their outcome with dates and documents (checked for type and size, served through the scope)."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from fuqing.assistance import suggestions
from fuqing.assistance.models import Suggestion, SuggestionStage
from fuqing.research.models import Report


@pytest.fixture
def suggestion(daoli, tree, make_need):
    need = make_need(daoli, tree.a1a, description="留守儿童放学后无人看管", category="education")
    report = Report.objects.create(org=tree.a, year=2014, title="道里区留守儿童状况调研")
    return suggestions.create_suggestion(
        daoli,
        org=tree.a,
        year=2014,
        title="关于开办课后托管的建议",
        channel="session_proposal",
        recipient="cppcc",
        needs=[need],
        reports=[report],
    )


def test_need6_evidence_channel_and_recipient(suggestion):
    assert suggestion.needs.count() == 1 and suggestion.reports.count() == 1
    assert suggestion.get_channel_display() == "两会提案/议案" and suggestion.recipient_label == "政协"


def test_need6_a_department_recipient_needs_its_name(daoli, tree):
    with pytest.raises(ValidationError) as exc:
        suggestions.create_suggestion(
            daoli, org=tree.a, year=2014, title="建议", channel="joint_meeting", recipient="department"
        )
    assert "须填写部门名称" in exc.value.message_dict["recipient_name"][0]


def test_need6_evidence_outside_the_scope_is_refused(daoli, nangang, tree, make_need):
    need = make_need(nangang, tree.b1)
    with pytest.raises(ValidationError) as exc:
        suggestions.create_suggestion(
            daoli, org=tree.a, year=2014, title="建议", channel="info_report", recipient="party", needs=[need]
        )
    assert "数据范围内的诉求" in exc.value.message_dict["needs"][0]


def test_need6_outcome_through_each_stage_with_dates(daoli, suggestion):
    with pytest.raises(ValidationError) as exc:
        suggestions.record_outcome(
            daoli, suggestion, stage=SuggestionStage.ADOPTED, happened_on=datetime.date(2014, 6, 1)
        )
    assert "须先登记“已报送”" in exc.value.message_dict["stage"][0]
    suggestions.record_outcome(
        daoli, suggestion, stage=SuggestionStage.SUBMITTED, happened_on=datetime.date(2014, 5, 20)
    )
    with pytest.raises(ValidationError) as exc:
        suggestions.record_outcome(
            daoli, suggestion, stage=SuggestionStage.ANSWERED, happened_on=datetime.date(2014, 5, 1)
        )
    assert "不能早于上一进展" in exc.value.message_dict["happened_on"][0]
    suggestions.record_outcome(
        daoli, suggestion, stage=SuggestionStage.POLICY_ISSUED, happened_on=datetime.date(2014, 8, 1)
    )
    suggestions.record_outcome(
        daoli, suggestion, stage=SuggestionStage.LIVELIHOOD, happened_on=datetime.date(2014, 9, 1)
    )
    suggestion.refresh_from_db()
    assert suggestion.stage == SuggestionStage.LIVELIHOOD
    reached = {s["label"]: bool(s["outcome"]) for s in suggestions.achievements(suggestion)}
    assert reached == {
        "已报送": True,
        "已答复": False,
        "已采纳": False,
        "出台政策": True,
        "纳入政府民生实事": True,
    }


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("reply.exe", b"MZ....", "只接受 PDF、Word、WPS、OFD、Excel、JPG、PNG 文件"),
        ("reply.pdf", b"not a pdf at all", "不是有效的 PDF 文件，与扩展名 .pdf 不符"),
        ("reply.docx", b"PK\x03\x04broken", "已损坏"),
    ],
)
def test_need6_documents_are_checked_for_type(daoli, suggestion, name, content, message):
    upload = SimpleUploadedFile(name, content)
    with pytest.raises(ValidationError) as exc:
        suggestions.record_outcome(
            daoli, suggestion, stage=10, happened_on=datetime.date(2014, 5, 20), document=upload
        )
    assert message in exc.value.message_dict["document"][0]
    assert suggestion.outcomes.count() == 0


def test_need6_documents_are_checked_for_size(daoli, suggestion, settings):
    settings.UPLOAD_MAX_MB = 1
    upload = SimpleUploadedFile("reply.pdf", b"%PDF" + b"0" * (1024 * 1024 + 1))
    with pytest.raises(ValidationError) as exc:
        suggestions.record_outcome(
            daoli, suggestion, stage=10, happened_on=datetime.date(2014, 5, 20), document=upload
        )
    assert "不能超过 1 MB" in exc.value.message_dict["document"][0]


def test_need6_documents_are_served_only_within_the_scope(login_as, daoli, nangang, suggestion):
    client = login_as(daoli)
    response = client.post(
        reverse("assistance:outcome-add", args=[suggestion.pk]),
        {
            "stage": 10,
            "happened_on": "2014-05-20",
            "note": "已提交",
            "document": SimpleUploadedFile("答复.pdf", b"%PDF-1.4 reply"),
        },
    )
    assert response.status_code == 302
    outcome = suggestion.outcomes.get()
    assert outcome.document_name == "答复.pdf"
    download = client.get(reverse("assistance:outcome-document", args=[outcome.pk]))
    assert download.status_code == 200 and b"".join(download.streaming_content) == b"%PDF-1.4 reply"
    assert login_as(nangang).get(reverse("assistance:outcome-document", args=[outcome.pk])).status_code == 404


def test_need6_list_shows_what_each_suggestion_achieved(
    login_as, daoli, suggestion, django_assert_max_num_queries, campaign_2014
):
    suggestions.record_outcome(daoli, suggestion, stage=10, happened_on=datetime.date(2014, 5, 20))
    suggestions.record_outcome(daoli, suggestion, stage=30, happened_on=datetime.date(2014, 7, 1))
    client = login_as(daoli)
    with django_assert_max_num_queries(20):
        body = client.get(reverse("assistance:suggestion-list")).content.decode()
    assert "关于开办课后托管的建议" in body and "2014-07-01" in body and "✔" in body


def test_need6_suggestion_from_a_theme_gathers_its_needs(login_as, daoli, tree, make_need):
    make_need(daoli, tree.a1a, description="留守儿童放学后无人看管", category="education")
    make_need(daoli, tree.a1, description="留守儿童假期无人看护", category="education")
    client = login_as(daoli)
    form = client.get(
        reverse("assistance:suggestion-add"), {"keyword": "留守儿童", "year": 2014}
    ).content.decode()
    assert "留守儿童假期无人看护" in form
    from fuqing.assistance.models import Need

    ids = [str(pk) for pk in Need.objects.values_list("pk", flat=True)]
    response = client.post(
        reverse("assistance:suggestion-add") + "?keyword=留守儿童&year=2014",
        {
            "org": tree.a.pk,
            "year": 2014,
            "title": "关于留守儿童托管的建议",
            "channel": "info_report",
            "recipient": "government",
            "needs": ids,
        },
    )
    assert response.status_code == 302
    assert Suggestion.objects.get().needs.count() == 2
