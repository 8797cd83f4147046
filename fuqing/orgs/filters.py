"""The organisations' and the accounts' filters (ORG-1, ORG-4), one definition each shared by the list
page, the ledger export and the API list (issue 11 point 1)."""

from __future__ import annotations

from django.db.models import Q

from fuqing.core.filters import RegisterFilter
from fuqing.orgs.forms import OrgFilterForm, UserFilterForm


class UserFilter(RegisterFilter):
    form_class = UserFilterForm

    def apply(self, queryset):
        if q := self.data.get("q"):
            queryset = queryset.filter(Q(username__icontains=q) | Q(name__icontains=q))
        if active := self.data.get("active"):
            queryset = queryset.filter(is_active=active == "1")
        return queryset


class OrgFilter(RegisterFilter):
    """Name or division code, kind, and the children of one unit (``parent``, through the scope door)."""

    form_class = OrgFilterForm
    ids = {"parent": "orgs.Org"}

    @property
    def asked(self) -> bool:
        """Whether any filter was asked for (else the page shows the scope's roots)."""
        return self.refused or any(self.data.get(k) for k in ("q", "kind", "parent"))

    def narrow(self, queryset):
        data = self.data
        if q := (data.get("q") or "").strip():
            queryset = queryset.filter(Q(name__icontains=q) | Q(division_code__startswith=q[:12]))
        if data.get("kind"):
            queryset = queryset.filter(kind=data["kind"])
        if parent := self.objects.get("parent"):
            queryset = queryset.filter(path__startswith=parent.path, depth=parent.depth + 1)
        return queryset
