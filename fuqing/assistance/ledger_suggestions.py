"""The suggestions register as a ledger (RPT-2, NEED-5): every suggestion of the user's scope with the
steps it reached — export only (suggestions are drafted on their page, with their documents)."""

from __future__ import annotations

from django.db.models import Count, Prefetch

from fuqing.assistance.filters import SuggestionFilter
from fuqing.assistance.models import Suggestion, SuggestionOutcome
from fuqing.core.ledger import (
    Column,
    Ledger,
    person_column,
    record_number_column,
    register,
    unit_column,
    year_column,
)


def _outcomes(suggestion, ctx) -> str:
    return "；".join(
        f"{o.get_stage_display()} {o.happened_on:%Y-%m-%d}" + (f"（{o.note}）" if o.note else "")
        for o in suggestion.outcomes.all()
    )


@register
class SuggestionLedger(Ledger):
    name = "suggestions"
    title = "建议台账"
    model = Suggestion
    personal = False  # a suggestion names no woman: it is written from needs, not about a person
    export_permission = ("assistance", "export")
    columns = (
        record_number_column("建议编号"),
        year_column(),
        unit_column("org", "提出单位"),
        Column("title", "标题", export=lambda s, c: s.title, width=30),
        Column("content", "建议内容", export=lambda s, c: s.content, width=40),
        Column("channel", "报送渠道", export=lambda s, c: s.get_channel_display(), width=12),
        Column("recipient", "报送对象", export=lambda s, c: s.get_recipient_display(), width=12),
        Column("recipient_name", "部门名称", export=lambda s, c: s.recipient_name, width=16),
        Column("stage", "进展", export=lambda s, c: s.get_stage_display(), width=12),
        Column("needs", "依据诉求数", export=lambda s, c: s.need_count, width=10),
        Column("outcomes", "进展记录", export=_outcomes, width=40),
        person_column("created_by", "填报人", attr="created_by"),
        Column("created_at", "填报时间", export=lambda s, c: s.created_at, width=18),
    )

    def queryset(self, user):
        return (
            Suggestion.objects.visible_to(user)
            .select_related("org", "created_by")
            .prefetch_related(Prefetch("outcomes", queryset=SuggestionOutcome.objects.order_by("stage")))
            .annotate(need_count=Count("needs", distinct=True))
            .order_by("-year", "org__path", "-created_at")
        )

    def filter(self, queryset, params):
        return self.filter_for(None, queryset, params)

    def filter_for(self, user, queryset, params):
        return SuggestionFilter(params, user).apply(queryset)  # the list page's own filters
