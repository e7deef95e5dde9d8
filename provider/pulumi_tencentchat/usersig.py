"""TLSSigAPIv2 UserSig generation (docs/tencent-api.md#signing) and a caching source for the
REST client.

Standard library only: this module is imported by every ``pulumi`` command.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import threading
import time
import zlib
from collections.abc import Callable

#: Default validity used by Tencent's server SDKs and console generator: 180 days.
DEFAULT_EXPIRE = 180 * 86400

_TO_URL = str.maketrans({"+": "*", "/": "-", "=": "_"})
_FROM_URL = str.maketrans({"*": "+", "-": "/", "_": "="})


def _string_to_sign(
    identifier: str, sdkappid: int, now: int, expire: int, userbuf_b64: str | None
) -> str:
    text = (
        f"TLS.identifier:{identifier}\n"
        f"TLS.sdkappid:{sdkappid}\n"
        f"TLS.time:{now}\n"
        f"TLS.expire:{expire}\n"
    )
    if userbuf_b64 is not None:
        text += f"TLS.userbuf:{userbuf_b64}\n"
    return text


def _signature(
    secret_key: str,
    identifier: str,
    sdkappid: int,
    now: int,
    expire: int,
    userbuf_b64: str | None,
) -> str:
    message = _string_to_sign(identifier, sdkappid, now, expire, userbuf_b64)
    digest = hmac.new(secret_key.encode("utf-8"), message.encode("utf-8"), hashlib.sha256)
    return base64.b64encode(digest.digest()).decode("ascii")


def generate_usersig(
    sdkappid: int,
    secret_key: str,
    identifier: str,
    expire: int = DEFAULT_EXPIRE,
    userbuf: bytes | None = None,
    now: int | None = None,
) -> str:
    """Return a TLSSigAPIv2 UserSig for ``identifier``, valid ``expire`` seconds from ``now``."""
    if not secret_key:
        raise ValueError("secret key must not be empty")
    issued = int(time.time()) if now is None else int(now)
    userbuf_b64 = None if userbuf is None else base64.b64encode(userbuf).decode("ascii")
    doc: dict[str, object] = {
        "TLS.ver": "2.0",
        "TLS.identifier": str(identifier),
        "TLS.sdkappid": int(sdkappid),
        "TLS.expire": int(expire),
        "TLS.time": issued,
    }
    if userbuf_b64 is not None:
        doc["TLS.userbuf"] = userbuf_b64
    doc["TLS.sig"] = _signature(
        secret_key, str(identifier), int(sdkappid), issued, int(expire), userbuf_b64
    )
    packed = zlib.compress(json.dumps(doc).encode("utf-8"))
    return base64.b64encode(packed).decode("ascii").translate(_TO_URL)


def decode_usersig(usersig: str) -> dict[str, object]:
    """Decode a UserSig into its JSON document (no signature check)."""
    try:
        raw = base64.b64decode(usersig.translate(_FROM_URL), validate=True)
        doc = json.loads(zlib.decompress(raw).decode("utf-8"))
    except (ValueError, zlib.error, UnicodeDecodeError) as exc:
        raise ValueError("not a TLSSigAPIv2 UserSig") from exc
    if not isinstance(doc, dict):
        raise ValueError("not a TLSSigAPIv2 UserSig")
    return doc


def verify_usersig(usersig: str, secret_key: str, now: int | None = None) -> dict[str, object]:
    """Decode ``usersig`` and check its HMAC and validity window; return the document.

    Raises ``ValueError`` when the signature does not match or the sig has expired.
    """
    doc = decode_usersig(usersig)
    try:
        identifier = str(doc["TLS.identifier"])
        sdkappid = int(doc["TLS.sdkappid"])  # type: ignore[call-overload]
        issued = int(doc["TLS.time"])  # type: ignore[call-overload]
        expire = int(doc["TLS.expire"])  # type: ignore[call-overload]
        sig = str(doc["TLS.sig"])
    except (KeyError, TypeError, ValueError) as exc:
        raise ValueError("UserSig lacks a required field") from exc
    userbuf = doc.get("TLS.userbuf")
    expected = _signature(
        secret_key, identifier, sdkappid, issued, expire, None if userbuf is None else str(userbuf)
    )
    if not hmac.compare_digest(expected, sig):
        raise ValueError("UserSig signature does not match the secret key")
    current = int(time.time()) if now is None else int(now)
    if issued + expire < current:
        raise ValueError("UserSig has expired")
    return doc


class UserSigSource:
    """Supplies the UserSig for REST calls.

    Either signs its own (given the secret key), caching the sig and regenerating it once
    ``refresh_fraction`` of its validity has passed, or returns a fixed user-supplied sig.
    Thread-safe.
    """

    def __init__(
        self,
        sdkappid: int,
        identifier: str,
        *,
        secret_key: str | None = None,
        usersig: str | None = None,
        expire: int = DEFAULT_EXPIRE,
        refresh_fraction: float = 0.5,
        clock: Callable[[], float] = time.time,
    ) -> None:
        if (secret_key is None) == (usersig is None):
            raise ValueError("exactly one of secret_key or usersig is required")
        if secret_key is not None and not secret_key:
            raise ValueError("secret_key must not be empty")
        if usersig is not None and not usersig:
            raise ValueError("usersig must not be empty")
        self._sdkappid = int(sdkappid)
        self._identifier = identifier
        self.__secret_key = secret_key
        self._fixed = usersig
        self._expire = int(expire)
        self._refresh_after = max(1, int(self._expire * refresh_fraction))
        self._clock = clock
        self._lock = threading.Lock()
        self._cached: str | None = None
        self._issued_at = 0

    @property
    def self_signing(self) -> bool:
        """True when the source signs its own sigs from the secret key."""
        return self.__secret_key is not None

    def secrets(self) -> tuple[str, ...]:
        """Every secret value this source knows (for redaction of messages)."""
        values = [v for v in (self.__secret_key, self._fixed, self._cached) if v]
        return tuple(values)

    def get(self) -> str:
        """Return a valid UserSig, generating a fresh one when the cached one ages."""
        if self._fixed is not None:
            return self._fixed
        with self._lock:
            now = int(self._clock())
            if self._cached is None or now - self._issued_at >= self._refresh_after or (
                now < self._issued_at
            ):
                assert self.__secret_key is not None
                self._cached = generate_usersig(
                    self._sdkappid, self.__secret_key, self._identifier, self._expire, now=now
                )
                self._issued_at = now
            return self._cached

    def __repr__(self) -> str:
        kind = "self-signing" if self.self_signing else "fixed"
        return f"UserSigSource(sdkappid={self._sdkappid}, identifier={self._identifier!r}, {kind})"
