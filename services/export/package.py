"""The XLSX package with every sheet's rows compressed as they are made.

XlsxWriter writes a workbook's ZIP at its close, one part after another: for a region that is
some 300 MB of sheet XML deflated on one core after the last row, about a fifth of the export.
Here each sheet's data rows are deflated as they are rendered (`SheetBody`, in the writer's
thread, or in a helper process: zlib lets go of the GIL), into a temporary file. XlsxWriter still
writes everything else, with each sheet's header row only (the skeleton); `assemble` then copies
the skeleton's parts and puts each body into its sheet between the header row and
`</sheetData>`, without compressing it again.

A deflate stream may be cut into pieces made by separate compressors if every piece but the last
ends at a byte boundary without the final-block bit (`Z_SYNC_FLUSH`), so a sheet is its head,
deflated then, the body as it was deflated, and its tail. The ZIP needs the CRC-32 of the whole
XML: the body's is kept as it is written and combined with the head's and the tail's
(`crc32_combine`, zlib's algorithm; Python's zlib does not expose it).

The container is written here too, as APPNOTE describes it (local headers with known sizes,
the central directory); no ZIP64, as no export nears 4 GB (Telegram takes 50 MB).
"""

from __future__ import annotations

import io
import shutil
import struct
import tempfile
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

# Deflate's level: a region's 413 MB of sheet XML take 4.6 s of CPU at zlib's default (6, what
# XlsxWriter's ZipFile uses) for 36.4 MB, 2.8 s at 5 for 37.9 MB, 1.3 s at 1 for 50.7 MB (over
# the 50 MB Telegram takes from a bot). 5 keeps the file small enough to send.
LEVEL = 5
SHEET_DATA_END = b"</sheetData>"
ZIP_LIMIT = 0xFFFFFFFF
# 1980-01-01 00:00, the DOS date and time XlsxWriter gives its parts in memory.
DOS_TIME, DOS_DATE = 0, (0 << 9) | (1 << 5) | 1
VERSION, DEFLATED, UTF8_NAMES = 20, 8, 0x800
CRC_POLYNOMIAL = 0xEDB88320


def _gf2_times(matrix: list[int], vector: int) -> int:
    total, row = 0, 0
    while vector:
        if vector & 1:
            total ^= matrix[row]
        vector >>= 1
        row += 1
    return total


def _gf2_square(matrix: list[int]) -> list[int]:
    return [_gf2_times(matrix, matrix[row]) for row in range(32)]


def crc32_combine(first: int, second: int, second_length: int) -> int:
    """The CRC-32 of A + B from the CRC-32 of A, that of B and the length of B."""
    if second_length <= 0:
        return first
    # The operator that appends one zero bit to a CRC, squared into one zero byte, then
    # squared again for each further bit of the length.
    operator = [CRC_POLYNOMIAL] + [1 << row for row in range(31)]
    for _ in range(3):
        operator = _gf2_square(operator)
    while second_length:
        if second_length & 1:
            first = _gf2_times(operator, first)
        second_length >>= 1
        if second_length:
            operator = _gf2_square(operator)
    return first ^ second


@dataclass
class Deflated:
    """A piece of a sheet's XML as it is stored: where its deflated bytes are, their length,
    and the length and CRC-32 of the XML they hold."""

    path: str
    rows: int = 0
    size: int = 0
    stored: int = 0
    crc: int = 0
    # The last zero-based row and the widest column that got a cell (-1: none).
    last_row: int = -1
    widest: int = -1


class SheetBody:
    """A sheet's data rows, deflated into a temporary file as they come."""

    def __init__(self, directory: str | None = None) -> None:
        self.file = tempfile.NamedTemporaryFile(  # closed by finish or discard
            prefix="sheet-", suffix=".deflate", dir=directory, delete=False)
        self.compressor = zlib.compressobj(LEVEL, zlib.DEFLATED, -zlib.MAX_WBITS)
        self.piece = Deflated(self.file.name)

    def add(self, xml: str, rows: int, last_row: int, widest: int) -> None:
        data = xml.encode()
        piece = self.piece
        piece.rows += rows
        piece.crc = zlib.crc32(data, piece.crc)
        piece.size += len(data)
        self.file.write(self.compressor.compress(data))
        if last_row >= 0:
            piece.last_row = max(piece.last_row, last_row)
            piece.widest = max(piece.widest, widest)

    def finish(self) -> Deflated:
        self.file.write(self.compressor.flush(zlib.Z_SYNC_FLUSH))
        self.piece.stored = self.file.tell()
        self.file.close()
        return self.piece

    def discard(self) -> None:
        self.file.close()
        discard(self.piece)


def discard(piece: Deflated) -> None:
    Path(piece.path).unlink(missing_ok=True)


class _Zip:
    """A ZIP written front to back: each part's sizes and CRC are known before its bytes."""

    def __init__(self, target: BinaryIO) -> None:
        self.target = target
        self.start = target.tell()
        self.directory: list[bytes] = []

    def part(self, name: str, crc: int, size: int, chunks: list[bytes | Deflated]) -> None:
        stored = sum(chunk.stored if isinstance(chunk, Deflated) else len(chunk)
                     for chunk in chunks)
        offset = self.target.tell() - self.start
        if max(size, stored, offset) > ZIP_LIMIT:
            raise ValueError("the export is over 4 GB, more than a ZIP without ZIP64 holds")
        encoded = name.encode()
        sizes = (VERSION, UTF8_NAMES, DEFLATED, DOS_TIME, DOS_DATE, crc, stored, size,
                 len(encoded))
        self.target.write(struct.pack("<IHHHHHIIIHH", 0x04034B50, *sizes, 0) + encoded)
        for chunk in chunks:
            if isinstance(chunk, Deflated):
                with open(chunk.path, "rb") as body:
                    shutil.copyfileobj(body, self.target, 1 << 20)
            else:
                self.target.write(chunk)
        self.directory.append(
            struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, VERSION, *sizes, 0, 0, 0, 0, 0,
                        offset) + encoded)

    def close(self) -> None:
        where = self.target.tell() - self.start
        entries = b"".join(self.directory)
        self.target.write(entries)
        self.target.write(struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(self.directory),
                                      len(self.directory), len(entries), where, 0))


def _deflated(data: bytes, mode: int) -> bytes:
    compressor = zlib.compressobj(LEVEL, zlib.DEFLATED, -zlib.MAX_WBITS)
    return compressor.compress(data) + compressor.flush(mode)


def assemble(skeleton: bytes, bodies: dict[str, Deflated], target: BinaryIO) -> None:
    """The skeleton's parts into `target`, each sheet named in `bodies` (by its part name,
    xl/worksheets/sheetN.xml) with that body before its `</sheetData>`."""
    package = _Zip(target)
    with zipfile.ZipFile(io.BytesIO(skeleton)) as source:
        for info in source.infolist():
            data = source.read(info)
            body = bodies.get(info.filename)
            if body is None:
                package.part(info.filename, zlib.crc32(data), len(data),
                             [_deflated(data, zlib.Z_FINISH)])
                continue
            cut = data.rindex(SHEET_DATA_END)
            head, tail = data[:cut], data[cut:]
            crc = crc32_combine(crc32_combine(zlib.crc32(head), body.crc, body.size),
                                zlib.crc32(tail), len(tail))
            package.part(info.filename, crc, len(head) + body.size + len(tail),
                         [_deflated(head, zlib.Z_SYNC_FLUSH), body,
                          _deflated(tail, zlib.Z_FINISH)])
    package.close()

