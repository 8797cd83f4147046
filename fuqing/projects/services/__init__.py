"""Business rules of livelihood projects (PRJ-1 … PRJ-5), one module per topic."""

from fuqing.projects.services.beneficiaries import (
    help_purposes,
    record_beneficiary,
    remove_beneficiary,
    repoint_woman,
)
from fuqing.projects.services.progress import history, report_month, report_progress
from fuqing.projects.services.projects import (
    add_indicator,
    campaign_for_org,
    copy_projects,
    create_project,
    update_indicator,
    update_project,
)
from fuqing.projects.services.targets import get_split, save_split, target_of
from fuqing.projects.services.volunteers import (
    add_household,
    area_of,
    end_pair,
    grant_volunteer_role,
    issue_account,
    pair,
    register_volunteer,
    request_account,
    update_household,
)

__all__ = [
    "add_household",
    "add_indicator",
    "area_of",
    "campaign_for_org",
    "copy_projects",
    "create_project",
    "end_pair",
    "get_split",
    "grant_volunteer_role",
    "help_purposes",
    "history",
    "issue_account",
    "pair",
    "record_beneficiary",
    "register_volunteer",
    "remove_beneficiary",
    "repoint_woman",
    "report_month",
    "report_progress",
    "request_account",
    "save_split",
    "target_of",
    "update_household",
    "update_indicator",
    "update_project",
]
