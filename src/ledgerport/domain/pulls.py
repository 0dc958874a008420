"""Pull operations (Codat's "datasets"): their statuses and what each one means."""

from __future__ import annotations

from enum import StrEnum


class PullStatus(StrEnum):
    """Codat's full dataset status enum; the SDKs accept no other value."""

    INITIAL = "Initial"
    QUEUED = "Queued"
    FETCHING = "Fetching"
    MAP_QUEUED = "MapQueued"
    MAPPING = "Mapping"
    COMPLETE = "Complete"
    FETCH_ERROR = "FetchError"
    MAP_ERROR = "MapError"
    INTERNAL_ERROR = "InternalError"
    PROCESSING_QUEUED = "ProcessingQueued"
    PROCESSING = "Processing"
    PROCESSING_ERROR = "ProcessingError"
    VALIDATION_QUEUED = "ValidationQueued"
    VALIDATING = "Validating"
    VALIDATION_ERROR = "ValidationError"
    AUTH_ERROR = "AuthError"
    CANCELLED = "Cancelled"
    NOT_SUPPORTED = "NotSupported"
    RATE_LIMIT_ERROR = "RateLimitError"
    PERMISSIONS_ERROR = "PermissionsError"
    PREREQUISITE_NOT_MET = "PrerequisiteNotMet"


ACTIVE = frozenset(
    {
        PullStatus.INITIAL,
        PullStatus.QUEUED,
        PullStatus.FETCHING,
        PullStatus.MAP_QUEUED,
        PullStatus.MAPPING,
        PullStatus.PROCESSING_QUEUED,
        PullStatus.PROCESSING,
        PullStatus.VALIDATION_QUEUED,
        PullStatus.VALIDATING,
    }
)
ERRORED = frozenset(
    {
        PullStatus.FETCH_ERROR,
        PullStatus.MAP_ERROR,
        PullStatus.INTERNAL_ERROR,
        PullStatus.PROCESSING_ERROR,
        PullStatus.VALIDATION_ERROR,
        PullStatus.AUTH_ERROR,
        PullStatus.RATE_LIMIT_ERROR,
        PullStatus.PERMISSIONS_ERROR,
        PullStatus.PREREQUISITE_NOT_MET,
    }
)


def is_completed(status: PullStatus) -> bool:
    """Codat's ``isCompleted``: true only for a pull that finished successfully."""
    return status is PullStatus.COMPLETE


def is_errored(status: PullStatus) -> bool:
    return status in ERRORED
