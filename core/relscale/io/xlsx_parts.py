"""The XML parts of a small .xlsx, read for the checks calamine does not make.

:class:`relscale.io.cells.ValueBook` scans each sheet's XML for what calamine reads
silently (an undefined entity, a formula). :func:`open_lean` reads the parts it needs
from the file's bytes with one pass over the zip directory, which costs a fraction of
:mod:`zipfile`'s per-member objects when many small forms are read. It handles the zip
files spreadsheet programs write (one disk, no zip64, stored or deflated parts, nothing
before the archive); for anything else, and for any inconsistency, it returns None and
the caller uses :mod:`zipfile`, so an odd file gets exactly the general reader's answer.

Each part is checked as :mod:`zipfile` checks it: the local header names the same part,
no encryption, the part unpacks to exactly its declared size (never more: the unpacked
size limit of :func:`relscale.io.cells.check_zip` holds), and its CRC-32 matches.

Why a hand-written reader beside :mod:`zipfile` (issue 26, item 4, measured after the
second hardening pass; ``benchmarks/RESULTS-fuzz.md``, "The zip readers"): on hostile
zips it never gives bytes zipfile would refuse (it hands those over), it stops a part
that lies about its size at the declared size (0.04 ms where zipfile inflates until the
CRC fails, 93 ms for 20 MB), and it reads an ordinary form's parts in 0.07 ms against
zipfile's 0.11 ms (20,000 members: 437 against 675 ms), which counts when a round's
thousands of returned forms are read. ``tests/test_read_fastpaths.py`` holds it to
zipfile's bytes.
"""

from __future__ import annotations

import struct
import zlib
from pathlib import Path

LEAN_MAX_BYTES = 8 << 20
"""Files up to this size are read whole; larger ones go to :mod:`zipfile`."""

_END = struct.Struct("<4sHHHHIIH")  # end of central directory, 22 bytes
_CENTRAL = struct.Struct("<4sHHHHHHIIIHHHHHII")  # central directory header, 46 bytes
_LOCAL = struct.Struct("<4sHHHHHIIIHH")  # local file header, 30 bytes


class LeanZip:
    """A small zip file's directory and bytes (:func:`open_lean`)."""

    def __init__(self, data: bytes, members: dict[bytes, tuple[int, int, int, int, int]]
                 ) -> None:
        self._data = data
        self._members = members

    def names(self) -> list[str]:
        """Every part's name (all ASCII: :func:`_directory`)."""
        return [name.decode("ascii") for name in self._members]

    def size(self, name: str) -> int:
        """Part ``name``'s size as the directory declares it. :raises KeyError."""
        return self._members[name.encode("ascii")][3]

    def packed(self, name: str) -> Packed | None:
        """Part ``name`` as stored, for :func:`unpack`; None when this reader leaves the
        part to :mod:`zipfile` (a local header that does not add up).

        :raises KeyError: the zip holds no such part.
        """
        if not name.isascii():
            return None  # names as stored are looked up in ASCII only
        return _packed(self._data, name.encode("ascii"), *self._members[name.encode("ascii")])

    def read(self, name: str) -> bytes | None:
        """The bytes of part ``name``, checked, or None when this reader leaves the part
        to :mod:`zipfile` (anything that does not add up).

        :raises KeyError: the zip holds no such part.
        """
        packed = self.packed(name)
        return None if packed is None else unpack(*packed)


Packed = tuple[bytes, int, int, int]
"""A part as stored: (its compressed bytes, method, CRC-32, size). Equal tuples unpack
to equal bytes, so callers may keep what they found in a part by this key."""


def open_lean(path: Path) -> LeanZip | None:
    """The zip file at ``path``, or None when this reader does not handle it (see the
    module docstring)."""
    try:
        with open(path, "rb") as fh:
            data = fh.read(LEAN_MAX_BYTES + 1)
    except OSError:
        return None
    if len(data) > LEAN_MAX_BYTES:
        return None
    members = _directory(data)
    return None if members is None else LeanZip(data, members)


def _directory(data: bytes) -> dict[bytes, tuple[int, int, int, int, int]] | None:
    """ASCII name as stored -> (method, crc, compressed size, size, header offset): the
    zip directory as :mod:`zipfile` reads it (a later entry of the same name wins); the
    ASCII names are the same in both encodings a zip may use, so a zip with any other
    name is left to zipfile (None), and :meth:`LeanZip.names` lists every part."""
    end = data.rfind(b"PK\x05\x06", max(0, len(data) - _END.size - 0xFFFF))
    if end < 0 or end + _END.size > len(data):
        return None
    (_sig, disk, cd_disk, n_disk, n, cd_size, cd_offset, comment_len) = _END.unpack_from(
        data, end)
    if (disk or cd_disk or n_disk != n or n == 0xFFFF or cd_offset + cd_size != end
            or end + _END.size + comment_len != len(data)):
        return None  # several disks, zip64, data before the archive, a trailer
    members: dict[bytes, tuple[int, int, int, int, int]] = {}
    pos = cd_offset
    for _ in range(n):
        if pos + _CENTRAL.size > end:
            return None
        (sig, _made, _needed, flags, method, _time, _date, crc, csize, size, name_len,
         extra_len, comment_len, _disk, _iattr, _eattr, offset) = _CENTRAL.unpack_from(
            data, pos)
        if sig != b"PK\x01\x02" or flags & 0x1 or method not in (0, 8):
            return None  # encrypted, or a method only zipfile knows (or refuses)
        name = data[pos + _CENTRAL.size : pos + _CENTRAL.size + name_len]
        if not name.isascii():
            return None  # a name zipfile may decode otherwise: its answer, for every part
        members[name] = (method, crc, csize, size, offset)
        pos += _CENTRAL.size + name_len + extra_len + comment_len
    if pos != end:
        return None
    return members


def _packed(data: bytes, name: bytes, method: int, crc: int, csize: int, size: int,
            offset: int) -> Packed | None:
    """One part as stored, its local header checked; None when it does not add up."""
    if offset + _LOCAL.size > len(data):
        return None
    (sig, _needed, flags, _method, _time, _date, _crc, _csize, _size, name_len,
     extra_len) = _LOCAL.unpack_from(data, offset)
    start = offset + _LOCAL.size + name_len + extra_len
    if (sig != b"PK\x03\x04" or flags & 0x1 or start + csize > len(data)
            or data[offset + _LOCAL.size : offset + _LOCAL.size + name_len] != name):
        return None
    return data[start : start + csize], method, crc, size


def unpack(packed: bytes, method: int, crc: int, size: int) -> bytes | None:
    """A part's bytes (:meth:`LeanZip.packed`), checked: exactly ``size`` bytes (never
    more are unpacked) with CRC-32 ``crc``; None when they are not."""
    if method == 0:
        content = packed
    else:
        inflate = zlib.decompressobj(-15)
        try:
            content = inflate.decompress(packed, size + 1)  # never more than declared
        except zlib.error:
            return None
    if len(content) != size or zlib.crc32(content) != crc:
        return None
    return content
