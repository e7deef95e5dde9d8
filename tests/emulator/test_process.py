"""Process-level behaviour: CLI, persistence, seeding, stats, rate limit, concurrency."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import threading
from pathlib import Path

import requests
from tencentchat_emulator.cli import make_emulator, run_in_thread
from tencentchat_emulator.store import Store
from tencentchat_emulator.usersig import generate_usersig

from tests.emulator.client import Raw
from tests.support.emulator import DEV_SECRET_KEY, EmulatorProcess, seed_file

G = "@TGS#_dev"
T = "@TGS#_dev@TOPIC#_general"
SEED = [{"GroupId": G, "Name": "Dev", "Type": "Community", "SupportTopic": 1,
         "Topics": [{"TopicId": T, "TopicName": "general"}]},
        {"Name": "Generated", "Type": "Community"}]


def counts(emulator: EmulatorProcess) -> dict:
    stats = emulator.stats()
    return {"total": stats["total"], "commands": stats["commands"]}


def test_stats_count_every_api_request_and_reset(api: Raw, emulator: EmulatorProcess) -> None:
    assert counts(emulator) == {"total": 0, "commands": {}}
    api.community()
    api.fail("create_group", {"Type": "Community", "Name": "n"}, 70009,
             usersig=generate_usersig(emulator.sdkappid, "wrong", emulator.admin))
    api.fail("no_such_command", {}, 10003)
    api.fail("get_permission_group", None, 60003, raw=b"{")
    emulator.stats()  # admin routes are not counted
    assert counts(emulator) == {"total": 4, "commands": {
        "create_group": 2, "no_such_command": 1, "get_permission_group": 1}}
    assert emulator.stats()["peak_rps"] == {
        "create_group": 2, "no_such_command": 1, "get_permission_group": 1}
    emulator.reset()
    assert emulator.stats() == {"total": 0, "commands": {}, "peak_rps": {}, "rate_limited": {},
                                "faults": {"error": 0, "http_502": 0, "drop_response": 0}}
    api.fail("get_permission_group", {"GroupId": "@TGS#_c1"}, 10010)  # state emptied too


def test_rate_limit_per_command() -> None:
    # A low cap (--rate-limit 5) so the test needs no particular speed: the cap is per second,
    # and a busy machine may not send 200 requests within one (the default is checked apart).
    emu = EmulatorProcess(args=["--rate-limit", "5"]).start()
    try:
        api = Raw(emu)
        api.community("@TGS#_rl")
        body = {"GroupId": "@TGS#_rl", "PermissionGroupName": "n"}
        codes: list[int] = []
        while 60007 not in codes and len(codes) < 200:
            codes.append(api.post("create_permission_group", body)["ErrorCode"])
        first = codes.index(60007)
        assert first >= 5 and codes[:first] == [0] * first  # never before the cap
        codes += [api.post("create_permission_group", body)["ErrorCode"] for _ in range(2)]
        created = codes.count(0)
        # another command is unaffected, and limited requests did no work
        out = api.ok("get_permission_group", {"GroupId": "@TGS#_rl", "Limit": 20})
        total, nxt = len(out["PermissionGroupInfoList"]), out["Next"]
        while nxt:
            out = api.ok("get_permission_group", {"GroupId": "@TGS#_rl", "Next": nxt})
            total, nxt = total + len(out["PermissionGroupInfoList"]), out["Next"]
        assert total == created
        stats = emu.stats()
        assert stats["commands"]["create_permission_group"] == len(codes)
        assert stats["rate_limited"]["create_permission_group"] == codes.count(60007)
    finally:
        emu.stop()


def test_rate_limit_flag_sets_or_lifts_the_cap() -> None:
    body = {"GroupId": "@TGS#_rl"}
    for flag, expected in (("5", [0] * 5 + [60007] * 3), ("0", [0] * 250)):
        emu = EmulatorProcess(args=["--rate-limit", flag]).start()
        try:
            api = Raw(emu)
            api.community("@TGS#_rl")
            codes = [api.post("get_permission_group", {**body, "Limit": 20})["ErrorCode"]
                     for _ in expected]
            assert codes == expected, flag
            assert emu.stats()["rate_limited"] == ({"get_permission_group": 3} if flag == "5"
                                                   else {})
        finally:
            emu.stop()


def test_concurrent_member_adds(emulator: EmulatorProcess) -> None:
    setup = Raw(emulator)
    setup.community("@TGS#_cc")
    setup.pg("@TGS#_cc", "@PMG#_p")
    errors: list[object] = []

    def worker(n: int) -> None:
        client = Raw(emulator)
        try:
            for batch in range(5):
                names = [{"Member_Account": f"w{n}-{batch}-{i}"} for i in range(20)]
                out = client.ok("add_permission_group_member", {
                    "GroupId": "@TGS#_cc", "PermissionGroupId": "@PMG#_p", "MemberList": names})
                assert all(m["Result"] == 0 for m in out["MemberList"])
        except Exception as e:  # noqa: BLE001 - reported below
            errors.append(e)

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    out = setup.ok("get_permission_group",
                   {"GroupId": "@TGS#_cc", "PermissionGroupIdList": ["@PMG#_p"]})
    assert out["PermissionGroupInfoList"][0]["MemberCount"] == 800
    seen, nxt = set(), ""
    while True:
        page = setup.ok("get_permission_group_member_list", {
            "GroupId": "@TGS#_cc", "PermissionGroupId": "@PMG#_p", "Next": nxt})
        seen.update(m["Member_Account"] for m in page["MemberList"])
        nxt = page["Next"]
        if not nxt:
            break
    assert len(seen) == 800


def test_persistence_and_idempotent_seed(tmp_path: Path) -> None:
    state = tmp_path / "sub" / "state.db"
    seed = seed_file(tmp_path, SEED)
    args = ["--state", str(state), "--seed", str(seed)]
    emu = EmulatorProcess(args=args).start()
    try:
        api = Raw(emu)
        out = api.ok("get_topic", {"GroupId": G, "From_Account": "a"})
        assert [i["TopicInfo"]["TopicId"] for i in out["TopicAndSelfInfo"]] == [T]
        api.pg(G, "@PMG#_keep", Permission=2**64 - 1, CustomString="\u4e2d")
        api.ok("add_permission_group_member", {"GroupId": G, "PermissionGroupId": "@PMG#_keep",
                                               "MemberList": [{"Member_Account": "alice"}]})
        api.ok("add_topic_permission_group", {
            "GroupId": G, "PermissionGroupId": "@PMG#_keep",
            "TopicPermissionList": [{"TopicId": T, "Permission": 127}]})
    finally:
        emu.stop()
    assert emu.proc is not None and emu.proc.returncode == 0  # clean SIGTERM shutdown
    assert state.exists()
    emu = EmulatorProcess(args=args).start()  # same seed again: kept, not duplicated
    try:
        api = Raw(emu)
        out = api.ok("get_permission_group", {"GroupId": G})
        assert out["PermissionGroupInfoList"] == [{
            "ErrorCode": 0, "ErrorInfo": "", "PermissionGroupId": "@PMG#_keep",
            "PermissionGroupName": "pg", "CustomString": "\u4e2d", "Permission": 2**64 - 1,
            "MemberCount": 1}]
        out = api.ok("get_topic_permission_group",
                     {"GroupId": G, "PermissionGroupId": "@PMG#_keep"})
        assert out["TopicPermissionResultList"][0]["Permission"] == 127
        out = api.ok("get_topic", {"GroupId": G, "From_Account": "a"})
        assert len(out["TopicAndSelfInfo"]) == 1
    finally:
        emu.stop()
    store = Store(state)  # the generated-ID seed group is created once per fresh state
    try:
        names = [r[0] for r in store.conn.execute("SELECT name FROM communities")]
    finally:
        store.close()
    assert sorted(names) == ["Dev", "Generated", "Generated"]


def test_default_state_path_sigint_and_banner(tmp_path: Path) -> None:
    proc = subprocess.Popen(
        [sys.executable, "-u", "-m", "tencentchat_emulator", "--port", "0"],
        cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        line = proc.stdout.readline()  # type: ignore[union-attr]
        assert line.startswith("listening on http://127.0.0.1:")
        port = int(line.rsplit(":", 1)[1])
        assert port > 0
        assert requests.get(line.split()[-1] + "/_emulator/stats", timeout=5).json()["total"] == 0
        proc.send_signal(signal.SIGINT)
        assert proc.wait(timeout=10) == 0
        assert proc.stdout.read() == ""  # exactly one line  # type: ignore[union-attr]
    finally:
        if proc.poll() is None:
            proc.kill()
    assert (tmp_path / ".tencentchat-emulator" / "state.db").exists()


def test_secrets_not_logged(tmp_path: Path) -> None:
    emu = EmulatorProcess().start()
    try:
        api = Raw(emu)
        api.community()
        api.fail("create_group", {}, 70009,
                 usersig=generate_usersig(emu.sdkappid, "wrong", emu.admin))
    finally:
        emu.stop()
    err = emu.proc.stderr.read()  # type: ignore[union-attr]
    assert api.sig not in err and DEV_SECRET_KEY not in err and "usersig" not in err


def test_run_in_thread_and_seed_dict() -> None:
    emu = make_emulator(seed={"groups": SEED[:1]})
    url, stop = run_in_thread(emu)
    try:
        sig = generate_usersig(1400000000, DEV_SECRET_KEY, "administrator")
        r = requests.post(f"{url}/v4/group_open_http_svc/get_permission_group",
                          params={"sdkappid": 1400000000, "identifier": "administrator",
                                  "usersig": sig, "random": 1, "contenttype": "json"},
                          data=json.dumps({"GroupId": G}), timeout=5)
        assert r.json() == {"ActionStatus": "OK", "ErrorCode": 0, "ErrorInfo": "",
                            "PermissionGroupInfoList": [], "Next": ""}
    finally:
        stop()


def test_store_roundtrip_and_rollback(tmp_path: Path) -> None:
    store = Store(tmp_path / "s.db")
    try:
        with store.transaction():
            store.insert_pg("g", "@PMG#_a", "n", 2**64 - 1, "")
        assert store.get_pg("g", "@PMG#_a").permission == 2**64 - 1  # type: ignore[union-attr]
        try:
            with store.transaction():
                store.insert_pg("g", "@PMG#_b", "n", 1, "")
                raise RuntimeError("boom")
        except RuntimeError:
            pass
        assert store.get_pg("g", "@PMG#_b") is None
        mode = store.conn.execute("PRAGMA journal_mode").fetchone()[0]
        assert mode == "wal"
    finally:
        store.close()


def test_invalid_seed_fails_fast(tmp_path: Path) -> None:
    seed = seed_file(tmp_path, [{"GroupId": "no-prefix", "Name": "x", "Type": "Community"}])
    proc = subprocess.run(
        [sys.executable, "-m", "tencentchat_emulator", "--port", "0", "--in-memory",
         "--seed", str(seed)], capture_output=True, text=True, timeout=30)
    assert proc.returncode == 2
    assert "listening" not in proc.stdout
    assert "10015" in proc.stderr
