"""The projects ledgers: monthly progress, beneficiaries, 爱心暖夕阳 pairs (registered on import)."""

from fuqing.projects.ledgers import beneficiaries, pairs, people, progress  # noqa: F401
