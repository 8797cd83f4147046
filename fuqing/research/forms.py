"""Forms for research pages. They shape input; the rules live in services."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from fuqing.core.forms import DateInput, Form, ScopedModelChoiceField
from fuqing.orgs.forms import OrgChoiceField
from fuqing.research.models import SECTIONS, ReportStatus

HELP = _(
    "每行一段。以“一、”“（一）”“1.”“（1）”开头的行作为各级标题；**两个星号之间**的文字加粗；"
    "单独一行写 {{figure:数据项}} 插入统计表，句中写则插入数字。"
)


class YearField(forms.IntegerField):
    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("年度"))
        super().__init__(min_value=2000, max_value=2100, **kwargs)


class TopicForm(Form):
    org = OrgChoiceField(queryset=None, label=_("课题单位"))
    year = YearField()
    title = forms.CharField(label=_("课题名称"), max_length=200)
    leader = ScopedModelChoiceField(queryset=None, label=_("课题组组长"), required=False)
    members = forms.CharField(label=_("课题组成员"), max_length=300, required=False)
    description = forms.CharField(
        label=_("研究内容"), widget=forms.Textarea(attrs={"rows": 4}), required=False
    )

    def __init__(self, *args, orgs=None, leaders=None, editing=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org"].queryset = orgs
        self.fields["leader"].queryset = leaders
        self.fields["leader"].label_from_instance = lambda u: (
            f"{u.display_name}（{u.org.name} {u.get_position_display()}）"
        )
        if editing:
            del self.fields["org"]


class TopicFilterForm(Form):
    year = YearField(required=False)
    q = forms.CharField(label=_("单位或课题"), required=False, max_length=50)


class CheckFilterForm(Form):
    year = YearField(required=False)
    flag = forms.ChoiceField(label=_("情况"), required=False)
    q = forms.CharField(label=_("单位或课题"), required=False, max_length=50)

    def __init__(self, *args, flags=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["flag"].choices = [("", _("全部")), ("ok", _("符合要求")), *flags.items()]


class ReportForm(Form):
    org = OrgChoiceField(queryset=None, label=_("所属单位"))
    year = YearField()
    title = forms.CharField(label=_("标题"), max_length=200)
    authors = forms.CharField(label=_("作者"), max_length=200, required=False)
    topic = ScopedModelChoiceField(queryset=None, label=_("重点调研课题"), required=False)

    def __init__(self, *args, orgs=None, topics=None, editing=False, **kwargs):
        super().__init__(*args, **kwargs)
        for field, label, _heading in SECTIONS:
            self.fields[field] = forms.CharField(
                label=label, widget=forms.Textarea(attrs={"rows": 10}), help_text=HELP, max_length=50000
            )
        self.fields["org"].queryset = orgs
        self.fields["topic"].queryset = topics
        self.fields["topic"].label_from_instance = lambda t: f"{t.year} {t.org.name}：{t.title}"
        if editing:
            del self.fields["org"]
        self.style_fields()


class ReportFilterForm(Form):
    year = YearField(required=False)
    status = forms.ChoiceField(
        label=_("状态"), required=False, choices=[("", _("全部")), *ReportStatus.choices]
    )
    q = forms.CharField(label=_("标题或单位"), required=False, max_length=50)
    waiting = forms.BooleanField(label=_("只看待我审核"), required=False)


class ActionForm(Form):
    action = forms.CharField(required=False)
    comment = forms.CharField(label=_("意见"), required=False, widget=forms.Textarea(attrs={"rows": 3}))


class CompetitionForm(Form):
    year = YearField()
    name = forms.CharField(label=_("名称"), max_length=100, initial="“求实杯”调研成果评选")
    first_prizes = forms.IntegerField(label=_("一等奖名额"), min_value=0, max_value=500, initial=1)
    second_prizes = forms.IntegerField(label=_("二等奖名额"), min_value=0, max_value=500, initial=2)
    third_prizes = forms.IntegerField(label=_("三等奖名额"), min_value=0, max_value=500, initial=3)
    excellence_prizes = forms.IntegerField(label=_("优秀奖名额"), min_value=0, max_value=500, initial=5)

    def __init__(self, *args, editing=False, **kwargs):
        super().__init__(*args, **kwargs)
        if editing:
            del self.fields["year"]


class BookForm(Form):
    year = YearField()
    title = forms.CharField(label=_("书名"), max_length=200)
    issuer = forms.CharField(label=_("编印单位署名"), max_length=100)
    issued_on = forms.DateField(label=_("编印日期"), widget=DateInput)
