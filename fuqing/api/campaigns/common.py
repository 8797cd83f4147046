"""What the campaign API modules share: the router and the view permission."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from ninja import Router

router = Router(tags=["campaigns"])


def require_view(user) -> None:
    if not user.has_module_perm("campaigns", "view"):
        raise PermissionDenied("您没有查看活动与报送的权限。")
