"""Emulator throughput: requests/s with 8 requests in flight, no latency, the rate cap lifted.

The emulator normally answers 60007 beyond 200 requests/s per command (as Tencent does); this
benchmark starts it with ``--rate-limit 0`` to measure the server itself. The client is 8
threads, each with its own keep-alive ``http.client`` connection, a precomputed UserSig and
precomputed bodies, so it does little more than write and read sockets. Two commands:

* ``get_permission_group`` by ID (a read), and
* ``modify_permission_group`` renaming a group back and forth (a write: one SQLite transaction
  per request),

each against an in-memory store and against a state file. ``client_cpu`` is this process's
CPU time over the wall time (1.0 = one core busy): well below 1, the client is not the limit.
"""

from __future__ import annotations

import http.client
import json
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit

from tests.support.emulator import DEV_SDKAPPID, DEV_SECRET_KEY, EmulatorProcess

from ._common import Options, api_query, cpu_seconds, medians, start_emulator, table

GROUP_ID = "@TGS#_tput"
SERVICE = "group_open_http_svc"
COMMANDS = ("get_permission_group", "modify_permission_group")
WARMUP_SECONDS = 0.3


def _bodies(command: str, worker: int) -> list[bytes]:
    """The request bodies worker ``worker`` cycles through."""
    pg = f"@PMG#_w{worker}"
    if command == "get_permission_group":
        docs = [{"GroupId": GROUP_ID, "PermissionGroupIdList": [pg]}]
    else:
        docs = [{"GroupId": GROUP_ID, "PermissionGroupId": pg, "PermissionGroupName": name}
                for name in (f"w{worker} a", f"w{worker} b")]
    return [json.dumps(doc).encode() for doc in docs]


def _setup(emulator: EmulatorProcess, workers: int) -> None:
    from pulumi_tencentchat.client import TencentChatClient

    with TencentChatClient(DEV_SDKAPPID, secret_key=DEV_SECRET_KEY, endpoint=emulator.url,
                           requests_per_second=200) as raw:
        raw.create_group(name="Throughput", group_id=GROUP_ID, support_topic=True)
        for w in range(workers):
            raw.create_permission_group(GROUP_ID, f"w{w} a", permission_group_id=f"@PMG#_w{w}")


def measure(emulator: EmulatorProcess, command: str, workers: int, seconds: float) -> dict:
    """Requests/s of ``command`` with ``workers`` keep-alive connections for ``seconds``."""
    url = urlsplit(emulator.url)
    path = f"/v4/{SERVICE}/{command}?{api_query(emulator)}"
    headers = {"Content-Type": "application/json"}
    start = threading.Barrier(workers + 1)
    state = {"measuring": False, "stop": False}
    counts = [0] * workers
    errors: list[str] = []

    def worker(index: int) -> None:
        conn = http.client.HTTPConnection(url.hostname, url.port, timeout=30)
        bodies = _bodies(command, index)
        sent = 0
        try:
            start.wait()
            while not state["stop"]:
                conn.request("POST", path, bodies[sent % len(bodies)], headers)
                answer = conn.getresponse().read()
                if b'"ErrorCode":0' not in answer.replace(b" ", b""):
                    errors.append(answer[:200].decode(errors="replace"))
                    return
                sent += 1
                if state["measuring"]:
                    counts[index] += 1
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(repr(exc))
        finally:
            conn.close()

    threads = [threading.Thread(target=worker, args=(i,), daemon=True) for i in range(workers)]
    for thread in threads:
        thread.start()
    start.wait()
    time.sleep(WARMUP_SECONDS)
    cpu0, began = cpu_seconds(), time.perf_counter()
    state["measuring"] = True
    time.sleep(seconds)
    state["measuring"] = False
    elapsed = time.perf_counter() - began
    client_cpu = (cpu_seconds() - cpu0) / elapsed
    state["stop"] = True
    for thread in threads:
        thread.join(30)
    if errors:
        raise RuntimeError(f"{command}: {errors[0]}")
    return {"rps": sum(counts) / elapsed, "client_cpu": client_cpu}


def run(opts: Options) -> dict[str, object]:
    workers, seconds = opts.throughput_concurrency, opts.throughput_seconds
    print(f"emulator throughput: {workers} keep-alive connections, {seconds:g} s per figure "
          f"after {WARMUP_SECONDS:g} s warm-up, no latency, --rate-limit 0, {opts.runs} "
          "run(s)", flush=True)
    figures: dict[str, dict[str, float]] = {}
    with tempfile.TemporaryDirectory(prefix="tencentchat-bench-") as tmp:
        for store, args in (("memory", ["--in-memory"]),
                            ("file", ["--state", str(Path(tmp) / "state.db")])):
            emulator = start_emulator(0, "--rate-limit", "0", *args)
            try:
                _setup(emulator, workers)
                for command in COMMANDS:
                    per_run = [measure(emulator, command, workers, seconds)
                               for _ in range(opts.runs)]
                    figures[f"{store} {command}"] = medians(per_run)
                    print(f"  {store:6s} {command}: "
                          + ", ".join(f"{r['rps']:.0f}" for r in per_run) + " requests/s",
                          flush=True)
            finally:
                emulator.stop()
    print()
    print(table(["store", "command", "requests/s", "client cpu"], [
        [key.split()[0], key.split()[1], value["rps"], value["client_cpu"]]
        for key, value in figures.items()]))
    print()
    print("Target: at least 1000 requests/s (medians over runs).")
    return {
        "concurrency": workers, "seconds": seconds, "runs": opts.runs,
        "get_rps": figures["memory get_permission_group"]["rps"],
        "modify_rps": figures["memory modify_permission_group"]["rps"],
        "file_get_rps": figures["file get_permission_group"]["rps"],
        "file_modify_rps": figures["file modify_permission_group"]["rps"],
    }
