"""Unit rules: what counts as Tencent's envelope, how secrets are masked in every encoding,
which transport failures are transient, and how Retry-After shapes the retry loop."""

from __future__ import annotations

import logging
import pickle
from urllib.parse import quote, quote_plus

import pytest
from pulumi_tencentchat import errors as e
from pulumi_tencentchat import models as m
from pulumi_tencentchat._transport import install_log_scrubber
from pulumi_tencentchat.client import TencentChatClient
from pulumi_tencentchat.retry import RetryPolicy
from pulumi_tencentchat.usersig import generate_usersig
from pydantic import ValidationError

from .hostile_server import windows

# ------------------------------------------------------------------------- envelope


@pytest.mark.parametrize("data", [
    {"ActionStatus": "OK", "ErrorCode": 0},
    {"ActionStatus": "OK", "ErrorCode": 0, "ErrorInfo": "", "RequestId": "r"},
    {"ActionStatus": "FAIL", "ErrorCode": 10004, "ErrorInfo": "bad"},
    {"ActionStatus": "OK", "ErrorCode": 110006},  # contradictory: read as the failure
])
def test_envelopes(data: dict) -> None:
    assert m.envelope_problem(data) is None


@pytest.mark.parametrize(("data", "problem"), [
    ({}, "ActionStatus or ErrorCode missing"),
    ({"ErrorCode": 0}, "ActionStatus or ErrorCode missing"),
    ({"ActionStatus": "OK"}, "ActionStatus or ErrorCode missing"),
    ({"code": 503, "message": "gateway"}, "ActionStatus or ErrorCode missing"),
    ({"ActionStatus": None, "ErrorCode": 0}, "ActionStatus is not a string"),
    ({"ActionStatus": "OK", "ErrorCode": "0"}, "ErrorCode is not an integer"),
    ({"ActionStatus": "OK", "ErrorCode": 0.0}, "ErrorCode is not an integer"),
    ({"ActionStatus": "OK", "ErrorCode": False}, "ErrorCode is not an integer"),
    ({"ActionStatus": "OK", "ErrorCode": None}, "ErrorCode is not an integer"),
    ({"ActionStatus": "FAIL", "ErrorCode": 0}, "ActionStatus is not OK although ErrorCode is 0"),
    ({"ActionStatus": "ok", "ErrorCode": 0}, "ActionStatus is not OK although ErrorCode is 0"),
    ([], "body is not a JSON object"),
    ("OK", "body is not a JSON object"),
    (None, "body is not a JSON object"),
])
def test_not_envelopes(data: object, problem: str) -> None:
    assert m.envelope_problem(data) == problem


def test_the_model_no_longer_assumes_success() -> None:
    with pytest.raises(ValidationError):
        m.Envelope.model_validate({})
    bare = m.Envelope.model_validate({"ErrorCode": 0})
    assert bare.action_status == "" and not bare.ok
    assert m.Envelope.model_validate({"ActionStatus": "OK", "ErrorCode": 0}).ok


@pytest.mark.parametrize(("model", "field"), [
    (m.GetPermissionGroupResponse, "PermissionGroupInfoList"),
    (m.DestroyPermissionGroupResponse, "PermissionGroupResultList"),
    (m.TopicPermissionResponse, "TopicPermissionResultList"),
    (m.AddMemberResponse, "MemberList"),
    (m.GetMemberListResponse, "MemberList"),
    (m.DestroyTopicResponse, "DestroyResultItem"),
    (m.GetGroupInfoResponse, "GroupInfo"),
])
def test_result_fields(model: type[m.Envelope], field: str) -> None:
    ok = {"ActionStatus": "OK", "ErrorCode": 0}
    assert model.missing_results(ok) == [field]
    assert model.missing_results({**ok, field: None}) == [field]
    assert model.missing_results({**ok, field: []}) == []


def test_result_fields_of_creates_and_topics() -> None:
    ok = {"ActionStatus": "OK", "ErrorCode": 0}
    field = m.CREATED_PERMISSION_GROUP_ID_FIELD
    assert m.CreatePermissionGroupResponse.missing_results(ok) == []  # custom ID: optional
    assert m.CreatePermissionGroupResponse.missing_results(ok, (field,)) == [field]
    assert m.CreatePermissionGroupResponse.missing_results({**ok, field: ""}, (field,)) == [field]
    assert m.Envelope.missing_results(ok) == []
    assert m.GetTopicResponse.missing_results(ok) == ["TopicAndSelfInfo"]
    assert m.GetTopicResponse.missing_results({**ok, "TopicInfo": []}) == ["TopicAndSelfInfo"]
    assert m.GetTopicResponse.missing_results({**ok, "TopicAndSelfInfo": []}) == []


# ------------------------------------------------------------------------ redaction

SIG = generate_usersig(1400000001, "a-secret-key-for-redaction-tests", "administrator", now=1)
KEY = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"


def forms(secret: str) -> list[str]:
    encoded = quote(secret, safe="")
    return [secret, encoded, encoded.replace("%2A", "%2a"), quote_plus(secret), quote(secret)]


def test_the_test_sig_has_characters_that_encode() -> None:
    assert "*" in SIG or "-" in SIG  # so the encoded forms below really differ
    assert quote(SIG, safe="") != SIG


@pytest.mark.parametrize("index", range(5))
def test_every_encoding_is_masked(index: int) -> None:
    redactor = e.Redactor([SIG, KEY])
    for secret in (SIG, KEY):
        form = forms(secret)[index]
        out = redactor(f"before {form} after")
        assert out == "before *** after"


def test_long_fragments_are_masked_short_ones_kept() -> None:
    redactor = e.Redactor([KEY])
    fragment = KEY[5 : 5 + e.FRAGMENT]
    assert redactor(f"x{fragment}y") == "x***y"
    assert redactor(f"x{KEY[5 : 5 + e.FRAGMENT - 1]}y") == f"x{KEY[5 : 5 + e.FRAGMENT - 1]}y"
    for window in windows(quote(SIG, safe=""), e.FRAGMENT):
        assert e.Redactor([SIG])(f"<{window}>") == "<***>"


def test_overlapping_and_repeated_secrets_become_one_mask_each() -> None:
    redactor = e.Redactor([SIG, KEY])
    text = f"a{SIG}{KEY}b {quote(SIG, safe='')} c {KEY[:20]} {KEY[30:]}"
    out = redactor(text)
    assert out == "a***b *** c *** ***"


def test_text_without_secrets_is_untouched() -> None:
    redactor = e.Redactor([SIG, KEY])
    text = "get_permission_group failed: HTTP 502 from console.tim.qq.com " * 20
    assert redactor(text) == text
    assert e.Redactor([])(text) == text and e.Redactor([None, "", "abc"])(text) == text


def test_short_secrets_are_masked_whole() -> None:
    assert e.redact("sig=abcdef123 and abcdef123", ["abcdef123", None]) == "sig=*** and ***"
    assert e.redact("k=a*b*c*d", ["a*b*c*d"]) == "k=***"
    assert e.redact("k=a%2Ab%2Ac%2Ad", ["a*b*c*d"]) == "k=***"


def test_client_scrub_covers_the_sigs_it_sent() -> None:
    client = TencentChatClient(1400000001, secret_key=KEY, region="china")
    sig = client._sigs.get()
    client._sent_sigs.append("an-older-sig-still-valid-for-days-0123456789")
    out = client._scrub(f"{quote(sig, safe='')} {KEY} an-older-sig-still-valid-for-days-0123456789")
    assert out == "*** *** ***"


def test_the_log_filter_masks_every_encoding(caplog: pytest.LogCaptureFixture) -> None:
    # The filter masks the secrets of live clients: this one must stay alive until the end.
    client = TencentChatClient(1400000001, usersig=SIG, region="china")
    install_log_scrubber()
    caplog.set_level(logging.DEBUG)
    encoded = quote(SIG, safe="")
    logging.getLogger("urllib3.connectionpool").debug(
        '%s "POST /v4/x?usersig=%s&random=1 HTTP/1.1" 200', "https://h", encoded)
    logging.getLogger("urllib3.connectionpool").debug("echo %s", SIG[3:40])
    logging.getLogger("urllib3.util.retry").debug("Incremented Retry for (url='/?%s')", encoded)
    messages = [r.getMessage() for r in caplog.records]
    assert len(messages) == 3
    for message in messages:
        assert SIG[3:40] not in message and SIG[10:30] not in message
        assert encoded[10:30] not in message
    assert "usersig=***&random=1" in messages[0]
    assert client.host == "console.tim.qq.com"


# ------------------------------------------------------------------- transport errors


def test_transience_of_statuses_and_kinds() -> None:
    for status in (429, 500, 502, 503, 504):
        assert e.is_transient(e.TransportError("c", "h", "http", status=status))
    for status in (301, 302, 307, 400, 404):
        assert not e.is_transient(e.TransportError("c", "h", "http", status=status))
    assert not e.is_transient(e.TransportError("c", "h", "too_large", status=200))
    assert not e.is_transient(e.TransportError("c", "h", "decode", status=200))
    assert e.certainly_not_applied(e.TransportError("c", "h", "http", status=429))
    assert not e.certainly_not_applied(e.TransportError("c", "h", "http", status=504))


def test_transport_error_texts_and_pickling() -> None:
    redirect = e.TransportError("create_group", "h.example", "http", status=307,
                                content_type="text/html")
    assert "got HTTP 307 (a redirect, which the client never follows) from h.example" \
        in str(redirect)
    foreign = e.TransportError("get_topic", "h.example", "decode", "body is not JSON",
                               status=200, content_type="")
    assert "got an answer from h.example that is not a Tencent Chat API answer " \
        "(HTTP 200, content type (none): body is not JSON)" in str(foreign)
    limited = e.TransportError("get_topic", "h.example", "http", status=429,
                               content_type="text/plain", retry_after=2.5)
    assert "HTTP 429" in str(limited) and "retry after 2.5 s" in str(limited)
    again = pickle.loads(pickle.dumps(limited))
    assert str(again) == str(limited) and again.retry_after == 2.5


# ----------------------------------------------------------------------- retry loop


class FakeTime:
    def __init__(self) -> None:
        self.now = 0.0
        self.slept: list[float] = []

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


def _policy(fake: FakeTime, **kwargs: object) -> RetryPolicy:
    return RetryPolicy(deadline=60.0, base_delay=0.01, max_delay=0.05, sleep=fake.sleep,
                       clock=fake.clock, **kwargs)  # type: ignore[arg-type]


def test_retry_after_sets_the_wait() -> None:
    fake = FakeTime()
    answers = [e.TransportError("c", "h", "http", status=429, retry_after=7.0), "done"]

    def attempt(number: int, remaining: float) -> str:
        item = answers.pop(0)
        if isinstance(item, Exception):
            raise item
        return item

    assert _policy(fake).run(attempt, idempotent=False) == "done"
    assert fake.slept == [7.0]


def test_retry_after_past_the_deadline_ends_the_call() -> None:
    fake = FakeTime()
    calls: list[float] = []

    def attempt(number: int, remaining: float) -> str:
        calls.append(remaining)
        fake.now += 1.0
        raise e.TransportError("c", "h", "http", status=503, retry_after=59.5)

    with pytest.raises(e.TransportError):
        _policy(fake).run(attempt)
    assert calls == [60.0] and fake.slept == []
