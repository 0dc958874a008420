"""All tables, imported here so ``Base.metadata`` is complete for Alembic."""

from ledgerport.storage.tables.api_keys import ApiKeyRow
from ledgerport.storage.tables.attachments import AttachmentRow
from ledgerport.storage.tables.base import Base
from ledgerport.storage.tables.companies import CompanyRow
from ledgerport.storage.tables.connections import ConnectionRow
from ledgerport.storage.tables.events import EventRow
from ledgerport.storage.tables.expenses import (
    ExpenseConfigRow,
    ExpenseSyncRow,
    ExpenseTransactionRow,
)
from ledgerport.storage.tables.files import UploadedFileRow
from ledgerport.storage.tables.grants import GrantRow, IntegrationSettingsRow, LinkAuthorizationRow
from ledgerport.storage.tables.idempotency import IdempotencyRow
from ledgerport.storage.tables.pulls import PullOperationRow
from ledgerport.storage.tables.pushes import PushOperationRow, WriteLogRow
from ledgerport.storage.tables.records import DatasetRow, RecordRow
from ledgerport.storage.tables.reports import ReportRow
from ledgerport.storage.tables.settings import ProfileRow, SyncSettingsRow
from ledgerport.storage.tables.users import SessionRow, SignInFailureRow, UserRow
from ledgerport.storage.tables.webhooks import (
    WebhookAttemptRow,
    WebhookConsumerRow,
    WebhookDeliveryRow,
)

__all__ = [
    "ApiKeyRow",
    "AttachmentRow",
    "Base",
    "CompanyRow",
    "ConnectionRow",
    "DatasetRow",
    "EventRow",
    "ExpenseConfigRow",
    "ExpenseSyncRow",
    "ExpenseTransactionRow",
    "GrantRow",
    "IdempotencyRow",
    "IntegrationSettingsRow",
    "LinkAuthorizationRow",
    "ProfileRow",
    "PullOperationRow",
    "PushOperationRow",
    "RecordRow",
    "ReportRow",
    "SessionRow",
    "SignInFailureRow",
    "SyncSettingsRow",
    "UploadedFileRow",
    "UserRow",
    "WebhookAttemptRow",
    "WebhookConsumerRow",
    "WebhookDeliveryRow",
    "WriteLogRow",
]
