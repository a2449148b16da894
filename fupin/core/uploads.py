"""The upload size limit (``FUPIN_UPLOAD_MAX_MB``), on every upload form and import.

:class:`LimitedUploadHandler` sits first in ``FILE_UPLOAD_HANDLERS``: once a file passes the
limit, the rest of it is read from the request and dropped, so nothing larger than the limit
is written to memory or a temporary file. The view receives an :class:`OversizeUpload` in its
place, which :func:`check_upload_size` (called by every upload form and by
:func:`fupin.core.sheets.import_upload`) refuses with a message naming the limit; a path that
forgot the check gets a 400 when it tries to read or store it, never an empty file.
"""

from __future__ import annotations

import io

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.files.uploadhandler import FileUploadHandler
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

MSG_TOO_LARGE = _("文件“%(name)s”过大（%(size)s MB）：上传文件不能超过 %(limit)s MB")


def upload_limit() -> int:
    """The largest upload accepted, in bytes."""
    return settings.FUPIN_UPLOAD_MAX_MB * 1024 * 1024


def too_large_message(name: str, size: int) -> str:
    return gettext(MSG_TOO_LARGE) % {
        "name": name,
        "size": f"{size / 1024 / 1024:.1f}",
        "limit": settings.FUPIN_UPLOAD_MAX_MB,
    }


def check_upload_size(upload) -> None:
    """Raise ValidationError (its message names the limit) if ``upload`` is over the limit."""
    if upload is not None and (isinstance(upload, OversizeUpload) or upload.size > upload_limit()):
        raise ValidationError(too_large_message(upload.name, upload.size))


class OversizeUpload(UploadedFile):
    """What a view receives for a file over the limit: its name and size, no content."""

    def __init__(self, name: str, size: int, content_type: str | None):
        super().__init__(io.BytesIO(), name, content_type, size)

    def _refuse(self, *args, **kwargs):
        raise RequestDataTooBig(too_large_message(self.name, self.size))

    read = chunks = open = _refuse  # type: ignore[assignment]

    def multiple_chunks(self, chunk_size=None):
        return False


class LimitedUploadHandler(FileUploadHandler):
    """Count each file's bytes; past the limit, drop the rest (the next handlers keep only
    what came before) and hand the view an :class:`OversizeUpload` instead of the file."""

    def new_file(self, *args, **kwargs):
        super().new_file(*args, **kwargs)
        self.received = 0
        self.over = False

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if self.received > upload_limit():
            self.over = True
        return None if self.over else raw_data

    def file_complete(self, file_size):
        if not self.over:
            return None
        return OversizeUpload(self.file_name, self.received, self.content_type)
