"""Issue 11 pt 7: one way to name a person (``User.display_name``, the ``|person`` filter) and codes shown by
their labels in history and the audit log."""

from __future__ import annotations

import pytest
from django.template import Context, Template
from django.urls import reverse

from fuqing.core import audit
from fuqing.core.history import describe_details, history_for
from fuqing.core.models import AuditAction, AuditEvent
from fuqing.orgs.models import Org
from fuqing.registry.models import VulnerableGroup
from tests.conftest import make_user


def render(source: str, **context) -> str:
    return Template("{% load fuqing %}" + source).render(Context(context))


def test_a_person_is_named_by_her_name_and_by_her_login_only_without_one(tree):
    liu = make_user(tree.a, username="daoli_street", name="刘春梅")
    nameless = make_user(tree.a, username="cli_admin", name="  ")
    assert liu.display_name == str(liu) == "刘春梅"
    assert nameless.display_name == "cli_admin"  # no name at all: the login is all there is
    assert render("{{ u|person }}", u=liu) == "刘春梅"
    assert render("{{ u|person }}", u=None) == "—"
    assert render('{{ u|person:"系统" }}', u=None) == "系统"


def test_audit_records_and_history_name_the_actor(tree, django_assert_max_num_queries):
    liu = make_user(tree.a, username="daoli_street", name="刘春梅")
    org = Org.objects.get(pk=tree.a1.pk)
    audit.record(AuditAction.UPDATE, actor=liu, obj=org, details={"changed": {"name": ["甲", "乙"]}})
    audit.record(AuditAction.LOGIN_FAILED, username="typed_login")
    event = AuditEvent.objects.select_related("actor").get(action=AuditAction.UPDATE)
    assert event.actor_name == "刘春梅"
    assert render("{{ e|person }} {{ e.get_action_display }}", e=event).startswith("刘春梅 ")
    failed = AuditEvent.objects.get(action=AuditAction.LOGIN_FAILED)
    assert failed.actor_name == "typed_login"  # no account: what was typed is the record's subject
    with django_assert_max_num_queries(1):
        entries = history_for(liu, org)
        assert entries[0]["actor"] == "刘春梅"  # newest first; the tree's creation was the system
    assert entries[0]["summary"] == "修改：名称：甲 → 乙"  # the field by its verbose name


@pytest.mark.django_db
def test_details_show_dictionary_labels_not_codes():
    group = VulnerableGroup.objects.get_or_create(
        code="single-poor-mother", defaults={"name": "单亲贫困母亲"}
    )[0]
    text = describe_details({"groups": [group.code], "status": "resolved", "consent": "finance"})
    assert group.name in text and "single-poor-mother" not in text
    assert "resolved" not in text and "finance" not in text
    report = describe_details({"action": "submit", "from": "draft", "to": "submitted"}, "research.report")
    assert "submit" not in report and "draft" not in report and "原状态" in report


def test_the_audit_log_page_names_the_actor(tree, client):
    from tests.conftest import login

    auditor = make_user(tree.city, "audit-admin", username="auditor_login", name="审计员王芳")
    liu = make_user(tree.a, username="daoli_street", name="刘春梅")
    audit.record(AuditAction.UPDATE, actor=liu, obj=Org.objects.get(pk=tree.a1.pk))
    login(client, auditor)
    page = client.get(reverse("audit-list")).content.decode()
    assert "刘春梅" in page and ">daoli_street<" not in page
    assert "刘春梅" in client.get(reverse("audit-list"), {"q": "刘春梅"}).content.decode()  # searched by name
