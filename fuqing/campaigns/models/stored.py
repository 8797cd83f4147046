"""Files kept outside the web root (under VAR_DIR/private), served only through scoped views."""

from pathlib import Path

from django.db import models
from django.utils.translation import gettext_lazy as _

from fuqing.core.uploads import private_path


class StoredFile(models.Model):
    """The fields of one uploaded file. ``file_path`` is relative to ``private_root()``."""

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

    def absolute_path(self) -> Path:
        """The file on disk; a stored path that escapes the private root is refused."""
        return private_path(self.file_path)

    @property
    def size_label(self) -> str:
        size = self.file_size
        if size >= 1024 * 1024:
            return f"{size / 1024 / 1024:.1f} MB"
        return f"{max(1, round(size / 1024))} KB"
