"""The declaration types a connector is made of. Typed values, no I/O.

A connector package exports one frozen ``Connector``; the registry discovers it and the
API describes it (``GET /integrations``) from what it declares, so what we claim a
platform supports is always what the code actually does.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Protocol, runtime_checkable

from ledgerport.connectors.paging import Paginator, Single
from ledgerport.connectors.writes import SourceWriter, WriteKind, WriteLog, WriteStream
from ledgerport.domain.enums import DataType, FeatureState, FeatureType, SourceType

# Stable ids derived from the platform key, so integrationId/sourceId survive restarts
# and are identical on every ledgerport installation.
_ID_NAMESPACE = uuid.UUID("5b0c1f2e-7d4a-4c39-9a51-6f1d2c3b4a50")


_ATTACHMENT_READS = frozenset(
    {
        FeatureType.GET_ATTACHMENTS,
        FeatureType.GET_ATTACHMENT,
        FeatureType.DOWNLOAD_ATTACHMENT,
    }
)


@dataclass(frozen=True)
class RateLimit:
    """A limit the platform documents: ``calls`` per ``per_seconds`` for one connection
    (Xero: 60 a minute and 5,000 a day per organisation). The engine keeps every pull of
    a connection inside all of its connector's limits, and pauses on a 429 as told."""

    calls: int
    per_seconds: float

    def __post_init__(self) -> None:
        if self.calls < 1 or self.per_seconds <= 0:
            raise ValueError("a limit needs at least one call over a positive period")


@dataclass(frozen=True)
class NoAuth:
    """The platform needs nothing from the company (the sandbox)."""

    kind: str = "none"


@dataclass(frozen=True)
class AuthorizedGrant:
    """What a connector's ``identify`` gets once Link has exchanged the code: enough to
    ask the platform which organisation was authorized (Xero's ``/connections``) or to
    read it off the callback (QuickBooks' ``realmId``)."""

    access_token: str
    api_base_url: str
    # The callback's query parameters (code and state removed).
    callback: Mapping[str, str]
    # The token endpoint's JSON answer, secrets removed (scope, id_token claims...).
    token_response: Mapping[str, Any]


@dataclass(frozen=True)
class OAuth2:
    """Authorization-code OAuth 2.0 with PKCE, as Xero and QuickBooks Online use it.

    The three URLs are the vendor's; a server setting can swap their scheme and host
    (keeping the paths) to point a platform at its simulator. ``identify`` turns a new
    grant into the connection's ``connectionInfo`` (tenant or realm id and name); it
    raises ``FatalError`` when the grant covers no organisation."""

    authorize_url: str
    token_url: str
    api_base_url: str = ""
    scopes: tuple[str, ...] = ()
    rotates_refresh_token: bool = False
    identify: Callable[[AuthorizedGrant], Mapping[str, Any]] | None = None
    # Added to the authorize URL's query (a vendor's prompt or locale parameters).
    extra_authorize_params: tuple[tuple[str, str], ...] = ()
    kind: str = "oauth2"


@dataclass(frozen=True)
class Credentials:
    """The company types credentials into Link (server URL, user, password, token...)."""

    fields: tuple[str, ...]
    kind: str = "credentials"


@dataclass(frozen=True)
class Desktop:
    """An on-premise platform reached through an agent the company installs."""

    kind: str = "desktop"


@dataclass(frozen=True)
class FileUpload:
    """The company uploads files (spreadsheets, PDF bills) instead of authorizing a
    platform: Link offers an upload page, and the connection's records are read from
    the files a person has confirmed (``ReaderContext.files``)."""

    kind: str = "files"


AuthSpec = NoAuth | OAuth2 | Credentials | Desktop | FileUpload


@dataclass(frozen=True)
class DataTypeSupport:
    """What a connector does for one data type, and how mature that is."""

    data_type: DataType
    features: tuple[FeatureType, ...]
    state: FeatureState = FeatureState.RELEASE


@dataclass(frozen=True)
class FetchedPage:
    """One page from the platform: its raw records and what paging needs to go on."""

    records: Sequence[Mapping[str, Any]]
    body: Any = None
    headers: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class SourceAttachment:
    """One file attached to a source record, with its bytes: what an attachment-capable
    reader returns for a record the engine has just created or changed."""

    id: str
    name: str
    content_type: str
    content: bytes
    date_created: datetime | None = None
    source_modified_date: datetime | None = None
    include_when_sent: bool = False


@dataclass(frozen=True)
class SourceFile:
    """A file uploaded to a file-upload connection and ready to read: its bytes, and
    the sheet mappings a person confirmed (``None`` for a PDF bill, read as it is)."""

    id: str
    file_name: str
    content_type: str
    sha256: str
    uploaded: datetime
    content: bytes
    mappings: Sequence[Mapping[str, Any]] | None = None


class SourceReader(Protocol):
    """A connection's way of fetching one page of one stream. Connectors build it from
    the connection's credentials; it talks to the platform and never to our database.
    It raises the errors in ``connectors.errors``."""

    def fetch(
        self, stream: ReadStream, params: Mapping[str, str], since: datetime | None
    ) -> FetchedPage: ...


@runtime_checkable
class AttachmentReader(Protocol):
    """A reader that can also list a record's files. The engine asks only for records a
    pull created or changed, so an unchanged invoice costs no extra source calls."""

    def attachments(self, stream: ReadStream, record_id: str) -> Sequence[SourceAttachment]: ...


@dataclass(frozen=True)
class ReadStream:
    """How one data type is read: how it pages, how a record becomes our model, and
    whether the platform can give only what changed since a moment (incremental)."""

    data_type: DataType
    to_standard: Callable[[Mapping[str, Any]], dict[str, Any]]
    paginator: Paginator = field(default_factory=Single)
    path: str = ""
    incremental: bool = False
    state: FeatureState = FeatureState.RELEASE
    # Whether the platform keeps files on this data type's records (invoices, bills...):
    # the engine then asks an ``AttachmentReader`` for each created or changed record.
    attachments: bool = False
    # Whether one raw record has files worth asking about (Xero's ``HasAttachments``):
    # records it says no to cost no call. None: ask for every created or changed record.
    has_attachments: Callable[[Mapping[str, Any]], bool] | None = None
    # Whether the document's own PDF is among its files (the sandbox's invoices), so
    # ``GET .../pdf`` serves the platform's rendering. A file someone attached to a Xero
    # invoice is not the invoice's PDF: such connectors leave this off.
    pdf: bool = False


@dataclass(frozen=True)
class ReaderContext:
    """What a reader or writer factory gets: the connection's identity and settings,
    and (for a platform that runs inside ledgerport) its write log."""

    company_id: str
    connection_id: str
    connection_info: Mapping[str, Any]
    log: WriteLog | None = None
    # The moment the platform is looked at (None: now). Tests and time travel set it.
    now: datetime | None = None
    # The platform's API root, scheme and host (the vendor's, or its simulator's when a
    # server setting says so); connectors add their own paths.
    base_url: str = ""
    # The connection's current access token (OAuth platforms). Call it before every
    # request: the engine refreshes the grant behind it, before expiry and after a 401
    # (``AccessTokenRejectedError``), and readers never refresh by themselves.
    access_token: Callable[[], str] | None = None
    # Wrap every single request to the platform in ``with context.throttle():`` (the
    # shared PlatformClient does): the engine waits there for the connection's call
    # budget and a concurrency slot, and counts the request until it has finished. A
    # reader making three requests for one page costs three calls, as the platform
    # counts them. None: the platform has no limits.
    throttle: Callable[[], AbstractContextManager[None]] | None = None
    # The connection's uploaded files that are ready to read, oldest first (file-upload
    # platforms; see ``FileUpload``). The engine loads them only when a reader asks.
    files: Callable[[], Sequence[SourceFile]] | None = None


WriterContext = ReaderContext

_WRITE_FEATURES = {
    WriteKind.CREATE: FeatureType.POST,
    WriteKind.UPDATE: FeatureType.PUT,
    WriteKind.DELETE: FeatureType.DELETE,
    WriteKind.UPLOAD_ATTACHMENT: FeatureType.UPLOAD_ATTACHMENT,
}  # Codat has no feature type for deleting an attachment


@dataclass(frozen=True)
class Branding:
    colour: str  # CSS colour of the logo badge and Link button
    initials: str


@dataclass(frozen=True)
class Connector:
    key: str
    name: str
    source_type: SourceType
    auth: AuthSpec
    branding: Branding
    supports: tuple[DataTypeSupport, ...] = ()
    is_beta: bool = False
    is_offline_connector: bool = False
    data_provided_by: str = "ledgerport"
    # Whether Link can complete for this platform on this server. A platform we list but
    # cannot yet authorize is shown as not linkable rather than pretending to work.
    linkable: bool = False
    description: str = ""
    reads: tuple[ReadStream, ...] = ()
    reader: Callable[[ReaderContext], SourceReader] | None = None
    # How long the platform keeps a grant that is not used: past it, the connection is
    # Deauthorized and needs a new Link URL (Xero about 60 days, QuickBooks 100).
    authorization_lifetime: timedelta | None = None
    # What the platform allows one connection (see RateLimit); none: no known limit.
    rate_limits: tuple[RateLimit, ...] = ()
    # How many calls one connection may have in flight at once (Xero 5, QuickBooks 10).
    max_concurrent: int | None = None
    # What the connector writes (push), and how a connection's writer is built.
    writes: tuple[WriteStream, ...] = ()
    writer: Callable[[WriterContext], SourceWriter] | None = None

    @property
    def integration_id(self) -> uuid.UUID:
        return uuid.uuid5(_ID_NAMESPACE, f"integration:{self.key}")

    @property
    def source_id(self) -> uuid.UUID:
        return uuid.uuid5(_ID_NAMESPACE, f"source:{self.key}")

    def stream(self, data_type: DataType) -> ReadStream | None:
        return next((s for s in self.reads if s.data_type is data_type), None)

    def write_stream(self, data_type: DataType) -> WriteStream | None:
        if self.writer is None:
            return None
        return next((w for w in self.writes if w.data_type is data_type), None)

    def can_write(self, data_type: DataType, kind: WriteKind) -> bool:
        stream = self.write_stream(data_type)
        return stream is not None and kind in stream.kinds

    def feature_state(self, data_type: DataType, feature: FeatureType) -> FeatureState:
        written = self.write_stream(data_type)
        if written is not None and any(_WRITE_FEATURES.get(k) is feature for k in written.kinds):
            return FeatureState.RELEASE
        stream = self.stream(data_type)
        if stream is not None and self.reader is not None:
            if feature is FeatureType.GET:
                return stream.state
            # Files are pulled with the records of a stream that declares them, and
            # served from the store: reading them works exactly when the stream does.
            if stream.attachments and feature in _ATTACHMENT_READS:
                return stream.state
            if stream.attachments and stream.pdf and feature is FeatureType.GET_AS_PDF:
                return stream.state
        for support in self.supports:
            if support.data_type is data_type and feature in support.features:
                return support.state
        return FeatureState.NOT_IMPLEMENTED
