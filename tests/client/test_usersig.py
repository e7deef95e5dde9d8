"""UserSig generation cross-checked against Tencent's reference TLSSigAPIv2 package."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import threading
import types
import zlib

import pytest
import TLSSigAPIv2
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pulumi_tencentchat.usersig import (
    DEFAULT_EXPIRE,
    UserSigSource,
    decode_usersig,
    generate_usersig,
    verify_usersig,
)

KEY = "5bd2850fff3ecb11d7c805251c51ee463a25727bddc2385f3fa8bfee1bb93b5e"
NOW = 1_700_000_000


def _reference(monkeypatch: pytest.MonkeyPatch, sdkappid: int, key: str, now: int):
    # The reference module reads time.time(); give it our fixed clock.
    monkeypatch.setattr(TLSSigAPIv2, "time", types.SimpleNamespace(time=lambda: now))
    return TLSSigAPIv2.TLSSigAPIv2(sdkappid, key)


def _raw_decode(sig: str) -> dict:
    text = sig.replace("*", "+").replace("-", "/").replace("_", "=")
    return json.loads(zlib.decompress(base64.b64decode(text)))


def test_byte_for_byte_equal_to_reference(monkeypatch: pytest.MonkeyPatch) -> None:
    ref = _reference(monkeypatch, 1400000000, KEY, NOW)
    assert generate_usersig(1400000000, KEY, "administrator", now=NOW) == ref.gen_sig(
        "administrator"
    )
    assert generate_usersig(1400000000, KEY, "xiaojun", expire=86400, now=NOW) == ref.gen_sig(
        "xiaojun", 86400
    )


def test_userbuf_equal_to_reference(monkeypatch: pytest.MonkeyPatch) -> None:
    ref = _reference(monkeypatch, 1400000000, KEY, NOW)
    ours = generate_usersig(1400000000, KEY, "xiaojun", 3600, userbuf=b"abc", now=NOW)
    assert ours == ref.gen_sig_with_userbuf("xiaojun", 3600, b"abc")
    assert _raw_decode(ours)["TLS.userbuf"] == base64.b64encode(b"abc").decode()


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    sdkappid=st.integers(min_value=1, max_value=2**32 - 1),
    identifier=st.text(
        alphabet=st.characters(min_codepoint=0x21, max_codepoint=0x7E), min_size=1, max_size=32
    ),
    expire=st.integers(min_value=1, max_value=10 * 365 * 86400),
    now=st.integers(min_value=1_000_000_000, max_value=2_000_000_000),
    userbuf=st.one_of(st.none(), st.binary(max_size=40)),
)
def test_property_matches_reference(
    sdkappid: int, identifier: str, expire: int, now: int, userbuf: bytes | None
) -> None:
    original = TLSSigAPIv2.time
    TLSSigAPIv2.time = types.SimpleNamespace(time=lambda: now)  # type: ignore[assignment]
    try:
        ref = TLSSigAPIv2.TLSSigAPIv2(sdkappid, KEY)
        expected = (
            ref.gen_sig(identifier, expire)
            if userbuf is None
            else ref.gen_sig_with_userbuf(identifier, expire, userbuf)
        )
    finally:
        TLSSigAPIv2.time = original  # type: ignore[assignment]
    ours = generate_usersig(sdkappid, KEY, identifier, expire, userbuf=userbuf, now=now)
    assert ours == expected


def test_decoded_fields_and_hmac() -> None:
    sig = generate_usersig(1400000000, KEY, "administrator", now=NOW)
    doc = decode_usersig(sig)
    assert doc["TLS.ver"] == "2.0"
    assert doc["TLS.identifier"] == "administrator"
    assert doc["TLS.sdkappid"] == 1400000000
    assert doc["TLS.time"] == NOW
    assert doc["TLS.expire"] == DEFAULT_EXPIRE == 15_552_000
    signed = (
        f"TLS.identifier:administrator\nTLS.sdkappid:1400000000\n"
        f"TLS.time:{NOW}\nTLS.expire:{DEFAULT_EXPIRE}\n"
    )
    mac = hmac.new(KEY.encode(), signed.encode(), hashlib.sha256).digest()
    assert doc["TLS.sig"] == base64.b64encode(mac).decode()
    # URL-safe alphabet only
    assert not set(sig) & set("+/=")


def test_verify_accepts_own_and_rejects_wrong_key_and_expiry() -> None:
    sig = generate_usersig(1400000000, KEY, "administrator", expire=100, now=NOW)
    assert verify_usersig(sig, KEY, now=NOW + 50)["TLS.identifier"] == "administrator"
    with pytest.raises(ValueError, match="signature"):
        verify_usersig(sig, "another-key", now=NOW)
    with pytest.raises(ValueError, match="expired"):
        verify_usersig(sig, KEY, now=NOW + 101)
    with pytest.raises(ValueError):
        decode_usersig("not*a*sig")


def test_source_caches_and_regenerates_before_expiry() -> None:
    clock = [float(NOW)]
    source = UserSigSource(
        1400000000, "administrator", secret_key=KEY, expire=1000, clock=lambda: clock[0]
    )
    first = source.get()
    clock[0] += 400
    assert source.get() == first  # cached while young
    clock[0] += 150  # 550 s old: past half its validity, long before expiry
    second = source.get()
    assert second != first
    assert decode_usersig(second)["TLS.time"] == NOW + 550
    verify_usersig(second, KEY, now=NOW + 550)


def test_source_is_thread_safe() -> None:
    source = UserSigSource(1400000000, "administrator", secret_key=KEY)
    results: list[str] = []

    def worker() -> None:
        for _ in range(50):
            results.append(source.get())

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(results) == 400
    assert len(set(results)) == 1  # generated once, then served from the cache


def test_source_fixed_sig_and_arguments() -> None:
    fixed = UserSigSource(1, "admin", usersig="user-supplied-sig")
    assert fixed.get() == "user-supplied-sig"
    assert not fixed.self_signing
    with pytest.raises(ValueError):
        UserSigSource(1, "admin")
    with pytest.raises(ValueError):
        UserSigSource(1, "admin", secret_key=KEY, usersig="x")
    assert KEY not in repr(UserSigSource(1, "admin", secret_key=KEY))
