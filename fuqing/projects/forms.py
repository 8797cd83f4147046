"""Forms of the projects pages; the rules themselves are in services."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fuqing.core.forms import DateInput, Form
from fuqing.orgs.models import OrgKind
from fuqing.projects.models import Measure, Sex, Source, Unit


def _name_detail(name, detail) -> str:
    """An option's label: a name with the unit (or other detail) it belongs to."""
    return _("%(name)s（%(detail)s）") % {"name": name, "detail": detail}


def org_choices(orgs) -> list[tuple[str, str]]:
    return [(str(o.pk), "　" * max(o.depth - 1, 0) + o.name) for o in orgs]


class OrgChoiceForm(Form):
    """A form with an ``org`` picked among the units the user may write to."""

    def __init__(self, *args, orgs=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.orgs = {str(o.pk): o for o in orgs}
        if "org" in self.fields:
            self.fields["org"].choices = org_choices(orgs)

    def clean_org(self):
        return self.orgs[self.cleaned_data["org"]]


class ProjectForm(OrgChoiceForm):
    org = forms.ChoiceField(label=_("主办单位"))
    name = forms.CharField(label=_("项目名称"), max_length=100)
    lead_department = forms.ChoiceField(label=_("牵头部门"), required=False)
    description = forms.CharField(
        label=_("项目内容"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    help_kinds = forms.CharField(
        label=_("帮扶类别"),
        required=False,
        help_text=_("记录受益人时选择的帮扶类别，用顿号或逗号分隔，如：泥草房改建、生活救助。"),
    )
    sort = forms.IntegerField(label=_("排序"), min_value=0, max_value=999, initial=100)

    def __init__(self, *args, departments=(), editing=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.departments = {str(d.pk): d for d in departments}
        self.fields["lead_department"].choices = [("", "—")] + [(str(d.pk), d.name) for d in departments]
        if editing:
            del self.fields["org"]

    def clean_lead_department(self):
        return self.departments.get(self.cleaned_data["lead_department"])


class IndicatorForm(Form):
    name = forms.CharField(label=_("指标名称"), max_length=100)
    unit = forms.ChoiceField(label=_("计量单位"), choices=Unit.choices)
    target = forms.DecimalField(
        label=_("年度目标"),
        required=False,
        min_value=0,
        max_digits=16,
        decimal_places=2,
        help_text=_("可暂不填写，由本级稍后确定。"),
    )
    source = forms.ChoiceField(label=_("数据来源"), choices=Source.choices, initial=Source.REPORTED)
    measure = forms.ChoiceField(
        label=_("计算口径"),
        required=False,
        choices=[("", "—"), *Measure.choices],
        help_text=_("自动计算的指标才需要选择。"),
    )
    help_kind = forms.ChoiceField(label=_("计入的帮扶类别"), required=False)
    profile = forms.CharField(
        label=_("进度曲线（可选）"),
        required=False,
        help_text=_(
            "12 个累计百分比（1月至12月月末），如 0,0,0,15,35,55,75,100,100,100,100,100；"
            "留空则按活动期间匀速计算。"
        ),
    )
    sort = forms.IntegerField(label=_("排序"), min_value=0, max_value=999, initial=100)
    notes = forms.CharField(label=_("说明"), max_length=200, required=False)

    def __init__(self, *args, project=None, **kwargs):
        super().__init__(*args, **kwargs)
        kinds = project.help_kinds if project else []
        self.fields["help_kind"].choices = [("", _("全部类别"))] + [(k, k) for k in kinds]


class SplitForm(Form):
    """The parts are read from ``part_<org id>`` inputs by the view; this holds the choice."""

    issue = forms.BooleanField(required=False)


class ReportForm(OrgChoiceForm):
    org = forms.ChoiceField(label=_("填报单位"))
    month = forms.DateField(
        label=_("月份"),
        widget=forms.DateInput(attrs={"type": "month"}, format="%Y-%m"),
        input_formats=["%Y-%m", "%Y-%m-%d"],
    )


class CopyForm(OrgChoiceForm):
    org = forms.ChoiceField(label=_("主办单位"))
    from_year = forms.IntegerField(label=_("复制哪一年的项目"), min_value=2000, max_value=2100)
    copy_targets = forms.BooleanField(label=_("同时复制年度目标"), required=False, initial=True)
    copy_splits = forms.BooleanField(label=_("同时复制分解目标（复制后为草稿，须重新下达）"), required=False)


class BeneficiaryForm(OrgChoiceForm):
    project = forms.ChoiceField(label=_("项目"))
    help_kind = forms.CharField(label=_("帮扶类别"), required=False, max_length=30)
    woman = forms.UUIDField(label=_("受益妇女"), widget=forms.HiddenInput)
    org = forms.ChoiceField(label=_("帮扶单位"))
    received_on = forms.DateField(label=_("受助日期"), widget=DateInput)
    amount = forms.DecimalField(
        label=_("金额（元）"), required=False, min_value=0, max_digits=16, decimal_places=2
    )
    notes = forms.CharField(label=_("备注"), required=False, max_length=200)
    consent_exception = forms.CharField(
        label=_("同意例外原因"),
        required=False,
        max_length=200,
        help_text=_(
            "健康帮扶（健康项目、两癌筛查等）须有她对“健康信息”用途的同意（SEC-9）；尚未取得而确需先行帮扶的，"
            "由具有妇女档案审核权限的人员填写原因，记入她的档案和审计日志"
        ),
    )

    def __init__(self, *args, projects=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.projects = {str(p.pk): p for p in projects}
        self.fields["project"].choices = [(str(p.pk), str(p)) for p in projects]

    def clean_project(self):
        return self.projects[self.cleaned_data["project"]]


class DeleteForm(Form):
    reason = forms.CharField(label=_("删除原因"), max_length=200)


class VolunteerForm(OrgChoiceForm):
    name = forms.CharField(label=_("姓名"), max_length=50)
    phone = forms.CharField(label=_("手机号码"), max_length=20, required=False)
    org = forms.ChoiceField(label=_("所在单位"))
    notes = forms.CharField(label=_("备注"), max_length=200, required=False)


class HouseholdForm(OrgChoiceForm):
    org = forms.ChoiceField(label=_("所在社区(村)"))
    address = forms.CharField(label=_("住址"), max_length=200)
    phone = forms.CharField(label=_("联系电话"), max_length=20, required=False)
    notes = forms.CharField(label=_("家庭情况"), max_length=300, required=False)
    elder1_name = forms.CharField(label=_("老人一 姓名"), max_length=50)
    elder1_sex = forms.ChoiceField(label=_("老人一 性别"), choices=Sex.choices)
    elder1_birth_year = forms.IntegerField(label=_("老人一 出生年份"), required=False)
    elder2_name = forms.CharField(label=_("老人二 姓名"), max_length=50, required=False)
    elder2_sex = forms.ChoiceField(label=_("老人二 性别"), choices=Sex.choices, initial=Sex.MALE)
    elder2_birth_year = forms.IntegerField(label=_("老人二 出生年份"), required=False)

    def elders(self) -> list[dict]:
        data = self.cleaned_data
        return [
            {
                "name": data[f"elder{i}_name"],
                "sex": data[f"elder{i}_sex"],
                "birth_year": data[f"elder{i}_birth_year"],
            }
            for i in (1, 2)
            if data.get(f"elder{i}_name")
        ]


class PairForm(Form):
    project = forms.ChoiceField(label=_("项目"))
    volunteer = forms.ChoiceField(label=_("志愿者"))
    household = forms.ChoiceField(label=_("空巢老人家庭"))
    started_on = forms.DateField(label=_("结对日期"), widget=DateInput)
    notes = forms.CharField(label=_("备注"), max_length=200, required=False)

    def __init__(self, *args, projects=(), volunteers=(), households=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.lookup = {
            "project": {str(p.pk): p for p in projects},
            "volunteer": {str(v.pk): v for v in volunteers},
            "household": {str(h.pk): h for h in households},
        }
        self.fields["project"].choices = [(str(p.pk), str(p)) for p in projects]
        self.fields["volunteer"].choices = [(str(v.pk), _name_detail(v.name, v.org.name)) for v in volunteers]
        self.fields["household"].choices = [
            (str(h.pk), _name_detail(h.address, h.org.name)) for h in households
        ]
        self.initial.setdefault("started_on", timezone.localdate())

    def clean(self):
        data = super().clean()
        for key, objects in self.lookup.items():
            if key in data:
                data[key] = objects[data[key]]
        return data


class EndPairForm(Form):
    ended_on = forms.DateField(label=_("结束日期"), widget=DateInput)
    reason = forms.CharField(label=_("原因"), max_length=100, required=False)


def federations(qs):
    return qs.filter(is_active=True).exclude(kind__in=[OrgKind.DEPARTMENT, OrgKind.WOMENS_GROUP])
