"""Page titles "<page> · 妇情" and the shared form-error summary (review round 2)."""

import re

from django import forms
from django.template import Context, Template
from django.test import RequestFactory
from django.urls import reverse

from fuqing.core.forms import Form


def _title(body: str) -> str:
    return re.search(r"<title>(.*?)</title>", body, re.S).group(1)


def test_titles_are_page_dot_site_in_both_languages(tree, daoli, login_as):
    client = login_as(daoli)
    assert _title(client.get(reverse("registry:add")).content.decode()) == "登记妇女 · 妇情"
    assert _title(client.get(reverse("fieldwork:visit-add")).content.decode()) == "记走访 · 妇情"
    assert _title(client.get(reverse("home")).content.decode()) == "首页 · 妇情"
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert _title(client.get(reverse("home")).content.decode()) == "Home · Fuqing"


def test_a_page_without_a_title_is_just_the_site_name(rf: RequestFactory):
    from django.contrib.auth.models import AnonymousUser

    request = rf.get("/")
    request.user = AnonymousUser()
    body = Template('{% extends "base.html" %}').render(Context({"request": request, "user": request.user}))
    assert _title(body) == "妇情"


class _Sample(Form):
    name = forms.CharField(label="姓名")
    kinds = forms.MultipleChoiceField(
        label="类别", choices=[("a", "甲"), ("b", "乙")], widget=forms.CheckboxSelectMultiple
    )

    def clean(self):
        raise forms.ValidationError("整体有误")


def test_the_summary_counts_links_and_marks_fields():
    form = _Sample({"name": ""})
    body = Template("{% load fuqing %}{% form_errors form %}{{ form.name }}").render(Context({"form": form}))
    assert "请更正以下 3 处错误" in body
    assert '<a href="#id_name" data-error-link="id_name">姓名：' in body
    assert 'href="#id_kinds_0"' in body and "整体有误" in body
    assert re.search(r'<input[^>]*name="name"[^>]*class="form-control is-invalid"', body)
    # Shown once: a second tag for the same form (e.g. the fallback in base.html) renders nothing.
    assert "data-error-summary" not in Template("{% load fuqing %}{% form_errors form %}").render(
        Context({"form": form})
    )
    assert Template("{% load fuqing %}{% form_errors form %}").render(Context({"form": _Sample()})) == ""


def test_a_page_that_did_not_place_the_summary_gets_it_at_the_top_of_its_content():
    form = _Sample({"name": ""})
    body = Template(
        "{% load fuqing %}{% form_error_fallback %}<h1>页</h1>{{ form.name }}{% endform_error_fallback %}"
    ).render(Context({"form": form}))
    assert body.index("data-error-summary") < body.index("<h1>")
    placed = _Sample({"name": ""})
    body = Template(
        "{% load fuqing %}{% form_error_fallback %}<h1>页</h1>{% form_errors form %}"
        "{% endform_error_fallback %}"
    ).render(Context({"form": placed}))
    assert body.count("data-error-summary") == 1 and body.index("<h1>") < body.index("data-error-summary")


def test_every_table_of_fieldwork_registry_and_core_scrolls_inside_table_responsive():
    """A wide table scrolls inside its box on a 375-px phone instead of widening the page."""
    from pathlib import Path

    root = Path(__file__).resolve().parents[2] / "fuqing"
    bare = []
    for folder in ("fieldwork/templates", "registry/templates", "core/templates", "templates"):
        for path in (root / folder).rglob("*.html"):
            text = path.read_text(encoding="utf-8")
            for match in re.finditer(r"<table\b", text):
                before = text[max(0, match.start() - 200) : match.start()]
                if "table-responsive" not in before:
                    bare.append(f"{path.relative_to(root)}:{text.count(chr(10), 0, match.start()) + 1}")
    assert not bare, bare
