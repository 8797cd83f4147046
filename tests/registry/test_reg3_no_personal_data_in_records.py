"""REG-3 / SEC-8, issue 10 point 5: no personal data — name, ID number, phone, address, health notes — in
``str()`` of the records made about her, in audit object descriptions and details, or in job records
(parameters, results, errors, titles), after the operations a cadre typically performs."""

from __future__ import annotations

import datetime
import json

import pytest
from django.urls import reverse

from fuqing.assistance import pairings
from fuqing.assistance import services as assistance
from fuqing.assistance.models import NeedCategory
from fuqing.core.ledger import write_xlsx
from fuqing.core.models import AuditEvent, Job
from fuqing.projects.services import volunteers
from fuqing.registry import privacy, services
from fuqing.registry.models import Woman
from tests.registry.conftest import new_id

DAY = datetime.date(2014, 4, 15)
NAME = "欧阳秀英"
PHONE = "13987654321"
ADDRESS = "幸福大街888号"
NEW_ADDRESS = "光明路777号"
HEALTH = "乳腺结节待复查"
STRANGER = "司马桂芬"  # named in an import, registered nowhere


@pytest.fixture
def her(tree, daoli):
    return services.register_woman(
        daoli,
        org=tree.a1a,
        name=NAME,
        id_number=new_id(),
        phone=PHONE,
        address=ADDRESS,
        health_notes=HEALTH,
        health_consent=True,
        registered_on=DAY,
    )


def _personal(woman: Woman) -> list[str]:
    plain = Woman.objects.get(pk=woman.pk)
    return [NAME, PHONE, ADDRESS, NEW_ADDRESS, HEALTH, STRANGER, plain.id_number, PHONE[-8:], "888号"]


def test_reg3_no_personal_data_in_str_audit_or_jobs(
    her, tree, daoli, client, settings, tmp_path, django_capture_on_commit_callbacks
):
    objects = [her]
    # the registry: correct, consent, unmask, close and reopen
    services.update_woman(daoli, her, reason="本人申请更正住址", address=NEW_ADDRESS)
    objects.append(privacy.give_consent(daoli, her, "finance", given_on=DAY))
    privacy.unmask(daoli, her, "phone", "电话回访核实情况")
    # assistance: a need whose text names her and her address, a pairing, funds
    need = assistance.create_need(
        daoli,
        org=tree.a1a,
        woman=her,
        category=NeedCategory.objects.get(code="employment"),
        description=f"{NAME}反映{ADDRESS}房屋漏雨，希望协调维修",
        reported_on=DAY,
    )
    pairing = pairings.create_pairing(
        daoli,
        org=tree.a1a,
        kind="one_to_one",
        woman=her,
        household=f"{NAME}家",
        starts_on=DAY,
        helper_users=[daoli],
    )
    action = pairings.record_action(
        daoli, need=need, service="funds", amount=800, given_on=DAY, given_by=daoli, notes="发放救助金"
    )
    household = volunteers.add_household(
        daoli, org=tree.a1a, address=ADDRESS, phone=PHONE, elders=[{"name": NAME, "sex": "F"}]
    )
    objects += [need, pairing, action, household, *household.elders.all()]
    # jobs: a big export filtered by her name (sent as a job), an import naming a stranger
    settings.EXPORT_INLINE_MAX = 0
    from fuqing.core import views as core_views

    core_views.EXPORT_INLINE_MAX = 0
    client.force_login(daoli)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            response = client.get(reverse("ledger-export-women"), {"q": NAME})
    finally:
        core_views.EXPORT_INLINE_MAX = 20000
    assert response.status_code == 302
    path = str(tmp_path / "needs.xlsx")
    write_xlsx(
        path,
        "t",
        ["所属单位", "妇女姓名", "类别", "来源", "诉求描述", "反映日期"],
        [["友谊社区", STRANGER, "就业创业", "入户走访", "希望提供灵活就业岗位", "2014-04-20"]],
        [12] * 6,
    )
    with open(path, "rb") as upload, django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("ledger-import-needs"), {"file": upload, "org": str(tree.a.pk)})
    jobs = list(Job.objects.all())
    assert {j.kind for j in jobs} == {"ledger_export", "ledger_import"}
    assert all(j.status == "succeeded" for j in jobs), [(j.kind, j.status, j.error) for j in jobs]
    assert "妇女姓名" in json.dumps(
        [j.result for j in jobs], ensure_ascii=False
    )  # the import's error is there

    personal = _personal(her)
    for obj in objects:
        text = str(obj)
        assert not [p for p in personal if p in text], (type(obj).__name__, text)
    audit = [
        json.dumps([e.object_repr, e.details], ensure_ascii=False, default=str)
        for e in AuditEvent.objects.all()
    ]
    assert len(audit) >= 10
    leaks = [(p, row) for row in audit for p in personal if p in row]
    assert leaks == []
    job_rows = [
        json.dumps([j.title, j.params, j.result, j.error, j.output_name], ensure_ascii=False, default=str)
        for j in jobs
    ]
    leaks = [(p, row) for row in job_rows for p in personal if p in row]
    assert leaks == []
