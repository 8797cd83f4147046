"""The analytics tables' models (RPT-1, issue 16): see ``fuqing.core.analytics`` for the mechanism."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from fuqing.core.scoping import ScopedQuerySet


class AnalyticsCell(models.Model):
    """One count of a fact: the rows of ``fact`` dated ``day`` with ``code``, either the unit's own rows
    (``whole`` false) or its whole subtree's (``whole`` true, rolled up from the own cells). Scoped like
    the rows it counts: by its unit."""

    scope_field = "org"

    fact = models.CharField(max_length=64)
    org = models.ForeignKey(settings.ORG_MODEL, on_delete=models.CASCADE, related_name="+")
    whole = models.BooleanField(default=False)
    # a month's total of a whole subtree (``day`` its first day), summed from its days: a year is read
    # as twelve cells per code, plus days at a period's cut edges
    month = models.BooleanField(default=False)
    day = models.DateField()
    code = models.CharField(max_length=64, blank=True, default="")
    n = models.BigIntegerField(default=0)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        indexes = [
            models.Index(fields=["fact", "whole", "month", "org", "day"], name="core_analytics_cell_read"),
            models.Index(fields=["fact", "whole", "day"], name="core_analytics_cell_day"),
        ]

    def __str__(self):
        return f"{self.fact} {self.org_id} {self.day} {self.code}: {self.n}"


class AnalyticsState(models.Model):
    """When a fact's cells were last built in full and last brought up to date (the "as of" time)."""

    scope_exempt = "bookkeeping of the analytics tables: a fact's key and two moments, no federation data"

    fact = models.CharField(max_length=64, primary_key=True)
    built_at = models.DateTimeField()
    refreshed_at = models.DateTimeField()
    seconds = models.FloatField(default=0)  # how long the last full build took

    def __str__(self):
        return f"{self.fact} @ {self.refreshed_at:%Y-%m-%d %H:%M}"


class AnalyticsChange(models.Model):
    """A unit and day whose rows of ``fact`` changed since its cells were computed (a refresh's to-do);
    one row per fact, unit and day however many rows changed (an import marks each pair once)."""

    scope_field = "org"

    fact = models.CharField(max_length=64)
    org = models.ForeignKey(settings.ORG_MODEL, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    marked_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["fact", "org", "day"], name="core_analytics_change_once")
        ]
        indexes = [models.Index(fields=["fact", "marked_at"], name="core_analytics_change_age")]

    def __str__(self):
        return f"{self.fact} {self.org_id} {self.day}"
