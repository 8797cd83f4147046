"""English pages get half-width punctuation: brackets, colons and list separators are translated strings
(review round 2). The English catalogue is the lead's; these tests show the punctuation is translatable."""

from __future__ import annotations

import datetime

from django.urls import reverse
from django.utils import translation

from fuqing.fieldwork import forms as fieldwork_forms
from fuqing.fieldwork.panels import month_name
from tests.fieldwork.conftest import record

ENGLISH = {
    "%(name)s（%(position)s）": "%(name)s (%(position)s)",
    "%(names)s（%(extensions)s）": "%(names)s (%(extensions)s)",
    "%(place)s（%(keeper)s）": "%(place)s (%(keeper)s)",
}


def test_person_and_file_type_labels_take_their_brackets_from_the_catalogue(tree, daoli, monkeypatch):
    assert "（" in fieldwork_forms.person_label(daoli)
    monkeypatch.setattr(fieldwork_forms, "gettext", lambda s: ENGLISH.get(s, s))
    monkeypatch.setattr(fieldwork_forms, "pgettext", lambda c, s: ", " if s == "、" else s)
    assert "（" not in fieldwork_forms.person_label(daoli) and " (" in fieldwork_forms.person_label(daoli)
    form = fieldwork_forms.VisitForm(user=daoli)
    assert all("（" not in label for _pk, label in form.fields["lead"].choices)
    help_text = str(form.fields["files"].help_text)
    assert "、" not in help_text.split("：", 1)[1] and "（" not in help_text


def test_the_home_panel_names_the_month(tree, daoli, login_as):
    assert month_name(11) == "11月"
    with translation.override("en"):
        assert month_name(11) == "November"
    record(daoli, start=datetime.date.today(), place=tree.a1a)
    body = login_as(daoli).get(reverse("home")).content.decode()
    assert f"本月（{datetime.date.today().month}月）参加走访 1 次" in body
