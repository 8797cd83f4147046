"""The visits register's materialised figures (issue 16): visits counted by unit, day started and
method in the analytics tables (``fuqing.core.analytics``), built by the functions the live providers
use (``fuqing.fieldwork.figures``), so the two agree."""

from __future__ import annotations

from fuqing.core import analytics
from fuqing.fieldwork import figures
from fuqing.fieldwork.models import Visit

BY_METHOD = analytics.fact("fieldwork.visits_by_method", Visit, day="started_on", code="method")

analytics.materialise("visit_count", BY_METHOD, lambda rows: figures._visit_count(sum(n for _c, n in rows)))
analytics.materialise("visits", BY_METHOD, figures._visits_figure)
