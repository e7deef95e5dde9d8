"""Export: ``tencentchat export`` of one large community, end to end, as a user runs it.

The community: ``n`` permission groups (default 200), ``n // 4`` topics (50), 50 members per
group (10 000) and each group's rights in 5 topics, built with raw calls in an emulator started
with ``--latency-ms L``. Then the real command runs as a subprocess
(``python -m pulumi_tencentchat export --group-id … --out DIR``), twice: with the client's
default request rate (50/s) and with ``tencentchat:requestsPerSecond`` = ``--rate`` read from a
stack file (``--stack bench``). Figures are medians over ``--runs``.

``calls`` are the REST calls the emulator counted for one export, by command in the table;
``expected_calls`` = 1 (get_group_info) + 1 (get_topic) + ceil(n / 20) (permission-group
listing) + n (one topic-permission read per group) + member pages (a group's list in pages of
50, at least one): 412 for n = 200. ``*_bound_s`` =
max(calls / rate, per-group reads · L / workers + listing pages · L): what the rate limit or
the latency allow at the command's parallel reads (``WORKERS`` permission groups at a time).
"""

from __future__ import annotations

import math
import os
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from pulumi_tencentchat.cli.export import WORKERS
from pulumi_tencentchat.client import TencentChatClient

from tests.support.emulator import DEV_SDKAPPID, DEV_SECRET_KEY, Calls, EmulatorProcess

from ._common import Options, median, start_emulator, table

GROUP_ID = "@TGS#_export_bench"
MEMBERS_EACH = 50
GRANTS_EACH = 5
DEFAULT_RATE = 50.0  # the client's default tencentchat:requestsPerSecond


def build(emulator: EmulatorProcess, groups: int, topics: int) -> None:
    """The community, with raw calls, 8 at a time (the emulator answers each after L ms)."""
    with TencentChatClient(DEV_SDKAPPID, secret_key=DEV_SECRET_KEY, endpoint=emulator.url,
                           requests_per_second=150) as raw:
        raw.create_group(name="Export benchmark", group_id=GROUP_ID, support_topic=True)
        raw.modify_group_base_info(GROUP_ID, enable_permission=True, default_permission=320)
        topic_ids = [f"{GROUP_ID}@TOPIC#_t{k}" for k in range(topics)]

        def topic(k: int) -> None:
            raw.create_topic(GROUP_ID, f"Topic {k}", topic_id=topic_ids[k])

        def group(i: int) -> None:
            pg = f"@PMG#_g{i}"
            raw.create_permission_group(GROUP_ID, f"Group {i}", permission=64 | i,
                                        permission_group_id=pg)
            raw.add_topic_permissions(GROUP_ID, pg, {
                topic_ids[(i + k) % topics]: 8 | k for k in range(min(GRANTS_EACH, topics))})
            raw.add_permission_group_members(GROUP_ID, pg, [
                f"user{i}_{m}" for m in range(MEMBERS_EACH)])

        with ThreadPoolExecutor(8) as pool:
            list(pool.map(topic, range(topics)))
            list(pool.map(group, range(groups)))


def export_once(emulator: EmulatorProcess, workdir: Path, stack: bool) -> tuple[float, dict]:
    """One ``tencentchat export`` run: wall seconds and the REST calls by command."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("TENCENTCHAT_")}
    env["TENCENTCHAT_SECRET_KEY"] = DEV_SECRET_KEY
    where = ["--stack", "bench"] if stack else ["--sdkappid", str(DEV_SDKAPPID), "--endpoint",
                                                emulator.url]
    command = [sys.executable, "-m", "pulumi_tencentchat", "export", *where, "--group-id",
               GROUP_ID, "--out", str(workdir / "infra")]
    calls = Calls(emulator).mark()
    started = time.perf_counter()
    done = subprocess.run(command, cwd=workdir, env=env, capture_output=True, text=True,
                          timeout=600)
    wall = time.perf_counter() - started
    if done.returncode != 0:
        raise RuntimeError(f"export failed ({done.returncode}): {done.stderr[-2000:]}")
    return wall, calls.commands()


def run(opts: Options) -> dict[str, object]:
    groups, topics = opts.n, max(1, opts.n // 4)
    members = groups * MEMBERS_EACH
    print(f"export: {groups} permission groups, {topics} topics, {members} members, "
          f"emulator latency {opts.latency_ms:g} ms, {opts.runs} run(s) each", flush=True)
    emulator = start_emulator(opts.latency_ms)
    try:
        started = time.perf_counter()
        build(emulator, groups, topics)
        print(f"  built in {time.perf_counter() - started:.1f} s", flush=True)
        with tempfile.TemporaryDirectory(prefix="tencentchat-export-bench-") as tmp:
            workdir = Path(tmp)
            (workdir / "Pulumi.bench.yaml").write_text(
                "config:\n"
                f"  tencentchat:sdkAppId: \"{DEV_SDKAPPID}\"\n"
                f"  tencentchat:endpoint: {emulator.url}\n"
                f"  tencentchat:requestsPerSecond: \"{opts.rate:g}\"\n")
            default_runs, fast_runs = [], []
            for k in range(opts.runs):
                default_runs.append(export_once(emulator, workdir, stack=False))
                fast_runs.append(export_once(emulator, workdir, stack=True))
                print(f"  run {k + 1}: rate {DEFAULT_RATE:g}/s {default_runs[-1][0]:.2f} s, "
                      f"rate {opts.rate:g}/s {fast_runs[-1][0]:.2f} s", flush=True)
            program = (workdir / "infra" / "__main__.py").read_text(encoding="utf-8")
    finally:
        emulator.stop()

    commands = fast_runs[-1][1]
    calls = sum(commands.values())
    pages = math.ceil(groups / 20)
    member_pages = groups * max(1, math.ceil(MEMBERS_EACH / 50))
    expected = 2 + pages + groups + member_pages
    latency = opts.latency_ms / 1000
    per_group = groups + member_pages  # each group's reads, WORKERS groups at a time

    def bound(rate: float) -> float:
        return max(calls / rate, per_group * latency / WORKERS + (2 + pages) * latency)

    wall_default = median(w for w, _ in default_runs)
    wall_fast = median(w for w, _ in fast_runs)
    print()
    print(table(["command", "calls"], sorted(commands.items())))
    print()
    print(table(["rate /s", "wall s", "bound s"],
                [[DEFAULT_RATE, wall_default, bound(DEFAULT_RATE)],
                 [opts.rate, wall_fast, bound(opts.rate)]]))
    print()
    resources = program.count("opts=pulumi.ResourceOptions(retain_on_delete=True),\n)")
    print(f"program: {len(program.splitlines())} lines, {resources} resources; wall time is "
          "the whole command (interpreter start, imports, reads, generation, the file).")
    return {"groups": groups, "topics": topics, "members": members,
            "latency_ms": opts.latency_ms, "runs": opts.runs, "rate": opts.rate,
            "calls": calls, "expected_calls": expected,
            "wall_default_rate_s": wall_default, "bound_default_rate_s": bound(DEFAULT_RATE),
            "wall_s": wall_fast, "bound_s": bound(opts.rate), "resources": resources}
