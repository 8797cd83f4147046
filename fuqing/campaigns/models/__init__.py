"""The campaign and its calendar (CAM-1), what units owe and submit (CAM-2) and their implementation
plans (CAM-3). The in-app reminders (CAM-2) are core's ``Reminder``."""

from fuqing.campaigns.models.campaign import (
    SUMMARY_KINDS,
    Campaign,
    Deadline,
    DeadlineKind,
    DeadlineQuerySet,
    InheritedDownQuerySet,
)
from fuqing.campaigns.models.plan import Plan, PlanAttachment, PlanVersion
from fuqing.campaigns.models.submission import (
    Obligation,
    ObligationStatus,
    Submission,
)

__all__ = [
    "SUMMARY_KINDS",
    "Campaign",
    "Deadline",
    "DeadlineKind",
    "DeadlineQuerySet",
    "InheritedDownQuerySet",
    "Obligation",
    "ObligationStatus",
    "Plan",
    "PlanAttachment",
    "PlanVersion",
    "Submission",
]
