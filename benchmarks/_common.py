"""Shared pieces of the benchmarks: options, emulator and plugin processes, tables, summaries.

The emulator and plugin drivers are the test suite's own (``tests/support``): the same
``EmulatorProcess`` and ``PluginProcess`` the protocol tests use, so a benchmark drives the
plugin exactly as those tests (and the engine) do.
"""

from __future__ import annotations

import os
import statistics
import threading
import time
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

from tests.support.emulator import DEV_SDKAPPID, DEV_SECRET_KEY, EmulatorProcess
from tests.support.plugin import DEFAULT_PROJECT, DEFAULT_STACK, PluginProcess
from tests.support.program import collect_mock_loops, restore_pickler, run_program

#: The engine's plugin host serves every resource call from 4 threads.
ENGINE_CONCURRENCY = 4

SECRET_CONFIG_KEYS = ("tencentchat:secretKey",)
# Credentials the plugin would otherwise inherit from the developer's shell.
CLEAN_ENV: dict[str, str | None] = {
    name: None
    for name in ("TENCENTCHAT_SDKAPPID", "TENCENTCHAT_IDENTIFIER", "TENCENTCHAT_SECRET_KEY",
                 "TENCENTCHAT_USERSIG", "TENCENTCHAT_REGION", "TENCENTCHAT_ENDPOINT")
}


@dataclass(frozen=True)
class Options:
    """What ``python -m benchmarks`` was asked to do."""

    n: int = 200
    """Permission groups and topic permissions each, in the lifecycle benchmark."""
    latency_ms: float = 50.0
    runs: int = 3
    rate: float = 200.0
    """The provider's ``tencentchat:requestsPerSecond``."""
    topics: int = 20
    """Topics of the lifecycle community; the topic permissions fill one group's topics first."""
    matrix_groups: int = 10
    """Permission groups of the matrix benchmark."""
    matrix_topics: int = 20
    """Topic permissions per group in the matrix benchmark."""
    cold_start_runs: int = 7
    throughput_seconds: float = 3.0
    throughput_concurrency: int = 8
    smoke: bool = False


# -- processes -------------------------------------------------------------------------------


def start_emulator(latency_ms: float = 0.0, *extra: str) -> EmulatorProcess:
    """A fresh in-memory emulator (unless ``extra`` names ``--state``) answering after L ms."""
    args = [*extra]
    if latency_ms:
        args += ["--latency-ms", f"{latency_ms:g}"]
    return EmulatorProcess(args=args).start()


def stack_config(endpoint: str, rate: float) -> dict[str, str]:
    """The stack config as the engine sends it to a dynamic provider (strings, namespaced)."""
    return {
        "tencentchat:sdkAppId": str(DEV_SDKAPPID),
        "tencentchat:secretKey": DEV_SECRET_KEY,
        "tencentchat:endpoint": endpoint,
        "tencentchat:requestsPerSecond": f"{rate:g}",
    }


def start_plugin() -> PluginProcess:
    """Spawn ``python -u -m pulumi.dynamic`` with a clean credential environment."""
    return PluginProcess.start(env=CLEAN_ENV)


def configure(plugin: PluginProcess, config: Mapping[str, str]) -> None:
    plugin.configure(config, secret_keys=[k for k in SECRET_CONFIG_KEYS if k in config])


@dataclass(frozen=True)
class Declared:
    """One resource a program registered: its URN and the (secret-free) inputs it sends."""

    urn: str
    type: str
    inputs: dict[str, Any]


def declare(program: Callable[[], Any]) -> list[Declared]:
    """Run ``program`` under mocks; its registrations with real ``__provider`` blobs.

    In arrival order, which is not the program's: the SDK registers resources concurrently.
    Look them up by name (``urn_name``), never by position.
    """
    try:
        registered = run_program(program, project=DEFAULT_PROJECT, stack=DEFAULT_STACK)
    finally:
        restore_pickler()
    collect_mock_loops()
    return [Declared(r.urn, r.type, r.plain_inputs()) for r in registered]


def api_query(emulator: EmulatorProcess) -> str:
    """The query string of an API request as the emulator's admin (a real UserSig)."""
    from urllib.parse import urlencode

    from tencentchat_emulator.usersig import generate_usersig

    sig = generate_usersig(emulator.sdkappid, emulator.secret_key, emulator.admin)
    return urlencode({"sdkappid": emulator.sdkappid, "identifier": emulator.admin,
                      "usersig": sig, "random": 1, "contenttype": "json"})


def round_trip_ms(emulator: EmulatorProcess, samples: int = 20) -> float:
    """Median time of one bare API request (keep-alive ``http.client``, one at a time).

    This is what the emulator's latency really costs a client that does nothing else.
    """
    import http.client
    from urllib.parse import urlsplit

    url = urlsplit(emulator.url)
    path = f"/v4/group_open_http_svc/get_permission_group?{api_query(emulator)}"
    conn = http.client.HTTPConnection(url.hostname, url.port, timeout=30)
    times = []
    try:
        for _ in range(samples + 1):
            started = time.perf_counter()
            conn.request("POST", path, b'{"GroupId": "@TGS#_rtt"}',
                         {"Content-Type": "application/json"})
            conn.getresponse().read()
            times.append((time.perf_counter() - started) * 1000)
    finally:
        conn.close()
    return median(times[1:])


# -- a dependency-aware worker pool, like the engine's step executor ------------------------


def run_graph(tasks: Sequence[tuple[Hashable, Callable[[], Any], Iterable[Hashable]]],
              workers: int = ENGINE_CONCURRENCY) -> dict[Hashable, Any]:
    """Run ``(key, fn, deps)`` tasks on ``workers`` threads; a task starts once its deps ended.

    Ready tasks run in the order given (FIFO), a dependent is queued the moment its last
    dependency finishes. Returns each task's result; the first failure is raised.
    """
    if not tasks:
        return {}
    waiting: dict[Hashable, set[Hashable]] = {}
    dependents: dict[Hashable, list[Hashable]] = {}
    fns: dict[Hashable, Callable[[], Any]] = {}
    for key, fn, deps in tasks:
        fns[key] = fn
        waiting[key] = set(deps)
        for dep in waiting[key]:
            dependents.setdefault(dep, []).append(key)
    results: dict[Hashable, Any] = {}
    errors: list[BaseException] = []
    lock = threading.Lock()
    finished = threading.Event()
    remaining = [len(fns)]

    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="bench") as pool:

        def submit(key: Hashable) -> None:
            pool.submit(run, key)

        def run(key: Hashable) -> None:
            try:
                value = fns[key]()
            except BaseException as exc:  # noqa: BLE001 - reported by the caller
                with lock:
                    errors.append(exc)
                finished.set()
                return
            ready = []
            with lock:
                results[key] = value
                remaining[0] -= 1
                for dependent in dependents.get(key, ()):
                    waiting[dependent].discard(key)
                    if not waiting[dependent]:
                        ready.append(dependent)
                if remaining[0] == 0:
                    finished.set()
            if not errors:
                for dependent in ready:
                    submit(dependent)

        initial = [key for key, _fn, _deps in tasks if not waiting[key]]
        if not initial and fns:
            raise ValueError("no task is ready: the dependencies form a cycle")
        for key in initial:
            submit(key)
        finished.wait()
    if errors:
        raise errors[0]
    return results


def cpu_seconds(pid: int | None = None) -> float:
    """User + system CPU time of process ``pid`` (None: this process); NaN if unknown."""
    if pid is None:
        return time.process_time()
    try:
        with open(f"/proc/{pid}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        return float("nan")


# -- figures ---------------------------------------------------------------------------------


def median(values: Iterable[float]) -> float:
    data = list(values)
    return float(statistics.median(data)) if data else float("nan")


def medians(runs: Sequence[Mapping[str, float]]) -> dict[str, float]:
    """Per key, the median over runs (every run reports the same keys)."""
    return {key: median(run[key] for run in runs) for key in runs[0]}


def fmt(value: object) -> str:
    if isinstance(value, float):
        if value != value:  # NaN
            return "nan"
        if value.is_integer():
            return str(int(value))
        return f"{value:.3f}" if abs(value) < 100 else f"{value:.1f}"
    return str(value)


def summary_line(name: str, fields: Mapping[str, object]) -> str:
    """``name k=v k=v ...``: the last line of a section, for scripts and CI."""
    return " ".join([name, *(f"{key}={fmt(value)}" for key, value in fields.items())])


def parse_summary(line: str) -> tuple[str, dict[str, str]]:
    """The inverse of :func:`summary_line` (values stay strings)."""
    name, *pairs = line.split()
    fields = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key:
            raise ValueError(f"not key=value: {pair!r}")
        fields[key] = value
    return name, fields


def table(headers: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    """A plain left/right aligned text table (numbers right-aligned)."""
    cells = [[fmt(c) for c in row] for row in rows]
    widths = [max([len(h), *(len(r[i]) for r in cells)]) for i, h in enumerate(headers)]
    numeric = [all(_is_number(r[i]) for r in cells) and cells != [] for i in range(len(headers))]

    def line(values: Sequence[str]) -> str:
        return "  ".join(v.rjust(w) if num else v.ljust(w)
                         for v, w, num in zip(values, widths, numeric, strict=True)).rstrip()

    rule = "  ".join("-" * w for w in widths)
    return "\n".join([line(headers), rule, *(line(r) for r in cells)])


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True
