"""Fault injection: `/_emulator/faults`, the CLI flags, and the stats beside them."""

from __future__ import annotations

import json
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from tests.emulator.client import Raw
from tests.support.emulator import EmulatorProcess

GID = "@TGS#_faults"


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
    # Delays overlap: the server is not blocked while one answer waits.
    start = time.monotonic()
    with ThreadPoolExecutor(4) as pool:
        list(pool.map(lambda _: api.post("get_permission_group", {"GroupId": GID}), range(4)))
    assert time.monotonic() - start < 4 * 0.15


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


def test_stats_report_peak_per_second_and_rate_limited(
        emulator: EmulatorProcess, api: Raw, community: str) -> None:
    for _ in range(5):
        api.ok("get_permission_group", {"GroupId": GID})
    stats = emulator.stats()
    assert stats["peak_rps"]["get_permission_group"] == 5
    assert stats["rate_limited"] == {}
    # Over the 200/s cap: the excess is answered 60007 and counted.
    with ThreadPoolExecutor(8) as pool:
        codes = list(pool.map(lambda _: api.post("get_topic", {"GroupId": GID})["ErrorCode"],
                              range(260)))
    stats = emulator.stats()
    limited = stats["rate_limited"].get("get_topic", 0)
    assert limited == codes.count(60007) > 0
    assert stats["peak_rps"]["get_topic"] > 200


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
