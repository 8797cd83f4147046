"""The campaign and its calendar (CAM-1), what units owe and submit (CAM-2), their implementation plans
(CAM-3) and the in-app reminders (CAM-2)."""

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
    Reminder,
    ReminderKind,
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
    "Reminder",
    "ReminderKind",
    "Submission",
]
