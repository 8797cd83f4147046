"""Spreadsheets handed to the browser once, for the apps' own exports (a woman's data, field-work tables):
written under the shared temporary folder, sent, then removed. The public face of what the ledger engine
and the ledger views use themselves."""

from __future__ import annotations

import os

from django.http import FileResponse

from fuqing.core.ledger import tmp_dir
from fuqing.core.ledger_print import cell_value as export_cell

__all__ = ["DeletingFile", "export_cell", "temporary_file_response", "tmp_dir"]

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class DeletingFile:
    """A file object that removes its temporary file once the response has been sent."""

    def __init__(self, path: str):
        self.path = path
        self.handle = open(path, "rb")

    def read(self, *args):
        return self.handle.read(*args)

    def close(self):
        self.handle.close()
        if os.path.exists(self.path):
            os.remove(self.path)


def temporary_file_response(path: str, filename: str, content_type: str = XLSX) -> FileResponse:
    """Send ``path`` as an attachment named ``filename`` and remove it afterwards."""
    response = FileResponse(DeletingFile(path), as_attachment=True, filename=filename)
    response["Content-Type"] = content_type
    return response
