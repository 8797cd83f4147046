from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from fuqing.campaigns.models import Campaign, Deadline
from fuqing.campaigns.services import resolve_units, units_text
from fuqing.core.forms import DateInput, Form, ModelForm, ScopedModelMultipleChoiceField
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
    """A deadline and who owes it (CAM-2): kinds of units and/or units named one by one."""

    owed_by_kinds = forms.MultipleChoiceField(
        label=_("报送单位类型"),
        choices=[
            (k, OrgKind(k).label)
            for k in (OrgKind.CITY, OrgKind.DEPARTMENT, OrgKind.DISTRICT, OrgKind.TOWNSHIP, OrgKind.COMMUNITY)
        ],
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("本活动主办单位范围内这些类型的全部有效单位都须报送。"),
    )
    owed_by_orgs = forms.CharField(
        label=_("另行指定的报送单位"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "每行一个单位（也可用顿号分隔）：行政区划代码、单位全称或用“/”连接的上级名称，"
            "例如：道里区妇联、230103、道里区/新阳路街道。"
        ),
    )

    class Meta:
        model = Deadline
        fields = ["code", "name", "due_on", "kind", "description", "owed_by_kinds", "remind_days_before"]
        widgets = {"due_on": DateInput}
        help_texts = {
            "kind": _("调研月总结和全年总结可由系统生成初稿；“实施方案”由各单位提交方案即视为报送。"),
            "remind_days_before": _("截止日前多少天起在应报送单位的首页提醒（0 至 90）。"),
        }

    def __init__(self, *args, campaign: Campaign, actor, **kwargs):
        super().__init__(*args, **kwargs)
        self.campaign = campaign
        self.actor = actor
        if self.instance.pk and not self.is_bound:
            self.initial["owed_by_orgs"] = units_text(self.instance.owed_by_orgs.order_by("path"))

    def clean_owed_by_orgs(self):
        try:
            return resolve_units(self.campaign, self.cleaned_data["owed_by_orgs"], self.actor)
        except ValidationError as exc:
            raise ValidationError(exc.message_dict["owed_by_orgs"]) from None


class SubmissionForm(Form):
    file = forms.FileField(label=_("报送文件"))
    note = forms.CharField(label=_("说明（可选）"), max_length=200, required=False)

    def __init__(self, *args, accept: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        if accept:
            self.fields["file"].widget.attrs["accept"] = accept


class LeaderChoiceField(ScopedModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.display_name}（{obj.get_position_display()}）"


class PlanForm(Form):
    """An implementation plan (CAM-3). The service validates; the form only shapes the input."""

    title = forms.CharField(label=_("标题"), max_length=200)
    goals = forms.CharField(label=_("活动目标"), widget=forms.Textarea(attrs={"rows": 5}))
    responsibilities = forms.CharField(
        label=_("工作责任"),
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("谁牵头、谁负责哪项工作、如何协调。"),
    )
    leaders = LeaderChoiceField(
        label=_("牵头领导"),
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("本单位的主席、副主席等在职人员。"),
    )
    measures = forms.CharField(label=_("主要措施"), required=False, widget=forms.Textarea(attrs={"rows": 5}))

    def __init__(self, *args, leaders, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["leaders"].queryset = leaders


class AttachmentForm(Form):
    file = forms.FileField(label=_("附件"))

    def __init__(self, *args, accept: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        if accept:
            self.fields["file"].widget.attrs["accept"] = accept
