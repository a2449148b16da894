"""An upload imported within the request, for the small formats (pairings, funds, collective
income and shares), and the error workbook a refused one leaves for its own session.

(The registry's own import runs as a background task with a progress bar: see
:mod:`fupin.registry.import_views`.)
"""

from __future__ import annotations

import tempfile
import uuid
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.http import FileResponse, Http404
from django.utils.translation import gettext as _

from .importing import ImportFileError, ImportResult, write_error_workbook

FIRST_ERRORS = 50


def import_upload(request, upload, run, context: dict, *, area_code: str) -> ImportResult | None:
    """Import ``upload`` by ``run(path, actor=, area_code=)`` from a temporary copy.

    A file that cannot be read at all sets ``context["file_error"]`` and returns ``None``;
    otherwise the result and its first errors go into ``context`` and it is returned.
    """
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"upload{Path(upload.name).suffix.lower()}"
        with open(path, "wb") as handle:
            for chunk in upload.chunks():
                handle.write(chunk)
        try:
            result = run(path, actor=request.user, area_code=area_code)
        except ImportFileError as error:
            context["file_error"] = str(error)
            return None
    result.filename = upload.name
    context["result"] = result
    context["errors"] = result.messages(FIRST_ERRORS)
    return result


@dataclass(frozen=True)
class ErrorWorkbooks:
    """Where a format's refused imports leave their error workbook: a folder under
    ``MEDIA_ROOT``, the session key naming this session's last one, the download's name."""

    folder: str
    session_key: str
    download_name: str

    def keep(self, request, result: ImportResult) -> bool:
        """Write the error workbook of a refused ``result`` for this session; whether one was
        written (an accepted import, or one refused before reading any row, leaves none)."""
        if result.ok or not result.sheets:
            return False
        directory = Path(settings.MEDIA_ROOT) / self.folder
        directory.mkdir(parents=True, exist_ok=True)
        name = f"{uuid.uuid4().hex}.xlsx"
        write_error_workbook(result, directory / name)
        request.session[self.session_key] = name
        return True

    def response(self, request) -> FileResponse:
        """This session's last error workbook of the format (only its own), else 404."""
        name = request.session.get(self.session_key)
        path = Path(settings.MEDIA_ROOT) / self.folder / (name or "-")
        if not name or not path.is_file():
            raise Http404(_("没有错误报告"))
        return FileResponse(open(path, "rb"), as_attachment=True, filename=self.download_name)
