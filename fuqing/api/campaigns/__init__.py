"""The campaign calendar in the API (PLT-3): deadlines and who owes them, the completeness table,
submissions and implementation plans (CAM-2, CAM-3) — same scope, permissions and services as the pages."""

from fuqing.api.campaigns import deadlines, plans, submissions  # noqa: F401  (register the operations)
from fuqing.api.campaigns.common import router

__all__ = ["router"]
