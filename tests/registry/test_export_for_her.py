"""REG-5: export for her — everything the platform holds about her, unmasked, audited."""

import io

import openpyxl
from django.urls import reverse

from fuqing.core.models import AuditEvent
from fuqing.registry import hooks, privacy
from tests.registry.conftest import add_woman


def _book(response):
    return openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)


def _text(book, sheet):
    return "\n".join(str(c) for row in book[sheet].iter_rows(values_only=True) for c in row if c is not None)


def test_reg5_export_for_her_is_unmasked_complete_and_logged(tree, daoli, login_as):
    woman = add_woman(daoli, tree.a1a, name="张秀丽", health_notes="高血压", health_consent=True)
    privacy.unmask(daoli, woman, "phone", "电话回访核实")
    client = login_as(daoli)
    page = client.get(reverse("registry:export", args=[woman.pk]))
    assert page.status_code == 200 and woman.file_number in page.content.decode()
    response = client.post(reverse("registry:export", args=[woman.pk]), {"reason": "本人申请复制个人信息"})
    assert response.status_code == 200
    book = _book(response)
    profile = _text(book, "基本信息")
    for value in ("张秀丽", woman.id_number, "13812345678", "高血压", "友谊路 12 号", tree.a1a.name):
        assert value in profile
    assert "健康信息" in _text(book, "同意记录")
    assert "查看明文：联系电话" in _text(book, "档案记录")
    event = AuditEvent.objects.get(action="export", object_id=str(woman.pk))
    assert event.details == {"for_subject": True, "unmasked": True, "reason": "本人申请复制个人信息"}


def test_reg5_other_apps_add_their_sheets(tree, daoli, login_as):
    woman = add_woman(daoli, tree.a1a)

    def needs(w, user):
        return ["诉求", "日期"], [["就业帮扶", "2014-04-20"]]

    source = hooks.PersonalDataSource("诉求", needs)
    hooks._PERSONAL_DATA.append(source)
    try:
        response = login_as(daoli).post(
            reverse("registry:export", args=[woman.pk]), {"reason": "本人申请复制"}
        )
    finally:
        hooks._PERSONAL_DATA.remove(source)
    assert "就业帮扶" in _text(_book(response), "诉求")


def test_reg5_export_for_her_needs_the_unmask_permission(tree, daoli, colleague, login_as):
    woman = add_woman(daoli, tree.a1a)
    response = login_as(colleague).post(reverse("registry:export", args=[woman.pk]), {"reason": "本人申请"})
    assert response.status_code == 403
    assert not AuditEvent.objects.filter(action="export").exists()
