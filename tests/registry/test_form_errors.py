"""A failed save shows every error at once, in a summary at the top of the form (review round 2)."""

import re

from django.urls import reverse
from django.utils import translation

from fuqing.registry.models import Woman
from tests.registry.conftest import add_woman
from tests.registry.test_register import _post


def test_every_error_shows_at_once_with_a_summary_linking_to_the_fields(tree, daoli, login_as):
    client = login_as(daoli)
    data = _post(tree, phone="12345", health_notes="糖尿病", registered_on="2014-13-45")
    body = client.post(reverse("registry:add"), data).content.decode()
    assert not Woman.objects.exists()
    summary = body[body.index("data-error-summary") : body.index("</ul>", body.index("data-error-summary"))]
    assert "请更正以下 3 处错误" in summary
    assert 'href="#id_phone"' in summary and "联系电话：" in summary
    assert 'href="#id_health_notes"' in summary and "单独同意" in summary
    assert 'href="#id_registered_on"' in summary
    # The summary comes before the first section of the form; the fields are marked invalid.
    assert body.index("data-error-summary") < body.index("<fieldset")
    phone = re.search(r'<input[^>]*name="phone"[^>]*>', body).group(0)
    assert "is-invalid" in phone
    assert "[data-error-summary]" in open("static/fuqing/app.js", encoding="utf-8").read()


def test_a_correction_shows_the_consent_error_with_the_others(tree, daoli, login_as):
    woman = add_woman(daoli, tree.a1a)
    client = login_as(daoli)
    data = {"org": tree.a1a.pk, "phone": "12345", "health_notes": "高血压", "registered_on": "2014-04-15"}
    body = client.post(reverse("registry:edit", args=[woman.pk]), data).content.decode()
    assert "请更正以下 2 处错误" in body and "单独同意" in body and "联系电话：" in body


def test_requirement_codes_are_not_shown_to_users(tree, daoli, login_as):
    client = login_as(daoli)
    data = _post(tree, id_number="", health_notes="糖尿病")
    body = client.post(reverse("registry:add"), data).content.decode()
    assert "单独同意" in body and "用于查重" in body
    assert not re.search(r"[（(][^）)<]{0,20}[A-Z]{2,5}-\d+[）)]", body)
    with translation.override("en"):
        from fuqing.registry import privacy

        assert "SEC-9" not in str(privacy.health_consent_message())
    woman = add_woman(daoli, tree.a1a)
    body = client.get(reverse("registry:edit", args=[woman.pk])).content.decode()
    assert "REG-5" not in body


def test_the_lists_sortable_headers_follow_the_language(tree, daoli, login_as):
    add_woman(daoli, tree.a1a)
    client = login_as(daoli)
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    body = client.get(reverse("registry:list") + "?sort=org").content.decode()
    thead = body[body.index("<thead") : body.index("</thead>")]
    assert "Age" in thead and "Registration date" in thead
    assert "年龄" not in thead and "登记日期" not in thead and "姓名" not in thead
