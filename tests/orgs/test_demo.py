"""The demo federation (Harbin 2014) and what a production install has (PLT-1, SEC-5)."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from fuqing.campaigns.models import Campaign
from fuqing.orgs.models import Org, OrgKind, User

HARBIN = {
    "道里区": "230102", "南岗区": "230103", "道外区": "230104", "平房区": "230108", "松北区": "230109",
    "香坊区": "230110", "呼兰区": "230111", "阿城区": "230112", "双城市": "230182", "依兰县": "230123",
    "方正县": "230124", "宾县": "230125", "巴彦县": "230126", "木兰县": "230127", "通河县": "230128",
    "延寿县": "230129", "尚志市": "230183", "五常市": "230184",
}  # fmt: skip


@pytest.fixture
def demo(db, capsys):
    call_command("load_demo")
    return capsys.readouterr().out


def test_sec5_a_production_install_has_no_account(db):
    assert User.objects.count() == 0


def test_plt1_the_demo_is_harbin_2014_with_real_division_codes(demo):
    city = Org.objects.get(depth=1)
    assert city.name == "哈尔滨市妇联"
    districts = {
        o.name.removesuffix("妇联"): o.division_code for o in Org.objects.filter(kind=OrgKind.DISTRICT)
    }
    assert districts == HARBIN
    assert Org.objects.filter(kind=OrgKind.DEPARTMENT, name="研究室").exists()
    daoli = Org.objects.get(name="道里区妇联")
    streets = Org.objects.get_children(daoli)
    assert "新阳路街道" in {s.name for s in streets}
    assert all(Org.objects.get_children(s).exists() for s in streets)
    campaign = Campaign.objects.get(year=2014)
    assert [d.due_on.isoformat() for d in campaign.deadlines.all()][:2] == ["2014-05-10", "2014-08-30"]


def test_plt1_the_demo_accounts_are_printed_with_their_password(demo):
    for username in (
        "sysadmin",
        "secadmin",
        "auditor",
        "city",
        "research",
        "daoli",
        "nangang",
        "daoli_street",
        "volunteer",
    ):
        assert username in demo
        assert User.objects.get(username=username).check_password("Fuqing@2014")
    assert "Fuqing@2014" in demo


def test_org3_demo_scopes(demo):
    daoli = User.objects.get(username="daoli")
    research = User.objects.get(username="research")
    assert {o.name for o in Org.objects.visible_to(daoli).filter(depth=2)} == {"道里区妇联"}
    assert (
        Org.objects.visible_to(research).count()
        == Org.objects.filter(path__startswith=Org.objects.get(depth=1).path).count()
    )
    assert User.objects.get(username="daoli_street").org.name == "新阳路街道"


def test_plt1_the_demo_loads_only_into_an_empty_database(demo, capsys):
    with pytest.raises(CommandError):
        call_command("load_demo")
    call_command("load_demo", "--if-empty")
    assert "already holds data" in capsys.readouterr().out


def test_plt1_the_demo_password_comes_from_the_environment(db, monkeypatch, capsys):
    monkeypatch.setenv("FUQING_DEMO_PASSWORD", "Another#2014")
    call_command("load_demo")
    assert User.objects.get(username="city").check_password("Another#2014")
