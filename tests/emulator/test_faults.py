"""Fault injection: `/_emulator/faults`, the CLI flags, and the stats beside them."""

from __future__ import annotations

import http.client
import json
import select
import time
from urllib.parse import urlencode, urlsplit

import pytest
import requests
from tencentchat_emulator import unverified as U
from tencentchat_emulator.cli import build_parser
from tencentchat_emulator.server import Settings

from tests.emulator.client import Raw
from tests.support.emulator import EmulatorProcess

GID = "@TGS#_faults"
RATE_LIMITED = 60007


def pg_ids(api: Raw) -> list[str]:
    out = api.ok("get_permission_group", {"GroupId": GID, "Limit": 20})
    return sorted(p["PermissionGroupId"] for p in out["PermissionGroupInfoList"])


def raw_post(api: Raw, command: str, body: dict) -> requests.Response:
    """One POST without the 200 assertion of ``Raw.post`` (faults answer otherwise)."""
    return api.http.post(f"{api.url}/v4/group_open_http_svc/{command}", params=api.query(),
                         data=json.dumps(body).encode(), timeout=10)


@pytest.fixture
def community(api: Raw) -> str:
    return api.community(GID)


def test_error_code_is_answered_without_doing_the_work(
        emulator: EmulatorProcess, api: Raw, community: str) -> None:
    emulator.set_faults(fail_next=2, error_code=10002)
    for n in range(2):  # work not done: these IDs stay free
        body = {"GroupId": GID, "PermissionGroupName": "x", "PermissionGroupId": f"@PMG#_{n}"}
        out = api.fail("create_permission_group", body, 10002)
        assert "injected" in out["ErrorInfo"]
    assert pg_ids(api) == []
    # After the two faults injection stops by itself.
    api.pg(GID, "@PMG#_after")
    assert pg_ids(api) == ["@PMG#_after"]
    assert emulator.injected() == {"error": 2, "http_502": 0, "drop_response": 0}


def test_http_502_is_bare_and_does_no_work(
        emulator: EmulatorProcess, api: Raw, community: str) -> None:
    emulator.set_faults(fail_next=1, http_502_rate=1)
    resp = raw_post(api, "create_permission_group",
                    {"GroupId": GID, "PermissionGroupName": "x", "PermissionGroupId": "@PMG#_a"})
    assert resp.status_code == 502
    assert "ErrorCode" not in resp.text
    assert pg_ids(api) == []
    assert emulator.injected()["http_502"] == 1


def test_dropped_response_commits_the_work(
        emulator: EmulatorProcess, api: Raw, community: str) -> None:
    emulator.set_faults(fail_next=1, drop_response_rate=1)
    with pytest.raises(requests.ConnectionError):
        raw_post(api, "create_permission_group",
                 {"GroupId": GID, "PermissionGroupName": "x", "PermissionGroupId": "@PMG#_a"})
    assert pg_ids(api) == ["@PMG#_a"]  # the write happened; the client cannot know
    assert emulator.injected()["drop_response"] == 1
    # The emulator keeps serving after the dropped connection.
    api.pg(GID, "@PMG#_b")
    assert pg_ids(api) == ["@PMG#_a", "@PMG#_b"]


def test_commands_restrict_faults(emulator: EmulatorProcess, api: Raw, community: str) -> None:
    emulator.set_faults(error_rate=1, error_code=60007, commands=["modify_permission_group"])
    api.pg(GID, "@PMG#_a")  # not a listed command: untouched
    api.fail("modify_permission_group",
             {"GroupId": GID, "PermissionGroupId": "@PMG#_a", "PermissionGroupName": "y"}, 60007)
    emulator.clear_faults()
    api.ok("modify_permission_group",
           {"GroupId": GID, "PermissionGroupId": "@PMG#_a", "PermissionGroupName": "y"})


def _outcomes(emulator: EmulatorProcess, api: Raw, seed: int, n: int) -> list[str]:
    time.sleep(1.0)  # a fresh one-second window: stay clear of the 200/s cap
    emulator.set_faults(seed=seed, error_rate=0.2, http_502_rate=0.2, drop_response_rate=0.2,
                        commands=["get_permission_group"])
    outcomes = []
    for _ in range(n):
        try:
            resp = raw_post(api, "get_permission_group", {"GroupId": GID})
        except requests.ConnectionError:
            outcomes.append("drop")
            continue
        if resp.status_code == 502:
            outcomes.append("502")
        else:
            outcomes.append(str(resp.json()["ErrorCode"]))
    emulator.clear_faults()
    return outcomes


def test_same_seed_same_faults_and_rates_are_roughly_honoured(
        emulator: EmulatorProcess, api: Raw, community: str) -> None:
    first = _outcomes(emulator, api, seed=7, n=200)
    again = _outcomes(emulator, api, seed=7, n=200)
    other = _outcomes(emulator, api, seed=8, n=200)
    assert first == again
    assert first != other
    for kind in ("10002", "502", "drop"):
        assert 20 <= first.count(kind) <= 65, (kind, first.count(kind))
    assert 60 <= first.count("0") <= 140


def test_latency_delays_every_answer(emulator: EmulatorProcess, api: Raw, community: str) -> None:
    emulator.set_faults(latency_ms=150)
    start = time.monotonic()
    api.ok("get_permission_group", {"GroupId": GID})
    assert time.monotonic() - start >= 0.15


# Longer than any stall of a loaded machine; only a broken emulator makes a test wait for it.
HOLD_MS = 30_000


def _send_only(api: Raw, command: str, body: dict) -> http.client.HTTPConnection:
    """Send one API request and leave its answer unread on the open connection."""
    parts = urlsplit(api.url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    conn.request("POST", f"/v4/group_open_http_svc/{command}?{urlencode(api.query())}",
                 json.dumps(body).encode(), {"Content-Type": "application/json"})
    return conn


def _kill(emu: EmulatorProcess) -> None:
    """Stop at once: a graceful stop would wait for the requests still held."""
    if emu.proc is not None and emu.proc.poll() is None:
        emu.proc.kill()
        emu.proc.wait()


def test_delays_overlap_instead_of_queueing() -> None:
    """While three requests wait out their injected delay, a fourth is delayed and answered:
    the server is not blocked while an answer waits, and delays do not queue behind each other.
    Proven by order alone: the three are counted before the fourth is sent (the count comes
    right before the delay) and are still unanswered after it; nothing is timed but the
    fourth's own delay, from below."""
    emu = EmulatorProcess().start()  # its own: the held requests die with it
    held: list[http.client.HTTPConnection] = []
    try:
        api = Raw(emu)
        api.community(GID)
        emu.set_faults(latency_ms=HOLD_MS)
        held = [_send_only(api, "get_permission_group", {"GroupId": GID}) for _ in range(3)]
        deadline = time.monotonic() + 30  # only ends a broken run
        while emu.stats()["commands"].get("get_permission_group", 0) < 3:
            assert time.monotonic() < deadline, emu.stats()
            time.sleep(0.01)
        emu.set_faults(latency_ms=150)  # the three keep the delay they started with
        start = time.monotonic()
        api.ok("get_permission_group", {"GroupId": GID})
        assert time.monotonic() - start >= 0.15  # the fourth was delayed as well ...
        # ... and answered while the other three were still inside their delays.
        readable, _, _ = select.select([c.sock for c in held], [], [], 0)
        assert readable == []
        assert emu.stats()["commands"]["get_permission_group"] == 4
    finally:
        for conn in held:
            conn.close()
        _kill(emu)


@pytest.mark.parametrize("body", [
    {"error_rate": 1.5}, {"error_rate": -0.1}, {"error_rate": 0.6, "http_502_rate": 0.6},
    {"latency_ms": "slow"}, {"fail_next": -1}, {"commands": "get_permission_group"},
    {"error_code": 0}, {"surprise": 1}, [1, 2],
])
def test_bad_settings_are_refused(emulator: EmulatorProcess, body: object) -> None:
    with pytest.raises(Exception) as info:
        emulator.admin_call("POST", "/_emulator/faults", body)  # type: ignore[arg-type]
    assert "400" in str(info.value)
    assert emulator.admin_call("GET", "/_emulator/faults")["settings"]["error_rate"] == 0


def test_reset_clears_faults_and_counters(emulator: EmulatorProcess, api: Raw) -> None:
    emulator.set_faults(error_rate=1)
    api.post("get_permission_group", {"GroupId": GID})
    assert emulator.injected()["error"] == 1
    emulator.reset()
    assert emulator.injected() == {"error": 0, "http_502": 0, "drop_response": 0}
    assert emulator.admin_call("GET", "/_emulator/faults")["settings"]["error_rate"] == 0


def test_stats_report_peak_per_second(
        emulator: EmulatorProcess, api: Raw, community: str) -> None:
    started = time.monotonic()
    for _ in range(5):
        api.ok("get_permission_group", {"GroupId": GID})
    # The server saw the five between `started` and now (one clock for every process).
    within_one_window = time.monotonic() - started < 1.0
    stats = emulator.stats()
    peak = stats["peak_rps"]["get_permission_group"]
    assert peak == 5 if within_one_window else 1 <= peak <= 5, (peak, within_one_window)
    assert stats["rate_limited"] == {}


def test_default_rate_limit_is_the_documented_200_per_second() -> None:
    assert U.RATE_LIMIT_PER_SECOND == 200
    assert Settings().rate_limit == 200
    assert build_parser().parse_args([]).rate_limit == 200  # what EmulatorProcess starts with


def test_requests_over_the_cap_are_answered_60007_and_counted() -> None:
    limit = 2  # a low cap (the default 200 is checked above): a few quick requests pass it
    emu = EmulatorProcess(args=["--rate-limit", str(limit)]).start()
    try:
        api = Raw(emu)
        api.community(GID)
        codes: list[int] = []
        # Until the first refusal (the 100 only ends a broken run), then a few more.
        while RATE_LIMITED not in codes and len(codes) < 100:
            codes.append(api.post("get_permission_group", {"GroupId": GID})["ErrorCode"])
        codes += [api.post("get_permission_group", {"GroupId": GID})["ErrorCode"]
                  for _ in range(3)]
        first = codes.index(RATE_LIMITED)
        assert first >= limit and set(codes[:first]) == {0}, codes
        stats = emu.stats()
        assert stats["rate_limited"] == {"get_permission_group": codes.count(RATE_LIMITED)}, stats
        # Refused requests count towards the peak: the first one arrived with `limit` others
        # already in its second, so some second saw more than `limit`.
        assert stats["peak_rps"]["get_permission_group"] > limit, stats
    finally:
        emu.stop()


def test_cli_flags_apply_the_same_settings(tmp_path) -> None:
    emu = EmulatorProcess(args=["--fail-next", "1", "--error-code", "10002",
                                "--fault-command", "get_permission_group",
                                "--latency-ms", "5"]).start()
    try:
        api = Raw(emu)
        api.community(GID)
        api.fail("get_permission_group", {"GroupId": GID}, 10002)
        api.ok("get_permission_group", {"GroupId": GID})
        settings = emu.admin_call("GET", "/_emulator/faults")["settings"]
        assert settings["commands"] == ["get_permission_group"]
        assert settings["latency_ms"] == 5
    finally:
        emu.stop()


def test_cli_refuses_bad_fault_flags() -> None:
    with pytest.raises(RuntimeError, match="between 0 and 1"):
        EmulatorProcess(args=["--drop-response-rate", "3"]).start()
