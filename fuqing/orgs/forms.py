from django import forms
from django.utils.translation import gettext_lazy as _

from fuqing.core.forms import Form, ScopedModelChoiceField
from fuqing.core.permissions import ACTIONS, MODULES
from fuqing.orgs.models import Org, OrgKind, Position, Rank, Role


class OrgChoiceField(ScopedModelChoiceField):
    def label_from_instance(self, obj):
        return "　" * (obj.depth - 1) + obj.name


def org_field(queryset, label, **kwargs) -> OrgChoiceField:
    kwargs.setdefault("empty_label", _("请选择"))
    return OrgChoiceField(queryset=queryset.filter(is_active=True).order_by("path"), label=label, **kwargs)


class OrgForm(Form):
    name = forms.CharField(label=_("名称"), max_length=100)
    kind = forms.ChoiceField(label=_("类型"), choices=OrgKind.choices)
    division_code = forms.CharField(
        label=_("行政区划代码"),
        max_length=12,
        required=False,
        help_text=_("6 位（GB/T 2260）或 9、12 位统计用区划代码"),
    )
    code_year = forms.IntegerField(label=_("代码年份"), required=False, min_value=1980, max_value=2100)
    is_active = forms.BooleanField(label=_("有效"), required=False, initial=True)

    def __init__(self, *args, editing=False, allowed_kinds=None, **kwargs):
        super().__init__(*args, **kwargs)
        if editing:
            del self.fields["kind"]
        else:
            del self.fields["is_active"]
            if allowed_kinds is not None:
                self.fields["kind"].choices = [(k, OrgKind(k).label) for k in allowed_kinds]


class MoveForm(Form):
    parent = forms.ModelChoiceField(queryset=Org.objects.none(), label=_("移到新的上级组织之下"))

    def __init__(self, *args, targets=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["parent"] = org_field(targets, _("移到新的上级组织之下"))
        self.style_fields()


class UserForm(Form):
    username = forms.CharField(label=_("用户名"), max_length=150)
    name = forms.CharField(label=_("姓名"), max_length=50)
    org = forms.ModelChoiceField(queryset=Org.objects.none(), label=_("所属组织"))
    position = forms.ChoiceField(label=_("职务"), choices=Position.choices, initial=Position.CADRE)
    rank = forms.ChoiceField(
        label=_("职级"),
        choices=Rank.choices,
        initial=Rank.OTHER,
        help_text=_("局、处级干部每年须下基层不少于 60 天。"),
    )
    email = forms.EmailField(label=_("电子邮箱"), required=False)
    password = forms.CharField(
        label=_("初始密码"), widget=forms.PasswordInput, help_text=_("用户首次登录后须修改。")
    )

    def __init__(self, *args, orgs=None, editing=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org"] = org_field(orgs, _("所属组织"))
        if editing:
            del self.fields["username"]
            del self.fields["password"]
        self.style_fields()


class RolesForm(Form):
    roles = forms.ModelMultipleChoiceField(
        queryset=Role.objects.all(), label=_("角色"), required=False, widget=forms.CheckboxSelectMultiple
    )


class GrantForm(Form):
    org = forms.ModelChoiceField(queryset=Org.objects.none(), label=_("组织"))
    can_edit = forms.BooleanField(label=_("可编辑（否则只读）"), required=False)

    def __init__(self, *args, orgs=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org"] = org_field(orgs, _("授权查看该组织及其下级的数据"))
        self.style_fields()


class PasswordResetForm(Form):
    password = forms.CharField(
        label=_("新密码"), widget=forms.PasswordInput, help_text=_("用户下次登录时须修改。")
    )


class RoleForm(Form):
    code = forms.SlugField(label=_("代码"), max_length=40)
    name = forms.CharField(label=_("名称"), max_length=50)
    description = forms.CharField(label=_("说明"), max_length=200, required=False)

    def __init__(self, *args, editing=False, **kwargs):
        super().__init__(*args, **kwargs)
        if editing:
            self.fields["code"].disabled = True
        self.permission_grid = [
            (m, label, [(f"{m}.{a}", alabel) for a, alabel in ACTIONS.items()])
            for m, label in MODULES.items()
        ]


class OrgFilterForm(Form):
    q = forms.CharField(label=_("名称或区划代码"), required=False, max_length=50)
    kind = forms.ChoiceField(label=_("类型"), required=False)
    parent = forms.IntegerField(label=_("上级组织"), required=False, min_value=1, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [("", _("全部")), *OrgKind.choices]


class UserFilterForm(Form):
    q = forms.CharField(label=_("用户名/姓名"), required=False, max_length=50)
    active = forms.ChoiceField(
        label=_("状态"), required=False, choices=[("", _("全部")), ("1", _("启用")), ("0", _("停用"))]
    )
