"""Fuzz the emulator over real HTTP: >= 10 000 generated requests, model-checked state.

One spawned emulator process (``--rate-limit 0``, so the 200/s cap never masks what a request
would do) is driven over one keep-alive connection by hypothesis, in two phases:

1. bulk: batches of 10-60 garbage requests against two modelled communities (one with
   topics, one without) holding permission groups, topic permissions and members; after
   every batch all of it is read back through the API and must be unchanged;
2. a state machine: each example builds two fresh communities and interleaves the same
   garbage with valid writes and reads (create/modify/destroy/replace permission groups,
   add/set/delete/read topic permissions, add/delete members, create/modify/destroy/replace
   topics, switch permission groups on and off and set the default permission, read group
   info through filters, destroy and recreate a community) whose every answer, top level and
   per item, its model predicts; the state is read back (groups, topics, group info and the
   app's community listing) every 30 steps and at the end.

The garbage, in turn: writes poisoned in one field (every field of every write command: wrong
JSON types, nesting, permissions < 0 or >= 2^64 or floats, over-long names, empty lists,
lists over their cap up to 10 000 entries, bad element types and item fields, malformed or
unknown IDs), which must fail and change nothing; gateway faults (wrong methods, missing or
garbage sdkappid/identifier/usersig/random/contenttype, crafted and deeply nested UserSigs,
extra and repeated parameters, random service and command words), answered with the code of
the first check that fails; bodies the parser must refuse (truncated or malformed JSON,
invalid UTF-8, lone surrogates, 2 000-100 000 levels of nesting, 4 400+ digit numbers,
non-objects) under any Content-Type/Content-Encoding; valid bodies with one or two fields
replaced by anything (writes only in a scratch community outside the model); and now and
then 1-4 MB strings, 10 000-entry lists or bodies over the 4 MiB cap.

Allowed answers (asserted exactly):

* Any request to ``/v4/{service}/{command}``, whatever the words, method, query, headers or
  body: HTTP 200 and a JSON object with ``ActionStatus`` "OK"/"FAIL", an int ``ErrorCode``,
  a str ``ErrorInfo``, "OK" iff the code is 0, and never 10002 (internal error = a bug).
  HEAD gets the same status and JSON content type without a body (HTTP forbids one).
* Bodies over the 4 MiB cap: HTTP 200 and 10004 (Tencent names no code: U8 in
  docs/tencent-api.md#8-unverified-facts-and-chosen-behaviour, ``unverified.BODY_TOO_LARGE_CODE``).
  Any other path: HTTP 200 and 60009 (check the URL).
* Only bytes that are not valid HTTP/1.1 get a non-200 answer: the HTTP layer answers a bare
  400 and closes the connection before the API sees the request (request line or header
  over 8190 bytes, an unknown method token, a malformed chunk or Content-Length), as
  docs/tencent-api.md#http-status allows for network-level failures.
  ``test_http_layer_garbage_is_a_bare_400`` pins them; ``test_found_bugs_answer_cleanly`` pins
  each bug this fuzz found.

``TENCENTCHAT_FUZZ_EXAMPLES`` sets the bulk examples (default 140; the state machine runs a
fifth as many); a longer run, e.g. ``TENCENTCHAT_FUZZ_EXAMPLES=2000 scripts/test
tests/emulator/test_fuzz.py``, with ``TENCENTCHAT_FUZZ_NO_SHRINK=1`` to skip shrinking.
"""

from __future__ import annotations

import base64
import functools
import http.client
import itertools
import json
import logging
import os
import re
import socket
import subprocess
import sys
import time
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote, urlsplit

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)
from tencentchat_emulator.cli import make_emulator, run_in_thread
from tencentchat_emulator.routes import COMMAND_SERVICES, GROUP_SVC, TOPIC_SVC
from tencentchat_emulator.usersig import generate_usersig

from tests.support.emulator import DEV_ADMIN, DEV_SDKAPPID, DEV_SECRET_KEY, EmulatorProcess

PHASES = ([Phase.explicit, Phase.reuse, Phase.generate]
          if os.environ.get("TENCENTCHAT_FUZZ_NO_SHRINK") else list(Phase))
# Hypothesis caps one example at 8 KB of choices (some 60-100 generated requests), so the
# volume comes from many examples: a bulk phase of pure fuzz against a fixed, modelled pair of
# communities (read back after every example), then the state machine.
BULK_EXAMPLES = int(os.environ.get("TENCENTCHAT_FUZZ_EXAMPLES", "140"))
MACHINE_EXAMPLES = max(2, BULK_EXAMPLES // 5)
STEPS = 60  # steps per state-machine example
CHECK_EVERY = 30  # full read-back every this many steps (and at the end of each example)
MIN_REQUESTS = 10_000
CAP = 4 * 1024 * 1024  # the emulator's body cap

INTERNAL_ERROR = 10002
SIG_CODES = frozenset({70001, 70003, 70009, 70013, 70014})
# Codes a write may answer when one of its fields is invalid (the family set of
# docs/tencent-api.md#permission-group-codes).
FIELD_CODES = frozenset({10004, 10007, 10010, 10015, 11000, 110006, 110008})

READS = frozenset({"get_permission_group", "get_topic_permission_group",
                   "get_permission_group_member_list", "get_topic", "get_group_info",
                   "get_appid_group_list"})
WRITES = sorted(set(COMMAND_SERVICES) - READS - {"create_group"})  # poisoned against the model
FIELDS: dict[str, tuple[str, ...]] = {
    "create_permission_group": ("GroupId", "PermissionGroupId", "PermissionGroupName",
                                "Permission", "CustomString"),
    "destroy_permission_group": ("GroupId", "PermissionGroupIdList"),
    "modify_permission_group": ("GroupId", "PermissionGroupId", "PermissionGroupName",
                                "Permission", "CustomString"),
    "get_permission_group": ("GroupId", "PermissionGroupIdList", "Limit", "Next"),
    "add_topic_permission_group": ("GroupId", "PermissionGroupId", "TopicPermissionList"),
    "set_topic_permission_group": ("GroupId", "PermissionGroupId", "TopicPermissionList"),
    "delete_topic_permission_group": ("GroupId", "PermissionGroupId", "TopicIdList"),
    "get_topic_permission_group": ("GroupId", "PermissionGroupId", "TopicIdList"),
    "add_permission_group_member": ("GroupId", "PermissionGroupId", "MemberList"),
    "delete_permission_group_member": ("GroupId", "PermissionGroupId", "MemberList"),
    "get_permission_group_member_list": ("GroupId", "PermissionGroupId", "Limit", "Next"),
    "create_group": ("Type", "Name", "GroupId", "Owner_Account", "SupportTopic",
                     "Introduction", "Notification", "FaceUrl", "EnablePermission",
                     "DefaultPermission"),
    "destroy_group": ("GroupId",),
    "modify_group_base_info": ("GroupId", "Name", "Introduction", "Notification", "FaceUrl",
                               "EnablePermission", "DefaultPermission"),
    "get_group_info": ("GroupIdList", "ResponseFilter"),
    "get_appid_group_list": ("Limit", "Next", "GroupType"),
    "create_topic": ("GroupId", "TopicName", "TopicId", "From_Account", "CustomString",
                     "FaceUrl", "Notification", "Introduction"),
    "modify_topic": ("GroupId", "TopicId", "From_Account", "TopicName", "FaceUrl",
                     "Notification", "Introduction", "MuteAllMember", "CustomString"),
    "get_topic": ("GroupId", "From_Account", "TopicIdList", "ResponseFilter"),
    "destroy_topic": ("GroupId", "TopicIdList"),
}
assert set(FIELDS) == set(COMMAND_SERVICES)
SCRATCH = "@TGS#_scratch"  # a community outside the model: free fuzz may write to it
SCRATCH_TOPIC = SCRATCH + "@TOPIC#_t0"
SCRATCH_PG = "@PMG#_p0"
ACCOUNTS = ("u0", "u1", "u2", "u3", "u4", "u5", "~!@#$%^&*()", "a b", "x" * 32)
PG_IDS = ("@PMG#_p0", "@PMG#_p1", "@PMG#_p2")  # few, so IDs are destroyed and reused
MAX_PERMISSION = 2**64 - 1
TOPIC_NAME_MAX = 30  # bytes (docs/tencent-api.md#field-limits)
GROUP_NAME_MAX = 30
FILTER_NAMES = ("Type", "Name", "Introduction", "Notification", "FaceUrl", "Owner_Account",
                "EnablePermission", "DefaultPermission", "TopicName", "CustomString",
                "ShutUpAllFlag", "GroupId", "TopicId")


# --- wire ----------------------------------------------------------------------------------

@dataclass(repr=False)
class Request:
    """One generated request; ``expect`` is the set of allowed ErrorCodes (None: any but
    10002). Its repr (printed by hypothesis on failure) never includes a usersig value."""

    command: str
    body: bytes
    query: list[tuple[str, str]]
    service: str = ""
    method: str = "POST"
    headers: dict[str, str] = field(default_factory=dict)
    expect: frozenset[int] | None = None
    label: str = ""

    def target(self) -> str:
        path = f"/v4/{quote(self.service, safe='')}/{quote(self.command, safe='')}"
        return path + "?" + "&".join(f"{k}={v}" for k, v in self.query)

    def describe(self) -> str:
        q = [(k, "***" if "sig" in k.lower() else v[:60]) for k, v in self.query]
        return (f"{self.label}: {self.method} {self.service!r}/{self.command!r} query={q} "
                f"headers={self.headers} body[{len(self.body)}]={self.body[:200]!r}")

    __repr__ = describe

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:
        """What hypothesis prints for a failing example (never a usersig)."""
        printer.text(self.describe())


@dataclass
class Tally:
    sent: int = 0
    well_formed: int = 0
    internal_errors: int = 0
    readbacks: int = 0
    codes: dict[int, int] = field(default_factory=dict)


class Wire:
    """One keep-alive HTTP/1.1 connection to the emulator (raw http.client, for speed)."""

    def __init__(self, url: str) -> None:
        parts = urlsplit(url)
        self.host, self.port = parts.hostname or "127.0.0.1", parts.port or 80
        self.conn = http.client.HTTPConnection(self.host, self.port, timeout=30)
        self.tally = Tally()
        self.valid_sig = generate_usersig(DEV_SDKAPPID, DEV_SECRET_KEY, DEV_ADMIN)
        self.sigs: dict[str, str] = {}

    def valid_query(self) -> list[tuple[str, str]]:
        return [("sdkappid", str(DEV_SDKAPPID)), ("identifier", DEV_ADMIN),
                ("usersig", self.valid_sig), ("random", "12345"), ("contenttype", "json")]

    def send(self, req: Request) -> dict[str, Any] | None:
        """Send, check the answer against the allowed answers, return the decoded body."""
        self.tally.sent += 1
        try:
            self.conn.request(req.method, req.target(), body=req.body,
                              headers={"Content-Type": "application/json", **req.headers})
            resp = self.conn.getresponse()
            raw = resp.read()
        except Exception as e:
            self.conn.close()
            self.conn = http.client.HTTPConnection(self.host, self.port, timeout=30)
            raise AssertionError(f"no answer ({type(e).__name__}) to {req.describe()}") from None
        if resp.getheader("Connection", "").lower() == "close":
            self.conn.close()
        assert resp.status == 200, f"HTTP {resp.status} {raw[:200]!r} for {req.describe()}"
        ctype = resp.getheader("Content-Type", "")
        assert ctype.startswith("application/json"), f"{ctype!r} for {req.describe()}"
        if req.method == "HEAD":
            assert raw == b"", req.describe()
            self.tally.well_formed += 1
            return None
        doc = json.loads(raw)
        assert isinstance(doc, dict), req.describe()
        status, code, info = doc.get("ActionStatus"), doc.get("ErrorCode"), doc.get("ErrorInfo")
        assert status in ("OK", "FAIL") and isinstance(info, str), f"{doc} {req.describe()}"
        assert type(code) is int and (status == "OK") == (code == 0), f"{doc} {req.describe()}"
        self.tally.codes[code] = self.tally.codes.get(code, 0) + 1
        if code == INTERNAL_ERROR:
            self.tally.internal_errors += 1
            raise AssertionError(f"internal error for {req.describe()}")
        if req.expect is not None:
            assert code in req.expect, f"{doc} not in {sorted(req.expect)} for {req.describe()}"
        self.tally.well_formed += 1
        return doc

    def api(self, command: str, body: Any, expect: int | None = 0) -> dict[str, Any]:
        """A well-formed request; ``expect`` is the exact top-level code (None: any)."""
        req = Request(command, json.dumps(body).encode(), self.valid_query(),
                      COMMAND_SERVICES[command], label="api",
                      expect=None if expect is None else frozenset({expect}))
        doc = self.send(req)
        assert doc is not None
        return doc

    def sig(self, kind: str) -> str:
        """The UserSig variants the gateway fuzz names symbolically (so none is printed)."""
        if kind not in self.sigs:
            key, ident, app, now = DEV_SECRET_KEY, DEV_ADMIN, DEV_SDKAPPID, None
            if kind == "wrong-key":
                key = "not-the-key"
            elif kind == "other-identifier":
                ident = "alice"
            elif kind == "other-app":
                app = DEV_SDKAPPID + 1
            elif kind == "expired":
                now = int(time.time()) - 10 * 86400
            self.sigs[kind] = generate_usersig(app, key, ident, 86400 if now else 15552000,
                                               now=now)
        return self.sigs[kind]


def pack_sig(doc: bytes) -> str:
    """A UserSig-shaped string around arbitrary bytes (zlib + Tencent's base64 variant)."""
    b64 = base64.b64encode(zlib.compress(doc)).decode()
    return b64.translate(str.maketrans({"+": "*", "/": "-", "=": "_"}))


# --- strategies ------------------------------------------------------------------------------

def rare(n: int) -> st.SearchStrategy[bool]:
    """True about once in ``n`` draws (17 is no boundary value hypothesis favours)."""
    return st.integers(0, n - 1).map(lambda i: i == min(17, n - 1))


TEXT = st.text(max_size=12)
NASTY_INTS = st.sampled_from([-1, -(2**63) - 1, 2**31, 2**53 + 1, 2**63 - 1, 2**63,
                              MAX_PERMISSION, 2**64, 2**70, -(2**70), 10**30])
INTS = st.integers() | NASTY_INTS
SCALARS = (st.none() | st.booleans() | INTS | st.floats() | TEXT
           | st.sampled_from(["", " ", "\x00", "\u200b", "\U0001f600", "中" * 60]))
JSON = st.recursive(SCALARS, lambda c: st.lists(c, max_size=4)
                    | st.dictionaries(TEXT, c, max_size=4), max_leaves=6)


def cursor(kind: str, seq: int | str) -> str:
    return "TGS" + base64.urlsafe_b64encode(f"{kind}:{seq}".encode()).decode().rstrip("=")


_SEQS = (st.sampled_from([2**63 - 1, 2**63, 2**64, "9" * 40, "\u0661\u0662", "x", -1])
         | st.integers(0, 2**70))
_BAD_CURSORS = st.sampled_from(["", "TGS", "TGS!!!", "TGS" + "A" * 5, cursor("x", 1),
                                "TGS" + base64.urlsafe_b64encode(b"\xff\xfe").decode()])
# cursors of the right kind for each listing (sequence numbers up to 2^70), then others
CURSORS = {k: st.builds(cursor, st.just(k), _SEQS) | _BAD_CURSORS | JSON
           for k in ("pmg", "mem")}
ID_POOL = st.sampled_from([
    "", " ", "@TGS#_", "@TGS#_@TGS#abc", "@TGS#_x" * 8, "@PMG#_", "@PMG#_@PMG#x", "@PMG#_ok",
    "@PMG#_\x7f", "@PMG#_" + "p" * 60, SCRATCH, SCRATCH_TOPIC, SCRATCH + "@TOPIC#_@TOPIC#x",
    *PG_IDS, *ACCOUNTS, "x" * 33, "\x00", "\t", "中文",
])


@functools.cache
def free_value(name: str, writes: bool, model_gids: tuple[str, ...]) -> st.SearchStrategy[Any]:
    """A plausible-or-not value for field ``name`` (GroupIds of writes avoid the model)."""
    if name == "GroupId":
        gids = ID_POOL | TEXT | (st.sampled_from(model_gids) if not writes and model_gids
                                 else st.just(SCRATCH))
        return gids | JSON
    if name in ("Permission", "Limit", "SupportTopic", "EnablePermission", "DefaultPermission"):
        return st.integers(-2, 60) | INTS | JSON
    if name == "Next":
        return CURSORS["pmg"] | CURSORS["mem"]
    if name in ("Type", "GroupType"):
        return st.sampled_from(["Community", "Public", "Work", "community", ""]) | JSON
    if name == "MuteAllMember":
        return st.sampled_from(["On", "Off", "on", "", "Yes"]) | JSON
    if name == "ResponseFilter":  # get_topic: names; get_group_info: an object of them
        names = st.lists(st.sampled_from(FILTER_NAMES) | TEXT, max_size=5)
        return names | st.fixed_dictionaries({"GroupBaseInfoFilter": names | JSON}) | JSON
    if name == "GroupIdList":
        gid = ID_POOL | TEXT | (st.sampled_from(model_gids) if model_gids else st.just(SCRATCH))
        return st.lists(gid, max_size=8) | st.lists(gid, min_size=49, max_size=52) | JSON
    if name.endswith("List"):
        item: st.SearchStrategy[Any] = ID_POOL | TEXT | JSON
        if name == "TopicPermissionList":
            item = st.fixed_dictionaries({"TopicId": ID_POOL | TEXT},
                                         optional={"Permission": INTS | JSON}) | JSON
        elif name == "MemberList":
            item = st.fixed_dictionaries({"Member_Account": ID_POOL | TEXT | JSON}) | JSON
        return st.lists(item, max_size=8) | JSON
    return ID_POOL | TEXT | JSON


def valid_body(command: str, gid: str, pg: str, tid: str) -> dict[str, Any]:
    """A request body that passes every check of ``command`` (given existing IDs)."""
    item = {"TopicId": tid, "Permission": 1}
    member = {"Member_Account": "u0"}
    return {
        "create_permission_group": {"GroupId": gid, "PermissionGroupName": "n"},
        "destroy_permission_group": {"GroupId": gid, "PermissionGroupIdList": [pg]},
        "modify_permission_group": {"GroupId": gid, "PermissionGroupId": pg, "Permission": 1},
        "get_permission_group": {"GroupId": gid, "Limit": 20, "Next": ""},
        "add_topic_permission_group": {"GroupId": gid, "PermissionGroupId": pg,
                                       "TopicPermissionList": [item]},
        "set_topic_permission_group": {"GroupId": gid, "PermissionGroupId": pg,
                                       "TopicPermissionList": [item]},
        "delete_topic_permission_group": {"GroupId": gid, "PermissionGroupId": pg,
                                          "TopicIdList": [tid]},
        "get_topic_permission_group": {"GroupId": gid, "PermissionGroupId": pg},
        "add_permission_group_member": {"GroupId": gid, "PermissionGroupId": pg,
                                        "MemberList": [member]},
        "delete_permission_group_member": {"GroupId": gid, "PermissionGroupId": pg,
                                           "MemberList": [member]},
        "get_permission_group_member_list": {"GroupId": gid, "PermissionGroupId": pg,
                                             "Limit": 50},
        "create_group": {"Type": "Community", "Name": "n"},
        "destroy_group": {"GroupId": gid},
        "modify_group_base_info": {"GroupId": gid, "Name": "n", "EnablePermission": 1,
                                   "DefaultPermission": 64},
        "get_group_info": {"GroupIdList": [gid],
                           "ResponseFilter": {"GroupBaseInfoFilter": ["EnablePermission"]}},
        "get_appid_group_list": {"Limit": 50, "Next": 0, "GroupType": "Community"},
        "create_topic": {"GroupId": gid, "TopicName": "t", "Introduction": "i"},
        "modify_topic": {"GroupId": gid, "TopicId": tid, "Notification": "n",
                         "MuteAllMember": "On"},
        "get_topic": {"GroupId": gid, "From_Account": DEV_ADMIN},
        "destroy_topic": {"GroupId": gid, "TopicIdList": [tid]},
    }[command]


@st.composite
def free_body(draw: st.DrawFn, command: str, model_gids: tuple[str, ...],
              base: dict[str, Any]) -> dict[str, Any]:
    """Mostly a valid ``base`` with one or two fields replaced by anything (or dropped), so
    requests get past the first checks; sometimes a random subset of fields from scratch.
    Writes never name a modelled community."""
    writes = command not in READS
    body = dict(base) if draw(st.integers(0, 3)) else {}
    for name in draw(st.lists(st.sampled_from(FIELDS[command]), unique=True, min_size=1,
                              max_size=2)):
        if name in body and draw(rare(5)):
            del body[name]
        elif name == "Next" and command == "get_appid_group_list":
            body[name] = draw(st.integers(-2, 2**66) | INTS | JSON)
        elif name == "Next":
            body[name] = draw(CURSORS["mem" if "member" in command else "pmg"])
        else:
            body[name] = draw(free_value(name, writes, model_gids))
    if writes and body.get("GroupId") in model_gids:
        body["GroupId"] = SCRATCH
    extra = draw(st.dictionaries(TEXT.filter(lambda k: k not in FIELDS[command]), JSON,
                                 max_size=1))
    return {**extra, **body}


@functools.cache
def words(real: bool) -> st.SearchStrategy[str]:
    """Service or command words: random text (dots-only segments would be path syntax)."""
    w = st.text(min_size=1, max_size=25).filter(lambda s: s.strip(".") != "")
    return w.filter(lambda s: s not in COMMAND_SERVICES) if real else w


# Bodies the parser must refuse, with the code the gateway answers (valid query, POST).
# Picked round-robin by step (hypothesis' own choice would favour the first kinds heavily).
_DEEP = st.integers(2_000, 100_000)
_OBJ = st.dictionaries(st.sampled_from(["GroupId", "PermissionGroupId", "a"]), JSON,
                       min_size=1, max_size=3).map(lambda d: json.dumps(d).encode())
BAD_BYTES: tuple[st.SearchStrategy[tuple[str, bytes, int]], ...] = (
    st.tuples(_OBJ, st.integers(1, 10_000)).map(
        lambda t: ("truncated", t[0][:max(0, len(t[0]) - t[1])] or b"{", 60003)),
    st.just(("trailing comma", b'{"GroupId": "@TGS#_x", "Limit": 20,}', 60003)),
    st.sampled_from([b"{'GroupId': 1}", b"{GroupId: 1}", b"{\"a\" 1}", b"[}", b"nul",
                     b'{"a": tru}', b'{"a": 01}', b'{"a": .5}', b'{"a": "\x01"}',
                     b'{"a": "\\x"}', b"\x00{}", b"{}{}"]).map(lambda b: ("syntax", b, 60003)),
    _DEEP.map(lambda n: ("deep open", b"[" * n, 60003)),
    _DEEP.map(lambda n: ("deep array", b"[" * n + b"]" * n, 60003)),
    _DEEP.map(lambda n: ("deep object", b'{"a":' * n + b"1" + b"}" * n, 60003)),
    _DEEP.map(lambda n: ("deep field", b'{"GroupId":' + b"[" * n + b"]" * n + b"}", 60003)),
    st.sampled_from([b"", b"   ", b"\n\t"]).map(lambda b: ("empty", b, 60003)),
    st.sampled_from([b"\xff", b"\xc0\x80", b"\xed\xa0\x80", b"\xe4\xb8", b"\x80"]).map(
        lambda b: ("invalid utf-8", b'{"GroupId": "' + b + b'"}', 60003)),
    st.sampled_from(["\\ud800", "\\udfff", "x\\udbff", "\\ude00\\ud83d", "\\ud83d"]).map(
        lambda s: ("lone surrogate", f'{{"PermissionGroupName": "{s}"}}'.encode(), 60003)),
    st.integers(4_400, 20_000).map(
        lambda n: ("huge number", b'{"Permission": ' + b"7" * n + b"}", 60003)),
    JSON.filter(lambda v: not isinstance(v, dict)).map(
        lambda v: ("non-object", json.dumps(v).encode(), 10011)),
)


# --- model -----------------------------------------------------------------------------------

@dataclass
class PG:
    name: str
    permission: int
    custom: str
    members: dict[str, None] = field(default_factory=dict)
    topics: dict[str, int] = field(default_factory=dict)


@dataclass
class Topic:
    name: str
    intro: str = ""
    notification: str = ""
    face: str = ""
    custom: str = ""
    mute: int = 0

    # wire field -> attribute, for the profile fields create_topic/modify_topic take
    WIRE = {"TopicName": "name", "Introduction": "intro", "Notification": "notification",
            "FaceUrl": "face", "CustomString": "custom"}

    def wire(self) -> tuple[Any, ...]:
        return (self.name, self.intro, self.notification, self.face, self.custom, self.mute)


@dataclass
class Community:
    gid: str
    topics_on: bool
    topics: dict[str, Topic] = field(default_factory=dict)
    pgs: dict[str, PG] = field(default_factory=dict)
    name: str = "fuzz"
    enable: int = 0  # EnablePermission
    default: int = 0  # DefaultPermission


_serial = itertools.count()
NAMES = st.text(min_size=1, max_size=12) | st.sampled_from(["中" * 50, "n" * 150, "\x00"])
# Topic and group names: the 30-byte limit is crossed on both sides (the model predicts it).
SHORT_NAMES = (st.text(max_size=12)
               | st.sampled_from(["中" * 10, "中" * 10 + "x", "n" * 30, "n" * 31, "", "\x00"]))
PROFILE_TEXT = st.text(max_size=8)  # always within the topic/group profile limits
PERMISSIONS = st.integers(0, MAX_PERMISSION) | st.sampled_from([0, 2047, 127, MAX_PERMISSION])


def name_ok(name: str, limit: int) -> bool:
    return 0 < len(name.encode()) <= limit


class Model:
    """Communities as they must be on the server, and requests whose answers it predicts."""

    def __init__(self, wire: Wire) -> None:
        self.wire = wire
        self.comms: list[Community] = []

    @property
    def gids(self) -> tuple[str, ...]:
        return tuple(c.gid for c in self.comms)

    def populate(self) -> None:
        """Two fresh communities (topics on and off) with topics, groups, members, perms."""
        with_topics, without = self.make_community(True), self.make_community(False)
        self.comms = [with_topics, without]
        for i in range(2):
            self.create_topic(with_topics, f"t{i}", f"topic {i}")
        for c in self.comms:
            for i, pg_id in enumerate(PG_IDS[:2]):
                self.create_pg(c, pg_id, f"group {i}", 1 << i, f"cs{i}")
                self.members(c, pg_id, [ACCOUNTS[i], ACCOUNTS[i + 1]], add=True)
                if c.topics:
                    self.topic_perms("add", c, pg_id, [(t, 3 + i) for t in c.topics])

    def make_community(self, topics_on: bool) -> Community:
        gid = f"@TGS#_f{next(_serial)}"
        self.wire.api("create_group", {"Type": "Community", "Name": "fuzz", "GroupId": gid,
                                       "SupportTopic": int(topics_on)})
        return Community(gid, topics_on)

    def topic_choices(self, c: Community) -> st.SearchStrategy[str]:
        return st.sampled_from([*c.topics, SCRATCH_TOPIC, f"{c.gid}@TOPIC#_gone"])

    def pg_choice(self, c: Community) -> st.SearchStrategy[str]:
        """Mostly an existing permission group, else one of the few custom IDs."""
        pool = st.sampled_from(PG_IDS)
        return st.sampled_from(list(c.pgs)) | pool if c.pgs else pool

    def create_topic(self, c: Community, suffix: str | None, name: str,
                     profile: dict[str, str] | None = None) -> None:
        body: dict[str, Any] = {"GroupId": c.gid, "TopicName": name, **(profile or {})}
        tid = None if suffix is None else f"{c.gid}@TOPIC#_{suffix}"
        if tid is not None:
            body["TopicId"] = tid
        if not c.topics_on:
            self.wire.api("create_topic", body, 11000)
            return
        if not name_ok(name, TOPIC_NAME_MAX):
            self.wire.api("create_topic", body, 10004)
            return
        if tid in c.topics:
            self.wire.api("create_topic", body, 10021)
            return
        out = self.wire.api("create_topic", body)
        assert tid is None or out["TopicId"] == tid
        c.topics[out["TopicId"]] = Topic(name, **{Topic.WIRE[k]: v
                                                  for k, v in (profile or {}).items()})

    def modify_topic(self, c: Community, tid: str, changes: dict[str, str]) -> None:
        """changes: wire fields (TopicName, Introduction, ..., MuteAllMember); others kept."""
        body = {"GroupId": c.gid, "TopicId": tid, **changes}
        t = c.topics.get(tid)
        code = (11000 if not c.topics_on else 10010 if t is None
                else 10004 if not name_ok(changes.get("TopicName", "n"), TOPIC_NAME_MAX) else 0)
        out = self.wire.api("modify_topic", body, code)
        assert set(out) == {"ActionStatus", "ErrorCode", "ErrorInfo"}
        if code == 0 and t is not None:
            for k, v in changes.items():
                if k == "MuteAllMember":
                    t.mute = int(v == "On")
                else:
                    setattr(t, Topic.WIRE[k], v)

    def modify_group(self, c: Community, name: str | None, enable: int | None,
                     default: int | None) -> None:
        """modify_group_base_info with the switch rules predicted
        (docs/tencent-api.md#715-modify_group_base_info)."""
        body: dict[str, Any] = {"GroupId": c.gid}
        for k, v in (("Name", name), ("EnablePermission", enable), ("DefaultPermission", default)):
            if v is not None:
                body[k] = v
        switch = c.enable if enable is None else enable
        if name is not None and not name_ok(name, GROUP_NAME_MAX):
            code = 10004
        elif (enable is not None or default is not None) and not c.topics_on:
            code = 10004
        elif default is not None and switch != 1:
            code = 10004
        else:
            code = 0
        self.wire.api("modify_group_base_info", body, code)
        if code == 0:
            c.name = c.name if name is None else name
            c.enable = switch
            c.default = c.default if default is None else default

    def read_group_info(self, filt: list[str] | None) -> None:
        """get_group_info for every modelled community and one unknown ID."""
        body: dict[str, Any] = {"GroupIdList": [*self.gids, "@TGS#_fgone"]}
        if filt is not None:
            body["ResponseFilter"] = {"GroupBaseInfoFilter": filt}
        items = self.wire.api("get_group_info", body)["GroupInfo"]
        assert [(i["GroupId"], i["ErrorCode"]) for i in items] == [
            *((c.gid, 0) for c in self.comms), ("@TGS#_fgone", 10010)]
        for c, item in zip(self.comms, items, strict=False):
            full: dict[str, Any] = {"ErrorCode": 0, "ErrorInfo": "", "GroupId": c.gid,
                                    "Type": "Community", "Name": c.name, "Introduction": "",
                                    "Notification": "", "FaceUrl": "", "Owner_Account": ""}
            if c.topics_on:
                full.update(EnablePermission=c.enable, DefaultPermission=c.default)
            keep = set(full) if filt is None else {"ErrorCode", "ErrorInfo", "GroupId", *filt}
            assert item == {k: v for k, v in full.items() if k in keep}, (c, filt)

    def destroy_topics(self, c: Community, tids: list[str]) -> None:
        out = self.wire.api("destroy_topic", {"GroupId": c.gid, "TopicIdList": tids})
        expected = []
        for tid in tids:
            gone = c.topics.pop(tid, None) is not None
            expected.append((tid, 0 if gone else 10010))
            if gone:  # its topic permissions go with it
                for pg in c.pgs.values():
                    pg.topics.pop(tid, None)
        assert [(i["TopicId"], i["ErrorCode"]) for i in out["DestroyResultItem"]] == expected

    def create_pg(self, c: Community, pg_id: str | None, name: str, permission: int | None,
                  custom: str | None) -> None:
        body: dict[str, Any] = {"GroupId": c.gid, "PermissionGroupName": name}
        for k, v in (("PermissionGroupId", pg_id), ("Permission", permission),
                     ("CustomString", custom)):
            if v is not None:
                body[k] = v
        if pg_id in c.pgs:
            self.wire.api("create_permission_group", body, 10021)
            return
        out = self.wire.api("create_permission_group", body)
        new = out["PermissionGroupId"]
        assert new == pg_id if pg_id else new.startswith("@PMG#_@PMG#")
        c.pgs[new] = PG(name, permission or 0, custom or "")

    def modify_pg(self, c: Community, pg_id: str, name: str | None, perm: int | None,
                  custom: str | None) -> None:
        body: dict[str, Any] = {"GroupId": c.gid, "PermissionGroupId": pg_id}
        for k, v in (("PermissionGroupName", name), ("Permission", perm),
                     ("CustomString", custom)):
            if v is not None:
                body[k] = v
        pg = c.pgs.get(pg_id)
        self.wire.api("modify_permission_group", body, 0 if pg else 110006)
        if pg is not None:  # omitted fields keep their values
            pg.name = pg.name if name is None else name
            pg.permission = pg.permission if perm is None else perm
            pg.custom = pg.custom if custom is None else custom

    def destroy_pgs(self, c: Community, ids: list[str]) -> None:
        out = self.wire.api("destroy_permission_group", {"GroupId": c.gid,
                                                          "PermissionGroupIdList": ids})
        expected = []
        for pg_id in ids:
            code = 110008 if pg_id == "@PMG#_" else 0 if c.pgs.pop(pg_id, None) else 110006
            expected.append((pg_id, code))
        got = [(i["PermissionGroupId"], i["ErrorCode"])
               for i in out["PermissionGroupResultList"]]
        assert got == expected

    def members(self, c: Community, pg_id: str, accounts: list[str], add: bool) -> None:
        cmd = "add_permission_group_member" if add else "delete_permission_group_member"
        body = {"GroupId": c.gid, "PermissionGroupId": pg_id,
                "MemberList": [{"Member_Account": a} for a in accounts]}
        pg = c.pgs.get(pg_id)
        if pg is None:
            self.wire.api(cmd, body, 110006)
            return
        out = self.wire.api(cmd, body)
        if not add:
            for a in accounts:
                pg.members.pop(a, None)
            return
        expected = []
        for a in accounts:
            expected.append({"Member_Account": a, "Result": 10013 if a in pg.members else 0})
            pg.members[a] = None
        assert out["MemberList"] == expected

    def topic_perms(self, op: str, c: Community, pg_id: str,
                    items: list[tuple[str, int]]) -> None:
        cmd = f"{op}_topic_permission_group"
        body: dict[str, Any] = {"GroupId": c.gid, "PermissionGroupId": pg_id}
        if op == "delete":
            body["TopicIdList"] = [t for t, _ in items]
        else:
            body["TopicPermissionList"] = [{"TopicId": t, "Permission": p} for t, p in items]
        if not c.topics_on:
            self.wire.api(cmd, body, 11000)
            return
        pg = c.pgs.get(pg_id)
        if pg is None:
            self.wire.api(cmd, body, 110006)
            return
        out = self.wire.api(cmd, body)
        expected = []
        for tid, perm in items:
            if tid not in c.topics:
                code = 10010
            elif op == "add":
                code = 10004 if tid in pg.topics else 0
                pg.topics.setdefault(tid, perm)
            elif tid not in pg.topics:
                code = 110011
            elif op == "set":
                code, pg.topics[tid] = 0, perm
            else:
                code = 0
                del pg.topics[tid]
            expected.append((tid, code))
        got = [(i["TopicId"], i["ErrorCode"]) for i in out["TopicPermissionResultList"]]
        assert got == expected, (op, out)

    def read_topic_perms(self, c: Community, pg_id: str, tids: list[str]) -> None:
        body = {"GroupId": c.gid, "PermissionGroupId": pg_id, "TopicIdList": tids}
        pg = c.pgs.get(pg_id)
        code = 11000 if not c.topics_on else 110006 if pg is None else 0
        out = self.wire.api("get_topic_permission_group", body, code)
        if pg is not None and code == 0:
            got = [(i["TopicId"], i["ErrorCode"], i.get("Permission"))
                   for i in out["TopicPermissionResultList"]]
            assert got == [(t, 0, pg.topics[t]) if t in pg.topics else
                           (t, 110011 if t in c.topics else 10010, None) for t in tids]

    def pages(self, command: str, body: dict[str, Any], key: str, limit: int) -> list[Any]:
        items: list[Any] = []
        nxt = ""
        while True:
            out = self.wire.api(command, {**body, "Limit": limit, "Next": nxt})
            assert len(out[key]) <= limit
            items += out[key]
            nxt = out["Next"]
            if not nxt:
                return items

    def read_back(self, paging: bool = True) -> None:
        """Read every modelled object through the API and compare with the model (in pages
        of varying size, or of the maximum size when ``paging`` is off)."""
        self.wire.tally.readbacks += 1
        k = self.wire.tally.readbacks if paging else 0
        for c in self.comms:
            infos = self.pages("get_permission_group", {"GroupId": c.gid},
                               "PermissionGroupInfoList", (20, 6, 1)[k % 3])
            got = {i["PermissionGroupId"]: (i["ErrorCode"], i["PermissionGroupName"],
                                            i["Permission"], i["CustomString"], i["MemberCount"])
                   for i in infos}
            assert list(got) == list(c.pgs), c.gid
            for pg_id, pg in c.pgs.items():
                assert got[pg_id] == (0, pg.name, pg.permission, pg.custom, len(pg.members))
                ids = {"GroupId": c.gid, "PermissionGroupId": pg_id}
                members = self.pages("get_permission_group_member_list", ids, "MemberList",
                                     (50, 4)[k % 2])
                assert [m["Member_Account"] for m in members] == list(pg.members)
                out = self.wire.api("get_topic_permission_group", ids,
                                    0 if c.topics_on else 11000)
                if c.topics_on:
                    assert [(i["TopicId"], i["Permission"])
                            for i in out["TopicPermissionResultList"]] == list(pg.topics.items())
            out = self.wire.api("get_topic", {"GroupId": c.gid, "From_Account": DEV_ADMIN},
                                0 if c.topics_on else 11000)
            if c.topics_on:
                got = [(t["ErrorCode"], t["TopicInfo"]["TopicId"], t["TopicInfo"]["GroupID"],
                        tuple(t["TopicInfo"][f] for f in (*Topic.WIRE, "ShutUpAllFlag")))
                       for t in out["TopicAndSelfInfo"]]
                assert got == [(0, tid, c.gid, t.wire()) for tid, t in c.topics.items()]
        self.read_group_info(None)
        # every modelled community is listed once, in pages of either size
        listed: list[str] = []
        nxt, total, limit = 0, -1, (10000, 97)[k % 2]
        while True:
            out = self.wire.api("get_appid_group_list",
                                {"Limit": limit, "Next": nxt, "GroupType": "Community"})
            assert len(out["GroupIdList"]) <= limit
            listed += [g["GroupId"] for g in out["GroupIdList"]]
            total, nxt = out["TotalCount"], out["Next"]
            if nxt == 0:
                break
        assert len(listed) == total == len(set(listed))
        assert set(self.gids) <= set(listed)


class Fuzzer:
    """Requests that must change nothing the model holds; each kind picked round-robin
    (hypothesis' own choice of a branch would favour the first kinds heavily)."""

    def __init__(self, wire: Wire, model: Model) -> None:
        self.wire, self.model = wire, model
        self.turn = self.salt = itertools.count()

    def restart(self, salt: int) -> None:
        """Counters that pick kinds and variants (set per example, so failures replay), and
        the scratch community's group, topic and permission group (free writes remove them)."""
        self.turn = itertools.count(salt)
        self.salt = itertools.count(salt)
        self.wire.api("create_group", {"Type": "Community", "Name": "scratch",
                                       "GroupId": SCRATCH, "SupportTopic": 1}, None)
        self.wire.api("create_topic", {"GroupId": SCRATCH, "TopicName": "t",
                                       "TopicId": SCRATCH_TOPIC}, None)
        self.wire.api("create_permission_group", {"GroupId": SCRATCH, "PermissionGroupName": "p",
                                                  "PermissionGroupId": SCRATCH_PG}, None)

    def any(self, data: st.DataObject) -> None:
        """One request of the next kind; every 97th is a huge one."""
        n = next(self.turn)
        kind = (self.poisoned_write, self.bad_body, self.free, self.gateway)[n % 4]
        (self.huge if n % 97 == 50 else kind)(data)

    def poisoned_write(self, data: st.DataObject) -> None:
        """A valid write with at least one invalid field: fails and changes nothing."""
        c = data.draw(st.sampled_from(self.model.comms))
        command, body, label = data.draw(poisoned(c, next(self.salt)))
        self.wire.send(Request(command, json.dumps(body).encode(), self.wire.valid_query(),
                               COMMAND_SERVICES[command], expect=FIELD_CODES, label=label))

    def bad_body(self, data: st.DataObject) -> None:
        """Bytes the JSON parser must refuse, sent to any command word."""
        label, raw, code = data.draw(BAD_BYTES[next(self.salt) % len(BAD_BYTES)])
        command = data.draw(st.sampled_from(sorted(COMMAND_SERVICES)) | words(real=True))
        self.wire.send(Request(command, raw, self.wire.valid_query(),
                               COMMAND_SERVICES.get(command, GROUP_SVC),
                               headers=data.draw(fuzz_headers()), expect=frozenset({code}),
                               label=label))

    def base(self, data: st.DataObject, command: str) -> dict[str, Any]:
        """A valid body: reads address the model, writes the scratch community."""
        if command not in READS:
            return valid_body(command, SCRATCH, SCRATCH_PG, SCRATCH_TOPIC)
        c = data.draw(st.sampled_from(self.model.comms))
        pg = data.draw(st.sampled_from([*c.pgs, *PG_IDS[:1]]))
        return valid_body(command, c.gid, pg, data.draw(self.model.topic_choices(c)))

    def free(self, data: st.DataObject) -> None:
        """A random JSON object for a real command (writes never touch the model)."""
        command = data.draw(st.sampled_from(sorted(COMMAND_SERVICES)))
        body = data.draw(free_body(command, self.model.gids, self.base(data, command)))
        self.wire.send(Request(command, json.dumps(body).encode(), self.wire.valid_query(),
                               COMMAND_SERVICES[command], label="free"))

    def gateway(self, data: st.DataObject) -> None:
        """Wrong methods, query parameters, services and command words."""
        self.wire.send(data.draw(gateway_request(self.wire, self.model.gids, next(self.salt))))

    def huge(self, data: st.DataObject) -> None:
        """1-4 MB strings in fields, 10 000-entry lists, and bodies over the cap."""
        c = data.draw(st.sampled_from(self.model.comms))
        size = data.draw(st.integers(1 << 20, CAP - 4096))
        pick = next(self.salt) % 7
        gid, pg = c.gid, PG_IDS[0]
        q = self.wire.valid_query()
        if pick == 0:  # over the cap: refused before parsing
            raw = b'{"GroupId": "' + b"g" * data.draw(st.integers(CAP, CAP + 65536)) + b'"}'
            req = Request("get_permission_group", raw, q, GROUP_SVC, expect=frozenset({10004}),
                          label="over cap")
        elif pick == 1:
            body = {"GroupId": "@TGS#_" + "g" * size}
            req = Request("destroy_group", json.dumps(body).encode(), q, GROUP_SVC,
                          expect=frozenset({10015}), label="huge GroupId")
        elif pick == 2:
            body = {"GroupId": gid, "PermissionGroupName": "\u4e2d" * (size // 3)}
            req = Request("create_permission_group", json.dumps(body, ensure_ascii=False)
                          .encode(), q, GROUP_SVC, expect=frozenset({10004}), label="huge name")
        elif pick == 3:
            body = {"GroupId": gid, "PermissionGroupId": pg, "CustomString": "c" * size}
            req = Request("modify_permission_group", json.dumps(body).encode(), q, GROUP_SVC,
                          expect=frozenset({10004, 110006}), label="huge CustomString")
        elif pick == 4:
            n = data.draw(st.integers(101, 10_000))
            body = {"GroupId": gid, "PermissionGroupId": pg,
                    "MemberList": [{"Member_Account": "u9"}] * n}
            req = Request("add_permission_group_member", json.dumps(body).encode(), q,
                          GROUP_SVC, expect=frozenset({10004, 110006}), label="10k members")
        elif pick == 5:
            body = {"GroupIdList": [gid] * data.draw(st.integers(51, 10_000))}
            req = Request("get_group_info", json.dumps(body).encode(), q, GROUP_SVC,
                          expect=frozenset({10004}), label="10k group IDs")
        else:
            body = {"GroupId": SCRATCH, "From_Account": "x" * size, "TopicIdList": ["t"] * 10_000}
            req = Request("get_topic", json.dumps(body).encode(), q, TOPIC_SVC,
                          label="huge read")
        self.wire.send(req)


class EmulatorFuzz(RuleBasedStateMachine):
    """Model-predicted writes and reads interleaved with garbage, on two fresh communities."""

    wire: Wire  # set by the test before the run

    def __init__(self) -> None:
        super().__init__()
        self.model = Model(self.wire)
        self.fuzzer = Fuzzer(self.wire, self.model)
        self.steps = 0

    @initialize()
    def populate(self) -> None:
        self.model.populate()
        self.fuzzer.restart(0)

    def community(self, data: st.DataObject) -> Community:
        return data.draw(st.sampled_from(self.model.comms))

    @rule(data=st.data())
    def create_pg(self, data: st.DataObject) -> None:
        c = self.community(data)
        self.model.create_pg(c, data.draw(st.sampled_from(PG_IDS) | st.none()), data.draw(NAMES),
                             data.draw(st.none() | PERMISSIONS), data.draw(st.none() | TEXT))

    @rule(data=st.data())
    def modify_pg(self, data: st.DataObject) -> None:
        c = self.community(data)
        self.model.modify_pg(c, data.draw(self.model.pg_choice(c)), data.draw(st.none() | NAMES),
                             data.draw(st.none() | PERMISSIONS), data.draw(st.none() | TEXT))

    @rule(data=st.data())
    def destroy_pgs(self, data: st.DataObject) -> None:
        c = self.community(data)
        self.model.destroy_pgs(c, data.draw(st.lists(self.model.pg_choice(c) | st.just("@PMG#_"),
                                                     min_size=1, max_size=4)))

    def custom_pgs(self) -> list[tuple[Community, str]]:
        """Permission groups with custom IDs (generated ones cannot be created by ID)."""
        return [(c, p) for c in self.model.comms for p in c.pgs if not p.startswith("@PMG#_@")]

    @precondition(lambda self: self.custom_pgs())
    @rule(data=st.data())
    def replace_pg(self, data: st.DataObject) -> None:
        """Destroy a permission group and create it again under its ID (a replacement):
        nothing of the old one (members, topic permissions) may come back."""
        c, pg_id = data.draw(st.sampled_from(self.custom_pgs()))
        self.model.destroy_pgs(c, [pg_id])
        self.model.create_pg(c, pg_id, data.draw(NAMES), data.draw(st.none() | PERMISSIONS),
                             None)

    def custom_topics(self) -> list[str]:
        c = self.model.comms[0] if self.model.comms else None
        return [t for t in c.topics if "@TOPIC#_@TOPIC#" not in t] if c else []

    @precondition(lambda self: self.custom_topics())
    @rule(data=st.data())
    def replace_topic(self, data: st.DataObject) -> None:
        """Destroy a topic and create it again under its ID: its permissions are gone."""
        c = self.model.comms[0]
        tid = data.draw(st.sampled_from(self.custom_topics()))
        self.model.destroy_topics(c, [tid])
        self.model.create_topic(c, tid.rsplit("@TOPIC#_", 1)[1], data.draw(SHORT_NAMES))

    @rule(data=st.data(), op=st.sampled_from(["add", "set", "delete"]))
    def change_topic_perms(self, data: st.DataObject, op: str) -> None:
        c = self.community(data)
        items = data.draw(st.lists(st.tuples(self.model.topic_choices(c), PERMISSIONS),
                                   min_size=1, max_size=4))
        self.model.topic_perms(op, c, data.draw(self.model.pg_choice(c)), items)

    @rule(data=st.data())
    def read_topic_perms(self, data: st.DataObject) -> None:
        c = self.community(data)
        self.model.read_topic_perms(c, data.draw(self.model.pg_choice(c)), data.draw(
            st.lists(self.model.topic_choices(c), min_size=1, max_size=4)))

    @rule(data=st.data(), add=st.booleans())
    def change_members(self, data: st.DataObject, add: bool) -> None:
        c = self.community(data)
        accounts = data.draw(st.lists(st.sampled_from(ACCOUNTS), min_size=1, max_size=6))
        self.model.members(c, data.draw(self.model.pg_choice(c)), accounts, add)

    @rule(data=st.data())
    def create_topic(self, data: st.DataObject) -> None:
        c = self.community(data)
        suffix = data.draw(st.none() | st.sampled_from(["t0", "t1", "t2", "t3"]))
        profile = data.draw(st.dictionaries(st.sampled_from(list(Topic.WIRE)[1:]),
                                            PROFILE_TEXT, max_size=4))
        self.model.create_topic(c, suffix, data.draw(SHORT_NAMES), profile)

    @rule(data=st.data())
    def modify_topic(self, data: st.DataObject) -> None:
        """Omitted fields keep their values; an unknown topic or a long name changes nothing."""
        c = self.community(data)
        changes = data.draw(st.fixed_dictionaries({}, optional={
            "TopicName": SHORT_NAMES, "Introduction": PROFILE_TEXT,
            "Notification": PROFILE_TEXT, "FaceUrl": PROFILE_TEXT, "CustomString": PROFILE_TEXT,
            "MuteAllMember": st.sampled_from(["On", "Off"])}))
        self.model.modify_topic(c, data.draw(self.model.topic_choices(c)), changes)

    @rule(data=st.data())
    def modify_group(self, data: st.DataObject) -> None:
        """The permission-group switch and default permission, with their rules."""
        c = self.community(data)
        self.model.modify_group(c, data.draw(st.none() | SHORT_NAMES),
                                data.draw(st.none() | st.sampled_from([0, 1])),
                                data.draw(st.none() | PERMISSIONS))

    @rule(data=st.data())
    def read_group_info(self, data: st.DataObject) -> None:
        filt = data.draw(st.none() | st.lists(st.sampled_from(FILTER_NAMES), max_size=4))
        self.model.read_group_info(filt)

    @precondition(lambda self: self.model.comms and self.model.comms[0].topics)
    @rule(data=st.data())
    def destroy_topics(self, data: st.DataObject) -> None:
        c = self.model.comms[0]
        self.model.destroy_topics(c, data.draw(st.lists(self.model.topic_choices(c), min_size=1,
                                                        max_size=3, unique=True)))

    @precondition(lambda self: self.steps % 40 == 39)
    @rule(data=st.data())
    def recreate_community(self, data: st.DataObject) -> None:
        """Destroy a community and create it again under the same ID: everything goes."""
        c = self.community(data)
        self.wire.api("destroy_group", {"GroupId": c.gid})
        body = {"Type": "Community", "Name": "again", "GroupId": c.gid,
                "SupportTopic": int(c.topics_on)}
        c.enable, c.default = 0, 0
        if c.topics_on and data.draw(st.booleans()):  # switched on from the start
            c.enable, c.default = 1, data.draw(PERMISSIONS)
            body.update(EnablePermission=1, DefaultPermission=c.default)
        self.wire.api("create_group", body)
        c.name = "again"
        c.topics.clear()
        c.pgs.clear()

    # Each fuzz step sends 1-3 requests, so garbage outweighs the model's own traffic.
    @rule(data=st.data(), n=st.integers(1, 3))
    def fuzz(self, data: st.DataObject, n: int) -> None:
        for _ in range(n):
            self.fuzzer.any(data)

    @rule(data=st.data(), n=st.integers(1, 3))
    def more_fuzz(self, data: st.DataObject, n: int) -> None:
        for _ in range(n):
            self.fuzzer.any(data)

    @invariant()
    def periodic_read_back(self) -> None:
        self.steps += 1
        if self.model.comms and self.steps % CHECK_EVERY == 0:
            self.model.read_back()

    def teardown(self) -> None:
        if self.model.comms:
            self.model.read_back()


# --- composite strategies that need the model or the wire ------------------------------------

WRONG_TYPES = st.one_of(st.integers(), st.floats(), st.booleans(), st.lists(JSON, max_size=3),
                        st.dictionaries(TEXT, JSON, max_size=3),
                        st.integers(50, 800).map(lambda n: json.loads("[" * n + "]" * n)))


@functools.cache
def not_str(required: bool) -> st.SearchStrategy[Any]:
    return (st.none() | WRONG_TYPES) if required else WRONG_TYPES


@functools.cache
def bad_permission() -> st.SearchStrategy[Any]:
    return st.one_of(st.integers(max_value=-1), st.integers(min_value=2**64),
                     st.sampled_from([2**70, -(2**63), 1.0, 1.5, True, False, "5", [1], {}]),
                     st.floats())


@st.composite
def poisoned(draw: st.DrawFn, c: Community, salt: int) -> tuple[str, dict[str, Any], str]:
    """A write command, a body built from the model, and one invalid field (named)."""
    command = WRITES[salt % len(WRITES)]
    tids = [*c.topics] or [f"{c.gid}@TOPIC#_t0"]
    pg = draw(st.sampled_from([*c.pgs, *PG_IDS[:1]]))
    base: dict[str, Any] = {"GroupId": c.gid}
    cap = 100
    if command in ("create_permission_group", "modify_permission_group"):
        base.update(PermissionGroupName="n", Permission=1, CustomString="c")
        if command == "modify_permission_group":
            base["PermissionGroupId"] = pg
    elif command == "destroy_permission_group":
        base["PermissionGroupIdList"], cap = [pg], 20
    elif command in ("add_topic_permission_group", "set_topic_permission_group"):
        base.update(PermissionGroupId=pg,
                    TopicPermissionList=[{"TopicId": tids[0], "Permission": 1}])
        cap = 50
    elif command == "delete_topic_permission_group":
        base.update(PermissionGroupId=pg, TopicIdList=[tids[0]])
        cap = 50
    elif command in ("add_permission_group_member", "delete_permission_group_member"):
        base.update(PermissionGroupId=pg, MemberList=[{"Member_Account": "u0"}])
    elif command == "create_topic":
        base.update(TopicName="t", Introduction="i", Notification="n", FaceUrl="f",
                    CustomString="c")
    elif command == "modify_topic":
        base.update(TopicId=tids[0], TopicName="t", Introduction="i", Notification="n",
                    FaceUrl="f", CustomString="c", MuteAllMember="On")
    elif command == "modify_group_base_info":
        base.update(Name="n", Introduction="i", Notification="n", FaceUrl="f",
                    EnablePermission=1, DefaultPermission=64)
    elif command == "destroy_topic":
        base["TopicIdList"] = [tids[0]]
        cap = 10**9
    optional = {"Permission", "CustomString", "Introduction", "Notification", "FaceUrl"}
    if command == "modify_permission_group":
        optional.add("PermissionGroupName")
    elif command in ("modify_topic", "modify_group_base_info"):
        optional |= set(base) - {"GroupId", "TopicId"}
    target = sorted(base)[salt // len(WRITES) % len(base)]
    req = target not in optional  # null counts as absent: a poison only where required
    body = dict(base)
    value = body[target]
    kinds = ["type"] + (["missing"] if req else [])
    if isinstance(value, str):
        kinds.append("bad string")
    if isinstance(value, int):
        kinds = ["permission"]
    if isinstance(value, list):
        kinds += ["empty", "over cap", "element type"] if cap < 10**9 else ["empty", "element"]
        if isinstance(value[0], dict):
            kinds += ["item field"]
    kind = kinds[salt // 7 % len(kinds)]
    if kind == "missing":
        del body[target]
    elif kind == "type":
        body[target] = draw(not_str(req) if not isinstance(value, list)
                            else st.none() | WRONG_TYPES.filter(lambda v: not isinstance(v, list)))
    elif kind == "permission":
        body[target] = draw(bad_permission())
    elif kind == "bad string":
        body[target] = draw(bad_string(target))
    elif kind == "empty":
        body[target] = []
    elif kind == "over cap":
        body[target] = value * draw(st.integers(cap + 1, 10_000))
    elif kind in ("element type", "element"):
        wrong = draw(WRONG_TYPES.filter(lambda v: not isinstance(v, (dict, str))) | st.none())
        body[target] = [*value, wrong] if draw(st.booleans()) else [wrong, *value]
    else:  # item field: a bad TopicId / Permission / Member_Account inside the item
        item = dict(value[0])
        key = draw(st.sampled_from(sorted(item)))
        if key == "Permission":
            item[key] = draw(bad_permission() | st.none())
        elif key == "Member_Account":
            item[key] = draw(st.sampled_from(["", "x" * 33, "a\x00", "\u4e2d", "tab\t"])
                             | not_str(True))
        else:
            item[key] = draw(not_str(True))
        if draw(st.booleans()):
            del item[key]
        body[target] = [item]
    extra = draw(st.dictionaries(TEXT.filter(lambda k: k not in FIELDS[command]), JSON,
                                 max_size=2))
    return command, {**extra, **body}, f"poison {command}.{target} ({kind})"


@functools.cache
def bad_string(name: str) -> st.SearchStrategy[str]:
    """Strings the field's rules refuse."""
    if name == "GroupId":
        return st.sampled_from(["", "\x00", "@TGS#_" + "g" * 42, "@TGS#_\x7f", "@TGS#_no such",
                                "中文"])
    if name == "PermissionGroupId":
        return st.sampled_from(["", "@PMG#_", "PMG#_x", "@PMG#_" + "p" * 42, "@PMG#_\t",
                                "@PMG#_missing", "@pmg#_p0"])
    if name == "PermissionGroupName":
        return st.sampled_from(["", "n" * 151, "\u4e2d" * 51])
    if name == "CustomString":
        return st.sampled_from(["c" * 3001, "\u4e2d" * 1001])
    if name in ("TopicName", "Name"):
        return st.sampled_from(["", "t" * 31, "\u4e2d" * 10 + "x", "t" * 151])
    if name in ("Introduction", "Notification", "FaceUrl"):
        limit = {"Introduction": 240, "Notification": 300, "FaceUrl": 100}[name]
        return st.sampled_from(["i" * (limit + 1), "\u4e2d" * (limit // 3 + 1)])
    if name == "MuteAllMember":
        return st.sampled_from(["", "on", "OFF", "Yes"])
    return st.just("")


@functools.cache
def fuzz_headers() -> st.SearchStrategy[dict[str, str]]:
    return st.fixed_dictionaries({}, optional={
        "Content-Type": st.sampled_from(["text/plain", "application/x-www-form-urlencoded",
                                         "multipart/form-data; boundary=x", "garbage", ""]),
        "Content-Encoding": st.sampled_from(["gzip", "deflate", "br", "zstd", "identity",
                                             "x-garbage"]),
        "Accept": st.sampled_from(["text/html", "*/*", "application/xml"]),
    })


QUERY_POISON: dict[str, list[tuple[str, str | None, int]]] = {
    # name: [(label, value or None to drop, code)], in the order the gateway checks them
    "sdkappid": [("drop", None, 60012), ("empty", "", 60012), ("other", "1400000001", 60006),
                 ("zero-padded", "01400000000", 60006), ("text", "abc", 60006),
                 ("negative", "-1400000000", 60006), ("fullwidth", "\uff11\uff14", 60006),
                 ("long", "9" * 300, 60006)],
    "identifier": [("drop", None, 60010), ("empty", "", 60010), ("other", "alice", 60010),
                   ("case", "Administrator", 60010), ("nul", "administrator\x00", 60010)],
    "usersig": [("drop", None, 70003), ("empty", "", 70003), ("text", "not a sig", 70003),
                ("non-ascii", "\u4e2d\u6587", 70003), ("wrong-key", "@wrong-key", 70009),
                ("other-identifier", "@other-identifier", 70013),
                ("other-app", "@other-app", 70014), ("expired", "@expired", 70001),
                ("deep", "@deep", 70003), ("crafted", "@crafted", -1)],
    "contenttype": [("drop", None, 60002), ("other", "xml", 60002), ("case", "JSON", 60002),
                    ("empty", "", 60002)],
    "random": [("negative", "-1", 60002), ("too big", "4294967296", 60002),
               ("text", "r", 60002), ("empty", "", 60002), ("superscript", "\u00b2", 60002),
               ("arabic digits", "\u0661\u0662", 60002), ("long", "1" * 4400, 60002)],
}


@st.composite
def gateway_request(draw: st.DrawFn, wire: Wire, gids: tuple[str, ...], salt: int) -> Request:
    """A request with gateway-level faults; ``expect`` is the code of the first failing check."""
    real = draw(st.booleans())
    command = draw(st.sampled_from(sorted(COMMAND_SERVICES)) if real else
                   words(real=True) | st.just(""))
    service = COMMAND_SERVICES.get(command, GROUP_SVC)
    wrong_service = draw(st.sampled_from(["", "svc", "same", "other", "word"]))
    if wrong_service == "other":
        service = TOPIC_SVC if service == GROUP_SVC else GROUP_SVC
    elif wrong_service == "word":
        service = draw(words(real=False).filter(lambda w: w not in (GROUP_SVC, TOPIC_SVC)))
    elif wrong_service == "":
        service = draw(st.sampled_from([service, ""]))
    method = draw(st.sampled_from(["POST"] * 6 + ["GET", "PUT", "DELETE", "PATCH", "OPTIONS",
                                                  "HEAD"]))
    # query: one parameter (round-robin) poisoned with its code, or none; odd extras always
    params = dict(wire.valid_query())
    first: int | None = None
    labels = []
    names = list(QUERY_POISON)  # in the order the gateway checks them
    if salt % (len(names) + 1) < len(names):
        name = names[salt % (len(names) + 1)]
        label, value, first = draw(st.sampled_from(QUERY_POISON[name]))
        labels.append(f"{name}:{label}")
        if value is not None and value.startswith("@"):
            value = sig_variant(draw, wire, value[1:])
        if value is None:
            del params[name]
        else:
            params[name] = value
    if "random" in params and not labels and draw(st.booleans()):
        params.pop("random")  # optional
    query = [(k, quote(v, safe="")) for k, v in params.items()]
    raw_values = ["%ff", "%zz", "%", "%C0%80", "a+b", "=="]  # sent as they are
    extra = draw(st.lists(st.tuples(st.sampled_from(["sdkappid", "usersig", "SdkAppId", "x",
                                                     "UserSig", "random", ""]) | TEXT,
                                    TEXT | st.sampled_from(raw_values)), max_size=3))
    # a repeated name only after the real one (the first wins), so extras stay harmless
    query += [(quote(k, safe=""), v if v in raw_values else quote(v, safe=""))
              for k, v in extra if k not in QUERY_POISON or k in params]
    while len("&".join(f"{k}={v}" for k, v in query)) > 7000 and len(query) > len(params):
        query.pop()  # stay under the 8190-byte request line (an HTTP-layer 400 otherwise)
    # body: any, JSON object or the parser's nightmares
    kind = draw(st.sampled_from(["object", "free", "bad"]))
    body_code: int | None = None
    if kind == "bad":
        label, raw, body_code = draw(BAD_BYTES[salt % len(BAD_BYTES)])
    elif kind == "free" and command in FIELDS:
        raw = json.dumps(draw(free_body(command, gids, {}))).encode()
    else:
        raw = json.dumps(draw(st.dictionaries(TEXT, JSON, max_size=3))).encode()
        if command in FIELDS and command not in READS:
            raw = json.dumps({**json.loads(raw), "GroupId": SCRATCH}).encode()
    if not command or not service:
        expect: frozenset[int] | None = frozenset({60009})
    elif method != "POST":
        expect = frozenset({60002})
    elif first is not None:
        expect = SIG_CODES if first == -1 else frozenset({first})
    elif body_code is not None:
        expect = frozenset({body_code})
    elif command not in COMMAND_SERVICES or service != COMMAND_SERVICES[command]:
        expect = frozenset({10003})
    else:
        expect = None  # a real command with a free body: any answer but 10002
    return Request(command, raw, query, service, method, draw(fuzz_headers()), expect,
                   label="gateway " + ",".join(labels) + f" body={kind} svc={wrong_service}")


def sig_variant(draw: st.DrawFn, wire: Wire, kind: str) -> str:
    if kind == "deep":
        return pack_sig(b"[" * draw(st.integers(2_000, 50_000)))
    if kind == "crafted":
        doc = draw(st.fixed_dictionaries({}, optional={
            k: JSON for k in ("TLS.ver", "TLS.identifier", "TLS.sdkappid", "TLS.expire",
                              "TLS.time", "TLS.sig", "TLS.userbuf")}) | JSON)
        return pack_sig(json.dumps(doc).encode()) if draw(st.booleans()) else \
            pack_sig(draw(st.binary(max_size=64)))
    return wire.sig(kind)


# --- the tests -------------------------------------------------------------------------------

@dataclass
class FuzzServer:
    emulator: EmulatorProcess
    stderr_path: Any


@pytest.fixture(scope="module")
def fuzz_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FuzzServer]:
    """An emulator process of its own: no rate limit, stderr kept in a file."""
    path = tmp_path_factory.mktemp("fuzz") / "emulator-stderr.txt"
    with path.open("w") as err:
        proc = subprocess.Popen(
            [sys.executable, "-u", "-m", "tencentchat_emulator", "--port", "0", "--in-memory",
             "--rate-limit", "0"], stdout=subprocess.PIPE, stderr=err, text=True)
    assert proc.stdout is not None
    line = proc.stdout.readline()
    assert line.startswith("listening on "), (line, path.read_text()[-2000:])
    emu = EmulatorProcess(proc=proc, url=line.split("listening on ", 1)[1].strip())
    yield FuzzServer(emu, path)
    emu.stop()


def test_fuzz_emulator(fuzz_server: FuzzServer, capsys: pytest.CaptureFixture[str]) -> None:
    emu = fuzz_server.emulator
    wire = Wire(emu.url)
    start = emu.total_calls()
    began = time.monotonic()
    common = {"deadline": None, "suppress_health_check": list(HealthCheck), "phases": PHASES}

    # bulk: garbage only; the modelled communities must read back unchanged after each batch
    model = Model(wire)
    model.populate()
    fuzzer = Fuzzer(wire, model)

    def batch(data: st.DataObject, n: int, salt: int) -> None:
        fuzzer.restart(salt)
        for _ in range(n):
            fuzzer.any(data)
        model.read_back(paging=False)

    args = {"data": st.data(), "n": st.integers(10, 60), "salt": st.integers(0, 10**6)}
    settings(max_examples=BULK_EXAMPLES, **common)(given(**args)(batch))()
    # model-based: garbage interleaved with writes whose every answer the model predicts
    EmulatorFuzz.wire = wire
    run_state_machine_as_test(EmulatorFuzz, settings=settings(
        max_examples=MACHINE_EXAMPLES, stateful_step_count=STEPS, **common))
    top_up = settings(max_examples=10, **common)(given(**args)(batch))
    while "TENCENTCHAT_FUZZ_EXAMPLES" not in os.environ and wire.tally.sent < MIN_REQUESTS:
        top_up()  # the examples' sizes vary; the default run sends at least MIN_REQUESTS
    model.read_back()
    elapsed = time.monotonic() - began
    t = wire.tally
    wire.conn.close()

    stderr = fuzz_server.stderr_path.read_text()
    crashes = 0 if emu.proc is not None and emu.proc.poll() is None else 1
    assert crashes == 0, stderr[-4000:]
    stats = emu.stats()  # the server still answers its admin route
    requests = int(stats["total"]) - start
    assert "Traceback" not in stderr and "internal error" not in stderr, stderr[-4000:]
    assert requests == t.sent, (requests, t.sent)  # every request reached the API handler
    assert t.well_formed == t.sent and t.internal_errors == 0
    assert stats.get("rate_limited", {}) == {}
    if "TENCENTCHAT_FUZZ_EXAMPLES" not in os.environ:
        assert requests >= MIN_REQUESTS
    line = (f"emulator fuzz: {requests} requests, {t.well_formed} well-formed answers, "
            f"{t.internal_errors} internal errors, {crashes} crashes, state consistent "
            f"({t.readbacks} read-backs)")
    with capsys.disabled():  # the headline figure belongs in the CI log
        print(f"\n{line} in {elapsed:.1f} s; codes {dict(sorted(t.codes.items()))}")


GRP = "@TGS#_regress"
# Requests that were answered 10002 (or a bare HTTP 400/404) before the fixes the fuzz led
# to; each must now get the documented envelope code. (label, command, body, query, headers,
# code); query entries replace the valid ones.
FOUND: list[tuple[str, str, bytes, dict[str, str], dict[str, str], int]] = [
    ("100 000 levels of nesting", "get_permission_group", b"[" * 100_000, {}, {}, 60003),
    ("nesting in a field", "get_permission_group",
     b'{"GroupId": ' + b"[" * 5000 + b"]" * 5000 + b"}", {}, {}, 60003),
    ("lone surrogate escape in a stored field", "create_permission_group",
     b'{"GroupId": "' + GRP.encode() + b'", "PermissionGroupName": "\\ud800"}', {}, {}, 60003),
    ("lone surrogate escape echoed per item", "destroy_permission_group",
     b'{"GroupId": "' + GRP.encode() + b'", "PermissionGroupIdList": ["\\udfff"]}', {}, {},
     60003),
    ("UTF-8-encoded surrogate", "create_permission_group",
     b'{"GroupId": "' + GRP.encode() + b'", "PermissionGroupName": "\xed\xa0\x80"}', {}, {},
     60003),
    ("superscript digit in random", "get_permission_group", b"{}", {"random": "\u00b2"}, {},
     60002),
    ("Arabic-Indic digits in random", "get_permission_group", b"{}",
     {"random": "\u0661\u0662"}, {}, 60002),
    ("4400-digit random", "get_permission_group", b"{}", {"random": "1" * 4400}, {}, 60002),
    ("UserSig inflating to deep JSON", "get_permission_group", b"{}",
     {"usersig": pack_sig(b"[" * 50_000)}, {}, 70003),
    ("cursor beyond SQLite's INTEGER", "get_permission_group",
     json.dumps({"GroupId": GRP, "Next": cursor("pmg", 2**63)}).encode(), {}, {}, 10004),
    ("member cursor beyond SQLite's INTEGER", "get_permission_group_member_list",
     json.dumps({"GroupId": GRP, "PermissionGroupId": "@PMG#_r",
                 "Next": cursor("mem", "9" * 40)}).encode(), {}, {}, 10004),
    ("gzip header on a garbage body", "get_permission_group", b"garbage", {},
     {"Content-Encoding": "gzip"}, 60003),
    ("brotli header, plain body: not interpreted", "get_permission_group",
     b'{"GroupId": "@TGS#_none"}', {}, {"Content-Encoding": "br"}, 10010),
    ("empty command word", "", b"{}", {}, {}, 60009),
    ("braces in the command word", "{x}", b"{}", {}, {}, 10003),
]


@pytest.mark.parametrize("label,command,body,query,headers,code", FOUND,
                         ids=[f[0] for f in FOUND])
def test_found_bugs_answer_cleanly(fuzz_server: FuzzServer, label: str, command: str,
                                   body: bytes, query: dict[str, str], headers: dict[str, str],
                                   code: int) -> None:
    wire = Wire(fuzz_server.emulator.url)
    wire.api("create_group", {"Type": "Community", "Name": "r", "GroupId": GRP}, None)
    wire.api("create_permission_group", {"GroupId": GRP, "PermissionGroupName": "r",
                                         "PermissionGroupId": "@PMG#_r"}, None)
    params = {**dict(wire.valid_query()), **query}
    wire.send(Request(command, body, [(k, quote(v, safe="")) for k, v in params.items()],
                      COMMAND_SERVICES.get(command, GROUP_SVC), headers=headers,
                      expect=frozenset({code}), label=label))
    assert "Traceback" not in fuzz_server.stderr_path.read_text()


def _raw_exchange(port: int, data: bytes) -> bytes:
    """Send raw bytes on a fresh connection; everything read until the server closes it."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
        s.sendall(data)
        chunks = []
        while chunk := s.recv(65536):
            chunks.append(chunk)
    return b"".join(chunks)


def test_http_layer_garbage_is_a_bare_400(caplog: pytest.LogCaptureFixture) -> None:
    """Bytes that are not HTTP/1.1 never reach the API: a bare 400 and a closed connection,
    the only non-200 answers. A client that hangs up in the middle of its body costs no
    traceback. The server serves the next request normally after each."""
    emu = make_emulator()
    url, stop = run_in_thread(emu)
    port = urlsplit(url).port or 0
    sig = quote(generate_usersig(DEV_SDKAPPID, DEV_SECRET_KEY, DEV_ADMIN), safe="")
    good = (f"sdkappid={DEV_SDKAPPID}&identifier={DEV_ADMIN}&usersig={sig}&random=1"
            "&contenttype=json")
    path = "/v4/group_open_http_svc/get_permission_group"
    bare = f"sdkappid={DEV_SDKAPPID}&identifier={DEV_ADMIN}&contenttype=json"  # no usersig
    body = '{"GroupId": "@TGS#_none"}'
    valid = (f"POST {path}?{good} HTTP/1.1\r\nHost: x\r\nContent-Length: {len(body)}\r\n"
             f"Connection: close\r\n\r\n{body}").encode()
    garbage = [
        f"POST {path}?{bare}&pad={'p' * 9000} HTTP/1.1\r\nHost: x\r\n\r\n".encode(),
        f"POST {path}?{bare} HTTP/1.1\r\nX-Big: {'h' * 9000}\r\n\r\n".encode(),
        f"FOO {path}?{bare} HTTP/1.1\r\nHost: x\r\n\r\n".encode(),
        b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03" + bytes(range(40)),
        f"POST {path}?{bare} HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n".encode(),
        b"POST " + path.encode() + b" HTTP/1.1\r\nContent-Length: -5\r\n\r\n",
    ]
    hang_up = (f"POST {path}?{good} HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n"
               '{"GroupId"').encode()
    try:
        with caplog.at_level(logging.ERROR):
            for data in garbage:
                answer = _raw_exchange(port, data)
                assert re.match(rb"HTTP/1\.[01] 400 ", answer), (data[:40], answer[:200])
                assert b"ActionStatus" not in answer
                ok = _raw_exchange(port, valid)
                assert ok.startswith(b"HTTP/1.1 200 ") and b'"ErrorCode": 10010' in ok
            assert emu.total == len(garbage)  # only the valid requests were API requests
            with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
                s.sendall(hang_up)
                deadline = time.monotonic() + 10
                while emu.total == len(garbage) and time.monotonic() < deadline:
                    time.sleep(0.01)  # until the handler waits for the rest of the body
            time.sleep(0.2)
            ok = _raw_exchange(port, valid)
            assert ok.startswith(b"HTTP/1.1 200 ") and b'"ErrorCode": 10010' in ok
    finally:
        stop()
    assert emu.total == len(garbage) + 2
    assert not [r for r in caplog.records if r.name.startswith("tencentchat_emulator")]
