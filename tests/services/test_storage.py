"""Both stores (a folder, and a bucket on moto's S3 server): generated keys, fan-out layout,
streaming limits, seekable reads, and nothing left behind."""

from __future__ import annotations

import hashlib
import io
import re
from pathlib import Path

import pytest

from kitchen.services.errors import InvalidFile, NotFound, TooLarge
from kitchen.services.storage import CHUNK_SIZE, InvalidKey, LocalStorage, Storage, StoredFile
from kitchen.services.storage_s3 import S3Settings, S3Storage
from tests.support import s3


def files_under(root: Path) -> list[Path]:
    """Every file below root, temp files included."""
    return [path for path in root.rglob("*") if path.is_file()] if root.exists() else []


def leftovers(storage: Storage) -> list[str]:
    """Every stored file and unfinished upload, in the folder or in the bucket."""
    return sorted([e.key for e in storage.stored()] + [e.key for e in storage.temp_files()])


def read(storage: Storage, key: str) -> bytes:
    with storage.open(key) as file:
        return file.read()


class ChunkCountingStream(io.BytesIO):
    """A stream that records how many bytes were asked of it, to prove reading stopped early."""

    def __init__(self, data: bytes) -> None:
        super().__init__(data)
        self.bytes_read = 0

    def read(self, size: int | None = -1) -> bytes:
        chunk = super().read(size)
        self.bytes_read += len(chunk)
        return chunk


@pytest.fixture(params=["local", "s3"])
def storage(request: pytest.FixtureRequest, tmp_path: Path) -> Storage:
    if request.param == "local":
        return LocalStorage(tmp_path / "store")
    endpoint = request.getfixturevalue("s3_endpoint")
    settings = S3Settings(
        s3.BUCKET,
        endpoint,
        access_key=s3.ACCESS_KEY,
        secret_key=s3.SECRET_KEY,
        prefix=f"{tmp_path.name}/",
    )
    return S3Storage(settings, tmp_path / "scratch")


def test_round_trip_reports_size_and_sha256(storage: Storage) -> None:
    data = b"kitchen " * 300_000  # larger than one chunk
    stored = storage.save(io.BytesIO(data), suffix=".bin")
    assert stored == StoredFile(stored.key, len(data), hashlib.sha256(data).hexdigest())
    assert read(storage, stored.key) == data
    assert storage.exists(stored.key)
    assert storage.size(stored.key) == len(data)
    with storage.local_copy(stored.key) as path:
        assert path.read_bytes() == data
    assert leftovers(storage) == [stored.key]  # the local copy is gone again


def test_reads_are_seekable_and_read_only_what_is_asked(storage: Storage) -> None:
    data = bytes(range(256)) * 40_000  # 10 MB: more than one multipart part
    stored = storage.save(io.BytesIO(data), suffix=".bin")
    with storage.open(stored.key) as file:
        assert file.read(4) == data[:4]
        file.seek(5_000_000)
        assert file.read(10) == data[5_000_000:5_000_010]
        file.seek(-3, io.SEEK_END)
        assert file.read() == data[-3:]
        assert file.read() == b""
        file.seek(100)
        assert file.tell() == 100 and file.read(2) == data[100:102]


def test_keys_are_random_hex_with_the_suffix_and_fanned_out(storage: Storage) -> None:
    first = storage.save(io.BytesIO(b"one"), suffix=".jpg")
    second = storage.save(io.BytesIO(b"one"), suffix=".jpg")
    assert first.key != second.key
    assert re.fullmatch(r"[0-9a-f]{32}\.jpg", first.key)
    key = first.key
    if isinstance(storage, LocalStorage):
        assert (storage.root / key[:2] / key[2:4] / key).read_bytes() == b"one"
    else:
        assert isinstance(storage, S3Storage)
        names = [
            o["Key"]
            for o in s3.client(storage.settings.endpoint).list_objects_v2(
                Bucket=s3.BUCKET, Prefix=storage.prefix
            )["Contents"]
        ]
        assert f"{storage.prefix}{key[:2]}/{key[2:4]}/{key}" in names
    assert leftovers(storage) == sorted([first.key, second.key])


def test_save_bytes_stores_a_rendition(storage: Storage) -> None:
    stored = storage.save_bytes(b"\xff\xd8jpeg", ".jpg")
    assert stored.key.endswith(".jpg")
    assert read(storage, stored.key) == b"\xff\xd8jpeg"
    assert stored.sha256 == hashlib.sha256(b"\xff\xd8jpeg").hexdigest()


def test_delete_is_idempotent(storage: Storage) -> None:
    stored = storage.save(io.BytesIO(b"bye"))
    storage.delete(stored.key)
    storage.delete(stored.key)
    assert not storage.exists(stored.key)
    assert leftovers(storage) == []
    with pytest.raises(NotFound):
        storage.open(stored.key)
    with pytest.raises(NotFound):
        storage.size(stored.key)
    with pytest.raises(NotFound), storage.local_copy(stored.key):
        pass


def test_an_upload_not_kept_leaves_nothing(storage: Storage) -> None:
    with storage.receive(io.BytesIO(b"checked, then refused"), suffix=".jpg") as incoming:
        assert incoming.path.read_bytes() == b"checked, then refused"
        assert incoming.size == 21
    assert leftovers(storage) == [] and not incoming.path.exists()
    with pytest.raises(RuntimeError), storage.receive(io.BytesIO(b"x")):
        raise RuntimeError("a check failed")
    assert leftovers(storage) == []


def test_over_size_stream_stops_reading_and_leaves_nothing(storage: Storage) -> None:
    stream = ChunkCountingStream(b"x" * (10 * CHUNK_SIZE))
    with pytest.raises(TooLarge) as caught:
        storage.save(stream, max_bytes=2 * CHUNK_SIZE)
    assert caught.value.status == 413
    assert stream.bytes_read <= 3 * CHUNK_SIZE
    assert leftovers(storage) == []


def test_exactly_max_bytes_is_accepted(storage: Storage) -> None:
    stored = storage.save(io.BytesIO(b"x" * 1000), max_bytes=1000)
    assert stored.size == 1000


def test_empty_stream_is_refused_and_leaves_nothing(storage: Storage) -> None:
    with pytest.raises(InvalidFile) as caught:
        storage.save(io.BytesIO(b""))
    assert caught.value.code == "invalid_file"
    assert str(caught.value.message) == "The file is empty."
    assert leftovers(storage) == []


def test_failing_stream_leaves_nothing(storage: Storage) -> None:
    class Broken(io.BytesIO):
        def read(self, size: int | None = -1) -> bytes:
            if self.tell() >= CHUNK_SIZE:
                raise ConnectionResetError("client went away")
            return super().read(size)

    with pytest.raises(ConnectionResetError):
        storage.save(Broken(b"y" * (3 * CHUNK_SIZE)))
    assert leftovers(storage) == []


@pytest.mark.parametrize(
    "key",
    [
        "../../etc/passwd",
        "../" + "a" * 32,
        "a" * 32 + "/../../x",
        "/etc/passwd",
        "A" * 32,
        "a" * 31,
        "a" * 32 + ".JPG",
        "a" * 32 + ".tar.gz",
        "a" * 32 + "\x00.jpg",
        "",
    ],
)
def test_crafted_keys_are_refused(storage: Storage, key: str) -> None:
    for action in (storage.open, storage.delete, storage.exists, storage.size):
        with pytest.raises(InvalidKey):
            action(key)
    with pytest.raises(InvalidKey), storage.local_copy(key):
        pass


@pytest.mark.parametrize("suffix", ["jpg", ".JPG", "/../x", ".tar.gz", ".abcdefghi", "."])
def test_unsafe_suffixes_are_refused(storage: Storage, suffix: str) -> None:
    with pytest.raises(ValueError):
        storage.save(io.BytesIO(b"data"), suffix=suffix)
    assert leftovers(storage) == []
