"""Cold start: from spawning the plugin to its first Create answered, provider vs bare host.

Each run spawns ``python -u -m pulumi.dynamic`` (as the engine does), waits for the port line
and a ready gRPC channel, sends Configure, then Check and Create of one resource:

* ``provider``: a PermissionGroup of this package against the emulator (its blob makes the
  host import the provider; Create builds the client and makes one REST call, answered after
  ``latency_ms``);
* ``bare``: the trivial provider of ``tests/support/trivial_provider.py`` (no REST call).

Runs alternate bare/provider so machine noise hits both alike; figures are medians.
``diff_s`` = provider - bare, the cost of this package on top of the host (target <= 0.3 s);
it includes the one REST call of the provider's Create (``latency_ms``).
"""

from __future__ import annotations

import time
from collections.abc import Callable

from tests.support.plugin import PluginProcess, urn_name

from ._common import (
    CLEAN_ENV,
    Declared,
    Options,
    configure,
    declare,
    medians,
    stack_config,
    start_emulator,
    table,
)

GROUP_ID = "@TGS#_cold"
STEPS = ("ready", "configure", "check", "create")
"""Spawn until the port is printed and the channel is up, then one gRPC call each."""


def _one(declared: Declared, config: dict[str, str]) -> dict[str, float]:
    """Spawn, Configure, Check, Create: seconds spent in each step, and ``total``."""
    started = time.perf_counter()
    plugin = PluginProcess.start(env=CLEAN_ENV)
    try:
        marks = {"ready": time.perf_counter()}
        configure(plugin, config)
        marks["configure"] = time.perf_counter()
        checked = plugin.check(declared.urn, {}, declared.inputs)
        if checked.failures:
            raise RuntimeError(f"check failed: {checked.failures}")
        marks["check"] = time.perf_counter()
        rid, _outs = plugin.create(declared.urn, checked.inputs)
        marks["create"] = time.perf_counter()
        if not rid:
            raise RuntimeError("create returned no id")
    finally:
        plugin.stop()
    ends = [started, *(marks[step] for step in STEPS)]
    steps = {step: ends[i + 1] - ends[i] for i, step in enumerate(STEPS)}
    return {**steps, "total": marks["create"] - started}


def _programs(runs: int) -> tuple[Callable[[], None], Callable[[], None]]:
    def provider() -> None:
        from pulumi_tencentchat import PermissionGroup

        for k in range(runs):
            PermissionGroup(f"cold{k}", group_id=GROUP_ID, permission_group_id=f"@PMG#_cold{k}",
                            name=f"Cold {k}")

    def bare() -> None:
        from tests.support.trivial_provider import Trivial

        Trivial("bare", {"name": "bare"})

    return provider, bare


def run(opts: Options) -> dict[str, object]:
    runs = opts.cold_start_runs
    print(f"cold start: spawn -> port -> Configure -> Check -> Create, {runs} run(s) each, "
          f"emulator latency {opts.latency_ms:g} ms", flush=True)
    provider_program, bare_program = _programs(runs)
    # By name: declare() lists registrations in arrival order, not the program's.
    provider_resources = {urn_name(d.urn): d for d in declare(provider_program)}
    bare_resource = declare(bare_program)[0]

    emulator = start_emulator(opts.latency_ms)
    bare_runs: list[dict[str, float]] = []
    provider_runs: list[dict[str, float]] = []
    try:
        from pulumi_tencentchat.client import TencentChatClient

        from tests.support.emulator import DEV_SDKAPPID, DEV_SECRET_KEY

        with TencentChatClient(DEV_SDKAPPID, secret_key=DEV_SECRET_KEY, endpoint=emulator.url,
                               requests_per_second=200) as raw:
            raw.create_group(name="Cold start", group_id=GROUP_ID, support_topic=True)
        config = stack_config(emulator.url, opts.rate)
        for k in range(runs):
            bare_runs.append(_one(bare_resource, config))
            provider_runs.append(_one(provider_resources[f"cold{k}"], config))
            print(f"  run {k + 1}: bare {bare_runs[-1]['total']:.3f}s, provider "
                  f"{provider_runs[-1]['total']:.3f}s", flush=True)
    finally:
        emulator.stop()

    bare, prov = medians(bare_runs), medians(provider_runs)
    rows = [[step, bare[step], prov[step], prov[step] - bare[step]]
            for step in (*STEPS, "total")]
    print()
    print(table(["step", "bare s", "provider s", "diff s"], rows))
    print()
    print("medians per step; ready = spawn until the port line and a connected gRPC channel; "
          "the provider's Check loads its class (imports), its Create builds the client and "
          f"makes one REST call answered after {opts.latency_ms:g} ms. Target: total diff "
          "<= 0.3 s.")
    return {"runs": runs, "latency_ms": opts.latency_ms, "bare_s": bare["total"],
            "provider_s": prov["total"], "diff_s": prov["total"] - bare["total"],
            "check_diff_s": prov["check"] - bare["check"],
            "create_diff_s": prov["create"] - bare["create"]}
