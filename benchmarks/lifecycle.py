"""Lifecycle: create, update, refresh and delete n permission groups and n topic permissions.

Everything goes through the real plugin (``python -u -m pulumi.dynamic``) over gRPC, 4 calls at
a time like the engine's plugin host, against an emulator that answers every API request after
``latency_ms``. Each phase is one engine operation, so it gets a fresh plugin, spawned,
configured and warmed up (``Probes``, timed apart as ``load_s``) before the clock starts:

* create:  Check -> Create per resource (``pulumi up`` of a new stack)
* update:  Check -> Diff -> Update per resource, every input changed (``pulumi up``)
* refresh: Read -> Diff per resource (``pulumi refresh``)
* delete:  Delete per resource (``pulumi destroy``)

Layout: one community with ``topics`` topics; permission groups ``pg0000..``; topic permission
``j`` gives group ``j // topics`` a permission on topic ``j % topics`` (so groups fill their
topics one after another). A topic permission depends on its group, as it does in a program
that passes ``group.permission_group_id``: on create and update it starts once its group's
step returned (interleaved, the way the engine queues a resource whose inputs just resolved;
no wave boundary), on delete its group waits for it. Refresh reads have no order.

The bound per phase is ``max(N * c * L / 4, N * c / R)`` with N the resource operations of the
phase (2n), c = 1 REST call per operation, L the emulator latency, 4 the engine's concurrency
and R the provider's requests/s. ``ratio`` = wall time / bound.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import grpc
from google.protobuf import struct_pb2
from pulumi.runtime.proto import provider_pb2

from tests.support.emulator import DEV_SDKAPPID, DEV_SECRET_KEY, EmulatorProcess
from tests.support.plugin import PluginProcess, encode_properties, urn_name, urn_type

from ._common import (
    ENGINE_CONCURRENCY,
    Options,
    configure,
    cpu_seconds,
    declare,
    median,
    medians,
    round_trip_ms,
    run_graph,
    stack_config,
    start_emulator,
    start_plugin,
    table,
)

GROUP_ID = "@TGS#_bench"
PHASES = ("create", "update", "refresh", "delete")
#: get_permission_group pages hold at most 20 groups (docs/tencent-api.md#list-caps-and-page-sizes).
PAGE = 20
#: The batched-refresh allowance on top of the listing's pages (issue target).
REFRESH_ALLOWANCE = 4


def topic_id(k: int) -> str:
    return f"{GROUP_ID}@TOPIC#_t{k:03d}"


def pg_id(i: int) -> str:
    return f"@PMG#_b{i:04d}"


@dataclass(frozen=True)
class Layout:
    n: int
    topics: int

    @property
    def tp_groups(self) -> int:
        """Permission groups holding topic permissions (each a refresh scope)."""
        return math.ceil(self.n / self.topics)

    def tp_group(self, j: int) -> int:
        return j // self.topics


def program(layout: Layout, version: int) -> Callable[[], None]:
    """The stack: version 0 is created, version 1 changes every updatable input."""
    from pulumi_tencentchat import (
        GroupPermission,
        PermissionGroup,
        TopicPermission,
        TopicPermissionBit,
    )

    G, T = GroupPermission, TopicPermissionBit
    group_perm = [G.SendGroupMessage, G.SendGroupMessage | G.GetGroupHistoryMessage][version]
    topic_perm = [T.SendTopicMessage, T.SendTopicMessage | T.GetTopicHistoryMessage][version]

    def run() -> None:
        for i in range(layout.n):
            PermissionGroup(f"pg{i:04d}", group_id=GROUP_ID, permission_group_id=pg_id(i),
                            name=f"Bench {i} v{version}", permission=group_perm)
        for j in range(layout.n):
            TopicPermission(f"tp{j:04d}", group_id=GROUP_ID,
                            permission_group_id=pg_id(layout.tp_group(j)),
                            topic_id=topic_id(j % layout.topics), permission=topic_perm)

    return run


@dataclass
class State:
    """What the engine keeps for a resource: id, inputs and outputs, as the wire Structs."""

    urn: str
    id: str
    inputs: struct_pb2.Struct
    outs: struct_pb2.Struct


@dataclass
class PhaseResult:
    wall_s: float
    calls: int
    commands: dict[str, int]
    rate_limited: int
    op_ms: list[float]
    cpu_ms: dict[str, float]
    """CPU time of each process during the phase (plugin, emulator, benchmark driver)."""
    load_s: float
    """The fresh plugin's warm-up (provider classes and client), before the clock."""


class Wire:
    """Engine-style calls on the plugin's stub, passing the plugin's own Structs through.

    The engine hands Check's inputs to Create and keeps the returned outputs as state without
    re-encoding them; so does this driver, so the clock measures the plugin, not this process.
    """

    def __init__(self, plugin: PluginProcess) -> None:
        self.stub = plugin.stub
        self.timeout = plugin.call_timeout

    def call(self, method: str, request: Any) -> Any:
        try:
            return getattr(self.stub, method)(request, timeout=self.timeout)
        except grpc.RpcError as exc:
            details = exc.details() if hasattr(exc, "details") else str(exc)
            raise RuntimeError(f"{method} failed: {details}") from None

    @staticmethod
    def names(urn: str) -> dict[str, str]:
        return {"urn": urn, "name": urn_name(urn), "type": urn_type(urn)}

    def step(self, phase: str, name: str, states: dict[str, State],
             wanted: dict[str, struct_pb2.Struct], urns: dict[str, str]) -> None:
        """The engine's calls for one resource in one phase."""
        urn = urns[name]
        if phase == "create":
            checked = self.call("Check", provider_pb2.CheckRequest(
                **self.names(urn), olds=_EMPTY, news=wanted[name]))
            if checked.failures:
                raise RuntimeError(f"{name}: check failed: {list(checked.failures)}")
            made = self.call("Create", provider_pb2.CreateRequest(
                **self.names(urn), properties=checked.inputs))
            states[name] = State(urn, made.id, checked.inputs, made.properties)
        elif phase == "update":
            old = states[name]
            checked = self.call("Check", provider_pb2.CheckRequest(
                **self.names(urn), olds=old.inputs, news=wanted[name]))
            if checked.failures:
                raise RuntimeError(f"{name}: check failed: {list(checked.failures)}")
            diff = self.call("Diff", provider_pb2.DiffRequest(
                id=old.id, **self.names(urn), olds=old.outs, news=checked.inputs,
                old_inputs=old.inputs))
            if diff.changes != provider_pb2.DiffResponse.DIFF_SOME or diff.replaces:
                raise RuntimeError(f"{name}: expected an in-place update, got {diff}")
            updated = self.call("Update", provider_pb2.UpdateRequest(
                id=old.id, **self.names(urn), olds=old.outs, news=checked.inputs,
                old_inputs=old.inputs))
            states[name] = State(urn, old.id, checked.inputs, updated.properties)
        elif phase == "refresh":
            old = states[name]
            read = self.call("Read", provider_pb2.ReadRequest(
                id=old.id, **self.names(urn), properties=old.outs, inputs=old.inputs))
            if not read.id:
                raise RuntimeError(f"{name}: refresh found it gone")
            inputs = read.inputs if read.HasField("inputs") else old.inputs
            diff = self.call("Diff", provider_pb2.DiffRequest(
                id=read.id, **self.names(urn), olds=read.properties, news=old.inputs,
                old_inputs=inputs))
            if diff.changes != provider_pb2.DiffResponse.DIFF_NONE:
                raise RuntimeError(f"{name}: refresh found drift: {diff}")
            states[name] = State(urn, read.id, inputs, read.properties)
        elif phase == "delete":
            old = states.pop(name)
            self.call("Delete", provider_pb2.DeleteRequest(
                id=old.id, **self.names(urn), properties=old.outs, old_inputs=old.inputs))
        else:
            raise ValueError(phase)


_EMPTY = struct_pb2.Struct()
#: A community that does not exist: the warm-up read finds nothing there.
WARMUP_GROUP_ID = "@TGS#_warmup"


@dataclass(frozen=True)
class Probes:
    """A fresh plugin's first-use costs, paid before the clock starts.

    One Check of a permission group and one of a topic permission make the host unpickle both
    provider classes (imports included, no REST call); one Read of a permission group in a
    community that does not exist builds the shared client (HTTP stack imports, one REST call,
    not counted in the phase). The cold-start benchmark measures these costs on their own.
    """

    checks: list[tuple[str, struct_pb2.Struct]]
    read: tuple[str, struct_pb2.Struct]

    def warm_up(self, wire: Wire) -> None:
        for urn, inputs in self.checks:
            checked = wire.call("Check", provider_pb2.CheckRequest(
                **wire.names(urn), olds=_EMPTY, news=inputs))
            if checked.failures:
                raise RuntimeError(f"warm-up check failed: {list(checked.failures)}")
        urn, props = self.read
        read = wire.call("Read", provider_pb2.ReadRequest(
            id=f"{WARMUP_GROUP_ID}/x", **wire.names(urn), properties=props, inputs=props))
        if read.id:
            raise RuntimeError("warm-up read found a permission group that cannot exist")


def _setup_community(emulator: EmulatorProcess, layout: Layout) -> None:
    from pulumi_tencentchat.client import TencentChatClient

    with TencentChatClient(DEV_SDKAPPID, secret_key=DEV_SECRET_KEY, endpoint=emulator.url,
                           requests_per_second=200) as raw:
        raw.create_group(name="Benchmark", group_id=GROUP_ID, support_topic=True)
        for k in range(layout.topics):
            raw.create_topic(GROUP_ID, f"t{k:03d}", topic_id=topic_id(k))


def _deps(layout: Layout, phase: str) -> dict[str, list[str]]:
    """Resource name -> names that must finish first in this phase."""
    deps: dict[str, list[str]] = {f"pg{i:04d}": [] for i in range(layout.n)}
    deps.update({f"tp{j:04d}": [] for j in range(layout.n)})
    if phase in ("create", "update"):
        for j in range(layout.n):
            deps[f"tp{j:04d}"].append(f"pg{layout.tp_group(j):04d}")
    elif phase == "delete":
        for j in range(layout.n):
            deps[f"pg{layout.tp_group(j):04d}"].append(f"tp{j:04d}")
    return deps


def _run_phase(phase: str, layout: Layout, emulator: EmulatorProcess, config: dict[str, str],
               states: dict[str, State], wanted: dict[str, struct_pb2.Struct],
               urns: dict[str, str], probes: Probes) -> PhaseResult:
    """One engine operation over every resource with a fresh plugin; updates ``states``.

    Before the clock starts, the plugin is configured and warmed up (see ``Probes``); that
    time is reported apart, as ``load_s``.
    """
    plugin = start_plugin()
    try:
        configure(plugin, config)
        wire = Wire(plugin)
        loading = time.perf_counter()
        probes.warm_up(wire)
        load_s = time.perf_counter() - loading

        def op(name: str) -> Callable[[], float]:
            def run() -> float:
                started = time.perf_counter()
                wire.step(phase, name, states, wanted, urns)
                return (time.perf_counter() - started) * 1000

            return run

        deps = _deps(layout, phase)
        order = list(urns) if phase != "delete" else list(reversed(urns))
        tasks = [(name, op(name), deps[name]) for name in order]
        before = emulator.stats()
        pids = {"plugin": plugin.proc.pid, "emulator": emulator.proc.pid, "driver": None}
        cpu0 = {k: cpu_seconds(pid) for k, pid in pids.items()}
        started = time.perf_counter()
        results = run_graph(tasks, workers=ENGINE_CONCURRENCY)
        wall = time.perf_counter() - started
        cpu1 = {k: cpu_seconds(pid) for k, pid in pids.items()}
        after = emulator.stats()
    finally:
        plugin.stop()
    commands = {k: v - before["commands"].get(k, 0) for k, v in after["commands"].items()}
    limited = sum(after.get("rate_limited", {}).values()) - sum(
        before.get("rate_limited", {}).values())
    return PhaseResult(wall, after["total"] - before["total"],
                       {k: v for k, v in commands.items() if v}, limited,
                       list(results.values()),
                       {k: (cpu1[k] - cpu0[k]) * 1000 for k in pids}, load_s)


def host_floor_s(ops: int, latency_ms: float) -> float:
    """Wall time of ``ops`` Check+Create pairs on a trivial provider that sleeps L per Create.

    Same plugin host, driver and concurrency as the create phase, but no REST call and no
    provider logic: the share of the ratio that this package cannot remove on this machine.
    """
    from tests.support.trivial_provider import Trivial

    [template] = declare(lambda: Trivial("floor", {"name": "floor", "sleep": latency_ms / 1000}))
    prefix = template.urn.rsplit("::", 1)[0]
    encoded = [(f"{prefix}::floor{i}", encode_properties({**template.inputs, "name": f"floor{i}"}))
               for i in range(ops + 1)]
    plugin = start_plugin()
    try:
        configure(plugin, {"tencentchat:sdkAppId": "0"})
        wire = Wire(plugin)

        def pair(urn: str, inputs: struct_pb2.Struct) -> None:
            checked = wire.call("Check", provider_pb2.CheckRequest(
                **wire.names(urn), olds=_EMPTY, news=inputs))
            wire.call("Create", provider_pb2.CreateRequest(
                **wire.names(urn), properties=checked.inputs))

        pair(*encoded[0])  # warm-up: the host loads the trivial provider
        started = time.perf_counter()
        run_graph([(urn, (lambda u=urn, i=inputs: pair(u, i)), [])
                   for urn, inputs in encoded[1:]], workers=ENGINE_CONCURRENCY)
        return time.perf_counter() - started
    finally:
        plugin.stop()


def bound_s(ops: int, latency_ms: float, rate: float, calls_per_op: float = 1.0) -> float:
    """max(N*c*L/4, N*c/R): latency-bound at the engine's concurrency, or rate-bound."""
    work = ops * calls_per_op
    return max(work * latency_ms / 1000 / ENGINE_CONCURRENCY, work / rate)


def run(opts: Options) -> dict[str, object]:
    """Run the benchmark ``opts.runs`` times, print the table and return the summary fields."""
    layout = Layout(opts.n, max(1, min(opts.topics, opts.n)))
    ops = 2 * layout.n
    print(f"lifecycle: {layout.n} permission groups + {layout.n} topic permissions "
          f"({layout.tp_groups} groups x up to {layout.topics} topics), latency "
          f"{opts.latency_ms:g} ms, requestsPerSecond {opts.rate:g}, {ENGINE_CONCURRENCY} "
          f"concurrent gRPC calls, {opts.runs} run(s)", flush=True)
    created = {urn_name(d.urn): d for d in declare(program(layout, 0))}
    updated = {urn_name(d.urn): d for d in declare(program(layout, 1))}
    # In the program's order (pg0000.. then tp0000..; declare() gives arrival order): ready
    # tasks start in this order, deletes in the reverse.
    urns = {name: created[name].urn for name in sorted(created)}
    # Encoded once, before any clock: the engine holds these as wire values already.
    wanted = {"create": {name: encode_properties(d.inputs) for name, d in created.items()},
              "update": {name: encode_properties(d.inputs) for name, d in updated.items()}}
    probes = Probes(
        checks=[(urns[name], wanted["create"][name]) for name in ("pg0000", "tp0000")],
        read=(urns["pg0000"], encode_properties(
            {**created["pg0000"].inputs, "group_id": WARMUP_GROUP_ID})))

    emulator = start_emulator(opts.latency_ms)
    per_run: list[dict[str, float]] = []
    rtts: list[float] = []
    floors: list[float] = []
    try:
        config = stack_config(emulator.url, opts.rate)
        for number in range(1, opts.runs + 1):
            emulator.reset()  # also clears the latency: set up the community at full speed
            _setup_community(emulator, layout)
            emulator.set_faults(latency_ms=opts.latency_ms)
            rtts.append(round_trip_ms(emulator))
            floors.append(host_floor_s(ops, opts.latency_ms))
            states: dict[str, State] = {}
            figures: dict[str, float] = {}
            for phase in PHASES:
                result = _run_phase(phase, layout, emulator, config, states,
                                    wanted.get(phase, {}), urns, probes)
                figures.update(_figures(phase, result, ops, opts, layout))
            per_run.append(figures)
            print(f"  run {number}: " + ", ".join(
                f"{p} {figures[f'{p}_s']:.2f}s/{figures[f'{p}_calls']:.0f} calls"
                for p in PHASES), flush=True)
    finally:
        emulator.stop()

    m = medians(per_run)
    floor_ms = median(rtts)
    host_floor = median(floors)
    host_floor_ratio = host_floor / bound_s(ops, opts.latency_ms, opts.rate)
    print()
    print(table(["phase", "ops", "wall s", "bound s", "ratio", "REST calls", "calls/op",
                 "60007s"],
                [[phase, ops, m[f"{phase}_s"], m[f"{phase}_bound_s"], m[f"{phase}_ratio"],
                  m[f"{phase}_calls"], m[f"{phase}_calls_per_op"], m[f"{phase}_rate_limited"]]
                 for phase in PHASES]))
    print()
    print(table(["phase", "load s", "op p50 ms", "op p95 ms", "cpu ms/op: plugin", "emulator",
                 "driver"],
                [[phase, m[f"{phase}_load_s"], m[f"{phase}_op_p50_ms"], m[f"{phase}_op_p95_ms"],
                  m[f"{phase}_cpu_plugin_ms_per_op"], m[f"{phase}_cpu_emulator_ms_per_op"],
                  m[f"{phase}_cpu_driver_ms_per_op"]] for phase in PHASES]))
    print()
    print(table(["refresh scope", "scopes", "items", "REST calls", "bound"], [
        ["PermissionGroup (community)", 1, layout.n, m["refresh_pg_calls"],
         m["refresh_pg_bound"]],
        ["TopicPermission (permission group)", layout.tp_groups, layout.n,
         m["refresh_tp_calls"], m["refresh_tp_bound"]],
    ]))
    print()
    print(f"bound = max(N*c*L/4, N*c/R) with N = {ops} resource operations per phase, c = 1 "
          f"REST call each, L = {opts.latency_ms:g} ms, R = {opts.rate:g}/s; ratio = wall / "
          "bound (target <= 1.15 at L = 50 ms). An operation is all the engine's calls for one "
          "resource (create: Check+Create; update: Check+Diff+Update; refresh: Read+Diff; "
          "delete: Delete).")
    print(f"load s: a fresh plugin's first use of the providers and the client, before the "
          "clock (one REST call). "
          f"Emulator round trip at L (sequential, bare http.client): {floor_ms:.1f} ms.")
    print(f"host floor: {ops} Check+Create pairs on a trivial provider sleeping L instead of a "
          f"REST call (same host, driver, concurrency): {host_floor:.3f} s, ratio "
          f"{host_floor_ratio:.3f}, the part of the ratio no provider can remove here.")
    print(f"refresh bounds: permission groups ceil(M/{PAGE}) + {REFRESH_ALLOWANCE} for the "
          f"community's M groups; topic permissions 1 + {REFRESH_ALLOWANCE} per permission "
          "group (one unpaged listing). Figures are medians over runs.")
    fields: dict[str, object] = {"n": layout.n, "ops": ops, "latency_ms": opts.latency_ms,
                                 "rate": opts.rate, "runs": opts.runs, "rtt_ms": floor_ms,
                                 "host_floor_s": host_floor, "host_floor_ratio": host_floor_ratio}
    for phase in PHASES:
        for key in ("s", "calls", "calls_per_op", "bound_s", "ratio", "load_s"):
            fields[f"{phase}_{key}"] = m[f"{phase}_{key}"]
    for key in ("refresh_pg_calls", "refresh_pg_bound", "refresh_tp_calls", "refresh_tp_bound"):
        fields[key] = m[key]
    return fields


def _figures(phase: str, result: PhaseResult, ops: int, opts: Options,
             layout: Layout) -> dict[str, float]:
    bound = bound_s(ops, opts.latency_ms, opts.rate)
    ordered = sorted(result.op_ms)
    figures = {
        f"{phase}_s": result.wall_s,
        f"{phase}_calls": float(result.calls),
        f"{phase}_calls_per_op": result.calls / ops,
        f"{phase}_bound_s": bound,
        f"{phase}_ratio": result.wall_s / bound if bound else float("nan"),
        f"{phase}_op_p50_ms": median(ordered),
        f"{phase}_op_p95_ms": ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))],
        f"{phase}_rate_limited": float(result.rate_limited),
        f"{phase}_load_s": result.load_s,
    }
    for process, ms in result.cpu_ms.items():
        figures[f"{phase}_cpu_{process}_ms_per_op"] = ms / ops
    if phase == "refresh":
        figures["refresh_pg_calls"] = float(result.commands.get("get_permission_group", 0))
        figures["refresh_pg_bound"] = float(math.ceil(layout.n / PAGE) + REFRESH_ALLOWANCE)
        figures["refresh_tp_calls"] = float(
            result.commands.get("get_topic_permission_group", 0))
        figures["refresh_tp_bound"] = float(layout.tp_groups * (1 + REFRESH_ALLOWANCE))
    return figures
