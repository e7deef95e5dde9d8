"""Matrix: the same topic permissions as one resource each and as one resource per group.

``groups`` permission groups x ``topics`` topics (10 x 20 = 200 topic permissions) declared as
200 ``TopicPermission`` resources (form ``objects``) and as 10 ``TopicPermissions`` resources
(form ``mapping``). Each form runs four phases, each one engine operation with a fresh plugin
(spawned, configured and warmed up before the clock, as in ``lifecycle``), every resource's
engine calls 4 at a time through the real plugin over gRPC, against an emulator answering
every API request after L ms:

* create:  Check -> Create
* update:  Check -> Diff -> Update, one more bit granted in every topic permission
* refresh: Read -> Diff
* delete:  Delete

The permission groups, topics and community exist before (made directly, not timed). Each
form starts from the same empty matrix. The bound of a phase is what its REST calls cost at
best: ``max(ceil(calls / 4) * L, calls / R)``, calls made 4 at a time each taking L, or the
provider's rate R if that is slower. ``host_floor`` is the mapping form's shape (``groups``
Check+Create pairs, 4 at a time) on a trivial provider that sleeps L: what the plugin host
alone costs over that bound.
"""

from __future__ import annotations

import json
import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from google.protobuf import struct_pb2

from tests.support.emulator import DEV_SDKAPPID, DEV_SECRET_KEY, EmulatorProcess
from tests.support.plugin import encode_properties, urn_name

from ._common import (
    ENGINE_CONCURRENCY,
    Declared,
    Options,
    api_query,
    configure,
    declare,
    medians,
    run_graph,
    stack_config,
    start_emulator,
    start_plugin,
    table,
)
from .lifecycle import PHASES, State, Wire, host_floor_s

GROUP_ID = "@TGS#_matrix"
WARMUP_GROUP_ID = "@TGS#_warmup"
FORMS = ("objects", "mapping")
#: The targets: the mapping form makes at least this many times fewer calls, and is at least
#: this many times faster, in create, update and delete; every phase of it within this much of
#: its bound.
CALL_RATIO_TARGET = 10.0
SPEEDUP_TARGET = 5.0
BOUND_RATIO_TARGET = 1.2


@dataclass(frozen=True)
class Matrix:
    groups: int
    topics: int

    def pg(self, i: int) -> str:
        return f"@PMG#_m{i:02d}"

    def topic(self, k: int) -> str:
        return f"{GROUP_ID}@TOPIC#_t{k:03d}"

    @property
    def cells(self) -> int:
        return self.groups * self.topics


def program(matrix: Matrix, form: str, version: int) -> Callable[[], None]:
    """Version 0 grants SendTopicMessage everywhere; version 1 adds GetTopicHistoryMessage."""
    from pulumi_tencentchat import TopicPermission, TopicPermissionBit, TopicPermissions

    T = TopicPermissionBit
    bits = [T.SendTopicMessage, T.SendTopicMessage | T.GetTopicHistoryMessage][version]

    def run() -> None:
        for i in range(matrix.groups):
            if form == "mapping":
                TopicPermissions(f"tps{i:02d}", group_id=GROUP_ID,
                                 permission_group_id=matrix.pg(i),
                                 permissions={matrix.topic(k): bits
                                              for k in range(matrix.topics)})
                continue
            for k in range(matrix.topics):
                TopicPermission(f"tp{i:02d}-{k:03d}", group_id=GROUP_ID,
                                permission_group_id=matrix.pg(i), topic_id=matrix.topic(k),
                                permission=bits)

    return run


def _setup(emulator: EmulatorProcess, matrix: Matrix) -> None:
    from pulumi_tencentchat.client import TencentChatClient

    with TencentChatClient(DEV_SDKAPPID, secret_key=DEV_SECRET_KEY, endpoint=emulator.url,
                           requests_per_second=200) as raw:
        raw.create_group(name="Matrix", group_id=GROUP_ID, support_topic=True)
        for k in range(matrix.topics):
            raw.create_topic(GROUP_ID, f"t{k:03d}", topic_id=matrix.topic(k))
        for i in range(matrix.groups):
            raw.create_permission_group(GROUP_ID, f"Group {i}", permission_group_id=matrix.pg(i))


def rest_floors(emulator: EmulatorProcess, matrix: Matrix,
                latency_ms: float) -> dict[str, tuple[float, int]]:
    """Each phase of the mapping form on a provider with no logic: the trivial provider, one
    resource per group, each write or read one bare keep-alive POST of the request the mapping
    form sends for that group (add, set, get, delete_topic_permission_group), with the same
    engine calls per phase, fresh warmed-up plugin and clock. What any provider making these
    REST calls can reach here. Per phase: (wall time, REST calls the emulator counted)."""
    from tests.support.trivial_provider import Trivial

    url = (f"{emulator.url}/v4/group_open_http_svc/{{}}_topic_permission_group?"
           f"{api_query(emulator)}")
    topics = [matrix.topic(k) for k in range(matrix.topics)]

    def post(group: str, pg: str, version: int) -> dict[str, Any]:
        bits = (8, 24)[version]  # SendTopicMessage, then + GetTopicHistoryMessage
        ids = {"GroupId": group, "PermissionGroupId": pg}

        def request(command: str, body: dict[str, Any]) -> dict[str, str]:
            return {"url": url.format(command), "body": json.dumps({**ids, **body})}

        listed = [{"TopicId": t, "Permission": bits} for t in topics]
        return {**request("add", {"TopicPermissionList": listed}),
                "update": request("set", {"TopicPermissionList": listed}),
                "read": request("get", {}), "delete": request("delete", {"TopicIdList": topics})}

    versions = _versions(lambda v: lambda: [
        Trivial(f"floor{i:02d}", {"name": f"floor{i:02d}",
                                  "post": post(GROUP_ID, matrix.pg(i), v)})
        for i in range(matrix.groups)])
    first = versions.first
    warm_up = encode_properties({**first.inputs, "post": post(WARMUP_GROUP_ID, matrix.pg(0), 0)})

    def warm(wire: Wire) -> None:
        # The host loads the provider and its 4 threads open their connections (4 Creates
        # writing to a community that does not exist), as the phases' own warm-up does.
        run_graph([(n, (lambda: wire.step("create", "warm", {}, {"warm": warm_up},
                                          {"warm": first.urn})), [])
                   for n in range(ENGINE_CONCURRENCY)], workers=ENGINE_CONCURRENCY)

    def require_ok(phase: str, states: dict[str, State]) -> None:
        if phase != "delete":
            _require_ok(phase, states)

    floors = _phases(emulator, matrix, latency_ms, {"tencentchat:sdkAppId": "0"}, versions,
                     warm, require_ok)
    _require_deleted(emulator, matrix)
    return floors


def _require_deleted(emulator: EmulatorProcess, matrix: Matrix) -> None:
    """The delete floor counts only if its POSTs removed every topic permission."""
    from pulumi_tencentchat.client import TencentChatClient

    with TencentChatClient(DEV_SDKAPPID, secret_key=DEV_SECRET_KEY, endpoint=emulator.url,
                           requests_per_second=200) as raw:
        left = {matrix.pg(i): len(raw.get_topic_permissions(GROUP_ID, matrix.pg(i)).items)
                for i in range(matrix.groups)}
    if any(left.values()):
        raise RuntimeError(f"the delete floor's POSTs left topic permissions: {left}")


def _require_ok(phase: str, states: dict[str, State]) -> None:
    """A floor counts only if every POST did the work: no error, whole or per item."""
    for name, state in states.items():
        answer = json.loads(state.outs["answer"])
        codes = [answer.get("ErrorCode"), *(item.get("ErrorCode") for item in answer.get(
            "TopicPermissionResultList", []))]
        if any(code != 0 for code in codes):
            raise RuntimeError(f"{name}: the {phase} floor's POST failed: {answer}")


def bound_s(calls: int, latency_ms: float, rate: float) -> float:
    """max(ceil(calls/4)*L, calls/R)."""
    return max(math.ceil(calls / ENGINE_CONCURRENCY) * latency_ms / 1000, calls / rate)


def _warm_up(wire: Wire, urn: str, inputs: struct_pb2.Struct, read_id: str,
             read_props: struct_pb2.Struct) -> None:
    """A fresh plugin's first-use costs, paid before the clock: the host loads the provider
    (a Check), and 4 concurrent Reads in a community that does not exist (4 uncounted REST
    calls) build the client and fill the host's 4 threads and the connection pool. A phase of
    10 operations runs in 3 rounds: a first-use cost in one of them would weigh as much as a
    tenth of the phase."""
    from pulumi.runtime.proto import provider_pb2

    checked = wire.call("Check", provider_pb2.CheckRequest(
        **wire.names(urn), olds=struct_pb2.Struct(), news=inputs))
    if checked.failures:
        raise RuntimeError(f"warm-up check failed: {list(checked.failures)}")

    def read() -> None:
        found = wire.call("Read", provider_pb2.ReadRequest(
            id=read_id, **wire.names(urn), properties=read_props, inputs=read_props))
        if found.id:
            raise RuntimeError("warm-up read found what cannot exist")

    run_graph([(n, read, []) for n in range(ENGINE_CONCURRENCY)], workers=ENGINE_CONCURRENCY)


@dataclass(frozen=True)
class _Versions:
    """A program's versions 0 and 1 as the engine holds them."""

    urns: dict[str, str]  # name -> URN, in the program's order (ready tasks start so)
    wanted: dict[str, dict[str, struct_pb2.Struct]]  # phase -> name -> wire inputs
    first: Declared  # the first resource in the program's order


def _versions(make: Callable[[int], Callable[[], Any]]) -> _Versions:
    """Declare ``make(0)`` and ``make(1)``; declare() gives arrival order, so sort by name."""
    declared = {v: {urn_name(d.urn): d for d in declare(make(v))} for v in (0, 1)}
    urns = {name: declared[0][name].urn for name in sorted(declared[0])}
    wanted = {"create": {n: encode_properties(d.inputs) for n, d in declared[0].items()},
              "update": {n: encode_properties(d.inputs) for n, d in declared[1].items()}}
    return _Versions(urns, wanted, declared[0][next(iter(urns))])


def _phases(emulator: EmulatorProcess, matrix: Matrix, latency_ms: float,
            config: dict[str, str], versions: _Versions, warm: Callable[[Wire], None],
            after: Callable[[str, dict[str, State]], None] | None = None,
            ) -> dict[str, tuple[float, int]]:
    """Each phase from the same empty matrix, each with a fresh plugin configured with
    ``config`` and warmed up by ``warm`` before the clock; per phase (wall time, REST calls
    the emulator counted). ``after`` may inspect the states a phase left."""
    emulator.reset()
    _setup(emulator, matrix)
    emulator.set_faults(latency_ms=latency_ms)
    urns = versions.urns
    states: dict[str, State] = {}
    measured: dict[str, tuple[float, int]] = {}
    for phase in PHASES:
        plugin = start_plugin()
        try:
            configure(plugin, config)
            wire = Wire(plugin)
            warm(wire)
            step, goal = wire.step, versions.wanted.get(phase, {})
            tasks = [(name, (lambda n=name, p=phase, w=goal, s=step: s(p, n, states, w, urns)),
                      []) for name in urns]
            before = emulator.stats()["total"]
            started = time.perf_counter()
            run_graph(tasks, workers=ENGINE_CONCURRENCY)
            measured[phase] = (time.perf_counter() - started,
                               int(emulator.stats()["total"] - before))
        finally:
            plugin.stop()
        if after is not None:
            after(phase, states)
    return measured


def _run_form(form: str, matrix: Matrix, emulator: EmulatorProcess, config: dict[str, str],
              opts: Options) -> dict[str, float]:
    versions = _versions(lambda v: program(matrix, form, v))
    first = versions.first  # of permission group 0, like read_id
    if form == "mapping":
        read_id = f"{WARMUP_GROUP_ID}/{matrix.pg(0)}/topic-permissions"
    else:
        read_id = f"{matrix.pg(0)}/{WARMUP_GROUP_ID}@TOPIC#_t000"
    read_props = encode_properties({**first.inputs, "group_id": WARMUP_GROUP_ID})
    inputs = versions.wanted["create"][urn_name(first.urn)]

    figures: dict[str, float] = {}
    measured = _phases(emulator, matrix, opts.latency_ms, config, versions,
                       lambda wire: _warm_up(wire, first.urn, inputs, read_id, read_props))
    for phase, (wall, calls) in measured.items():
        bound = bound_s(calls, opts.latency_ms, opts.rate)
        figures.update({f"{form}_{phase}_s": wall, f"{form}_{phase}_calls": float(calls),
                        f"{form}_{phase}_bound_s": bound,
                        f"{form}_{phase}_ratio": wall / bound if bound else float("nan")})
    return figures


def run(opts: Options) -> dict[str, object]:
    """Both forms ``opts.runs`` times; print the table and return the summary fields."""
    matrix = Matrix(opts.matrix_groups, opts.matrix_topics)
    print(f"matrix: {matrix.groups} permission groups x {matrix.topics} topics = "
          f"{matrix.cells} topic permissions, as {matrix.cells} TopicPermission (objects) and "
          f"as {matrix.groups} TopicPermissions (mapping); latency {opts.latency_ms:g} ms, "
          f"requestsPerSecond {opts.rate:g}, {ENGINE_CONCURRENCY} concurrent gRPC calls, "
          f"{opts.runs} run(s)", flush=True)
    emulator = start_emulator(opts.latency_ms)
    per_run: list[dict[str, float]] = []
    try:
        config = stack_config(emulator.url, opts.rate)
        for number in range(1, opts.runs + 1):
            floor = host_floor_s(matrix.groups, opts.latency_ms)
            floor_bound = bound_s(matrix.groups, opts.latency_ms, opts.rate)
            figures: dict[str, float] = {
                "host_floor_s": floor, "host_floor_ratio": floor / floor_bound}
            for phase, (rest, calls) in rest_floors(emulator, matrix, opts.latency_ms).items():
                figures[f"rest_floor_{phase}_s"] = rest
                figures[f"rest_floor_{phase}_calls"] = float(calls)
                figures[f"rest_floor_{phase}_ratio"] = rest / floor_bound
            for form in FORMS:
                figures.update(_run_form(form, matrix, emulator, config, opts))
            per_run.append(figures)
            print(f"  run {number}: " + ", ".join(
                f"{p} {figures[f'objects_{p}_s']:.2f}s/{figures[f'mapping_{p}_s']:.3f}s"
                for p in PHASES), flush=True)
    finally:
        emulator.stop()

    m = medians(per_run)
    fields: dict[str, object] = {"groups": matrix.groups, "topics": matrix.topics,
                                 "latency_ms": opts.latency_ms, "rate": opts.rate,
                                 "runs": opts.runs,
                                 **{k: v for k, v in m.items() if "floor" in k}}
    rows = []
    for phase in PHASES:
        for form in FORMS:
            key = f"{form}_{phase}"
            rows.append([phase, form, m[f"{key}_s"], m[f"{key}_calls"], m[f"{key}_bound_s"],
                         m[f"{key}_ratio"]])
            for suffix in ("s", "calls", "bound_s", "ratio"):
                fields[f"{key}_{suffix}"] = m[f"{key}_{suffix}"]
        rows.append([phase, "REST floor", m[f"rest_floor_{phase}_s"],
                     m[f"rest_floor_{phase}_calls"],
                     m[f"mapping_{phase}_bound_s"], m[f"rest_floor_{phase}_ratio"]])
        calls = m[f"mapping_{phase}_calls"]
        fields[f"{phase}_call_ratio"] = m[f"objects_{phase}_calls"] / calls if calls else 0.0
        fields[f"{phase}_speedup"] = m[f"objects_{phase}_s"] / m[f"mapping_{phase}_s"]
    print()
    print(table(["phase", "form", "wall s", "REST calls", "bound s", "wall/bound"], rows))
    print()
    print(table(["phase", "calls objects/mapping", "speed-up"],
                [[p, fields[f"{p}_call_ratio"], fields[f"{p}_speedup"]] for p in PHASES]))
    print()
    print(f"bound = max(ceil(calls/{ENGINE_CONCURRENCY}) * L, calls / R) with L = "
          f"{opts.latency_ms:g} ms, R = {opts.rate:g}/s: the phase's REST calls made "
          f"{ENGINE_CONCURRENCY} at a time (the engine's plugin host serves 4 calls at once), "
          "each taking L, or the provider's request rate if that is slower. Targets (mapping "
          f"form): create, update and delete >= {CALL_RATIO_TARGET:g}x fewer calls and "
          f">= {SPEEDUP_TARGET:g}x faster; refresh one call per group and no more calls than "
          f"the objects form; every phase within {BOUND_RATIO_TARGET:g}x of its bound. "
          "Figures are medians over runs.")
    print(f"host floor: {matrix.groups} Check+Create pairs on a trivial provider sleeping L "
          f"instead of a REST call (same host, driver, concurrency): {m['host_floor_s']:.3f} s, "
          f"{m['host_floor_ratio']:.3f} x the bound of {matrix.groups} calls: the part of the "
          "mapping form's ratio that no provider can remove on this machine.")
    print("REST floor: each phase of the mapping form with the same engine calls on the "
          "trivial provider, every write or read one bare keep-alive POST of the mapping form's "
          "request for its group (no provider logic, no client): the least any provider making "
          "these REST calls can reach here.")
    met = all(fields[f"{p}_call_ratio"] >= CALL_RATIO_TARGET   # type: ignore[operator]
              and fields[f"{p}_speedup"] >= SPEEDUP_TARGET  # type: ignore[operator]
              for p in ("create", "update", "delete"))
    met = met and m["mapping_refresh_calls"] == matrix.groups and (
        m["mapping_refresh_calls"] <= m["objects_refresh_calls"])
    met = met and all(m[f"mapping_{p}_ratio"] <= BOUND_RATIO_TARGET for p in PHASES)
    fields["targets_met"] = 1 if met else 0
    return fields
