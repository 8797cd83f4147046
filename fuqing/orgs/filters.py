"""The accounts' filters (ORG-4), one definition shared by the users page and the API list (issue 11
point 1): login or person's name, enabled or disabled."""

from __future__ import annotations

from django.db.models import Q

from fuqing.core.filters import RegisterFilter
from fuqing.orgs.forms import UserFilterForm


class UserFilter(RegisterFilter):
    form_class = UserFilterForm

    def apply(self, queryset):
        if q := self.data.get("q"):
            queryset = queryset.filter(Q(username__icontains=q) | Q(name__icontains=q))
        if active := self.data.get("active"):
            queryset = queryset.filter(is_active=active == "1")
        return queryset
