"""TLSSigAPIv2 UserSig generation and verification, written from docs/tencent-api.md#3-usersig."""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import time
import zlib
from dataclasses import dataclass

from .errors import (
    SIG_EXPIRED,
    SIG_IDENTIFIER_MISMATCH,
    SIG_MALFORMED,
    SIG_MISMATCH,
    SIG_SDKAPPID_MISMATCH,
    ChatError,
)

DEFAULT_EXPIRE = 180 * 86400
_TO_STD = str.maketrans({"*": "+", "-": "/", "_": "="})
_TO_URL = str.maketrans({"+": "*", "/": "-", "=": "_"})
_CACHE_MAX = 4096


def _sign(key: str, identifier: str, sdkappid: int, now: int, expire: int,
          userbuf_b64: str | None) -> str:
    text = (f"TLS.identifier:{identifier}\nTLS.sdkappid:{sdkappid}\n"
            f"TLS.time:{now}\nTLS.expire:{expire}\n")
    if userbuf_b64 is not None:
        text += f"TLS.userbuf:{userbuf_b64}\n"
    mac = hmac.new(key.encode(), text.encode(), hashlib.sha256).digest()
    return base64.b64encode(mac).decode()


def generate_usersig(sdkappid: int, key: str, identifier: str, expire: int = DEFAULT_EXPIRE,
                     *, now: int | None = None, userbuf: bytes | None = None) -> str:
    """Build a UserSig for `identifier` (used by the emulator's own tests)."""
    now = int(time.time()) if now is None else now
    ub = base64.b64encode(userbuf).decode() if userbuf is not None else None
    doc: dict[str, object] = {
        "TLS.ver": "2.0", "TLS.identifier": identifier, "TLS.sdkappid": sdkappid,
        "TLS.expire": expire, "TLS.time": now,
    }
    if ub is not None:
        doc["TLS.userbuf"] = ub
    doc["TLS.sig"] = _sign(key, identifier, sdkappid, now, expire, ub)
    packed = zlib.compress(json.dumps(doc, separators=(",", ":")).encode())
    return base64.b64encode(packed).decode().translate(_TO_URL)


@dataclass(frozen=True)
class _Verified:
    identifier: str
    sdkappid: int
    expires_at: int
    time: int
    expire: int
    given: str
    userbuf: str | None


class UserSigVerifier:
    """Verifies UserSigs against one app's secret key; caches successes by sig string."""

    def __init__(self, key: str) -> None:
        self._key = key
        self._cache: dict[str, _Verified] = {}

    def verify(self, sig: str, sdkappid: int, identifier: str, now: float | None = None) -> None:
        """Raise ChatError (70001/70003/70009/70013/70014) unless `sig` is valid.

        Order: undecodable, sdkappid mismatch, identifier mismatch, HMAC, expiry.
        """
        now_s = time.time() if now is None else now
        hit = self._cache.get(sig)
        if hit is None:
            hit = self._decode(sig)
            self._check_claims(hit, sdkappid, identifier)
            self._check_hmac(sig, hit)
            if len(self._cache) >= _CACHE_MAX:
                self._cache.clear()
            self._cache[sig] = hit
        else:
            self._check_claims(hit, sdkappid, identifier)
        if hit.expires_at < now_s:
            raise ChatError(SIG_EXPIRED, "UserSig expired")

    @staticmethod
    def _check_claims(v: _Verified, sdkappid: int, identifier: str) -> None:
        if v.sdkappid != sdkappid:
            raise ChatError(SIG_SDKAPPID_MISMATCH, "sdkappid in UserSig does not match request")
        if v.identifier != identifier:
            raise ChatError(SIG_IDENTIFIER_MISMATCH,
                            "identifier in UserSig does not match request")

    def _check_hmac(self, sig: str, v: _Verified) -> None:
        expected = _sign(self._key, v.identifier, v.sdkappid, v.time, v.expire, v.userbuf)
        if not hmac.compare_digest(expected, v.given):
            raise ChatError(SIG_MISMATCH, "UserSig verification failed")

    @staticmethod
    def _decode(sig: str) -> _Verified:
        try:
            raw = base64.b64decode(sig.translate(_TO_STD), validate=True)
            doc = json.loads(zlib.decompress(raw))
            identifier = doc["TLS.identifier"]
            sdkappid = doc["TLS.sdkappid"]
            t = doc["TLS.time"]
            expire = doc["TLS.expire"]
            given = doc["TLS.sig"]
            userbuf = doc.get("TLS.userbuf")
        except (binascii.Error, ValueError, zlib.error, KeyError, TypeError, RecursionError):
            raise ChatError(SIG_MALFORMED, "UserSig parse failure") from None
        if not (isinstance(identifier, str) and isinstance(given, str)
                and all(isinstance(v, int) and not isinstance(v, bool)
                        for v in (sdkappid, t, expire))
                and (userbuf is None or isinstance(userbuf, str))):
            raise ChatError(SIG_MALFORMED, "UserSig parse failure")
        return _Verified(identifier, sdkappid, t + expire, t, expire, given, userbuf)
