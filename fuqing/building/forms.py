"""Forms of the building pages; the rules themselves are in services."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from fuqing.building.models import (
    DemoLevel,
    GroupKind,
    HomeFunction,
    HomeSetting,
    TrainingLevel,
)
from fuqing.core.forms import DateInput, Form, ScopedModelChoiceField, ScopedModelMultipleChoiceField
from fuqing.core.scoping import subtree_q
from fuqing.orgs.models import Org, OrgKind

FEDERATION_KINDS = (OrgKind.PROVINCE, OrgKind.CITY, OrgKind.DISTRICT, OrgKind.TOWNSHIP, OrgKind.COMMUNITY)


class UnitLabel(ScopedModelChoiceField):
    def label_from_instance(self, obj):
        return "　" * max(obj.depth - 1, 0) + obj.name


def unit_choices(user, unit: Org | None, levels: int = 2):
    """The units a form may write to: federations the user may change, from ``unit`` down ``levels``."""
    qs = Org.objects.editable_by(user).filter(kind__in=FEDERATION_KINDS, is_active=True)
    if unit is not None:
        qs = qs.filter(subtree_q(unit.path), depth__lte=unit.depth + levels)
    return qs.order_by("path")


class UnitForm(Form):
    org = UnitLabel(queryset=Org.objects.none(), label=_("所属单位"))

    def __init__(self, *args, user=None, unit=None, editing=False, **kwargs):
        super().__init__(*args, **kwargs)
        if editing:
            del self.fields["org"]
        else:
            self.fields["org"].queryset = unit_choices(user, unit)


class HomeForm(UnitForm):
    name = forms.CharField(label=_("名称"), max_length=100)
    address = forms.CharField(label=_("地址"), max_length=200)
    setting = forms.ModelChoiceField(queryset=HomeSetting.objects.filter(is_active=True), label=_("设置领域"))
    founded_on = forms.DateField(label=_("建立日期"), required=False, widget=DateInput())
    standard = forms.CharField(
        label=_("达到的标准"),
        max_length=100,
        required=False,
        help_text=_("如：有场所、有牌子、有制度、有活动、有队伍、有档案（“六有”）"),
    )
    demo_level = forms.ChoiceField(label=_("示范点级别"), choices=DemoLevel.choices, initial=DemoLevel.NONE)
    functions = forms.MultipleChoiceField(
        label=_("发挥的功能"),
        choices=HomeFunction.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    keeper = forms.CharField(label=_("管理员"), max_length=50, required=False)
    keeper_phone = forms.CharField(label=_("管理员电话"), max_length=20, required=False)
    hours = forms.CharField(
        label=_("开放时间"), max_length=100, required=False, help_text=_("如：周一至周五 9:00—16:00")
    )
    is_active = forms.BooleanField(label=_("在用"), required=False, initial=True)


class ActivityForm(Form):
    held_on = forms.DateField(label=_("日期"), widget=DateInput())
    theme = forms.CharField(label=_("活动主题"), max_length=200)
    attendance = forms.IntegerField(label=_("参加妇女人数"), min_value=0, initial=0)


class PhotoForm(Form):
    photo = forms.FileField(label=_("照片"))
    caption = forms.CharField(label=_("说明"), max_length=100, required=False)


class WomanChoice(ScopedModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.masked_name} · {obj.org.name}"


class WomenChoice(ScopedModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.masked_name} · {obj.org.name}"


class GroupForm(UnitForm):
    name = forms.CharField(label=_("名称"), max_length=100)
    kind = forms.ChoiceField(label=_("类型"), choices=GroupKind.choices)
    place = forms.CharField(
        label=_("所在地点或组织方式"),
        max_length=100,
        required=False,
        help_text=_("如：王家屯；阳光小区3号楼；本街道个体工商户"),
    )
    founded_on = forms.DateField(label=_("成立日期"), required=False, widget=DateInput())
    leader = WomanChoice(queryset=None, label=_("组长"), required=False)
    is_active = forms.BooleanField(label=_("在册"), required=False, initial=True)

    def __init__(self, *args, women=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["leader"].queryset = women
        self.fields["leader"].help_text = _("从妇女档案中选择（姓名脱敏显示）；须先在档案中登记。")


class MembersForm(Form):
    women = WomenChoice(queryset=None, label=_("加入成员"), widget=forms.SelectMultiple(attrs={"size": 8}))

    def __init__(self, *args, women=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["women"].queryset = women


class ElectionForm(Form):
    held_on = forms.DateField(label=_("换届日期"), widget=DateInput())
    term_years = forms.IntegerField(label=_("任期（年）"), min_value=1, max_value=10)
    chair = forms.CharField(label=_("主席"), max_length=50, required=False)
    vice_full = forms.CharField(
        label=_("专职副主席"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("每行一人"),
    )
    vice_part = forms.CharField(
        label=_("兼职副主席"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("每行一人"),
    )
    members = forms.CharField(
        label=_("班子成员"), required=False, widget=forms.Textarea(attrs={"rows": 3}), help_text=_("每行一人")
    )
    note = forms.CharField(label=_("备注"), max_length=200, required=False)

    def member_rows(self, people: dict) -> list[dict]:
        """Rows for the service; a name that is a person of the unit links her account."""
        rows = []
        data = self.cleaned_data
        for role, key in (
            ("chair", "chair"),
            ("vice_full", "vice_full"),
            ("vice_part", "vice_part"),
            ("member", "members"),
        ):
            for name in (data.get(key) or "").replace("、", "\n").splitlines():
                name = name.strip()
                if name:
                    rows.append({"role": role, "name": name, "user": people.get(name)})
        return rows


class SessionForm(UnitForm):
    held_on = forms.DateField(label=_("日期"), widget=DateInput())
    place = forms.CharField(label=_("地点"), max_length=100)
    level = forms.ChoiceField(label=_("培训对象层级"), choices=TrainingLevel.choices)
    topic = forms.CharField(label=_("主题"), max_length=200)
    hours = forms.DecimalField(label=_("学时"), min_value=0.5, max_value=200, decimal_places=1)
    trainer = forms.CharField(label=_("授课人"), max_length=100, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "org" in self.fields:
            self.fields["org"].label = _("主办单位")


class AttendanceForm(Form):
    org = UnitLabel(queryset=Org.objects.none(), label=_("所在单位"))
    name = forms.CharField(label=_("姓名"), max_length=50)
    position = forms.CharField(label=_("职务"), max_length=50, required=False)
    hours = forms.DecimalField(
        label=_("学时"), min_value=0.5, max_value=200, decimal_places=1, required=False
    )

    def __init__(self, *args, units=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org"].queryset = units


class SignInForm(Form):
    file = forms.FileField(label=_("签到表（Excel）"))


class HandbookForm(UnitForm):
    title = forms.CharField(label=_("名称"), max_length=200)
    levels = forms.MultipleChoiceField(
        label=_("适用层级"), choices=TrainingLevel.choices, widget=forms.CheckboxSelectMultiple
    )
    description = forms.CharField(label=_("简介"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    file = forms.FileField(label=_("手册文件"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org"].label = _("发布单位")


class VersionForm(Form):
    file = forms.FileField(label=_("手册文件"))
    changes = forms.CharField(label=_("本版修改内容"), widget=forms.Textarea(attrs={"rows": 4}))


class ConditionForm(UnitForm):
    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2100)
    funding = forms.DecimalField(label=_("工作经费（元）"), min_value=0, max_digits=14, decimal_places=2)
    funding_in_budget = forms.BooleanField(label=_("经费列入财政预算"), required=False)
    venue = forms.CharField(label=_("办公及活动场所"), max_length=200, required=False)
    venue_area = forms.IntegerField(label=_("场所面积（平方米）"), min_value=0, initial=0)
    full_time_staff = forms.IntegerField(label=_("专职工作人员"), min_value=0, max_value=1000, initial=0)
    part_time_staff = forms.IntegerField(label=_("兼职工作人员"), min_value=0, max_value=1000, initial=0)
    note = forms.CharField(label=_("备注"), max_length=200, required=False)
