"""An uploaded document kept outside the web root (core/uploads.py), served only through scoped views."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class StoredDocument(models.Model):
    file_path = models.CharField(max_length=300, blank=True, editable=False)
    file_name = models.CharField(_("文件名"), max_length=150, blank=True)
    file_size = models.PositiveIntegerField(_("文件大小"), default=0)
    content_type = models.CharField(max_length=100, blank=True, editable=False)
    sha256 = models.CharField(max_length=64, blank=True, editable=False)

    class Meta:
        abstract = True

    @property
    def has_file(self) -> bool:
        return bool(self.file_path)
