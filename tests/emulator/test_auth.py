"""Query-string checks, UserSig verification, body parsing and command routing."""

from __future__ import annotations

import base64
import json
import time
import zlib

import pytest
import requests
from tencentchat_emulator.errors import ChatError
from tencentchat_emulator.usersig import UserSigVerifier, generate_usersig

from tests.emulator.client import Raw
from tests.support.emulator import DEV_SECRET_KEY, EmulatorProcess

KEY = DEV_SECRET_KEY
APP = 1400000000


def _pack(doc: object) -> str:
    raw = base64.b64encode(zlib.compress(json.dumps(doc).encode())).decode()
    return raw.replace("+", "*").replace("/", "-").replace("=", "_")


def test_valid_request_passes(api: Raw) -> None:
    out = api.ok("create_group", {"Type": "Community", "Name": "n"})
    assert out["ErrorInfo"] == ""
    assert out["GroupId"].startswith("@TGS#_@TGS#")


@pytest.mark.parametrize(("over", "code"), [
    ({"sdkappid": None}, 60012),
    ({"sdkappid": ""}, 60012),
    ({"sdkappid": 1400000001}, 60006),
    ({"sdkappid": "abc"}, 60006),
    ({"identifier": "mallory"}, 60010),
    ({"identifier": None}, 60010),
    ({"usersig": None}, 70003),
    ({"usersig": "not-a-sig!!"}, 70003),
    ({"usersig": _pack({"TLS.ver": "2.0"})}, 70003),  # decodes, but lacks the fields
    ({"usersig": _pack([1, 2])}, 70003),
    ({"contenttype": "xml"}, 60002),
    ({"contenttype": None}, 60002),
    ({"random": "-1"}, 60002),
    ({"random": str(2**32)}, 60002),
])
def test_query_checks(api: Raw, over: dict, code: int) -> None:
    api.fail("create_group", {"Type": "Community", "Name": "n"}, code, **over)


def test_random_boundaries_and_optional(api: Raw) -> None:
    api.ok("create_group", {"Type": "Community", "Name": "n"}, random=str(2**32 - 1))
    api.ok("create_group", {"Type": "Community", "Name": "n"}, random="0")
    api.ok("create_group", {"Type": "Community", "Name": "n"}, random=None)


def test_usersig_codes(api: Raw) -> None:
    body = {"Type": "Community", "Name": "n"}
    other_app = generate_usersig(APP + 1, KEY, "administrator")
    api.fail("create_group", body, 70014, usersig=other_app)
    other_user = generate_usersig(APP, KEY, "someone")
    api.fail("create_group", body, 70013, usersig=other_user)
    wrong_key = generate_usersig(APP, "another-key", "administrator")
    api.fail("create_group", body, 70009, usersig=wrong_key)
    expired = generate_usersig(APP, KEY, "administrator", expire=10,
                               now=int(time.time()) - 100)
    api.fail("create_group", body, 70001, usersig=expired)
    with_buf = generate_usersig(APP, KEY, "administrator", userbuf=b"\x00buf")
    api.ok("create_group", body, usersig=with_buf)


def test_verifier_order_and_cache() -> None:
    v = UserSigVerifier(KEY)
    sig = generate_usersig(APP, KEY, "admin", expire=100, now=1000)
    v.verify(sig, APP, "admin", now=1050)
    assert sig in v._cache  # noqa: SLF001 - the hot path relies on this cache
    # Cached successes still enforce claims and expiry.
    with pytest.raises(ChatError) as e:
        v.verify(sig, APP, "admin", now=1101)
    assert e.value.code == 70001
    with pytest.raises(ChatError) as e:
        v.verify(sig, APP, "other", now=1050)
    assert e.value.code == 70013
    # identifier mismatch is reported before the HMAC check.
    bad = generate_usersig(APP, "wrong", "x")
    with pytest.raises(ChatError) as e:
        v.verify(bad, APP, "admin")
    assert e.value.code == 70013
    assert bad not in v._cache  # noqa: SLF001 - failures are not cached


def test_tampered_signature_rejected() -> None:
    sig = generate_usersig(APP, KEY, "admin")
    doc = json.loads(zlib.decompress(base64.b64decode(
        sig.replace("*", "+").replace("-", "/").replace("_", "="))))
    doc["TLS.expire"] += 1
    forged = _pack(doc)
    with pytest.raises(ChatError) as e:
        UserSigVerifier(KEY).verify(forged, APP, "admin")
    assert e.value.code == 70009


def test_body_parsing(api: Raw) -> None:
    api.fail("create_group", None, 60003, raw=b"{not json")
    api.fail("create_group", None, 60003, raw=b"")
    api.fail("create_group", None, 60003, raw=b'{"Type": "Community",}')  # trailing comma
    api.fail("create_group", None, 10011, raw=b"[1, 2]")
    api.fail("create_group", None, 10011, raw=b'"text"')


def test_unknown_command_and_wrong_service(api: Raw) -> None:
    api.fail("modify_topic_permission", {}, 10003)
    api.fail("create_topic", {"GroupId": "@TGS#_x", "TopicName": "t"}, 10003,
             service="group_open_http_svc")
    api.fail("get_permission_group", {"GroupId": "@TGS#_x"}, 10003,
             service="million_group_open_http_svc")
    api.fail("create_group", {"Type": "Community", "Name": "n"}, 10003, service="nope_svc")


def test_non_post_gets_envelope(emulator: EmulatorProcess) -> None:
    r = requests.get(f"{emulator.url}/v4/group_open_http_svc/get_permission_group", timeout=5)
    assert r.status_code == 200
    assert r.json()["ErrorCode"] == 60002


def test_second_admin_allowed_when_configured(tmp_path) -> None:
    emu = EmulatorProcess(args=["--admin", "ops"]).start()
    try:
        # the fixture passes --admin administrator too; both are admins now
        Raw(emu, identifier="ops").ok("create_group", {"Type": "Community", "Name": "n"})
        Raw(emu).ok("create_group", {"Type": "Community", "Name": "n"})
        Raw(emu, identifier="bob").fail("create_group", {"Type": "Community", "Name": "n"},
                                        60010)
    finally:
        emu.stop()


def test_oversized_body_is_an_envelope(api: Raw) -> None:
    big = b'{"Type": "Community", "Name": "' + b"a" * (4 * 1024 * 1024) + b'"}'
    api.fail("create_group", None, 10004, raw=big)
