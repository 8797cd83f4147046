"""Issue 10, point 7, on the beneficiaries list: a woman's name searched never travels in the URL."""

from __future__ import annotations

from urllib.parse import unquote

from django.urls import reverse

from fuqing.projects.models import Beneficiary
from tests.scoped_factories import FACTORIES


def test_sec8_a_name_searched_on_the_beneficiaries_list_never_travels_in_the_url(tree, daoli, login_as):
    beneficiary = FACTORIES[Beneficiary](tree.a, "MARK-benef", daoli)
    name = beneficiary.woman.name
    client = login_as(daoli)
    page = client.get(reverse("projects:beneficiaries"))
    search_form = page.content.decode().split('role="search"')[0].rsplit("<form", 1)[-1]
    assert 'method="post"' in search_form
    response = client.post(reverse("projects:beneficiaries"), {"q": name, "year": ""})
    assert response.status_code == 302
    assert name not in unquote(response.url) and "q=" not in response.url and "search=" in response.url
    found = client.get(response.url)
    assert beneficiary in found.context["page"] and found.context["q"] == name
    links = [link for link in found.content.decode().split('href="')[1:] if "q=" in link.split('"')[0]]
    assert links == []  # no link of the page (pagination, export) carries the name
    old_link = client.get(reverse("projects:beneficiaries"), {"q": name})
    assert old_link.status_code == 302 and name not in unquote(old_link.url) and "q=" not in old_link.url
