"""The building rules (BLD-1 … BLD-6); views, the API, ledgers and the demo all call these."""

from fuqing.building.services.conditions import save_condition
from fuqing.building.services.elections import needs_full_time_vice, record_election, team_gaps, term_years
from fuqing.building.services.groups import (
    add_group_activity,
    add_members,
    create_group,
    remove_member,
    update_group,
    women_of,
)
from fuqing.building.services.handbook import add_version, count_download, create_handbook
from fuqing.building.services.homes import (
    add_activity,
    add_photo,
    add_setting,
    create_home,
    delete_photo,
    update_home,
)
from fuqing.building.services.training import (
    add_attendance,
    create_session,
    remove_attendance,
    update_session,
)

__all__ = [
    "add_activity",
    "add_attendance",
    "add_group_activity",
    "add_members",
    "add_photo",
    "add_setting",
    "add_version",
    "count_download",
    "create_group",
    "create_handbook",
    "create_home",
    "create_session",
    "delete_photo",
    "needs_full_time_vice",
    "record_election",
    "remove_attendance",
    "remove_member",
    "save_condition",
    "team_gaps",
    "term_years",
    "update_group",
    "update_home",
    "update_session",
    "women_of",
]
