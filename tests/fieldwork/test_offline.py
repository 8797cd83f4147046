"""PLT-6: the service worker is served from the site's root with a scope over every page, behind the
login; the pages kept for offline use are the user's own forms; the visit form carries a fresh replay key."""

from django.urls import reverse

from fuqing.fieldwork.models import Questionnaire


def test_plt6_the_service_worker_is_served_at_the_root_with_workbox_from_the_server(login_as, daoli, client):
    assert client.get("/sw.js").status_code == 302  # behind the login, like every page
    response = login_as(daoli).get("/sw.js")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/javascript")
    assert response["Service-Worker-Allowed"] == "/"
    body = response.content.decode()
    assert "/static/vendor/workbox-7.4.1/workbox-sw.js" in body and "modulePathPrefix" in body
    assert "http://" not in body and "https://" not in body  # no CDN


def test_plt6_offline_pages_are_the_users_forms(login_as, daoli, tree):
    open_one = Questionnaire.objects.create(
        org=tree.a, year=2014, title="巾帼调查", status="open", created_by=daoli
    )
    Questionnaire.objects.create(org=tree.a, year=2014, title="草稿", status="draft", created_by=daoli)
    pages = login_as(daoli).get(reverse("fieldwork:offline-pages")).json()["pages"]
    assert reverse("fieldwork:visit-add") in pages
    assert reverse("assistance:need-add") in pages
    assert reverse("fieldwork:questionnaire-fill", args=[open_one.pk]) in pages
    assert len([p for p in pages if "/questionnaires/" in p]) == 1


def test_plt6_the_visit_form_is_kept_offline_with_a_fresh_key(login_as, daoli):
    page = login_as(daoli).get(reverse("fieldwork:visit-add")).content.decode()
    assert "data-offline" in page and "data-fresh" in page
    assert "vendor/idb-8.0.4/idb.umd.js" in page and "fuqing/outbox.js" in page
    assert "待上传 {n} 条" in page
