"""PLT-3 with ORG-1, ORG-5, SEC-3: the organisation tree written through the API by a system
administrator inside her own subtree; the kinds ORG-1 allows; nothing written on a refusal."""

from __future__ import annotations

from fuqing.core.models import AuditEvent
from fuqing.orgs.models import Org


def test_org1_the_system_administrator_adds_a_community_under_her_township(call, tree, district_sysadmin):
    body = {"parent": tree.a1.pk, "name": "安静社区", "kind": "community", "division_code": "230102002001"}
    response = call(district_sysadmin, "post", "/orgs/", body)
    assert response.status_code == 201, response.content
    org = Org.objects.get(name="安静社区")
    assert response.json()["parent"] == tree.a1.pk and org.path.startswith(tree.a1.path)
    assert AuditEvent.objects.filter(action="create", object_id=str(org.pk)).exists()


def test_org1_bad_input_names_the_field_and_writes_nothing(call, tree, district_sysadmin):
    before = Org.objects.count()
    wrong_kind = call(
        district_sysadmin, "post", "/orgs/", {"parent": tree.a1.pk, "name": "某区", "kind": "district"}
    )
    assert wrong_kind.status_code == 422 and "上级组织（parent）" in wrong_kind.json()["detail"]
    code = call(
        district_sysadmin,
        "post",
        "/orgs/",
        {"parent": tree.a1.pk, "name": "某社区", "kind": "community", "division_code": "12"},
    )
    assert code.status_code == 422 and "行政区划代码（division_code）" in code.json()["detail"]
    unknown = call(district_sysadmin, "post", "/orgs/", {"parent": tree.a1.pk, "name": "某", "kind": "club"})
    assert unknown.status_code == 422 and "类型（kind）" in unknown.json()["detail"]
    assert Org.objects.count() == before


def test_sec3_only_a_system_administrator_and_only_in_her_subtree(call, tree, daoli, district_sysadmin):
    before = Org.objects.count()
    body = {"parent": tree.a1.pk, "name": "某社区", "kind": "community"}
    assert call(daoli, "post", "/orgs/", body).status_code == 403
    foreign = {"parent": tree.b1.pk, "name": "某社区", "kind": "community"}
    assert call(district_sysadmin, "post", "/orgs/", foreign).status_code == 404
    assert call(district_sysadmin, "patch", f"/orgs/{tree.b.pk}/", {"name": "改"}).status_code == 404
    assert (
        call(district_sysadmin, "post", f"/orgs/{tree.a1a.pk}/move/", {"parent": tree.b1.pk}).status_code
        == 404
    )
    assert Org.objects.count() == before
    tree.b.refresh_from_db()
    tree.a1a.refresh_from_db()
    assert tree.b.name == "南岗区妇联" and tree.a1a.path.startswith(tree.a1.path)


def test_org5_rename_and_move_a_community(call, tree, district_sysadmin):
    other = call(
        district_sysadmin, "post", "/orgs/", {"parent": tree.a.pk, "name": "通江街道", "kind": "township"}
    ).json()
    renamed = call(district_sysadmin, "patch", f"/orgs/{tree.a1a.pk}/", {"name": "友谊路社区"})
    assert renamed.status_code == 200 and renamed.json()["name"] == "友谊路社区"
    moved = call(district_sysadmin, "post", f"/orgs/{tree.a1a.pk}/move/", {"parent": other["id"]})
    assert moved.status_code == 200 and moved.json()["parent"] == other["id"]
    own = call(district_sysadmin, "patch", f"/orgs/{tree.a.pk}/", {"is_active": False})
    assert own.status_code == 422 and "启用（is_active）" in own.json()["detail"]
