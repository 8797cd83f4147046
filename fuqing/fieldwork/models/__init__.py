"""Going to the grassroots (FLD-1 … FLD-6): contact points, visits, grassroots days, questionnaires."""

from fuqing.fieldwork.models.questionnaires import (
    ANSWERLESS_KINDS,
    CHOICE_KINDS,
    Answer,
    Question,
    QuestionKind,
    Questionnaire,
    QuestionnaireStatus,
    Response,
    localized,
)
from fuqing.fieldwork.models.visits import (
    GRASSROOTS_DAYS_TARGET,
    MAX_VISIT_DAYS,
    STATIONED_MIN_DAYS,
    AttachmentKind,
    ContactPoint,
    Visit,
    VisitAttachment,
    VisitDay,
    VisitGroupCount,
    VisitMember,
    VisitMethod,
)

__all__ = [
    "ANSWERLESS_KINDS",
    "CHOICE_KINDS",
    "GRASSROOTS_DAYS_TARGET",
    "MAX_VISIT_DAYS",
    "STATIONED_MIN_DAYS",
    "Answer",
    "AttachmentKind",
    "ContactPoint",
    "Question",
    "QuestionKind",
    "Questionnaire",
    "QuestionnaireStatus",
    "Response",
    "Visit",
    "VisitAttachment",
    "VisitDay",
    "VisitGroupCount",
    "VisitMember",
    "VisitMethod",
    "localized",
]
