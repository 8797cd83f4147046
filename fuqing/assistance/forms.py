"""Forms of the assistance pages. Choices are always limited to the user's scope."""

from __future__ import annotations

import uuid

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fuqing.assistance.models import (
    ActionService,
    Need,
    NeedCategory,
    NeedSource,
    NeedStatus,
    PairingKind,
    PairingStatus,
    Suggestion,
    SuggestionChannel,
    SuggestionRecipient,
    SuggestionStage,
    Urgency,
    report_model,
)
from fuqing.assistance.pairings import projects_for
from fuqing.assistance.services import check_handler, users_seeing
from fuqing.core import uploads
from fuqing.core.forms import DateInput, Form, ScopedModelChoiceField, ScopedModelMultipleChoiceField
from fuqing.core.scoping import subtree_q
from fuqing.orgs.models import Org, User
from fuqing.orgs.services import administrators
from fuqing.registry.models import Woman


def nearby_orgs(user):
    """Units a user picks from: her own subtree two levels down, and the units she may edit."""

    qs = Org.objects.editable_by(user).filter(is_active=True)
    if user.org_id:
        qs = qs.filter(depth__lte=user.org.depth + 2)
    return qs.order_by("path")


def nearby_users(user):
    """Cadres a user names as handler or helper: those of her unit and the units just below it — never an
    administrator account (SEC-5)."""

    qs = User.objects.visible_to(user).filter(is_active=True).exclude(pk__in=administrators().values("pk"))
    if user.org_id:
        qs = qs.filter(subtree_q(user.org.path, "org__path"), org__depth__lte=user.org.depth + 1)
    return qs.select_related("org").order_by("org__path", "name")


class OrgChoiceField(ScopedModelChoiceField):
    def label_from_instance(self, obj):
        return "　" * max(obj.depth - 1, 0) + obj.name


class UserChoiceField(ScopedModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.display_name}（{obj.org.name}）"


class UserMultipleChoiceField(ScopedModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.display_name}（{obj.org.name}）"


class ProjectChoiceField(ScopedModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.name}（{obj.org.name}）"


class WomanField(ScopedModelChoiceField):
    """A woman picked from the registry within scope; the page shows her masked (REG-3)."""

    def __init__(self, user, **kwargs):
        super().__init__(
            queryset=Woman.objects.visible_to(user).active(),
            required=False,
            widget=forms.HiddenInput,
            label=_("妇女"),
            **kwargs,
        )


class NeedForm(Form):
    org = OrgChoiceField(queryset=None, label=_("所属单位"))
    woman = None  # set in __init__
    group_description = forms.CharField(
        label=_("群体"),
        required=False,
        max_length=200,
        help_text=_("座谈会等反映的群体诉求：写明是哪些人，如“新阳路街道失业妇女”"),
    )
    group_size = forms.IntegerField(label=_("人数"), required=False, min_value=1)
    category = forms.ModelChoiceField(queryset=NeedCategory.objects.filter(is_active=True), label=_("类别"))
    source = forms.ChoiceField(label=_("来源"), choices=NeedSource.choices)
    urgency = forms.ChoiceField(label=_("紧急程度"), choices=Urgency.choices, initial=Urgency.NORMAL)
    description = forms.CharField(
        label=_("诉求描述"), widget=forms.Textarea(attrs={"rows": 4}), max_length=2000
    )
    reported_on = forms.DateField(label=_("反映日期"), widget=DateInput)
    review_on = forms.DateField(label=_("复查日期"), widget=DateInput, required=False)
    handler = UserChoiceField(queryset=None, label=_("承办人"), required=False)

    def __init__(self, *args, user, org=None, new=False, **kwargs):
        """``org``: the need's unit when it is settled (a need being edited, or one prefilled from a
        woman or a visit): the handlers offered are then only cadres who can see it (NEED-1).
        ``new``: a hidden id that makes a replayed submission (the phone's outbox, a double tap) return
        the need already recorded instead of a second one (PLT-6)."""

        super().__init__(*args, **kwargs)
        if new:
            self.fields["id"] = forms.UUIDField(
                widget=forms.HiddenInput(attrs={"data-fresh": "1"}), required=False
            )
            self.initial.setdefault("id", uuid.uuid4())
        self.fields["woman"] = WomanField(user)
        self.fields["org"].queryset = nearby_orgs(user)
        handlers = nearby_users(user)
        if org is not None:
            handlers = handlers.filter(pk__in=users_seeing(org).values("pk"))
        self.fields["handler"].queryset = handlers
        self.fields["handler"].error_messages["invalid_choice"] = _(
            "承办人：所选干部不能查看该单位的诉求，请选择该单位或其上级单位的干部。"
        )
        self.fields["handler"].help_text = _("承办人须能查看该单位的诉求：所属单位或其上级单位的干部")
        self.fields["reported_on"].initial = timezone.localdate()
        order = ["org", "woman", "group_description", "group_size", "category", "source", "urgency"]
        self.order_fields([*order, "description", "reported_on", "review_on", "handler"])
        self.style_fields()

    def clean(self):
        """The handler must see the chosen unit (the service checks it again)."""

        data = super().clean()
        try:
            check_handler(data.get("handler"), data.get("org"))
        except ValidationError as exc:
            self.add_error("handler", exc.message_dict["handler"])
        return data


class CategoryChoiceField(forms.ModelChoiceField):
    """A category by id (the page's select, the hot issues' links) or by code (the API, the dictionary)."""

    def to_python(self, value):
        if value in self.empty_values or str(value).isdigit():
            return super().to_python(value)
        found = self.queryset.filter(code=str(value)[:40]).first()
        if found is None:
            raise forms.ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return found


class NeedFilterForm(Form):
    q = forms.CharField(label=_("搜索"), required=False, max_length=50)
    status = forms.ChoiceField(label=_("状态"), required=False)
    category = CategoryChoiceField(
        label=_("类别"), queryset=NeedCategory.objects.all(), required=False, empty_label=_("全部")
    )
    source = forms.ChoiceField(label=_("来源"), required=False)
    year = forms.IntegerField(label=_("年度"), required=False, min_value=2000, max_value=2100)
    keyword = forms.CharField(label=_("主题词"), required=False, max_length=20)
    overdue = forms.BooleanField(label=_("只看已过复查日期"), required=False)
    org = forms.IntegerField(label=_("单位及其下级"), required=False, min_value=1, widget=forms.HiddenInput)
    woman = forms.UUIDField(label=_("妇女档案"), required=False, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [("", _("全部")), *NeedStatus.choices]
        self.fields["source"].choices = [("", _("全部")), *NeedSource.choices]


class ResolveForm(Form):
    note = forms.CharField(label=_("解决情况"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000)
    on = forms.DateField(label=_("办结日期"), widget=DateInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["on"].initial = timezone.localdate()


class CounselForm(Form):
    explanation = forms.CharField(
        label=_("向当事人所作的解释"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000
    )
    on = forms.DateField(label=_("办结日期"), widget=DateInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["on"].initial = timezone.localdate()


class EscalateForm(Form):
    suggestion = ScopedModelChoiceField(label=_("并入已有建议"), queryset=None, required=False)
    title = forms.CharField(label=_("或新建建议：标题"), required=False, max_length=200)
    channel = forms.ChoiceField(
        label=_("报送渠道"), choices=[("", "—"), *SuggestionChannel.choices], required=False
    )
    recipient = forms.ChoiceField(
        label=_("报送对象"), choices=[("", "—"), *SuggestionRecipient.choices], required=False
    )
    note = forms.CharField(label=_("说明"), widget=forms.Textarea(attrs={"rows": 2}), required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["suggestion"].queryset = Suggestion.objects.editable_by(user).order_by("-year", "title")
        self.style_fields()


class ReopenForm(Form):
    reason = forms.CharField(
        label=_("重新办理的原因"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000
    )
    review_on = forms.DateField(label=_("新的复查日期"), widget=DateInput, required=False)


class PairingForm(Form):
    org = OrgChoiceField(queryset=None, label=_("负责单位"))
    kind = forms.ChoiceField(label=_("形式"), choices=PairingKind.choices)
    woman = None
    household = forms.CharField(
        label=_("帮扶家庭"), required=False, max_length=100, help_text=_("如“张家（三口之家）”")
    )
    helper_users = UserMultipleChoiceField(queryset=None, label=_("帮扶干部"), required=False)
    helper_orgs = ScopedModelMultipleChoiceField(queryset=None, label=_("帮扶单位"), required=False)
    starts_on = forms.DateField(label=_("结对日期"), widget=DateInput)
    review_on = forms.DateField(label=_("复查日期"), widget=DateInput, required=False)
    ends_on = forms.DateField(label=_("结束日期"), widget=DateInput, required=False)
    notes = forms.CharField(label=_("备注"), widget=forms.Textarea(attrs={"rows": 2}), required=False)

    def __init__(self, *args, user, org=None, **kwargs):
        """``org``: the pair's unit when it is settled (a pair being edited): the cadres offered as
        helpers are then only those who can see it (NEED-2)."""

        super().__init__(*args, **kwargs)
        self.fields["woman"] = WomanField(user)
        self.fields["org"].queryset = nearby_orgs(user)
        helpers = nearby_users(user)
        if org is not None:
            helpers = helpers.filter(pk__in=users_seeing(org).values("pk"))
        self.fields["helper_users"].queryset = helpers
        self.fields["helper_users"].help_text = _(
            "帮扶干部须能查看该单位和帮扶对象所在单位：所在单位或其上级单位的干部"
        )
        self.fields["helper_orgs"].queryset = nearby_orgs(user)
        self.fields["starts_on"].initial = timezone.localdate()
        self.order_fields(["org", "kind", "woman", "household", "helper_users", "helper_orgs"])
        self.style_fields()


class ActionForm(Form):
    service = forms.ChoiceField(label=_("服务类型"), choices=ActionService.choices)
    given_on = forms.DateField(label=_("日期"), widget=DateInput)
    given_by = UserChoiceField(queryset=None, label=_("提供人"), required=False)
    given_by_org = OrgChoiceField(queryset=None, label=_("提供单位"), required=False)
    amount = forms.DecimalField(
        label=_("金额（元）"), required=False, min_value=0, max_digits=12, decimal_places=2
    )
    project = ProjectChoiceField(queryset=None, label=_("实事项目"), required=False)
    project_name = forms.CharField(
        label=_("或其他项目名称"),
        required=False,
        max_length=100,
        help_text=_("不在实事项目中的帮扶项目，直接填写名称"),
    )
    notes = forms.CharField(label=_("备注"), widget=forms.Textarea(attrs={"rows": 2}), required=False)
    consent_exception = forms.CharField(
        label=_("同意例外原因"),
        required=False,
        max_length=200,
        help_text=_(
            "资金、健康帮扶须有她对相应用途的同意（SEC-9）；尚未取得而确需先行帮扶的，"
            "由具有妇女档案审核权限的人员填写原因，记入她的档案和审计日志"
        ),
    )

    def __init__(self, *args, user, org=None, year=None, **kwargs):
        """``org`` and ``year``: the unit of the need, pair or woman, and the need's year (else the
        selected campaign year): the projects offered are those of that year covering that unit."""

        super().__init__(*args, **kwargs)
        self.fields["given_by"].queryset = nearby_users(user)
        self.fields["given_by_org"].queryset = nearby_orgs(user)
        self.fields["given_on"].initial = timezone.localdate()
        self.fields["given_by"].initial = user.pk
        self.fields["project"].queryset = projects_for(user, org, year or timezone.localdate().year)
        self.style_fields()


class ActionFilterForm(Form):
    q = forms.CharField(label=_("搜索"), required=False, max_length=50)
    service = forms.ChoiceField(label=_("服务类型"), required=False)
    year = forms.IntegerField(label=_("年度"), required=False, min_value=2000, max_value=2100)
    project = forms.CharField(label=_("项目"), required=False, max_length=100)
    project_id = forms.IntegerField(
        label=_("实事项目"), required=False, min_value=1, widget=forms.HiddenInput
    )
    org = forms.IntegerField(label=_("单位及其下级"), required=False, min_value=1, widget=forms.HiddenInput)
    need = forms.UUIDField(label=_("诉求"), required=False, widget=forms.HiddenInput)
    woman = forms.UUIDField(label=_("妇女档案"), required=False, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["service"].choices = [("", _("全部")), *ActionService.choices]


class PairingFilterForm(Form):
    q = forms.CharField(label=_("搜索（家庭、备注、帮扶人姓名）"), required=False, max_length=50)
    year = forms.IntegerField(label=_("年度"), required=False, min_value=2000, max_value=2100)
    status = forms.ChoiceField(label=_("状态"), required=False)
    org = forms.IntegerField(label=_("单位及其下级"), required=False, min_value=1, widget=forms.HiddenInput)
    woman = forms.UUIDField(label=_("妇女档案"), required=False, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [("", _("全部")), *PairingStatus.choices]


class SuggestionFilterForm(Form):
    q = forms.CharField(label=_("搜索（标题、内容、部门）"), required=False, max_length=50)
    year = forms.IntegerField(label=_("年度"), required=False, min_value=2000, max_value=2100)
    stage = forms.TypedChoiceField(label=_("进展"), required=False, coerce=int, empty_value=None)
    org = forms.IntegerField(label=_("单位及其下级"), required=False, min_value=1, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["stage"].choices = [("", _("全部")), *SuggestionStage.choices]


class SuggestionForm(Form):
    org = OrgChoiceField(queryset=None, label=_("提出单位"))
    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2100)
    title = forms.CharField(label=_("标题"), max_length=200)
    content = forms.CharField(label=_("建议内容"), widget=forms.Textarea(attrs={"rows": 5}), required=False)
    channel = forms.ChoiceField(label=_("报送渠道"), choices=SuggestionChannel.choices)
    recipient = forms.ChoiceField(label=_("报送对象"), choices=SuggestionRecipient.choices)
    recipient_name = forms.CharField(label=_("部门名称"), required=False, max_length=100)
    needs = ScopedModelMultipleChoiceField(
        label=_("依据的诉求"), queryset=None, required=False, widget=forms.CheckboxSelectMultiple
    )
    reports = ScopedModelMultipleChoiceField(
        label=_("依据的调研报告"), queryset=None, required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, user, need_ids=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org"].queryset = nearby_orgs(user)
        self.fields["needs"].queryset = Need.objects.visible_to(user).filter(pk__in=list(need_ids))
        self.fields["needs"].label_from_instance = lambda n: f"{n.reported_on:%Y-%m-%d} {n.description[:40]}"
        self.fields["reports"].queryset = (
            report_model().objects.visible_to(user).select_related("org").order_by("-year", "title")
        )
        self.fields["year"].initial = timezone.localdate().year
        self.style_fields()


class OutcomeForm(Form):
    stage = forms.TypedChoiceField(
        label=_("进展"),
        coerce=int,
        choices=[c for c in SuggestionStage.choices if c[0] != SuggestionStage.DRAFT],
    )
    happened_on = forms.DateField(label=_("日期"), widget=DateInput)
    note = forms.CharField(label=_("说明"), widget=forms.Textarea(attrs={"rows": 2}), required=False)
    document = forms.FileField(label=_("文件"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        policy = uploads.SUGGESTION_DOCUMENTS
        self.fields["document"].help_text = _("%(t)s，不超过 %(n)d MB") % {
            "t": policy.types_label,
            "n": policy.limit_mb,
        }
        self.fields["document"].widget.attrs["accept"] = policy.accept
