"""Forms of the oversight pages. They shape input; the rules live in services."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from fuqing.core.forms import DateInput, Form, ScopedModelChoiceField
from fuqing.orgs.forms import OrgChoiceField
from fuqing.oversight import sources
from fuqing.oversight.models import CaseSource, ItemKind, Rule


class YearField(forms.IntegerField):
    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("年度"))
        super().__init__(min_value=2000, max_value=2100, **kwargs)


class SchemeForm(Form):
    org = OrgChoiceField(queryset=None, label=_("考核单位"))
    year = YearField()
    name = forms.CharField(label=_("方案名称"), max_length=100)
    notes = forms.CharField(label=_("说明"), widget=forms.Textarea(attrs={"rows": 3}), required=False)

    def __init__(self, *args, orgs=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org"].queryset = orgs


class ItemForm(Form):
    name = forms.CharField(label=_("指标名称"), max_length=100)
    kind = forms.ChoiceField(label=_("评分方式"), choices=ItemKind.choices)
    weight = forms.DecimalField(label=_("分值"), min_value=0.1, max_value=100, decimal_places=1)
    figure_key = forms.ChoiceField(label=_("数据来源"), required=False)
    rule = forms.ChoiceField(label=_("评分规则"), choices=Rule.choices, required=False)
    target = forms.DecimalField(
        label=_("目标值"), required=False, max_digits=12, decimal_places=4, help_text=_("比例填1表示100%")
    )
    description = forms.CharField(label=_("评分说明"), max_length=300, required=False)
    position = forms.IntegerField(label=_("顺序"), min_value=1, max_value=999, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["figure_key"].choices = [("", "—"), *sources.labels().items()]


class CopyForm(Form):
    year = YearField(label=_("复制到年度"))


class AssignmentForm(Form):
    inspector = ScopedModelChoiceField(queryset=None, label=_("督查员"))
    unit = OrgChoiceField(queryset=None, label=_("被考核单位"))

    def __init__(self, *args, inspectors=None, units=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["inspector"].queryset = inspectors
        self.fields["inspector"].label_from_instance = lambda u: f"{u.display_name}（{u.org.name}）"
        self.fields["unit"].queryset = units


class ScoreForm(Form):
    unit = forms.IntegerField(widget=forms.HiddenInput)
    points = forms.DecimalField(label=_("得分"), min_value=0, max_value=100, decimal_places=1)
    comment = forms.CharField(label=_("评语"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)
    evidence = forms.FileField(label=_("佐证材料"), required=False)
    evidence_note = forms.CharField(label=_("佐证说明"), max_length=300, required=False)


class RankingForm(Form):
    year = YearField(required=False)
    level = forms.ChoiceField(
        label=_("层级"), required=False, choices=[("district", _("区县(市)")), ("street", _("街道(乡镇)"))]
    )
    parent = OrgChoiceField(queryset=None, label=_("所属区县(市)"), required=False)

    def __init__(self, *args, districts=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["parent"].queryset = districts


class CadreFilterForm(Form):
    year = YearField(required=False)
    org = OrgChoiceField(queryset=None, label=_("单位"), required=False)
    flag = forms.ChoiceField(
        label=_("情况"),
        required=False,
        choices=[("", _("全部")), ("no_contact_point", _("无联系点")), ("no_pair", _("无结对"))],
    )

    def __init__(self, *args, orgs=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org"].queryset = orgs


class RecommendForm(Form):
    year = YearField()
    recommended = forms.TypedChoiceField(
        label=_("决定"),
        choices=[("1", _("推荐")), ("0", _("不推荐"))],
        coerce=lambda v: v == "1",
    )
    reason = forms.CharField(label=_("理由"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)


class CaseForm(Form):
    org = OrgChoiceField(queryset=None, label=_("报送单位"))
    year = YearField()
    title = forms.CharField(label=_("案例标题"), max_length=120)
    source_kind = forms.ChoiceField(label=_("案例来源"))
    source_id = forms.CharField(
        label=_("来源编号"), max_length=40, help_text=_("诉求、结对、项目或妇女之家的编号")
    )
    story = forms.CharField(label=_("案例内容"), widget=forms.Textarea(attrs={"rows": 8}))
    evidence = forms.FileField(label=_("佐证材料"), required=False)
    evidence_note = forms.CharField(label=_("佐证说明"), max_length=300, required=False)

    def __init__(self, *args, orgs=None, source_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org"].queryset = orgs
        self.fields["source_kind"].choices = list(source_choices) or list(CaseSource.choices)


class CaseFilterForm(Form):
    year = YearField(required=False)
    status = forms.ChoiceField(label=_("状态"), required=False)
    q = forms.CharField(label=_("标题或单位"), required=False, max_length=50)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from fuqing.oversight.models import CaseStatus

        self.fields["status"].choices = [("", _("全部")), *CaseStatus.choices]


class DecisionForm(Form):
    decision = forms.ChoiceField(
        label=_("处理"),
        choices=[("submit", _("报送")), ("select", _("入选")), ("promote", _("推广")), ("return", _("退回"))],
    )
    note = forms.CharField(label=_("处理意见"), max_length=300, required=False)


class PublicityForm(Form):
    org = OrgChoiceField(queryset=None, label=_("宣传单位"))
    media = forms.CharField(label=_("媒体"), max_length=60)
    published_on = forms.DateField(label=_("刊发日期"), widget=DateInput())
    title = forms.CharField(label=_("标题"), max_length=150)
    link = forms.CharField(label=_("链接"), max_length=300, required=False)
    case = ScopedModelChoiceField(queryset=None, label=_("典型案例"), required=False)
    activity = forms.CharField(label=_("宣传的活动"), max_length=150, required=False)

    def __init__(self, *args, orgs=None, cases=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org"].queryset = orgs
        self.fields["case"].queryset = cases


class PracticeForm(Form):
    org = OrgChoiceField(queryset=None, label=_("制定单位"))
    title = forms.CharField(label=_("制度名称"), max_length=150)
    document_number = forms.CharField(label=_("文号"), max_length=60, required=False)
    issued_on = forms.DateField(label=_("印发日期"), widget=DateInput())
    summary = forms.CharField(label=_("主要内容"), widget=forms.Textarea(attrs={"rows": 4}), required=False)
    case = ScopedModelChoiceField(queryset=None, label=_("源自案例"), required=False)
    document = forms.FileField(label=_("制度文件"))

    def __init__(self, *args, orgs=None, cases=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org"].queryset = orgs
        self.fields["case"].queryset = cases


class ListFilterForm(Form):
    year = YearField(required=False)
    q = forms.CharField(label=_("标题、媒体或单位"), required=False, max_length=50)
