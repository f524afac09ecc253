"""The backup file format: what was sealed opens, and any change to the file is refused."""

from __future__ import annotations

import dataclasses
import io
import os
import tracemalloc

import pytest

from conftest import NOW
from privet.backup.errors import BackupUnreadable
from privet.backup.keys import BackupKey, backup_key
from privet.backup.sealing import TAG_BYTES, new_header, seal, unseal

KEY, OTHER = backup_key(os.urandom(32)), backup_key(os.urandom(32))
CHUNK = 64  # small chunks: files of several chunks stay tiny
DATA = os.urandom(CHUNK * 3)


def sealed(data: bytes, key: BackupKey = KEY) -> bytes:
    header = dataclasses.replace(new_header(key, "sqlite", "0012", NOW), chunk_bytes=CHUNK)
    out = io.BytesIO()
    seal(io.BytesIO(data), out, key, header)
    return out.getvalue()


def opened(blob: bytes, *keys: BackupKey) -> bytes:
    out = io.BytesIO()
    unseal(io.BytesIO(blob), out, list(keys) or [KEY])
    return out.getvalue()


def chunk_start(blob: bytes, number: int) -> int:
    """Where chunk `number` starts: the chunks fill the end of the file."""
    return len(blob) - (3 - number) * (CHUNK + TAG_BYTES)


@pytest.mark.parametrize("size", [0, 1, CHUNK - 1, CHUNK, CHUNK + 1, CHUNK * 3, 1000])
def test_it_opens_what_it_sealed_whatever_the_size(size: int) -> None:
    data = os.urandom(size)
    assert opened(sealed(data)) == data


def test_every_byte_of_the_file_is_authenticated() -> None:
    blob = sealed(DATA)
    for position in range(len(blob)):
        changed = bytearray(blob)
        changed[position] ^= 0x01
        with pytest.raises(BackupUnreadable):
            opened(bytes(changed))


def test_a_changed_byte_is_named_by_its_chunk_and_nothing_after_it_is_written() -> None:
    blob = bytearray(sealed(DATA))
    blob[chunk_start(blob, 2) + 5] ^= 0xFF
    out = io.BytesIO()
    with pytest.raises(BackupUnreadable, match="chunk 2 of the backup failed authentication"):
        unseal(io.BytesIO(bytes(blob)), out, [KEY])
    assert out.getvalue() == DATA[: 2 * CHUNK]  # only what authenticated


def test_a_file_cut_at_a_chunk_boundary_is_called_cut_short() -> None:
    blob = sealed(DATA)
    with pytest.raises(BackupUnreadable, match="cut short: it ends after chunk 1"):
        opened(blob[: chunk_start(blob, 2)])


def test_a_file_cut_inside_a_chunk_or_its_header_is_refused() -> None:
    blob = sealed(DATA)
    with pytest.raises(BackupUnreadable, match=r"chunk 2 .* cut short"):
        opened(blob[:-7])
    with pytest.raises(BackupUnreadable, match="header is damaged or cut short"):
        opened(blob[:30])


def test_bytes_added_after_the_end_are_refused() -> None:
    with pytest.raises(BackupUnreadable, match="added after the end"):
        opened(sealed(DATA) + b"more")


def test_swapped_chunks_are_refused() -> None:
    blob = sealed(DATA)
    first, second = chunk_start(blob, 0), chunk_start(blob, 1)
    swapped = blob[:first] + blob[second : chunk_start(blob, 2)] + blob[first:second]
    with pytest.raises(BackupUnreadable, match="chunk 0"):
        opened(swapped + blob[chunk_start(blob, 2) :])


def test_another_key_is_refused_naming_both_keys() -> None:
    with pytest.raises(BackupUnreadable, match=rf"sealed with key {OTHER.id}.* is {KEY.id}"):
        opened(sealed(DATA, OTHER))


def test_an_older_key_kept_in_the_ring_still_opens_an_older_backup() -> None:
    assert opened(sealed(DATA, OTHER), KEY, OTHER) == DATA


def test_a_file_that_is_no_backup_says_so() -> None:
    with pytest.raises(BackupUnreadable, match="not a privet backup"):
        opened(b"SQLite format 3\x00" + DATA)


def test_no_two_files_share_a_key_stream() -> None:
    one, two = sealed(DATA), sealed(DATA)
    assert one[-len(DATA) :] != two[-len(DATA) :]


class Endless(io.RawIOBase):
    """`size` bytes made as they are read: a database far larger than what may be held."""

    def __init__(self, size: int) -> None:
        self.left = size

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:
        count = min(len(buffer), self.left, 1 << 16)
        buffer[:count] = b"x" * count
        self.left -= count
        return count


class Sink(io.RawIOBase):
    def __init__(self) -> None:
        self.written = 0

    def writable(self) -> bool:
        return True

    def write(self, data: bytes) -> int:
        self.written += len(data)
        return len(data)


def test_a_large_database_is_sealed_in_bounded_memory() -> None:
    size = 48 << 20
    tracemalloc.start()
    sink = Sink()
    seal(Endless(size), sink, KEY, new_header(KEY, "sqlite", None, NOW))
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert sink.written > size
    assert peak < 8 << 20  # a few 1 MiB chunks, not the 48 MiB
