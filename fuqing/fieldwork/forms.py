"""Forms of field work. The visit form is built for a phone: defaults make it a one-minute job."""

from __future__ import annotations

import json
import uuid

from django import forms
from django.db.models import Case, Q, Value, When
from django.utils import timezone
from django.utils.translation import gettext, pgettext
from django.utils.translation import gettext_lazy as _

from fuqing.core import uploads
from fuqing.core.forms import DateInput, Form, ScopedModelChoiceField, ScopedModelMultipleChoiceField
from fuqing.core.scoping import resolve_input
from fuqing.fieldwork import skiplogic
from fuqing.fieldwork.models import ContactPoint, QuestionKind, VisitMethod, localized
from fuqing.fieldwork.services import CONTACT_POINT_KINDS, MAX_WOMEN_MET, PLACE_KINDS, WomanMet, federation_of
from fuqing.orgs.models import LEADERSHIP_POSITIONS, Org, Position, User
from fuqing.registry.models import VulnerableGroup, Woman

PLACE_OPTIONS_MAX = 300


class OrgChoiceField(ScopedModelChoiceField):
    def label_from_instance(self, obj):
        return "　" * max(obj.depth - self.base_depth, 0) + obj.name

    base_depth = 1


def person_label(user) -> str:
    """王淑珍（主席） / Wang Shuzhen (Chair): the brackets are the language's own."""
    return gettext("%(name)s（%(position)s）") % {
        "name": user.display_name,
        "position": user.get_position_display(),
    }


class UserChoiceField(ScopedModelChoiceField):
    def label_from_instance(self, obj):
        return person_label(obj)


class UserMultipleField(ScopedModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return person_label(obj)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": uploads.VISIT_FILES.accept}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if isinstance(data, list | tuple):
            return [super(MultipleFileField, self).clean(d, initial) for d in data if d]
        return [super().clean(data, initial)] if data else []


def unit_choices(user):
    """Units a user records for: her own unit and the units directly under it (bounded)."""
    if user.org_id is None:
        return Org.objects.none()
    org = user.org
    return Org.objects.editable_by(user).filter(
        Q(pk=org.pk) | Q(path__startswith=org.path, depth=org.depth + 1), is_active=True
    )


def place_queryset(user, kinds=PLACE_KINDS):
    return Org.objects.visible_to(user).filter(kind__in=kinds, is_active=True)


def place_options(user, base: Org | None, kinds=PLACE_KINDS, q: str = "", selected=None) -> list:
    """At most PLACE_OPTIONS_MAX options: matches of ``q``, else the places under ``base`` (a phone
    cannot scroll through a city's thousands of villages; the search box finds the rest)."""
    qs = place_queryset(user, kinds).order_by("path")
    if q:
        qs = qs.filter(Q(name__icontains=q[:30]) | Q(division_code__startswith=q[:12]))
    elif base is not None:
        qs = qs.filter(path__startswith=federation_of(base).path)
    options = [("", "---------")]
    # The posted or stored choice, through the door: an id outside the scope is shown as nothing.
    found = resolve_input(place_queryset(user, kinds), user, selected) if selected else None
    chosen = [found] if found is not None else []
    for org in [*chosen, *[o for o in qs[:PLACE_OPTIONS_MAX] if o not in chosen]]:
        options.append((org.pk, f"{org.name}（{org.get_kind_display()}）"))
    return options


def member_queryset(user, org: Org | None, extra_ids=()):
    """Colleagues of the visit's unit, the user herself, leaders of the federations above (bounded)."""
    lineage = user.org.ancestor_paths() if user.org_id else []
    units = {org.pk} if org else set()
    if user.org_id:
        units.add(user.org_id)
    return (
        User.objects.filter(is_active=True)
        .filter(
            Q(org_id__in=units)
            | Q(org__path__in=lineage, position__in=LEADERSHIP_POSITIONS)
            | Q(pk__in=list(extra_ids))
            | Q(pk=user.pk)
        )
        .exclude(
            pk__in=User.objects.filter(roles__admin_kind__gt="").values("pk")
        )  # SEC-5: not in field work
        .annotate(me=Case(When(pk=user.pk, then=Value(0)), default=Value(1)))
        .select_related("org")
        .order_by("me", "org__depth", "position", "name")
    )


class VisitForm(Form):
    """FLD-2: today, the user's own unit and the user as lead are the defaults."""

    id = forms.UUIDField(widget=forms.HiddenInput(attrs={"data-fresh": "1"}))  # PLT-6: the replay key
    started_on = forms.DateField(label=_("开始日期"), widget=DateInput)
    ended_on = forms.DateField(
        label=_("结束日期"),
        widget=DateInput,
        required=False,
        help_text=_("当天往返可不填；蹲点调研不少于 7 天。"),
    )
    method = forms.ChoiceField(
        label=_("走访方式"), choices=VisitMethod.choices, initial=VisitMethod.HOME_VISIT
    )
    contact_point = ScopedModelChoiceField(
        label=_("联系点"), queryset=ContactPoint.objects.none(), required=False
    )
    place = ScopedModelChoiceField(
        label=_("或其他走访地点"),
        queryset=Org.objects.none(),
        required=False,
        help_text=_("不是联系点时选择；可输入名称查找。"),
    )
    org = OrgChoiceField(label=_("所属单位"), queryset=Org.objects.none())
    lead = UserChoiceField(label=_("带队人"), queryset=User.objects.none())
    members = UserMultipleField(
        label=_("参加人员"), queryset=User.objects.none(), required=False, widget=forms.CheckboxSelectMultiple
    )
    women_met = forms.IntegerField(label=_("走访妇女人数"), min_value=0, initial=0, required=False)
    notes = forms.CharField(label=_("情况记录"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    needs_text = forms.CharField(
        label=_("发现的诉求"),
        widget=forms.Textarea(attrs={"rows": 3, "placeholder": _("就业：想学家政技能\n住房：危房待修")}),
        required=False,
        help_text=_("每行一条；可在行首写类别和冒号，如“就业：…”。保存后每条都登记到诉求台账。"),
    )
    women = forms.CharField(label=_("走访的妇女"), widget=forms.HiddenInput, required=False)
    year = forms.IntegerField(
        label=_("活动年度"),
        required=False,
        min_value=2000,
        max_value=2100,
        help_text=_("不填则取开始日期的年份；跨年的走访可填结束日期的年份。"),
    )
    files = MultipleFileField(label=_("照片和附件"), required=False)

    def __init__(self, *args, user, visit=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        policy = uploads.VISIT_FILES
        separator = pgettext("list separator", "、")
        types = gettext("%(names)s（%(extensions)s）") % {
            "names": separator.join(policy.type_names.split("、")),
            "extensions": separator.join(policy.extension_names.split("、")),
        }
        self.fields["files"].help_text = _("可多选。允许：%(t)s；每个不超过 %(n)d MB。") % {
            "t": types,
            "n": policy.limit_mb,
        }
        today = timezone.localdate()
        if visit is None:
            self.initial.setdefault("id", uuid.uuid4())
            self.initial.setdefault("started_on", today)
            self.initial.setdefault("org", user.org_id)
            self.initial.setdefault("lead", user.pk)
            self.initial.setdefault("members", [user.pk])
        else:
            del self.fields["id"]
        units = unit_choices(user)
        if visit is not None:
            units = Org.objects.filter(Q(pk__in=units.values("pk")) | Q(pk=visit.org_id))
        self.fields["org"].queryset = units.order_by("path")
        self.fields["org"].base_depth = user.org.depth if user.org_id else 1
        # The unit posted decides whose names are offered: only a unit among the choices counts.
        org = self.resolve(units, "org", user, default=visit.org if visit else None)
        extra = list(visit.members.values_list("pk", flat=True)) if visit else []
        people = member_queryset(user, org, extra)
        self.fields["lead"].queryset = people
        self.fields["members"].queryset = people
        self.fields["contact_point"].queryset = (
            ContactPoint.objects.visible_to(user)
            .filter(is_active=True)
            .select_related("place")
            .annotate(mine=Case(When(keeper=user, then=Value(0)), default=Value(1)))
            .order_by("mine", "place__name")
        )
        self.fields["contact_point"].label_from_instance = lambda cp: (
            gettext("%(place)s（%(keeper)s）") % {"place": cp.place.name, "keeper": cp.keeper}
            if cp.keeper_id and cp.keeper_id != user.pk
            else cp.place.name
        )
        self.fields["place"].queryset = place_queryset(user)
        selected = self.data.get("place") or (
            visit.place_id if visit and not visit.contact_point_id else None
        )
        self.fields["place"].widget.choices = place_options(user, org or user.org, selected=selected)
        self.fields["place"].widget.attrs["id"] = "id_place"
        self.group_fields = []

        counts = dict(visit.group_counts.values_list("group_id", "count")) if visit else {}
        for group in VulnerableGroup.objects.filter(is_active=True):
            name = f"group_{group.pk}"
            self.fields[name] = forms.IntegerField(
                label=group.name, min_value=0, required=False, initial=counts.get(group.pk)
            )
            self.group_fields.append(name)
        self.style_fields()
        for name in self.group_fields:
            self.fields[name].widget.attrs.update(
                {"inputmode": "numeric", "class": "form-control form-control-sm"}
            )
        self.fields["women_met"].widget.attrs["inputmode"] = "numeric"

    def clean_women(self):
        """The women met, posted by the page's picker as JSON: ``[{"id": <woman id>} or {"name", "id_number",
        "phone"}, with "needs": [lines]]``. Each id goes through the scope door (FLD-2, SEC-2)."""
        return parse_women(self.user, self.cleaned_data.get("women"))

    def group_counts(self) -> dict[int, int]:
        return {
            int(name.split("_", 1)[1]): self.cleaned_data[name]
            for name in self.group_fields
            if self.cleaned_data.get(name)
        }

    def group_bound_fields(self):
        return [self[name] for name in self.group_fields]


def parse_women(user, raw) -> list | None:
    """The women picker's JSON as ``WomanMet`` items (None when the page sent nothing)."""

    if raw in (None, ""):
        return None
    try:
        items = json.loads(raw)
    except ValueError:
        items = None
    if not isinstance(items, list) or len(items) > MAX_WOMEN_MET:
        raise forms.ValidationError(_("走访的妇女：内容无法识别，请刷新页面后重新选择。"), code="FLD-2")
    met, seen = [], set()
    for number, item in enumerate(items, 1):
        item = item if isinstance(item, dict) else {}
        needs = item.get("needs") or []
        if isinstance(needs, str):
            needs = needs.splitlines()
        needs = [str(line)[:2000] for line in needs if str(line).strip()][:20]
        if item.get("id"):
            woman = resolve_input(Woman.objects.active(), user, str(item["id"]))
            if woman is None:
                raise forms.ValidationError(
                    _("第 %(n)d 位妇女：档案不存在或不在您的范围内，请重新查找。") % {"n": number},
                    code="FLD-2",
                )
            if woman.pk in seen:
                continue
            seen.add(woman.pk)
            met.append(WomanMet(woman=woman, needs=needs))
        else:
            new = {k: str(item.get(k) or "")[:50].strip() for k in ("name", "id_number", "phone")}
            met.append(WomanMet(new=new, needs=needs))
    return met


def women_json(visit) -> str:
    """The picker's JSON for a visit's women as they are (names masked; needs already recorded)."""
    return json.dumps(
        [{"id": str(w.pk), "label": woman_label(w)} for w in visit.women.select_related("org")],
        ensure_ascii=False,
    )


def woman_label(woman) -> str:
    """王*华（幸福社区）: masked (SEC-8), with her community to tell namesakes apart."""
    return gettext("%(name)s（%(place)s）") % {"name": woman.masked_name, "place": woman.org.name}


class PlaceSearchForm(Form):
    q = forms.CharField(required=False, max_length=30)


class ContactPointForm(Form):
    org = OrgChoiceField(label=_("负责单位"), queryset=Org.objects.none())
    keeper = UserChoiceField(
        label=_("联系领导"),
        queryset=User.objects.none(),
        required=False,
        help_text=_("班子成员个人的联系点选择本人；部(室)的联系点可不选。"),
    )
    place = ScopedModelChoiceField(label=_("联系点"), queryset=Org.objects.none())
    contact_name = forms.CharField(label=_("联系人"), max_length=50, required=False)
    contact_phone = forms.CharField(label=_("联系电话"), max_length=20, required=False)
    since_year = forms.IntegerField(label=_("建立年度"), min_value=2000, max_value=2100)
    notes = forms.CharField(label=_("备注"), widget=forms.Textarea(attrs={"rows": 2}), required=False)
    is_active = forms.BooleanField(label=_("有效"), required=False, initial=True)

    def __init__(self, *args, user, instance=None, **kwargs):
        super().__init__(*args, **kwargs)
        units = unit_choices(user)
        if instance is not None:
            units = Org.objects.filter(Q(pk__in=units.values("pk")) | Q(pk=instance.org_id))
        self.fields["org"].queryset = units.order_by("path")
        self.fields["org"].base_depth = user.org.depth if user.org_id else 1
        # The unit posted decides whose names are offered: only a unit among the choices counts.
        org = self.resolve(units, "org", user, default=instance.org if instance else user.org)
        self.fields["keeper"].queryset = (
            User.objects.filter(
                org=org, is_active=True, position__in=[*LEADERSHIP_POSITIONS, Position.DEPARTMENT_HEAD]
            )
            .exclude(roles__admin_kind__gt="")
            .order_by("position", "name")
        )
        self.fields["place"].queryset = place_queryset(user, CONTACT_POINT_KINDS)
        selected = self.data.get("place") or (instance.place_id if instance else None)
        self.fields["place"].widget.choices = place_options(user, org, CONTACT_POINT_KINDS, selected=selected)
        self.fields["place"].widget.attrs["id"] = "id_place"
        self.style_fields()


class VisitFilterForm(Form):
    q = forms.CharField(label=_("关键词"), required=False, max_length=50)
    year = forms.IntegerField(label=_("年度"), required=False, min_value=2000, max_value=2100)
    method = forms.ChoiceField(label=_("方式"), required=False)
    mine = forms.BooleanField(label=_("只看我参加的"), required=False)
    org = forms.IntegerField(label=_("单位及其下级"), required=False, min_value=1, widget=forms.HiddenInput)
    started_from = forms.DateField(label=_("开始日期（起）"), required=False, widget=forms.HiddenInput)
    started_to = forms.DateField(label=_("开始日期（止）"), required=False, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["method"].choices = [("", _("全部")), *VisitMethod.choices]


# --- questionnaires ------------------------------------------------------------------------------------


class QuestionnaireForm(Form):
    title = forms.CharField(label=_("问卷标题"), max_length=200)
    description = forms.CharField(label=_("说明"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2100)
    org = OrgChoiceField(label=_("发布单位"), queryset=Org.objects.none())

    def __init__(self, *args, user, editing=False, **kwargs):
        super().__init__(*args, **kwargs)
        if editing:
            del self.fields["org"]
        else:
            self.fields["org"].queryset = unit_choices(user).order_by("path")
            self.fields["org"].base_depth = user.org.depth if user.org_id else 1
            self.initial.setdefault("org", user.org_id)
        self.style_fields()


class XLSFormUploadForm(Form):
    file = forms.FileField(label=_("XLSForm 文件（.xlsx）"))
    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2100)
    org = OrgChoiceField(label=_("发布单位"), queryset=Org.objects.none())

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org"].queryset = unit_choices(user).order_by("path")
        self.fields["org"].base_depth = user.org.depth if user.org_id else 1
        self.initial.setdefault("org", user.org_id)
        self.style_fields()

    def clean_file(self):
        return uploads.SPREADSHEETS.clean(self.cleaned_data["file"])


CONDITION_OPS = [
    ("", _("（总是显示）")),
    ("=", _("等于")),
    ("!=", _("不等于")),
    ("selected", _("选了（多选题）")),
    (">", _("大于")),
    ("<", _("小于")),
]


class QuestionForm(Form):
    text = forms.CharField(label=_("题目"), max_length=500)
    kind = forms.ChoiceField(
        label=_("题型"), choices=[c for c in QuestionKind.choices if c[0] != QuestionKind.CALCULATE]
    )
    required = forms.BooleanField(label=_("必答"), required=False)
    choices_text = forms.CharField(
        label=_("选项"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        help_text=_("单选、多选题填写，每行一个；需要指定选项值时写成“值|文字”。"),
    )
    help = forms.CharField(label=_("提示"), max_length=300, required=False)
    cond_question = forms.ChoiceField(label=_("显示条件：当题目"), required=False)
    cond_op = forms.ChoiceField(label=_("条件"), choices=CONDITION_OPS, required=False)
    cond_value = forms.CharField(label=_("值"), max_length=100, required=False)
    relevant = forms.CharField(
        label=_("或高级条件（XLSForm 写法）"),
        max_length=500,
        required=False,
        help_text=_("如 ${q1} = '1' and ${q2} > 18；填写后以此为准。"),
    )
    code = forms.CharField(
        label=_("题目代码"), max_length=40, required=False, help_text=_("可不填，系统自动编号（q1、q2 …）。")
    )

    def __init__(self, *args, earlier=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cond_question"].choices = [("", "—")] + [
            (q.code, f"{q.position}. {q.text[:30]}") for q in earlier
        ]
        self.style_fields()

    def relevant_source(self) -> str:
        data = self.cleaned_data
        if data["relevant"].strip():
            return data["relevant"].strip()
        if data["cond_question"] and data["cond_op"]:
            return skiplogic.to_source(
                {"op": data["cond_op"], "q": data["cond_question"], "v": data["cond_value"]}
            )
        return ""


class _FilteredChoices:
    """Each option carries its XLSForm choice columns (data-choice) so choice_filter runs in the browser."""

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        extra = self.choice_attrs.get(str(value))
        if extra is not None:
            option["attrs"]["data-choice"] = json.dumps(extra, ensure_ascii=False)
        return option


class FilteredRadioSelect(_FilteredChoices, forms.RadioSelect):
    choice_attrs: dict = {}


class FilteredCheckboxes(_FilteredChoices, forms.CheckboxSelectMultiple):
    choice_attrs: dict = {}


class NoteWidget(forms.Widget):
    """A note row: its label is the text; nothing to answer."""

    def render(self, name, value, attrs=None, renderer=None):
        return ""


def _question_field(question, label: str):
    choices = [(c["value"], question.choice_label(c["value"])) for c in question.choices]
    kind = question.kind
    if kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE):
        single = kind == QuestionKind.SINGLE
        widget = FilteredRadioSelect() if single else FilteredCheckboxes()
        widget.choice_attrs = (
            {c["value"]: {**c.get("attrs", {}), "name": c["value"]} for c in question.choices}
            if question.extra.get("filter_tree")
            else {}
        )
        field_class = forms.ChoiceField if single else forms.MultipleChoiceField
        return field_class(label=label, choices=choices, required=False, widget=widget)
    if kind == QuestionKind.NUMBER:
        return forms.CharField(
            label=label, required=False, widget=forms.TextInput(attrs={"inputmode": "decimal"})
        )
    if kind == QuestionKind.DATE:
        return forms.CharField(label=label, required=False, widget=forms.DateInput(attrs={"type": "date"}))
    if kind == QuestionKind.NOTE:
        return forms.CharField(label=question.label, required=False, widget=NoteWidget)
    if kind == QuestionKind.CALCULATE:
        return forms.CharField(
            label=label, required=False, widget=forms.TextInput(attrs={"readonly": True, "tabindex": "-1"})
        )
    if kind == QuestionKind.GEOPOINT:
        return forms.CharField(
            label=label,
            required=False,
            widget=forms.TextInput(attrs={"readonly": True, "placeholder": gettext("纬度 经度")}),
        )
    if kind == QuestionKind.IMAGE:
        return forms.FileField(
            label=label,
            required=False,
            widget=forms.ClearableFileInput(attrs={"accept": "image/*", "capture": "environment"}),
        )
    if question.extra.get("appearance", "") == "multiline" or not question.extra:
        return forms.CharField(label=label, required=False, widget=forms.Textarea(attrs={"rows": 2}))
    return forms.CharField(label=label, required=False, widget=forms.TextInput())


def response_fields(form: forms.Form, questions, suffix: str = "") -> list[str]:
    """One optional field per question (q_<code>, q_<code>__<n> in a repeat's row n); required-ness,
    skip logic and constraints are the service's (and the browser's, from the data attributes)."""
    names = []
    for question in questions:
        name = f"q_{question.code}{suffix}"
        field = _question_field(question, f"{question.position}. {question.label}")
        field.help_text = question.hint
        field.question = question
        field.condition_json = (
            json.dumps(question.condition, ensure_ascii=False) if question.condition else ""
        )
        field.extra_json = {
            attr: json.dumps(question.extra[key], ensure_ascii=False)
            for attr, key in (
                ("constraint", "constraint_tree"),
                ("calc", "calc_tree"),
                ("filter", "filter_tree"),
            )
            if question.extra.get(key) is not None
        }
        field.constraint_message = question.message("constraint_message") or (
            gettext("答案不符合要求（%(c)s）。") % {"c": question.extra["constraint"]}
            if question.extra.get("constraint")
            else ""
        )
        form.fields[name] = field
        if "default" in question.extra and name not in form.initial:
            form.initial[name] = question.extra["default"]
        names.append(name)
    return names


class ResponseForm(Form):
    id = forms.UUIDField(widget=forms.HiddenInput(attrs={"data-fresh": "1"}), required=False)
    org = OrgChoiceField(label=_("答卷单位"), queryset=Org.objects.none())
    answered_on = forms.DateField(label=_("填写日期"), widget=DateInput)

    def __init__(self, *args, user, questionnaire, questions, response=None, **kwargs):
        super().__init__(*args, **kwargs)
        units = unit_choices(user).filter(path__startswith=questionnaire.org.path)
        if response is not None:
            units = Org.objects.filter(Q(pk__in=units.values("pk")) | Q(pk=response.org_id))
            del self.fields["id"]
        else:
            self.initial.setdefault("id", uuid.uuid4())
        self.fields["org"].queryset = units.order_by("path")
        self.fields["org"].base_depth = user.org.depth if user.org_id else 1
        self.initial.setdefault("org", user.org_id)
        self.initial.setdefault("answered_on", timezone.localdate())
        top = [q for q in questions if not q.repeat]
        self.question_names = response_fields(self, top)
        self.repeats = []  # (name, label, [[field names of row n]], [template field names])
        for repeat in dict.fromkeys(q.repeat for q in questions if q.repeat):
            members = [q for q in questions if q.repeat == repeat]
            count = self._row_count(repeat, members, response)
            rows = [response_fields(self, members, f"__{n}") for n in range(count)]
            template = response_fields(self, members, "____INDEX__")
            group = next((g for g in members[0].extra.get("groups", []) if g["name"] == repeat), {})
            self.repeats.append((repeat, localized(group.get("labels")) or repeat, rows, template))
        self.style_fields()

    def _row_count(self, repeat, members, response) -> int:
        if self.is_bound:
            found = [
                int(key.rsplit("__", 1)[1])
                for key in list(self.data) + list(self.files)
                for q in members
                if key.startswith(f"q_{q.code}__") and key.rsplit("__", 1)[1].isdigit()
            ]
            return min(max(found, default=-1) + 1, 200) or 1
        rows = (response.repeats or {}).get(repeat, []) if response is not None else []
        for n, row in enumerate(rows):
            for code, value in row.items():
                self.initial[f"q_{code}__{n}"] = value
        return max(len(rows), 1)

    def _value(self, name):
        field = self.fields[name]
        if isinstance(field, forms.MultipleChoiceField):
            return self.data.getlist(name) if hasattr(self.data, "getlist") else []
        if isinstance(field, forms.FileField):
            return self.files.get(name) or self.initial.get(name) or ""
        return self.data.get(name, "")

    def raw_answers(self) -> dict:
        return {self.fields[name].question.code: self._value(name) for name in self.question_names}

    def raw_repeats(self) -> dict:
        return {
            repeat: [{self.fields[n].question.code: self._value(n) for n in row} for row in rows]
            for repeat, _label, rows, _template in self.repeats
        }

    def blocks(self):
        """What the page shows in order: group headings, questions, repeats (with a row template)."""
        result, heading = [], None
        for name in self.question_names:
            groups = self.fields[name].question.extra.get("groups", [])
            title = " · ".join(localized(g.get("labels")) or g["name"] for g in groups)
            if title and title != heading:
                result.append(("heading", title, None, None))
            heading = title
            result.append(("question", self[name], None, None))
        for _repeat, label, rows, template in self.repeats:
            result.append(
                ("repeat", label, [[self[n] for n in row] for row in rows], [self[n] for n in template])
            )
        return result

    def question_fields(self):
        return [self[name] for name in self.question_names]
