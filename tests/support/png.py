"""A minimal PNG reader (stdlib zlib and struct) for checking browser screenshots.

Reads what browsers write: 8-bit greyscale, RGB or RGBA, not interlaced. Returns rows of
pixel tuples; anything else raises ``ValueError``.
"""

from __future__ import annotations

import struct
import zlib
from collections import Counter
from dataclasses import dataclass

SIGNATURE = b"\x89PNG\r\n\x1a\n"
CHANNELS = {0: 1, 2: 3, 4: 2, 6: 4}  # colour type -> samples per pixel


@dataclass(frozen=True)
class Image:
    width: int
    height: int
    rows: list[list[tuple[int, ...]]]

    def background(self) -> tuple[int, ...]:
        """The most common pixel value."""
        return Counter(p for row in self.rows for p in row).most_common(1)[0][0]

    def differing(self, colour: tuple[int, ...], tolerance: int = 8) -> list[tuple[int, int]]:
        """(x, y) of every pixel farther than ``tolerance`` from ``colour`` in any channel."""
        return [(x, y) for y, row in enumerate(self.rows) for x, p in enumerate(row)
                if max(abs(a - b) for a, b in zip(p, colour, strict=True)) > tolerance]


def read_png(data: bytes) -> Image:
    if not data.startswith(SIGNATURE):
        raise ValueError("not a PNG")
    pos, idat, header = len(SIGNATURE), [], None
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        pos += 12 + length
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat.append(body)
        elif kind == b"IEND":
            break
    if header is None:
        raise ValueError("no IHDR chunk")
    width, height, depth, colour, _, _, interlace = header
    if depth != 8 or colour not in CHANNELS or interlace:
        raise ValueError(f"unsupported PNG: depth {depth}, colour type {colour}, "
                         f"interlace {interlace}")
    step = CHANNELS[colour]
    raw = zlib.decompress(b"".join(idat))
    stride = width * step
    rows: list[list[tuple[int, ...]]] = []
    previous = bytearray(stride)
    for y in range(height):
        start = y * (stride + 1)
        kind, line = raw[start], bytearray(raw[start + 1:start + 1 + stride])
        _unfilter(kind, line, previous, step)
        rows.append([tuple(line[x:x + step]) for x in range(0, stride, step)])
        previous = line
    return Image(width, height, rows)


def _unfilter(kind: int, line: bytearray, prior: bytearray, step: int) -> None:
    for i in range(len(line)):
        left = line[i - step] if i >= step else 0
        up = prior[i]
        corner = prior[i - step] if i >= step else 0
        if kind == 0:
            return
        if kind == 1:
            add = left
        elif kind == 2:
            add = up
        elif kind == 3:
            add = (left + up) // 2
        elif kind == 4:
            p = left + up - corner
            pa, pb, pc = abs(p - left), abs(p - up), abs(p - corner)
            add = left if pa <= pb and pa <= pc else up if pb <= pc else corner
        else:
            raise ValueError(f"unknown PNG filter {kind}")
        line[i] = (line[i] + add) & 0xFF
