"""Blobs as objects in S3 or an S3-compatible store (MinIO, Ceph RGW, Cloudflare R2...),
under an optional key prefix: key "a/b" in ``s3://bucket/files`` is object "files/a/b".

S3 replaces an object whole on PUT, so a reader sees the old blob or the new one. Every
PUT carries a Content-MD5 the server checks, so a corrupted upload is refused on any
server. boto3 >= 1.36 also sends CRC checksums by default, which several S3-compatible
servers reject (https://github.com/boto/boto3/issues/4392): with a custom endpoint we
ask for checksums only where the API requires them.
"""

from __future__ import annotations

import base64
import hashlib
from typing import TYPE_CHECKING, Literal

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

from ledgerport.config import S3Location, Settings
from ledgerport.storage.blobs.base import (
    BlobNotFoundError,
    BlobStoreError,
    validate_key,
    validate_prefix,
)

if TYPE_CHECKING:
    from types_boto3_s3 import S3Client
    from types_boto3_s3.type_defs import ObjectIdentifierTypeDef

# What S3 and the compatible servers answer for a missing object: GetObject's error code,
# and HeadObject's bare status (a HEAD response has no body to carry a code).
_MISSING = frozenset({"NoSuchKey", "404", "NotFound"})
# DeleteObjects takes at most 1,000 keys, which is also ListObjectsV2's page size.
_DELETE_BATCH = 1000


def s3_client(settings: Settings) -> S3Client:
    """A client for the configured endpoint: explicit credentials when both are set,
    boto3's standard chain (AWS_* variables, ~/.aws, an instance or task role) otherwise.
    Its own session, because boto3's default session is not safe to share across threads
    while clients are made; the client itself is."""
    secret = settings.s3_secret_access_key
    session = boto3.session.Session(
        aws_access_key_id=settings.s3_access_key_id,
        aws_secret_access_key=secret.get_secret_value() if secret is not None else None,
        region_name=settings.s3_region,
    )
    custom = settings.s3_endpoint_url is not None
    # S3-compatible servers rarely have the wildcard DNS virtual-host addressing needs.
    style = settings.s3_addressing_style or ("path" if custom else "auto")
    checksums: Literal["when_required", "when_supported"] = (
        "when_required" if custom else "when_supported"
    )
    config = Config(
        s3={"addressing_style": style},
        retries={"mode": "standard", "max_attempts": 4},
        connect_timeout=10,
        read_timeout=60,
        request_checksum_calculation=checksums,
        response_checksum_validation=checksums,
    )
    return session.client("s3", endpoint_url=settings.s3_endpoint_url, config=config)


class S3BlobStore:
    def __init__(self, client: S3Client, bucket: str, prefix: str = "") -> None:
        self._client = client
        self.bucket = bucket
        self.prefix = validate_prefix(prefix) if prefix else ""
        self.description = f"{S3Location(bucket, self.prefix)} ({client.meta.endpoint_url})"

    @classmethod
    def from_settings(cls, settings: Settings) -> S3BlobStore:
        location = settings.s3_location
        if location is None:
            raise ValueError("LEDGERPORT_FILE_STORAGE does not name an S3 bucket.")
        return cls(s3_client(settings), location.bucket, location.prefix)

    def put(self, key: str, data: bytes) -> None:
        name = self._object(key)
        digest = hashlib.md5(data, usedforsecurity=False).digest()
        try:
            self._client.put_object(
                Bucket=self.bucket,
                Key=name,
                Body=data,
                ContentMD5=base64.b64encode(digest).decode(),
                ContentType="application/octet-stream",
            )
        except (BotoCoreError, ClientError) as error:
            raise self._failure("write", key, error) from error

    def get(self, key: str) -> bytes:
        name = self._object(key)
        try:
            body = self._client.get_object(Bucket=self.bucket, Key=name)["Body"]
            try:
                return body.read()
            finally:
                body.close()
        except ClientError as error:
            if _code(error) in _MISSING:
                raise BlobNotFoundError(key) from None
            raise self._failure("read", key, error) from error
        except BotoCoreError as error:
            raise self._failure("read", key, error) from error

    def delete(self, key: str) -> None:
        name = self._object(key)
        try:
            self._client.delete_object(Bucket=self.bucket, Key=name)
        except (BotoCoreError, ClientError) as error:
            raise self._failure("delete", key, error) from error

    def delete_prefix(self, prefix: str) -> int:
        under = self._object(validate_prefix(prefix)) + "/"
        removed = 0
        try:
            pages = self._client.get_paginator("list_objects_v2").paginate(
                Bucket=self.bucket, Prefix=under, PaginationConfig={"PageSize": _DELETE_BATCH}
            )
            for page in pages:
                batch: list[ObjectIdentifierTypeDef] = [
                    {"Key": item["Key"]} for item in page.get("Contents", [])
                ]
                if not batch:
                    continue
                result = self._client.delete_objects(
                    Bucket=self.bucket, Delete={"Objects": batch, "Quiet": True}
                )
                if errors := result.get("Errors", []):
                    raise BlobStoreError(
                        f"Could not delete {len(errors)} of the blobs under {prefix!r} in "
                        f"{self.description}: {errors[0].get('Code', 'unknown error')}."
                    )
                removed += len(batch)
        except (BotoCoreError, ClientError) as error:
            raise self._failure("delete the blobs under", prefix, error) from error
        return removed

    def exists(self, key: str) -> bool:
        name = self._object(key)
        try:
            self._client.head_object(Bucket=self.bucket, Key=name)
        except ClientError as error:
            if _code(error) in _MISSING:
                return False
            raise self._failure("look for", key, error) from error
        except BotoCoreError as error:
            raise self._failure("look for", key, error) from error
        return True

    def _object(self, key: str) -> str:
        """The object's name in the bucket: the store's prefix, then the key."""
        validate_key(key)
        return f"{self.prefix}/{key}" if self.prefix else key

    def _failure(self, action: str, key: str, error: BotoCoreError | ClientError) -> BlobStoreError:
        # botocore's messages name the operation, the error code and at most the URL; no
        # credential is ever part of them.
        return BlobStoreError(f"Could not {action} {key!r} in {self.description}: {error}")


def _code(error: ClientError) -> str:
    return str(error.response.get("Error", {}).get("Code", ""))
