from django import forms
from django.utils.translation import gettext_lazy as _

from fuqing.campaigns.models import Campaign, Deadline
from fuqing.core.forms import DateInput, ModelForm
from fuqing.orgs.models import OrgKind


class CampaignForm(ModelForm):
    class Meta:
        model = Campaign
        fields = ["year", "name", "theme", "starts_on", "ends_on", "survey_month", "notes"]
        widgets = {
            "starts_on": DateInput,
            "ends_on": DateInput,
            "notes": forms.Textarea(attrs={"rows": 3}),
            "survey_month": forms.Select(choices=[(m, f"{m}月") for m in range(1, 13)]),
        }


class DeadlineForm(ModelForm):
    owed_by_kinds = forms.MultipleChoiceField(
        label=_("报送单位类型"),
        choices=[
            (k, OrgKind(k).label)
            for k in (OrgKind.CITY, OrgKind.DEPARTMENT, OrgKind.DISTRICT, OrgKind.TOWNSHIP, OrgKind.COMMUNITY)
        ],
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    class Meta:
        model = Deadline
        fields = ["code", "name", "due_on", "description", "owed_by_kinds", "remind_days_before"]
        widgets = {"due_on": DateInput}
