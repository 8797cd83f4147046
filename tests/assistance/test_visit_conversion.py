"""NEED-1: visits created earlier with needs as text get them as real needs (idempotent; text kept)."""

from django.core.management import call_command
from django.urls import reverse

from fuqing.assistance.models import Need, NeedEvent
from fuqing.assistance.services import convert_visit_needs, visit_lines
from fuqing.fieldwork.models import Visit
from tests.assistance.conftest import DAY

TEXT = "1. 希望提供灵活就业岗位\n\n2、留守儿童放学后无人看管\n- 两癌筛查名额太少\n"


def _visit(org, method="home_visit", text=TEXT):
    return Visit.objects.create(org=org, started_on=DAY, ended_on=DAY, method=method, needs_text=text)


def test_need1_lines_become_needs_linked_to_the_visit(daoli, tree, categories):
    visit = _visit(tree.a1a)
    created = convert_visit_needs(daoli, visit)
    assert [n.description for n in created] == [
        "希望提供灵活就业岗位",
        "留守儿童放学后无人看管",
        "两癌筛查名额太少",
    ]
    assert all(n.visit == visit and n.org == tree.a1a and n.reported_on == DAY for n in created)
    assert [n.category.code for n in created] == ["employment", "education", "health"]
    assert NeedEvent.objects.filter(type="converted").count() == 3


def test_need1_conversion_is_idempotent_and_keeps_the_text(daoli, tree, categories):
    visit = _visit(tree.a1a)
    convert_visit_needs(daoli, visit)
    assert convert_visit_needs(daoli, visit) == []
    visit.refresh_from_db()
    assert visit.needs_text == TEXT
    visit.needs_text = TEXT + "空巢老人无人照料\n"
    visit.save()
    assert [n.description for n in convert_visit_needs(daoli, visit)] == ["空巢老人无人照料"]
    assert Need.objects.filter(visit=visit).count() == 4


def test_need1_forum_lines_are_forum_needs(daoli, tree, categories):
    need = convert_visit_needs(daoli, _visit(tree.a1, method="forum", text="希望多开家政培训"))[0]
    assert need.source == "forum"


def test_need1_management_command_converts_every_visit_once(tree, categories):
    _visit(tree.a1a)
    _visit(tree.b1, text="婆媳矛盾希望调解")
    call_command("assistance_convert_visits")
    call_command("assistance_convert_visits")
    assert Need.objects.count() == 4
    call_command("assistance_convert_visits", "--org", "230103")


def test_need1_conversion_from_the_page_respects_scope(login_as, daoli, nangang, tree, categories):
    visit = _visit(tree.a1a)
    assert login_as(nangang).post(reverse("assistance:visit-convert", args=[visit.pk])).status_code == 404
    assert login_as(daoli).post(reverse("assistance:visit-convert", args=[visit.pk])).status_code == 302
    assert Need.objects.filter(visit=visit).count() == 3


def test_need1_list_markers_are_dropped():
    assert visit_lines(" （1）住房困难\n•  医疗救助报销低 \n\n") == ["住房困难", "医疗救助报销低"]
