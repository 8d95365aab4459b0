"""LocalStorage: generated keys, fan-out layout, streaming limits, and nothing left behind."""

from __future__ import annotations

import hashlib
import io
import re
from pathlib import Path

import pytest

from kitchen.services.errors import InvalidFile, NotFound, TooLarge
from kitchen.services.storage import CHUNK_SIZE, InvalidKey, LocalStorage, StoredFile


def files_under(root: Path) -> list[Path]:
    """Every file below root, temp files included."""
    return [path for path in root.rglob("*") if path.is_file()] if root.exists() else []


class ChunkCountingStream(io.BytesIO):
    """A stream that records how many bytes were asked of it, to prove reading stopped early."""

    def __init__(self, data: bytes) -> None:
        super().__init__(data)
        self.bytes_read = 0

    def read(self, size: int | None = -1) -> bytes:
        chunk = super().read(size)
        self.bytes_read += len(chunk)
        return chunk


@pytest.fixture
def storage(tmp_path: Path) -> LocalStorage:
    return LocalStorage(tmp_path / "store")


def test_round_trip_reports_size_and_sha256(storage: LocalStorage) -> None:
    data = b"kitchen " * 300_000  # larger than one chunk
    stored = storage.save(io.BytesIO(data), suffix=".bin")
    assert stored == StoredFile(stored.key, len(data), hashlib.sha256(data).hexdigest())
    with storage.open(stored.key) as file:
        assert file.read() == data
    assert storage.exists(stored.key)
    assert storage.size(stored.key) == len(data)
    assert storage.local_path(stored.key).read_bytes() == data


def test_keys_are_random_hex_with_the_suffix_and_fanned_out(storage: LocalStorage) -> None:
    first = storage.save(io.BytesIO(b"one"), suffix=".jpg")
    second = storage.save(io.BytesIO(b"one"), suffix=".jpg")
    assert first.key != second.key
    assert re.fullmatch(r"[0-9a-f]{32}\.jpg", first.key)
    key = first.key
    assert storage.local_path(key) == storage.root / key[:2] / key[2:4] / key
    assert sorted(files_under(storage.root)) == sorted(
        [storage.local_path(first.key), storage.local_path(second.key)]
    )


def test_save_bytes_stores_a_rendition(storage: LocalStorage) -> None:
    stored = storage.save_bytes(b"\xff\xd8jpeg", ".jpg")
    assert stored.key.endswith(".jpg")
    assert storage.local_path(stored.key).read_bytes() == b"\xff\xd8jpeg"


def test_delete_is_idempotent(storage: LocalStorage) -> None:
    stored = storage.save(io.BytesIO(b"bye"))
    storage.delete(stored.key)
    storage.delete(stored.key)
    assert not storage.exists(stored.key)
    assert files_under(storage.root) == []
    with pytest.raises(NotFound):
        storage.open(stored.key)
    with pytest.raises(NotFound):
        storage.size(stored.key)
    with pytest.raises(NotFound):
        storage.local_path(stored.key)


def test_over_size_stream_stops_reading_and_leaves_nothing(storage: LocalStorage) -> None:
    stream = ChunkCountingStream(b"x" * (10 * CHUNK_SIZE))
    with pytest.raises(TooLarge) as caught:
        storage.save(stream, max_bytes=2 * CHUNK_SIZE)
    assert caught.value.status == 413
    assert stream.bytes_read <= 3 * CHUNK_SIZE
    assert files_under(storage.root) == []


def test_exactly_max_bytes_is_accepted(storage: LocalStorage) -> None:
    stored = storage.save(io.BytesIO(b"x" * 1000), max_bytes=1000)
    assert stored.size == 1000


def test_empty_stream_is_refused_and_leaves_nothing(storage: LocalStorage) -> None:
    with pytest.raises(InvalidFile) as caught:
        storage.save(io.BytesIO(b""))
    assert caught.value.code == "invalid_file"
    assert str(caught.value.message) == "The file is empty."
    assert files_under(storage.root) == []


def test_failing_stream_leaves_nothing(storage: LocalStorage) -> None:
    class Broken(io.BytesIO):
        def read(self, size: int | None = -1) -> bytes:
            if self.tell() >= CHUNK_SIZE:
                raise ConnectionResetError("client went away")
            return super().read(size)

    with pytest.raises(ConnectionResetError):
        storage.save(Broken(b"y" * (3 * CHUNK_SIZE)))
    assert files_under(storage.root) == []


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
def test_crafted_keys_are_refused(storage: LocalStorage, key: str) -> None:
    for action in (storage.open, storage.delete, storage.exists, storage.local_path, storage.size):
        with pytest.raises(InvalidKey):
            action(key)


@pytest.mark.parametrize("suffix", ["jpg", ".JPG", "/../x", ".tar.gz", ".abcdefghi", "."])
def test_unsafe_suffixes_are_refused(storage: LocalStorage, suffix: str) -> None:
    with pytest.raises(ValueError):
        storage.save(io.BytesIO(b"data"), suffix=suffix)
    assert files_under(storage.root) == []
