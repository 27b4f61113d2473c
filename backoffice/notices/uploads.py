"""An upload handler that stops reading a file past the largest PDF accepted, before it reaches the disk.

Installed first in ``FILE_UPLOAD_HANDLERS``: a request whose body is larger than the cap is read
and thrown away (the browser gets an answer, not a reset connection), and the request is marked so
the form says, in French, that the file is too large and keeps what was typed.
"""

from __future__ import annotations

from django.core.files.uploadhandler import FileUploadHandler, StopUpload

#: Bytes of one request's files read at most (the PDF check refuses over 100 MB; this cap stops a
#: 200 MB upload from filling the temporary folder).
UPLOAD_CAP = 110_000_000
TOO_LARGE = "borne.upload_too_large"


class SizeCapHandler(FileUploadHandler):
    def __init__(self, request=None):
        super().__init__(request)
        self.seen = 0

    def handle_raw_input(self, input_data, META, content_length, boundary, encoding=None):
        self.seen = 0
        if content_length and content_length > UPLOAD_CAP + 1024 * 1024:
            self._mark()
        return None

    def _mark(self):
        if self.request is not None:
            self.request.META[TOO_LARGE] = True

    def receive_data_chunk(self, raw_data, start):
        if self.request is not None and self.request.META.get(TOO_LARGE):
            raise StopUpload(connection_reset=False)
        self.seen += len(raw_data)
        if self.seen > UPLOAD_CAP:
            self._mark()
            raise StopUpload(connection_reset=False)
        return raw_data

    def file_complete(self, file_size):
        return None
