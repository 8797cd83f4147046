"""The audit log's filters (SEC-7), one definition shared by its page, its ledger export and its API
list (issue 11 point 1): who or what, the operation, the result, the IP address, a period."""

from __future__ import annotations

import datetime

from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fuqing.core.filters import RegisterFilter
from fuqing.core.forms import DateInput, Form
from fuqing.core.models import AuditAction, AuditResult


class AuditFilterForm(Form):
    q = forms.CharField(label=_("操作人/对象"), required=False, max_length=150)
    action = forms.ChoiceField(
        label=_("操作"), required=False, choices=[("", _("全部")), *AuditAction.choices]
    )
    result = forms.ChoiceField(
        label=_("结果"), required=False, choices=[("", _("全部")), *AuditResult.choices]
    )
    ip = forms.GenericIPAddressField(label=_("IP地址"), required=False)
    start = forms.DateField(label=_("起始日期"), required=False, widget=DateInput)
    end = forms.DateField(label=_("截止日期"), required=False, widget=DateInput)


class AuditFilter(RegisterFilter):
    form_class = AuditFilterForm

    def apply(self, queryset):
        data = self.data
        if data.get("q"):
            q = data["q"]
            queryset = queryset.filter(
                Q(actor_username__icontains=q)
                | Q(actor__name__icontains=q)  # people are searched by their names too
                | Q(object_repr__icontains=q)
                | Q(object_id=q)
            )
        if data.get("action"):
            queryset = queryset.filter(action=data["action"])
        if data.get("result"):
            queryset = queryset.filter(result=data["result"])
        if data.get("ip"):
            queryset = queryset.filter(ip=data["ip"])
        tz = timezone.get_current_timezone()
        if data.get("start"):
            queryset = queryset.filter(
                at__gte=datetime.datetime.combine(data["start"], datetime.time.min, tz)
            )
        if data.get("end"):
            after = data["end"] + datetime.timedelta(days=1)
            queryset = queryset.filter(at__lt=datetime.datetime.combine(after, datetime.time.min, tz))
        return queryset
