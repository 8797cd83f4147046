"""The audit log as a ledger (SEC-7: the audit administrator searches and exports it)."""

from fuqing.core.history import describe_details, object_type_label
from fuqing.core.ledger import Column, Ledger, register
from fuqing.core.models import AuditEvent
from fuqing.core.views import filter_audit


def _at(event, ctx):
    return event.at


def _actor(event, ctx) -> str:
    """Her name, with the account the record was written under (the audit trail keeps both)."""
    name = getattr(event.actor, "name", "") if event.actor_id else ""
    if name and name != event.actor_username:
        return f"{name}（{event.actor_username}）"
    return event.actor_username


@register
class AuditLedger(Ledger):
    name = "audit"
    title = "审计日志"
    model = AuditEvent
    columns = (
        Column("seq", "序号", export=lambda e, c: e.seq, width=10),
        Column("at", "时间", export=_at, width=18),
        Column("actor", "操作人", export=_actor, width=20),
        Column("action", "操作", export=lambda e, c: e.get_action_display(), width=12),
        Column("result", "结果", export=lambda e, c: e.get_result_display(), width=8),
        Column("object_type", "对象类型", export=lambda e, c: object_type_label(e.object_type)),
        Column("object_id", "对象编号", export=lambda e, c: e.object_id, width=12),
        Column("object", "对象", export=lambda e, c: e.object_repr, width=30),
        Column("ip", "IP地址", export=lambda e, c: e.ip or "", width=16),
        Column("details", "详情", export=lambda e, c: describe_details(e.details), width=50),
    )

    def can_export(self, user) -> bool:
        return user.has_admin_ability("read_audit")

    def queryset(self, user):
        return AuditEvent.objects.visible_to(user).select_related("actor")

    def can_import(self, user) -> bool:
        return False

    def filter(self, queryset, params):
        return filter_audit(queryset, params)[0]
