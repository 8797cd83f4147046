"""Research: key topics, reports, the Qiushi Cup, the compiled book (RES-1 … RES-5)."""

from fuqing.research.models.books import Book, BookItem
from fuqing.research.models.cup import Award, Competition, Criterion, Entry, Judge, Score, ScoreSheet
from fuqing.research.models.reports import (
    SECTIONS,
    Report,
    ReportEvent,
    ReportEventKind,
    ReportStatus,
)
from fuqing.research.models.topics import Topic

__all__ = [
    "SECTIONS",
    "Award",
    "Book",
    "BookItem",
    "Competition",
    "Criterion",
    "Entry",
    "Judge",
    "Report",
    "ReportEvent",
    "ReportEventKind",
    "ReportStatus",
    "Score",
    "ScoreSheet",
    "Topic",
]
