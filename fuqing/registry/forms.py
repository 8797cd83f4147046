"""Forms of the registry. Fields only collect input; the rules live in services (one rule, one place)."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fuqing.core.forms import DateInput, Form
from fuqing.orgs.forms import OrgChoiceField
from fuqing.registry import services
from fuqing.registry.models import UNMASKABLE_FIELDS, CloseReason, ConsentPurpose, VulnerableGroup
from fuqing.registry.privacy import notice_version
from fuqing.registry.services import MALE_CODE


def _personal(widget=None, **attrs):
    """Inputs for personal data: never remembered by the browser (SEC-8)."""
    widget = widget or forms.TextInput
    return widget(attrs={"autocomplete": "off", "spellcheck": "false", **attrs})


class GroupsField(forms.ModelMultipleChoiceField):
    def __init__(self, **kwargs):
        super().__init__(
            queryset=VulnerableGroup.objects.filter(is_active=True),
            widget=forms.CheckboxSelectMultiple,
            required=False,
            label=_("困难群体（可多选）"),
            **kwargs,
        )


class WomanForm(Form):
    """Register (REG-1) or correct (REG-5) a record. Sections: identity, contact, groups, notes."""

    SECTIONS = (
        (_("基本信息"), ("name", "id_number", "confirm_male")),
        (_("联系方式与所属社区"), ("phone", "org", "address")),
        (_("困难群体"), ("groups",)),
        (_("家庭与健康"), ("household_notes", "health_notes", "health_consent", "notice_version")),
        (_("登记"), ("registered_on", "reason")),
    )

    name = forms.CharField(label=_("姓名"), max_length=50, widget=_personal())
    id_number = forms.CharField(
        label=_("身份证号"),
        max_length=30,
        widget=_personal(inputmode="text"),
        help_text=_("18 位，末位 X 大小写均可；用于查重。"),
    )
    confirm_male = forms.BooleanField(label=_("确认登记：已核对，身份证号确为本人号码"), required=False)
    phone = forms.CharField(
        label=_("联系电话"),
        max_length=30,
        required=False,
        widget=_personal(inputmode="tel"),
        help_text=_("手机号或带区号的固定电话。"),
    )
    org = OrgChoiceField(queryset=None, label=_("所属社区(村)"))
    address = forms.CharField(label=_("住址"), max_length=200, required=False, widget=_personal())
    groups = GroupsField()
    household_notes = forms.CharField(
        label=_("家庭情况"), required=False, widget=_personal(forms.Textarea, rows=3)
    )
    health_notes = forms.CharField(
        label=_("健康状况"),
        required=False,
        widget=_personal(forms.Textarea, rows=2),
        help_text=_("敏感个人信息，加密保存；须本人单独同意。"),
    )
    health_consent = forms.BooleanField(
        label=_("本人已阅读告知书，单独同意记录和使用其健康信息"), required=False
    )
    notice_version = forms.CharField(label=_("告知书版本"), max_length=30, required=False)
    registered_on = forms.DateField(label=_("登记日期"), widget=DateInput, required=False)
    reason = forms.CharField(label=_("更正原因"), max_length=200, required=False)

    def __init__(self, *args, orgs=None, editing=False, woman=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org"].queryset = orgs
        self.male_warning = bool(self.data.get("confirm_male"))
        self.editing = editing
        self.woman = woman
        if editing:
            for name in ("name", "id_number", "phone", "health_notes"):
                field = self.fields[name]
                field.required = False
                masked = {
                    "name": woman.masked_name,
                    "id_number": woman.masked_id_number,
                    "phone": woman.masked_phone,
                    "health_notes": woman.masked_health_notes,
                }[name]
                field.widget.attrs["placeholder"] = masked or ""
                field.help_text = _("留空表示不修改（当前：%(m)s）。") % {"m": masked or _("无")}
            self.fields["reason"].help_text = _("例如：应本人要求更正。")
            self.fields["health_consent"].label = _("本人单独同意记录健康信息（如尚未记录同意）")
        else:
            del self.fields["reason"]
            self.fields["registered_on"].initial = timezone.localdate()

        self.fields["notice_version"].initial = notice_version()
        self.style_fields()

    PERSONAL = ("name", "id_number", "phone", "address", "household_notes", "health_notes", "registered_on")

    def clean(self):
        """Every error in one pass: the registry's field rules and the health-consent rule (services)
        run here too, on the fields Django accepted, so a bad phone and missing consent show together."""
        cleaned = super().clean()
        data = {
            name: cleaned.get(name)
            for name in self.PERSONAL
            if name in self.fields and name not in self.errors
        }
        if self.editing:
            data = {
                k: v for k, v in data.items() if v or k not in ("name", "id_number", "phone", "health_notes")
            }
            consent = services.correction_consent(self.woman, data, bool(cleaned.get("health_consent")))
        else:
            consent = bool(cleaned.get("health_consent"))
        if "id_number" in data:
            data["confirm_male"] = bool(cleaned.get("confirm_male"))
        try:
            services.clean_fields(data, partial=True, health_consent=consent)
        except ValidationError as exc:
            self.apply_service_error(exc)
        return cleaned

    def sections(self):
        for title, names in self.SECTIONS:
            fields = [self[name] for name in names if name in self.fields]
            if fields:
                yield title, fields

    def apply_service_error(self, exc: ValidationError) -> None:
        if hasattr(exc, "error_dict"):
            for error in exc.error_dict.get("id_number", []):
                if error.code == MALE_CODE:
                    self.male_warning = True
        super().apply_service_error(exc)


class LookupForm(Form):
    id_number = forms.CharField(label=_("按身份证号查找"), max_length=30, widget=_personal())


class UnmaskForm(Form):
    field = forms.ChoiceField(choices=list(UNMASKABLE_FIELDS.items()), widget=forms.HiddenInput)
    reason = forms.CharField(
        label=_("查看理由"),
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "off", "placeholder": _("如：入户核实身份")}),
    )


class ConsentForm(Form):
    purpose = forms.ChoiceField(label=_("用途"), choices=ConsentPurpose.choices)
    notice_version = forms.CharField(label=_("告知书版本"), max_length=30, required=False)
    given_on = forms.DateField(label=_("同意日期"), widget=DateInput, required=False)


class WithdrawForm(Form):
    withdrawn_on = forms.DateField(label=_("撤回日期"), widget=DateInput, required=False)


class CloseForm(Form):
    reason = forms.ChoiceField(label=_("注销原因"), choices=[("", "—"), *CloseReason.choices])


class ReasonForm(Form):
    reason = forms.CharField(label=_("理由"), max_length=200, widget=forms.Textarea(attrs={"rows": 2}))


class MergeForm(Form):
    other = forms.ChoiceField(label=_("要并入本档案的重复档案"))
    reason = forms.CharField(label=_("合并理由"), max_length=200, initial=_("姓名、电话相同，经核实为同一人"))

    def __init__(self, *args, candidates=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.candidates = {str(w.pk): w for w in candidates}
        self.fields["other"].choices = [
            (str(w.pk), f"{w.file_number} · {w.masked_name} · {w.masked_id_number} · {w.org.name}")
            for w in candidates
        ]
        self.fields["other"].widget = forms.RadioSelect(choices=self.fields["other"].choices)
        self.style_fields()


class GroupForm(Form):
    code = forms.SlugField(label=_("代码"), max_length=40, help_text=_("英文字母、数字和短横线，如 disabled"))
    name = forms.CharField(label=_("名称"), max_length=50)
    sort = forms.IntegerField(label=_("排序"), min_value=0, max_value=999, initial=100)
    is_active = forms.BooleanField(label=_("启用"), required=False, initial=True)

    def __init__(self, *args, editing=False, **kwargs):
        super().__init__(*args, **kwargs)
        if editing:
            self.fields["code"].disabled = True
