"""The campaigns' filters (issue 11 point 1), one definition per register shared by its page, its ledger
export and its API list:

- the deadlines' completeness table (报送情况, CAM-2): who owes which deadline and whether it came on
  time — its page (``campaigns:status``), its ledger (报送情况台账, ``submissions``) and
  ``/api/v1/obligations/``;
- the implementation plans (CAM-3): ``campaigns:plans``, the ``plans`` ledger and ``/api/v1/plans/``.

Ids (a deadline, a unit) go through the scope door (``RegisterFilter.ids``): one outside the
caller's scope is refused, never read as "no filter".
"""

from __future__ import annotations

import datetime

from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fuqing.campaigns.models import ObligationStatus
from fuqing.campaigns.models.submission import status_q
from fuqing.core.filters import RegisterFilter
from fuqing.core.forms import Form
from fuqing.core.scoping import subtree_q
from fuqing.orgs.models import OrgKind

PLAN_STATUSES = (("submitted", _("已提交")), ("draft", _("草稿")))


class ObligationFilterForm(Form):
    q = forms.CharField(label=_("单位或事项名称"), required=False, max_length=50)
    year = forms.IntegerField(label=_("年度"), required=False, min_value=2000, max_value=2100)
    deadline = forms.IntegerField(label=_("报送事项"), required=False, min_value=1)
    status = forms.ChoiceField(label=_("报送情况"), required=False)
    kind = forms.ChoiceField(label=_("单位类型"), required=False)
    under = forms.IntegerField(label=_("单位及其下级"), required=False, min_value=1, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [("", _("全部")), *ObligationStatus.choices]
        self.fields["kind"].choices = [("", _("全部")), *OrgKind.choices]


class ObligationFilter(RegisterFilter):
    """Deadline, status on ``today``, the owing unit's kind, a unit's subtree, words (a unit's or a
    deadline's name), the campaign year."""

    form_class = ObligationFilterForm
    ids = {"deadline": "campaigns.Deadline", "under": "orgs.Org"}

    def narrow(self, queryset, today: datetime.date | None = None):
        data = self.data
        if data.get("year"):
            queryset = queryset.filter(deadline__campaign__year=data["year"])
        if deadline := self.objects.get("deadline"):
            queryset = queryset.filter(deadline=deadline)
        if data.get("status"):
            queryset = queryset.filter(status_q(data["status"], today or timezone.localdate()))
        if unit := self.objects.get("under"):
            queryset = queryset.filter(subtree_q(unit.path, "org__path"))
        if data.get("kind"):
            queryset = queryset.filter(org__kind=data["kind"])
        if q := (data.get("q") or "").strip():
            queryset = queryset.filter(Q(org__name__icontains=q) | Q(deadline__name__icontains=q))
        return queryset


class PlanFilterForm(Form):
    q = forms.CharField(label=_("单位、标题或目标"), required=False, max_length=50)
    year = forms.IntegerField(label=_("年度"), required=False, min_value=2000, max_value=2100)
    status = forms.ChoiceField(label=_("状态"), required=False, choices=[("", _("全部")), *PLAN_STATUSES])
    org = forms.IntegerField(label=_("单位及其下级"), required=False, min_value=1, widget=forms.HiddenInput)


class PlanFilter(RegisterFilter):
    """Words (a unit's name, the title, the goals), submitted or draft, the campaign year, a unit's
    subtree."""

    form_class = PlanFilterForm
    ids = {"org": "orgs.Org"}

    def narrow(self, queryset, default_year: int | None = None):
        data = self.data
        if year := data.get("year") or default_year:
            queryset = queryset.filter(campaign__year=year)
        if unit := self.objects.get("org"):
            queryset = queryset.filter(subtree_q(unit.path, "org__path"))
        if q := (data.get("q") or "").strip():
            queryset = queryset.filter(
                Q(title__icontains=q) | Q(org__name__icontains=q) | Q(goals__icontains=q)
            )
        if data.get("status") == "submitted":
            queryset = queryset.filter(submitted_at__isnull=False)
        elif data.get("status") == "draft":
            queryset = queryset.filter(submitted_at__isnull=True)
        return queryset
