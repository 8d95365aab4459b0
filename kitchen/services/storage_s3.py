"""Files in S3-compatible object storage (MinIO, Ceph, Aliyun OSS, Tencent COS, AWS S3).

Objects are named as on local disk, `prefix + ab/cd/abcd….ext`, so a folder of uploads moves
into a bucket with a plain `aws s3 sync uploads/ s3://bucket/prefix` (and back). An upload is
received into a local scratch file first (it is checked, decoded, before it is kept), then sent
with a multipart upload in parts of `PART_SIZE`: memory stays flat whatever the file's size.
Reads are seekable: a read starts one ranged GET from the current position and goes on reading
it; a seek ends it, and the next read starts another. A video's range request, the credit
writer's look at a picture's headers and a ZIP's copy all read only what they need.
"""

from __future__ import annotations

import hashlib
import io
import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, BinaryIO

import boto3
from boto3.s3.transfer import TransferConfig
from botocore.config import Config as BotoConfig
from botocore.exceptions import ClientError

from kitchen.services.errors import NotFound
from kitchen.services.storage import (
    KEY_PATTERN,
    TEMP_PREFIX,
    Incoming,
    ScratchIncoming,
    StoredEntry,
    StoredFile,
    _scratch,
    check_key,
    new_key,
    save_received,
    scratch_files,
)

PART_SIZE = 8 * 1024 * 1024
READ_BUFFER = 256 * 1024
TRANSFER = TransferConfig(
    multipart_threshold=PART_SIZE, multipart_chunksize=PART_SIZE, max_concurrency=4
)


@dataclass(frozen=True)
class S3Settings:
    """Where the bucket is and how to reach it (`KITCHEN_S3_*`)."""

    bucket: str
    endpoint: str = ""
    region: str = "us-east-1"
    access_key: str = ""
    secret_key: str = ""
    prefix: str = ""
    presigned_seconds: int = 0  # 0: downloads go through the app; else redirects, valid so long


_CLIENTS: dict[tuple[str, str, str, str], Any] = {}


def client_for(settings: S3Settings) -> Any:
    """One client per endpoint and key in a process (making one costs about 70 ms; clients are
    thread-safe)."""
    ident = (settings.endpoint, settings.region, settings.access_key, settings.secret_key)
    if ident not in _CLIENTS:
        _CLIENTS[ident] = boto3.session.Session().client(
            "s3",
            endpoint_url=settings.endpoint or None,
            region_name=settings.region,
            aws_access_key_id=settings.access_key or None,
            aws_secret_access_key=settings.secret_key or None,
            config=BotoConfig(
                s3={"addressing_style": "path"},
                retries={"max_attempts": 4, "mode": "standard"},
                connect_timeout=5,
                read_timeout=60,
            ),
        )
    return _CLIENTS[ident]


def _missing(error: ClientError) -> bool:
    code = str(error.response.get("Error", {}).get("Code", ""))
    return code in ("404", "NoSuchKey", "NotFound", "NoSuchUpload")


class S3Storage:
    """Storage in a bucket; `scratch` is the local folder that receives uploads."""

    def __init__(self, settings: S3Settings, scratch: Path | str) -> None:
        self.settings = settings
        self.bucket = settings.bucket
        self.prefix = settings.prefix
        self.scratch = Path(scratch)
        self.client = client_for(settings)

    def object_name(self, key: str) -> str:
        """The object's name in the bucket: the local layout under the prefix."""
        check_key(key)
        return f"{self.prefix}{key[:2]}/{key[2:4]}/{key}"

    @contextmanager
    def receive(
        self, stream: IO[bytes], *, max_bytes: int | None = None, suffix: str = ""
    ) -> Iterator[Incoming]:
        """Stream into a local scratch file; `keep()` uploads it in parts."""
        key = new_key(suffix)
        with _scratch(self.scratch, stream, max_bytes) as (path, size, digest):
            yield ScratchIncoming(path, size, digest, lambda: self._upload(path, key, size, digest))

    def _upload(self, path: Path, key: str, size: int, digest: str) -> StoredFile:
        # upload_file sends parts of PART_SIZE, four at a time, and aborts the multipart
        # upload if a part fails; one killed mid-way is left for `temp_files`.
        self.client.upload_file(
            str(path), self.bucket, self.object_name(key), Config=TRANSFER, ExtraArgs={}
        )
        return StoredFile(key=key, size=size, sha256=digest)

    def save(
        self, stream: IO[bytes], *, max_bytes: int | None = None, suffix: str = ""
    ) -> StoredFile:
        """Stream into storage (through a scratch file) and return its key, size and hash."""
        return save_received(self, stream, max_bytes, suffix)

    def save_bytes(self, data: bytes, suffix: str = "") -> StoredFile:
        """Store bytes already in memory, such as a rendition, in one PUT."""
        key = new_key(suffix)
        self.client.put_object(Bucket=self.bucket, Key=self.object_name(key), Body=data)
        return StoredFile(key=key, size=len(data), sha256=hashlib.sha256(data).hexdigest())

    def open(self, key: str) -> BinaryIO:
        """A seekable reader over the object; NotFound if it is missing."""
        reader = _ObjectReader(self.client, self.bucket, self.object_name(key), self.size(key))
        return io.BufferedReader(reader, READ_BUFFER)

    def delete(self, key: str) -> None:
        """Remove an object; S3 answers a missing one as a success too."""
        self.client.delete_object(Bucket=self.bucket, Key=self.object_name(key))

    def exists(self, key: str) -> bool:
        """Tell whether a key is stored."""
        check_key(key)  # a crafted key is refused, not merely missing
        try:
            self.size(key)
        except NotFound:
            return False
        return True

    def size(self, key: str) -> int:
        """The object's size, from a HEAD request."""
        try:
            head = self.client.head_object(Bucket=self.bucket, Key=self.object_name(key))
        except ClientError as error:
            if _missing(error):
                raise NotFound() from None
            raise
        return int(head["ContentLength"])

    @contextmanager
    def local_copy(self, key: str) -> Iterator[Path]:
        """Download the object into a scratch file, removed when the block ends."""
        self.scratch.mkdir(parents=True, exist_ok=True)
        suffix = Path(key).suffix
        fd, name = tempfile.mkstemp(prefix=TEMP_PREFIX, suffix=suffix, dir=self.scratch)
        target = Path(name)
        try:
            with self.open(key) as source, os.fdopen(fd, "wb") as out:
                shutil.copyfileobj(source, out, PART_SIZE)
            yield target
        finally:
            target.unlink(missing_ok=True)

    def download_url(self, key: str, *, mime: str, disposition: str) -> str | None:
        """A presigned GET that names the file and its type, when redirects are configured."""
        if self.settings.presigned_seconds <= 0:
            return None
        url: str = self.client.generate_presigned_url(
            "get_object",
            Params={
                "Bucket": self.bucket,
                "Key": self.object_name(key),
                "ResponseContentType": mime,
                "ResponseContentDisposition": disposition,
                "ResponseCacheControl": "private, max-age=300",
            },
            ExpiresIn=self.settings.presigned_seconds,
        )
        return url

    def stored(self) -> Iterator[StoredEntry]:
        """Every object under the prefix that has a generated key's name."""
        pages = self.client.get_paginator("list_objects_v2").paginate(
            Bucket=self.bucket, Prefix=self.prefix
        )
        for page in pages:
            for entry in page.get("Contents", []):
                name = entry["Key"].rsplit("/", 1)[-1]
                if KEY_PATTERN.fullmatch(name) and entry["Key"] == self.object_name(name):
                    yield StoredEntry(name, entry["Size"], entry["LastModified"].timestamp())

    def temp_files(self) -> Iterator[StoredEntry]:
        """Scratch files of this host and multipart uploads never completed (any host's)."""
        yield from scratch_files(self.scratch)
        pages = self.client.get_paginator("list_multipart_uploads").paginate(
            Bucket=self.bucket, Prefix=self.prefix
        )
        for page in pages:
            for upload in page.get("Uploads", []):
                name = upload["Key"].rsplit("/", 1)[-1]
                if not KEY_PATTERN.fullmatch(name):
                    continue
                yield StoredEntry(
                    name, 0, upload["Initiated"].timestamp(), upload_id=upload["UploadId"]
                )

    def discard(self, entry: StoredEntry) -> None:
        """Remove an orphan, a scratch file or an unfinished multipart upload."""
        if entry.path is not None:
            entry.path.unlink(missing_ok=True)
        elif entry.upload_id:
            try:
                self.client.abort_multipart_upload(
                    Bucket=self.bucket, Key=self.object_name(entry.key), UploadId=entry.upload_id
                )
            except ClientError as error:
                if not _missing(error):
                    raise
        else:
            self.delete(entry.key)

    def check(self) -> None:
        """Raise if the bucket cannot be reached (for the health check and `kitchen init`)."""
        self.client.head_bucket(Bucket=self.bucket)


class _ObjectReader(io.RawIOBase):
    """A seekable raw stream over one object: ranged GETs from the current position."""

    def __init__(self, client: Any, bucket: str, name: str, size: int) -> None:
        super().__init__()
        self._client, self._bucket, self._name, self._size = client, bucket, name, size
        self._position = 0
        self._body: Any = None

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self._position

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        base = {io.SEEK_SET: 0, io.SEEK_CUR: self._position, io.SEEK_END: self._size}[whence]
        position = max(0, base + offset)
        if position != self._position:
            self._end_body()
            self._position = position
        return position

    def readinto(self, buffer: Any) -> int:
        if self._position >= self._size or len(buffer) == 0:
            return 0
        if self._body is None:
            try:
                answer = self._client.get_object(
                    Bucket=self._bucket, Key=self._name, Range=f"bytes={self._position}-"
                )
            except ClientError as error:
                if _missing(error):
                    raise NotFound() from None
                raise
            self._body = answer["Body"]
        data = self._body.read(len(buffer))
        if not data:  # the object ended early (it was replaced or cut): say so, never loop
            self._end_body()
            raise OSError(f"object {self._name} ended at {self._position} of {self._size}")
        buffer[: len(data)] = data
        self._position += len(data)
        return len(data)

    def _end_body(self) -> None:
        if self._body is not None:
            self._body.close()
            self._body = None

    def close(self) -> None:
        self._end_body()
        super().close()
