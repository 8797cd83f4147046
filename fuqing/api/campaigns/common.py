"""What the campaign API modules share: the router, paging, the view permission, 422 errors."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from ninja import Router, Schema
from ninja.errors import HttpError

from fuqing.api.types import Limit, Offset, Year

router = Router(tags=["campaigns"])


def require_view(user) -> None:
    if not user.has_module_perm("campaigns", "view"):
        raise PermissionDenied("您没有查看活动与报送的权限。")


class Invalid(HttpError):
    def __init__(self, exc: ValidationError):
        errors = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
        super().__init__(
            422,
            "；".join(
                f"{field}：{m}" if field != "__all__" else m for field, ms in errors.items() for m in ms
            ),
        )


def paginate(qs, limit: int, offset: int):
    limit = max(1, min(limit, 500))
    offset = max(0, offset)
    return qs.count(), list(qs[offset : offset + limit])


class PageFilter(Schema):
    q: str | None = None
    year: Year | None = None
    limit: Limit = 100
    offset: Offset = 0
