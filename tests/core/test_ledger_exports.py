"""Every register has an export (issue 11, point 2): suggestions, volunteers, households, raw
questionnaire responses and users — the user's scope only, printed as a 台账, personal data masked."""

import pytest
from django.urls import reverse

from fuqing.core.ledger import get_ledger
from tests.conftest import make_user
from tests.ledger_sheets import heading, table
from tests.scoped_factories.assistance import make_suggestion
from tests.scoped_factories.fieldwork import make_response
from tests.scoped_factories.projects import make_household, make_volunteer


def _export(client, name, **params):
    response = client.get(reverse(f"ledger-export-{name}"), params)
    assert response.status_code == 200, response.status_code
    rows = table(response)
    return rows[0], rows[1:]


@pytest.mark.parametrize(
    ("name", "make", "marker_column"),
    [
        ("suggestions", make_suggestion, "标题"),
        ("households", make_household, "住址"),
        ("responses", make_response, "答案"),
    ],
)
def test_rpt2_the_register_exports_its_scope(tree, daoli, login_as, name, make, marker_column):
    make(tree.a1, "道里区的记录", daoli)
    make(tree.b, "南岗区的记录", daoli)
    header, rows = _export(login_as(daoli), name)
    values = [dict(zip(header, row, strict=True)) for row in rows]
    assert len(values) == 1 and "道里区的记录" in values[0][marker_column]
    assert len(values[0][header[0]]) == 9  # a short record number, "3F2A-91C0", not a UUID


def test_rpt2_volunteers_export_with_phones_masked(tree, daoli, login_as):
    volunteer = make_volunteer(tree.a1, "李春梅", daoli)
    volunteer.phone = "13904511234"
    volunteer.save()
    make_volunteer(tree.b, "王丽华", daoli)
    header, rows = _export(login_as(daoli), "volunteers")
    assert [r[header.index("姓名")] for r in rows] == ["李春梅"]  # in full, as on the list page
    assert rows[0][header.index("所在单位")] == "新阳路街道"
    assert "13904511234" not in str(rows)


def test_rpt2_households_export_masks_the_elders(tree, daoli, login_as):
    make_household(tree.a1, "友谊路 3 号", daoli)
    header, rows = _export(login_as(daoli), "households")
    assert rows[0][header.index("老人")] == "王*芝（女，1936年生）"


def test_sec5_users_export_for_the_security_administrator(tree, daoli, district_secadmin, login_as):
    make_user(tree.a1, "leader", username="liucm", name="刘春梅")
    make_user(tree.b, "leader", username="nangang2", name="赵丽")
    header, rows = _export(login_as(district_secadmin), "users")
    by_login = {r[header.index("用户名")]: dict(zip(header, r, strict=True)) for r in rows}
    assert "liucm" in by_login and "nangang2" not in by_login  # her district only
    assert by_login["liucm"]["姓名"] == "刘春梅" and by_login["liucm"]["所属组织"] == "新阳路街道"
    assert (
        heading(login_as(district_secadmin).get(reverse("ledger-export-users")))[0] == "道里区妇联 用户台账"
    )
    assert login_as(daoli).get(reverse("ledger-export-users")).status_code == 403  # a cadre may not


def test_every_register_has_an_export():
    for name in ("suggestions", "households", "volunteers", "responses", "users"):
        assert get_ledger(name).export_columns()


def test_the_lists_offer_the_new_exports(tree, daoli, district_secadmin, login_as):
    make_suggestion(tree.a1, "建议", daoli)
    client = login_as(daoli)
    assert (
        reverse("ledger-export-suggestions")
        in client.get(reverse("assistance:suggestion-list")).content.decode()
    )
    for page, name in (("projects:volunteers", "volunteers"), ("projects:households", "households")):
        assert reverse(f"ledger-export-{name}") in client.get(reverse(page)).content.decode()
    users_page = login_as(district_secadmin).get(reverse("orgs:users")).content.decode()
    assert reverse("ledger-export-users") in users_page
    response = make_response(tree.a1, "答案", daoli)
    page = login_as(daoli).get(reverse("fieldwork:questionnaire-detail", args=[response.questionnaire.pk]))
    assert (
        f"{reverse('ledger-export-responses')}?questionnaire={response.questionnaire.pk}"
        in page.content.decode()
    )
