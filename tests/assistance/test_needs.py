"""NEED-1: recording needs for a registered woman or a group, with category, source, urgency, date."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from fuqing.assistance import services
from fuqing.assistance.models import Need, NeedEvent, NeedKeyword, NeedStatus
from fuqing.core.models import AuditEvent
from tests.assistance.conftest import DAY


def test_need1_need_for_a_registered_woman_keeps_category_source_urgency_and_year(daoli, woman, categories):
    need = services.create_need(
        daoli,
        org=woman.org,
        woman=woman,
        description="想申请小额贷款开办手工编织合作社",
        reported_on=DAY,
        category=categories["startup-loans"],
        source="hotline",
        urgency="urgent",
    )
    need.refresh_from_db()
    assert (need.woman, need.category.code, need.source, need.urgency) == (
        woman,
        "startup-loans",
        "hotline",
        "urgent",
    )
    assert (need.year, need.month, need.status) == (2014, 4, NeedStatus.OPEN)
    assert set(NeedKeyword.objects.filter(need=need).values_list("keyword", flat=True)) >= {
        "小额贷款",
        "手工编织",
    }
    assert NeedEvent.objects.filter(need=need, type="created", actor=daoli).exists()
    assert AuditEvent.objects.filter(object_id=str(need.pk), action="create").exists()


def test_need1_group_need_from_a_forum_records_who_and_how_many(daoli, tree, make_need):
    need = make_need(daoli, tree.a1, group_description="新阳路街道失业妇女", group_size=12, source="forum")
    assert need.subject == "新阳路街道失业妇女（12人）"


def test_need1_neither_woman_nor_group_is_refused_in_chinese(daoli, tree, categories):
    with pytest.raises(ValidationError) as exc:
        services.create_need(
            daoli, org=tree.a, description="x", reported_on=DAY, category=categories["other"]
        )
    assert "请选择妇女，或填写群体" in exc.value.message_dict["woman"][0]
    assert Need.objects.count() == 0


@pytest.mark.parametrize(
    ("field", "kwargs", "message"),
    [
        ("description", {"description": "  "}, "诉求描述必填"),
        ("category", {"category": None}, "请选择诉求类别"),
        ("source", {"source": "wechat"}, "请选择诉求来源"),
        ("reported_on", {"reported_on": datetime.date(2999, 1, 1)}, "不能晚于今天"),
        ("review_on", {"review_on": datetime.date(2014, 1, 1)}, "复查日期不能早于反映日期"),
        ("group_size", {"group_size": 0}, "人数应为"),
    ],
)
def test_need1_bad_input_names_the_field_and_rule(daoli, tree, categories, field, kwargs, message):
    values = {
        "org": tree.a,
        "description": "希望提供岗位",
        "reported_on": DAY,
        "category": categories["employment"],
        "group_description": "妇女",
    }
    values.update(kwargs)
    with pytest.raises(ValidationError) as exc:
        services.create_need(daoli, **values)
    assert message in " ".join(exc.value.message_dict[field])


def test_need1_a_woman_outside_the_scope_cannot_be_picked(daoli, outsider_woman, tree, categories):
    with pytest.raises(ValidationError) as exc:
        services.create_need(
            daoli,
            org=tree.a,
            woman=outsider_woman,
            description="x",
            reported_on=DAY,
            category=categories["other"],
        )
    assert "数据范围内在册的妇女" in exc.value.message_dict["woman"][0]


def test_need1_a_unit_outside_the_edit_scope_is_refused(daoli, tree, make_need):
    with pytest.raises(ValidationError) as exc:
        make_need(daoli, tree.b)
    assert "超出了您可以编辑的范围" in exc.value.message_dict["org"][0]


def test_need1_form_records_a_need_for_a_picked_woman(login_as, daoli, woman, categories):
    client = login_as(daoli)
    response = client.post(
        reverse("assistance:need-add"),
        {
            "org": woman.org_id,
            "woman": str(woman.pk),
            "category": categories["health"].pk,
            "source": "visit",
            "urgency": "normal",
            "description": "两癌筛查名额太少",
            "reported_on": "2014-04-20",
        },
    )
    need = Need.objects.get()
    assert response.status_code == 302 and need.woman == woman
    page = client.get(reverse("assistance:need-detail", args=[need.pk])).content.decode()
    assert "张*英" in page and "张秀英" not in page
    assert "两癌筛查" in page


def test_need1_form_errors_come_back_beside_the_field(login_as, daoli, tree):
    response = login_as(daoli).post(reverse("assistance:need-add"), {"org": tree.a.pk, "description": ""})
    body = response.content.decode()
    assert response.status_code == 200
    assert "诉求描述：" in body and "类别：" in body
    assert Need.objects.count() == 0


def test_need1_woman_search_shows_only_masked_women_in_scope(login_as, daoli, woman, outsider_woman):
    client = login_as(daoli)
    body = client.post(reverse("assistance:woman-search"), {"woman_q": "张秀"}).content.decode()
    assert "张*英" in body and "张秀英" not in body
    assert (
        "王*兰" not in client.post(reverse("assistance:woman-search"), {"woman_q": "王桂"}).content.decode()
    )


def test_sec8_the_woman_picker_posts_the_name_never_in_the_url(login_as, daoli, woman):
    """Issue 10 point 7: the letters typed are posted (htmx POST), a name in the URL finds nobody."""
    client = login_as(daoli)
    form = client.get(reverse("assistance:need-add")).content.decode()
    assert f'hx-post="{reverse("assistance:woman-search")}"' in form
    assert "张*英" not in client.get(reverse("assistance:woman-search"), {"woman_q": "张秀"}).content.decode()


def test_need1_list_filters_by_keyword_and_category(login_as, daoli, tree, make_need, campaign_2014):
    make_need(daoli, tree.a1a, description="留守儿童放学后无人看管", category="education")
    make_need(daoli, tree.a1a, description="希望提供灵活就业岗位", category="employment")
    client = login_as(daoli)
    body = client.get(reverse("assistance:need-list"), {"keyword": "留守儿童"}).content.decode()
    assert "留守儿童放学后" in body and "灵活就业岗位" not in body


def test_need1_list_bounded_queries(login_as, daoli, tree, make_need, django_assert_max_num_queries):
    for i in range(30):
        make_need(daoli, tree.a1a, description=f"诉求{i}希望提供岗位")
    client = login_as(daoli)
    with django_assert_max_num_queries(16):
        assert client.get(reverse("assistance:need-list")).status_code == 200


def test_need1_the_outsider_sees_nothing_of_the_district(login_as, daoli, nangang, tree, make_need):
    need = make_need(daoli, tree.a1a, description="道里区的诉求")
    client = login_as(nangang)
    assert "道里区的诉求" not in client.get(reverse("assistance:need-list")).content.decode()
    assert client.get(reverse("assistance:need-detail", args=[need.pk])).status_code == 404


def test_need1_update_recomputes_keywords_and_records_the_change(daoli, tree, make_need):
    need = make_need(daoli, tree.a1a, description="希望提供灵活就业岗位")
    services.update_need(daoli, need, description="两癌筛查名额太少")
    assert "两癌筛查" in set(need.keywords.values_list("keyword", flat=True))
    assert "灵活就业" not in set(need.keywords.values_list("keyword", flat=True))
    assert NeedEvent.objects.filter(need=need, type="updated").exists()


def test_need1_categories_are_a_dictionary_administrators_extend(login_as, sysadmin, daoli, tree, categories):
    from fuqing.assistance.models import NeedCategory

    client = login_as(sysadmin)
    response = client.post(
        reverse("assistance:categories"),
        {"code": "digital", "name": "数字技能", "sort": 200, "is_active": "on"},
    )
    assert response.status_code == 302
    assert NeedCategory.objects.filter(code="digital", name="数字技能").exists()
    assert login_as(daoli).get(reverse("assistance:categories")).status_code == 403
