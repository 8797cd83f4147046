"""PLT-3: the women's API — list, read, create, update under the same scope, permissions and masking;
a complete OpenAPI description; no personal data in query strings."""

import pytest

from fuqing.core.models import AuditEvent
from fuqing.registry.models import Woman
from tests.conftest import make_user
from tests.core.test_access_matrix import _token
from tests.registry.conftest import add_woman, new_id


@pytest.fixture
def api(client):
    class Api:
        def __init__(self, user):
            self.auth = {"HTTP_AUTHORIZATION": f"Bearer {_token(user)}"}

        def get(self, path, params=None):
            return client.get(f"/api/v1{path}", params or {}, **self.auth)

        def post(self, path, body):
            return client.post(f"/api/v1{path}", body, content_type="application/json", **self.auth)

        def patch(self, path, body):
            return client.patch(f"/api/v1{path}", body, content_type="application/json", **self.auth)

    return Api


def test_plt3_list_is_scoped_masked_and_filtered(tree, daoli, nangang, api):
    mine = add_woman(daoli, tree.a1a, name="张秀丽", groups=["migrant"])
    add_woman(daoli, tree.a1, name="李桂兰")
    add_woman(nangang, tree.b1, name="王玉凤")
    response = api(daoli).get("/women/")
    data = response.json()
    assert response.status_code == 200 and data["count"] == 2
    item = next(i for i in data["items"] if i["id"] == str(mine.pk))
    assert (
        item["name"] == "张*丽"
        and item["id_number"] == mine.masked_id_number
        and item["phone"] == "138****5678"
    )
    assert item["groups"] == ["migrant"] and item["org"] == tree.a1a.pk and item["status"] == "active"
    assert "张秀丽" not in response.content.decode() and mine.id_number not in response.content.decode()
    assert api(daoli).get("/women/", {"group": "migrant"}).json()["count"] == 1
    assert api(daoli).get("/women/", {"q": mine.file_number}).json()["items"][0]["id"] == str(mine.pk)
    assert api(daoli).get("/women/", {"community": tree.a1a.pk, "limit": 1}).json()["count"] == 1
    assert api(daoli).get("/women/", {"q": "张秀丽"}).json()["count"] == 0  # names never in query strings


def test_sec8_api_search_by_name_and_phone_goes_in_the_body(tree, daoli, nangang, api):
    mine = add_woman(daoli, tree.a1a, name="张秀丽", phone="13812345678")
    add_woman(daoli, tree.a1a, name="张秀丽", phone="13900000000")
    add_woman(nangang, tree.b1, name="张秀丽", phone="13812345678")
    assert api(daoli).post("/women/search/", {"name": "秀丽"}).json()["count"] == 2
    found = api(daoli).post("/women/search/", {"name": "张秀丽", "phone": "138 1234 5678"}).json()
    assert [i["id"] for i in found["items"]] == [str(mine.pk)]
    assert api(daoli).post("/women/search/", {"name": "张秀丽", "phone": "12"}).status_code == 422


def test_plt3_read_is_masked_and_out_of_scope_is_404(tree, daoli, nangang, api):
    woman = add_woman(daoli, tree.a1a)
    assert api(daoli).get(f"/women/{woman.pk}/").json()["file_number"] == woman.file_number
    assert api(nangang).get(f"/women/{woman.pk}/").status_code == 404


def test_plt3_create_registers_through_the_service(tree, daoli, api):
    number = new_id()
    response = api(daoli).post(
        "/women/",
        {
            "org": tree.a1a.pk,
            "name": "刘春梅",
            "id_number": number,
            "phone": "0451-86661234",
            "groups": ["留守妇女"],
        },
    )
    assert response.status_code == 201
    woman = Woman.objects.get()
    assert response.json()["id"] == str(woman.pk) and response.json()["phone"] == "0451-****1234"
    assert woman.id_number == number and [g.code for g in woman.groups.all()] == ["left-behind"]
    again = api(daoli).post("/women/", {"org": tree.a1a.pk, "name": "刘春梅", "id_number": number})
    assert again.status_code == 409 and again.json()["existing"] == str(woman.pk)


def test_plt3_create_errors_are_chinese_and_name_the_field(tree, daoli, nangang, api):
    response = api(daoli).post("/women/", {"org": tree.a1a.pk, "name": "刘春梅", "id_number": "123"})
    assert response.status_code == 422
    assert response.json()["errors"]["id_number"] == ["身份证号应为 18 位（GB 11643），现为 3 位。"]
    male = api(daoli).post(
        "/women/", {"org": tree.a1a.pk, "name": "刘春梅", "id_number": new_id(female=False)}
    )
    assert male.status_code == 422 and "表示男性" in male.json()["detail"]
    # A foreign unit in the body is 404 like every foreign id (issue 11: one answer per problem).
    foreign = api(daoli).post("/women/", {"org": tree.b1.pk, "name": "刘春梅", "id_number": new_id()})
    assert foreign.status_code == 404 and "org" in foreign.json()["errors"]
    outsider = add_woman(nangang, tree.b1)
    hidden = api(daoli).post(
        "/women/", {"org": tree.a1a.pk, "name": "刘春梅", "id_number": outsider.id_number}
    )
    assert hidden.status_code == 409 and hidden.json()["existing"] is None


def test_plt3_update_changes_only_the_fields_given(tree, daoli, researcher, api):
    woman = add_woman(daoli, tree.a1a, phone="13812345678")
    response = api(daoli).patch(f"/women/{woman.pk}/", {"address": "安静街 1 号", "reason": "本人告知"})
    assert response.status_code == 200 and response.json()["address"] == "安静街 1 号"
    woman.refresh_from_db()
    assert woman.phone == "13812345678"
    assert api(daoli).patch(f"/women/{woman.pk}/", {"phone": None}).json()["phone"] == ""
    assert api(researcher).patch(f"/women/{woman.pk}/", {"address": "x"}).status_code == 403


def test_plt3_lookup_by_id_number_goes_in_the_body(tree, daoli, nangang, api):
    woman = add_woman(daoli, tree.a1a)
    assert api(daoli).post("/women/lookup/", {"id_number": woman.id_number}).json()["id"] == str(woman.pk)
    assert api(nangang).post("/women/lookup/", {"id_number": woman.id_number}).status_code == 404
    assert (
        api(daoli).post("/women/lookup/", {"id_number": new_id()}).json()["detail"]
        == "没有找到该身份证号的档案。"
    )


def test_reg3_api_unmask_reveals_one_field_with_a_reason(tree, daoli, api):
    woman = add_woman(daoli, tree.a1a)
    response = api(daoli).post(f"/women/{woman.pk}/unmask/", {"field": "id_number", "reason": "核实身份信息"})
    assert response.json() == {"field": "id_number", "value": woman.id_number}
    assert AuditEvent.objects.get(action="unmask").details == {"field": "id_number", "reason": "核实身份信息"}
    cadre = make_user(tree.a, "cadre")
    assert (
        api(cadre).post(f"/women/{woman.pk}/unmask/", {"field": "phone", "reason": "核实身份"}).status_code
        == 403
    )


def test_plt3_openapi_describes_every_women_operation(tree, daoli, login_as):
    schema = login_as(daoli).get("/api/v1/openapi.json").json()
    paths = schema["paths"]
    assert {"get", "post"} <= set(paths["/api/v1/women/"])
    assert {"get", "patch"} <= set(paths["/api/v1/women/{woman_id}/"])
    assert "post" in paths["/api/v1/women/lookup/"] and "post" in paths["/api/v1/women/{woman_id}/unmask/"]
    assert "post" in paths["/api/v1/women/search/"]
    assert "post" in paths["/api/v1/imports/{register_name}/"]
    params = {p["name"] for p in paths["/api/v1/women/"]["get"]["parameters"]}
    assert params == {"q", "community", "group", "status", "sort", "limit", "offset"}
    components = schema["components"]["schemas"]
    assert {"WomanOut", "WomanIn", "WomanPatch", "UnmaskIn", "ApiError", "ApiInvalid"} <= set(
        components
    )  # the kit's two error bodies
    assert "409" in paths["/api/v1/women/"]["post"]["responses"]
