"""What projects holds about a woman, plugged into the registry's hooks when the registry has them
(``fuqing.registry.hooks``: merging, export for her, her page). Nothing here runs without them."""

from __future__ import annotations

from fuqing.projects.models import Beneficiary
from fuqing.projects.services.beneficiaries import repoint_benefits as move


def connect() -> None:
    try:
        from fuqing.registry import hooks
    except ImportError:  # the registry's hooks arrive with the registry branch
        return

    @hooks.repointer(Beneficiary)
    def repoint_benefits(survivor, merged, actor) -> int:
        """REG-4: the same help recorded on both records is one help — the merged record's copy goes."""

        return move(merged, survivor)

    @hooks.personal_data("实事项目受助记录")
    def benefits_of(woman, user):
        """REG-5: every help she received, for the export made for her."""
        rows = (
            Beneficiary.objects.filter(woman=woman).select_related("project", "org").order_by("received_on")
        )
        headers = ["年度", "项目", "帮扶类别", "受助日期", "金额（元）", "帮扶单位", "备注"]
        return headers, [
            [b.year, b.project.name, b.help_kind, b.received_on, b.amount, b.org.name, b.notes] for b in rows
        ]
