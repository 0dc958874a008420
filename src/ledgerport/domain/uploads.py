"""Where an uploaded file stands. A file sent to any other connection is only kept for
the lender (``Stored``); on a file-upload connection a spreadsheet waits for a person to
confirm how its columns are read (``AwaitingConfirmation``) and is then ``Ready``, read
by every pull of the connection; a PDF bill is ``Ready`` as soon as it is understood."""

from __future__ import annotations

from enum import StrEnum


class UploadStatus(StrEnum):
    STORED = "Stored"
    AWAITING_CONFIRMATION = "AwaitingConfirmation"
    READY = "Ready"
