"""The sandbox platform's API, in process: pages of its books, 100 at a time, optionally
only what changed since a moment (like a platform's modified-since filter), and the PDF
attached to each invoice and bill.

A reader is built for one pull and fixes the books' moment when it is built (the
connection's ``now``, else the clock): every page of the pull then comes from the same
books (the generated ones of that hour, plus the writes logged by that exact moment),
and nothing dated after that moment exists yet, so the next pull's "since" (this pull's
start less the engine's look-back) finds everything that happened in between. Files
pushed to a record (write-back) are served beside its generated PDF.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime

from ledgerport.connectors.errors import FatalError
from ledgerport.connectors.sandbox.books import Books, on_the_hour
from ledgerport.connectors.sandbox.size import Size
from ledgerport.connectors.sandbox.writeback import logged_books, utc
from ledgerport.connectors.spec import FetchedPage, ReaderContext, ReadStream, SourceAttachment

PAGE_SIZE = 100

Clock = Callable[[], datetime]


def wall_clock() -> datetime:
    return datetime.now(UTC)


class SandboxReader:
    """Reads one connection's sandbox company. ``clock`` is for tests; by default the
    books are those of the current hour."""

    def __init__(self, context: ReaderContext, clock: Clock | None = None) -> None:
        self.seed = context.connection_id
        self.now = utc(context.now if context.now is not None else (clock or wall_clock)())
        self.as_of = on_the_hour(self.now)
        self.log = context.log
        self.size: Size | None = None
        self.problem: str | None = None
        try:
            self.size = Size.from_connection_info(context.connection_info)
        except ValueError as invalid:  # reported by the first fetch, as a failed pull
            self.problem = str(invalid)
        self._positions: dict[tuple[str, datetime | None], list[int]] = {}
        self._books: Books | None = None

    def books(self) -> Books:
        """The pull's books, kept for the pull: the shared cache may drop them while it
        runs (another big company built meanwhile), and building them again for each
        page would cost seconds a page."""
        if self._books is None:
            if self.size is None:
                raise FatalError(f"The sandbox connection's settings are invalid: {self.problem}")
            self._books = logged_books(self.seed, self.size, self.log, self.now)
        return self._books

    def fetch(
        self, stream: ReadStream, params: Mapping[str, str], since: datetime | None
    ) -> FetchedPage:
        sandbox = self.books()
        if since is not None:
            # The platform's filter works at hour resolution, as its stamps do: every
            # sourceModifiedDate is a whole hour, and a write landing at 10:30 is stamped
            # 10:00 (the books of 10:00 plus the writes so far). A pull at 10:20 read the
            # books of 10:00 without it; the next pull's since (about 10:20) must still
            # see it, so the filter starts at the hour since falls in, not the next one.
            since = on_the_hour(since)
        key = (stream.data_type.value, since)
        if key not in self._positions:  # filter once per pull, not once per page
            self._positions[key] = sandbox.changed_since(stream.data_type, since)
        positions = self._positions[key]
        page = int(params.get("page", "1"))
        chosen = positions[(page - 1) * PAGE_SIZE : page * PAGE_SIZE]
        return FetchedPage(records=[sandbox.render(stream.data_type, n) for n in chosen])

    def attachments(self, stream: ReadStream, record_id: str) -> Sequence[SourceAttachment]:
        sandbox = self.books()
        found: list[SourceAttachment] = []
        pdf = sandbox.attachment(stream.data_type, record_id)
        if pdf is not None:
            found.append(
                SourceAttachment(
                    id=pdf.id,
                    name=pdf.name,
                    content_type="application/pdf",
                    content=pdf.content,
                    date_created=pdf.created,
                    source_modified_date=pdf.modified,
                    include_when_sent=pdf.include_when_sent,
                )
            )
        for upload in sandbox.uploads(stream.data_type, record_id):
            uploaded = sandbox.company.moment(upload.t)
            found.append(
                SourceAttachment(
                    id=upload.id,
                    name=upload.name,
                    content_type=upload.content_type,
                    content=upload.content,
                    date_created=uploaded,
                    source_modified_date=uploaded,
                )
            )
        return tuple(found)
