"""Fieldwork's registers' filters, one definition each shared by the list page, the ledger export and the
API (issue 11 point 1): visits (FLD-2: keyword, year, method, mine, a unit's subtree, a period), contact
points (FLD-1), questionnaires and their responses (FLD-6). An id they take (unit, keeper,
questionnaire) goes through the scope door (``RegisterFilter.ids``)."""

from __future__ import annotations

from django import forms
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from fuqing.core.filters import RegisterFilter
from fuqing.core.forms import Form
from fuqing.core.scoping import subtree_q
from fuqing.fieldwork import services
from fuqing.fieldwork.forms import VisitFilterForm
from fuqing.fieldwork.models import Answer, QuestionnaireStatus
from fuqing.orgs.models import Org, User


class VisitFilter(RegisterFilter):
    form_class = VisitFilterForm

    def apply(self, queryset, default_year: int | None = None):
        data = self.data
        q = data.get("q") or ""
        if year := self.year(default_year):
            queryset = queryset.filter(year=year)
        if q:
            queryset = queryset.filter(
                Q(notes__icontains=q)
                | Q(needs_text__icontains=q)
                | Q(place__name__icontains=q)
                | Q(lead__name__icontains=q)
                | Q(org__name__icontains=q)
            )
        if data.get("method"):
            queryset = queryset.filter(method=data["method"])
        if data.get("mine") and self.user is not None:
            queryset = queryset.filter(memberships__user=self.user)
        if data.get("org"):
            orgs = Org.objects.visible_to(self.user) if self.user is not None else Org.objects.all()
            area = orgs.filter(pk=data["org"]).only("path").first()
            queryset = queryset.filter(subtree_q(area.path, "org__path")) if area else queryset.none()
        if data.get("started_from"):
            queryset = queryset.filter(started_on__gte=data["started_from"])
        if data.get("started_to"):
            queryset = queryset.filter(started_on__lte=data["started_to"])
        return queryset

    def year(self, default_year: int | None = None) -> int | None:
        """The year asked, else the default (the page's top bar) — a search looks through every year."""
        return self.data.get("year") or (None if self.data.get("q") else default_year)


def _members(user):
    """Where a contact point's keeper is looked for: the cadres the caller may name (her scope and the
    leaders of the federations above); an export job's queryset is scoped already."""
    return services.allowed_members(user) if user is not None else User.objects.all()


def _within(queryset, unit, field: str = "org__path"):
    return queryset.filter(subtree_q(unit.path, field)) if unit is not None else queryset


class ContactPointFilterForm(Form):
    q = forms.CharField(label=_("关键词"), required=False, max_length=50)
    keeper = forms.IntegerField(label=_("联系领导"), required=False, min_value=1, widget=forms.HiddenInput)
    org = forms.IntegerField(label=_("单位及其下级"), required=False, min_value=1, widget=forms.HiddenInput)
    mine = forms.BooleanField(label=_("只看我联系的"), required=False)


class ContactPointFilter(RegisterFilter):
    """Contact points (FLD-1): words (place, keeper, notes, unit), one keeper, mine, a unit's subtree."""

    form_class = ContactPointFilterForm
    ids = {"keeper": _members, "org": "orgs.Org"}

    def narrow(self, queryset):
        if q := (self.data.get("q") or "").strip():
            queryset = queryset.filter(
                Q(place__name__icontains=q)
                | Q(keeper__name__icontains=q)
                | Q(notes__icontains=q)
                | Q(org__name__icontains=q)
            )
        if keeper := self.objects.get("keeper"):
            queryset = queryset.filter(keeper=keeper)
        if self.data.get("mine") and self.user is not None:
            queryset = queryset.filter(keeper=self.user)
        return _within(queryset, self.objects.get("org"))


class QuestionnaireFilterForm(Form):
    q = forms.CharField(label=_("关键词"), required=False, max_length=50)
    year = forms.IntegerField(label=_("年度"), required=False, min_value=2000, max_value=2100)
    status = forms.ChoiceField(
        label=_("状态"), required=False, choices=[("", _("全部")), *QuestionnaireStatus.choices]
    )


class QuestionnaireFilter(RegisterFilter):
    """Questionnaires (FLD-6): words (title, description), year, status."""

    form_class = QuestionnaireFilterForm

    def narrow(self, queryset, default_year: int | None = None):
        if q := (self.data.get("q") or "").strip():
            queryset = queryset.filter(Q(title__icontains=q) | Q(description__icontains=q))
        if year := self.year(default_year):
            queryset = queryset.filter(year=year)
        if self.data.get("status"):
            queryset = queryset.filter(status=self.data["status"])
        return queryset

    def year(self, default_year: int | None = None) -> int | None:
        """The year asked, else the default (the page's top bar) — a search looks through every year."""
        return self.data.get("year") or (None if self.data.get("q") else default_year)


class ResponseFilterForm(Form):
    q = forms.CharField(label=_("关键词"), required=False, max_length=50)
    year = forms.IntegerField(label=_("年度"), required=False, min_value=2000, max_value=2100)
    questionnaire = forms.IntegerField(label=_("问卷"), required=False, min_value=1, widget=forms.HiddenInput)
    org = forms.IntegerField(label=_("单位及其下级"), required=False, min_value=1, widget=forms.HiddenInput)


class ResponseFilter(RegisterFilter):
    """Questionnaire responses (FLD-6): words (a text answer, the unit), year, one questionnaire, a
    unit's subtree. Answers are anonymous: nothing here names a respondent."""

    form_class = ResponseFilterForm
    ids = {"questionnaire": "fieldwork.Questionnaire", "org": "orgs.Org"}

    def narrow(self, queryset):
        if q := (self.data.get("q") or "").strip():
            texts = Answer.objects.filter(response=OuterRef("pk"), text__icontains=q)
            queryset = queryset.filter(Exists(texts) | Q(org__name__icontains=q))
        if self.data.get("year"):
            queryset = queryset.filter(year=self.data["year"])
        if questionnaire := self.objects.get("questionnaire"):
            queryset = queryset.filter(questionnaire=questionnaire)
        return _within(queryset, self.objects.get("org"))
