"""PLT-6: the need form carries a replay key — the phone's outbox sending a need twice (or a double tap)
records it once; someone else's key is refused, not reused."""

import uuid

from django.urls import reverse

from fuqing.assistance.models import Need


def _body(woman, categories, key):
    return {
        "id": key,
        "org": woman.org_id,
        "woman": str(woman.pk),
        "category": categories["health"].pk,
        "source": "visit",
        "urgency": "normal",
        "description": "两癌筛查名额太少",
        "reported_on": "2014-04-20",
    }


def test_plt6_a_replayed_need_is_recorded_once(login_as, daoli, woman, categories):
    client = login_as(daoli)
    key = str(uuid.uuid4())
    first = client.post(reverse("assistance:need-add"), _body(woman, categories, key))
    again = client.post(reverse("assistance:need-add"), _body(woman, categories, key))
    need = Need.objects.get()
    assert str(need.pk) == key
    assert first.status_code == again.status_code == 302
    assert first["Location"] == again["Location"] == reverse("assistance:need-detail", args=[need.pk])
    page = client.get(again["Location"]).content.decode()
    assert "已经保存过" in page


def test_plt6_another_users_need_key_is_refused(login_as, daoli, colleague, woman, categories):
    key = str(uuid.uuid4())
    assert (
        login_as(daoli).post(reverse("assistance:need-add"), _body(woman, categories, key)).status_code == 302
    )
    response = login_as(colleague).post(reverse("assistance:need-add"), _body(woman, categories, key))
    assert response.status_code == 200 and "编号已被使用" in response.content.decode()
    assert Need.objects.count() == 1


def test_plt6_the_need_form_offers_a_fresh_key_and_works_offline(login_as, daoli):
    page = login_as(daoli).get(reverse("assistance:need-add")).content.decode()
    assert 'name="id"' in page and "data-fresh" in page and "data-offline" in page
