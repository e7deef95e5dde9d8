"""Reading an answer's body: streamed within the attempt's deadline and a size cap, inflated
as it arrives, never buffered past the cap; and the ``Retry-After`` header."""

from __future__ import annotations

import re
import time
import zlib
from typing import Any, NamedTuple

from ._watchdog import Guard

#: Cap on an answer's body, after decompression. Tencent refuses to send more than 1 MB
#: (error 10018 "response packet over the maximum size (1 MB)"), so a real answer is far
#: below it; 4 MiB leaves room for JSON escaping (a 3-byte character can become a 6-byte
#: \uXXXX escape) and still bounds the memory one call can take.
MAX_ANSWER_BYTES = 4 * 1024 * 1024
_READ_CHUNK = 64 * 1024
_INFLATE_STEP = 256 * 1024
_ENCODINGS = frozenset({"identity", "gzip", "x-gzip", "deflate"})
#: The kind of a :class:`BodyProblem` whose cause is the attempt's deadline running out.
DEADLINE = "deadline"


class BodyProblem(NamedTuple):
    """Why a 200 answer's body is unusable.

    ``kind`` is ``decode`` or ``too_large`` (the body itself), ``timeout`` or ``connection``
    (the stream broke), or :data:`DEADLINE`.
    """

    kind: str
    detail: str


class TooLarge(Exception):
    """The body passed the cap."""


class BoundedBody:
    """Collects an answer body, inflating gzip/deflate as it arrives, up to ``cap`` bytes."""

    def __init__(self, encoding: str, cap: int) -> None:
        self.cap = cap
        self.size = 0
        self.encoded = encoding != "identity"
        self._parts: list[bytes] = []
        # wbits 47: zlib or gzip header, detected (servers label zlib streams either way).
        self._inflater = zlib.decompressobj(47) if self.encoded else None

    def feed(self, data: bytes) -> None:
        """Add raw bytes; raises ``TooLarge`` past the cap, ``zlib.error`` if corrupt."""
        inflater = self._inflater
        if inflater is None:
            self._keep(data)
            return
        while data:
            # Small steps: memory stays near the cap whatever one chunk inflates to, and a
            # bomb stops at cap + 1 bytes.
            step = min(self.cap + 1 - self.size, _INFLATE_STEP)
            self._keep(inflater.decompress(data, step))
            data = inflater.unconsumed_tail
            if inflater.eof and inflater.unused_data:  # another gzip member follows
                data = inflater.unused_data
                inflater = self._inflater = zlib.decompressobj(47)

    def _keep(self, out: bytes) -> None:
        self.size += len(out)
        if self.size > self.cap:
            raise TooLarge
        if out:
            self._parts.append(out)

    def finish(self) -> bytes:
        """The whole body; raises ``zlib.error`` when a compressed body stopped early."""
        if self._inflater is not None and not self._inflater.eof:
            raise zlib.error("compressed body is truncated")
        return b"".join(self._parts)


def read_body(response: Any, guard: Guard, read_timeout: float) -> tuple[bytes, BodyProblem | None]:
    """Stream the body of ``response`` (a streamed ``requests`` response) within the deadline
    of ``guard`` and the size cap.

    The deadline is checked between reads and each read's socket timeout is clipped to
    the time left (the watchdog covers reads that loop inside http.client). Over the cap,
    compressed or not, the answer is refused without buffering the rest.
    """
    encoding = (response.headers.get("Content-Encoding") or "identity").strip().lower()
    if encoding not in _ENCODINGS:
        return b"", BodyProblem("decode", "unsupported content encoding")
    declared = (response.headers.get("Content-Length") or "").strip()
    if declared.isdigit() and int(declared) > MAX_ANSWER_BYTES:
        return b"", BodyProblem(
            "too_large", f"{int(declared)} bytes announced, the cap is {MAX_ANSWER_BYTES}"
        )
    body = BoundedBody(encoding, MAX_ANSWER_BYTES)
    raw = response.raw
    read1 = getattr(raw, "read1", None)  # urllib3 >= 2.3: at most one socket read
    problem: BodyProblem | None = None
    cause: BaseException | None = None
    ended = False
    while True:
        left = guard.deadline - time.monotonic()
        if left <= 0:
            break
        guard.clip(min(read_timeout, left))
        try:
            if read1 is not None:
                data = read1(_READ_CHUNK, decode_content=False)
            else:
                data = raw.read(_READ_CHUNK, decode_content=False)
            if not data:
                ended = True
                break
            body.feed(data)
        except TooLarge:
            after = " after decompression" if body.encoded else ""
            problem = BodyProblem("too_large", f"over {MAX_ANSWER_BYTES} bytes{after}")
            break
        except zlib.error:
            problem = BodyProblem("decode", "compressed body is corrupt")
            break
        except Exception as exc:  # urllib3, http.client, ssl and socket errors
            cause = exc
            break
    if problem is not None:
        return b"", problem
    # The watchdog's cut can look like a clean end of a close-delimited body.
    if guard.cut or not (ended or cause is not None) or (
        cause is not None and guard.deadline - time.monotonic() <= 0
    ):
        return b"", BodyProblem(DEADLINE, "while the answer was arriving")
    if cause is not None:
        if isinstance(cause, TimeoutError) or "Timeout" in type(cause).__name__:
            return b"", BodyProblem("timeout", "read timeout")
        return b"", BodyProblem("connection", "connection broken while reading the answer")
    try:
        return body.finish(), None
    except zlib.error:
        pass
    return b"", BodyProblem("decode", "compressed body is truncated")


def retry_after(value: str | None) -> float | None:
    """Seconds from a ``Retry-After`` header (delay-seconds or HTTP-date); None if unusable."""
    if not value:
        return None
    value = value.strip()
    if re.fullmatch(r"\d{1,9}(\.\d{1,6})?", value):
        return float(value)
    from datetime import timezone
    from email.utils import parsedate_to_datetime

    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if when is None:  # pragma: no cover - older Pythons return None for garbage
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return max(0.0, when.timestamp() - time.time())
