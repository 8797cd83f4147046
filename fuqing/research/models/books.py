"""Compilations (汇编成册, RES-5): chosen reports made into one Word book."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from fuqing.core.scoping import ScopedQuerySet


class Book(models.Model):
    """A compilation the research office assembles; each generation is a background job (PLT-5)."""

    scope_field = "org"

    org = models.ForeignKey(
        "orgs.Org", verbose_name=_("编印单位"), on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField(_("年度"), db_index=True)
    title = models.CharField(_("书名"), max_length=200)
    issuer = models.CharField(_("编印单位署名"), max_length=100)
    issued_on = models.DateField(_("编印日期"))
    reports = models.ManyToManyField(
        "research.Report", through="BookItem", verbose_name=_("收录报告"), related_name="+"
    )
    job = models.ForeignKey("core.Job", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("调研成果汇编")
        verbose_name_plural = _("调研成果汇编")
        ordering = ["-created_at"]

    def __str__(self):
        return self.title


class BookItem(models.Model):
    """A report's place in a book."""

    scope_field = "book__org"

    book = models.ForeignKey(Book, on_delete=models.CASCADE, related_name="items")
    report = models.ForeignKey("research.Report", on_delete=models.CASCADE, related_name="+")
    position = models.PositiveSmallIntegerField(_("顺序"))

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("汇编篇目")
        verbose_name_plural = _("汇编篇目")
        ordering = ["position"]
        constraints = [models.UniqueConstraint(fields=["book", "report"], name="bookitem_unique")]

    def __str__(self):
        return f"{self.book_id}#{self.position}"
