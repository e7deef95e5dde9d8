"""An engine-ordered replay of Pulumi deployments against the real dynamic-provider plugin.

A small test helper, not an engine: it follows the Pulumi engine's rules only where they decide
what happens to a user's objects and state. Each rule cites pulumi/pulumi at commit 1b5949891b
(``step_generator.go``, ``step.go`` and ``deployment_executor.go`` are in
``pkg/resource/deploy``; ``snapshot.go`` is ``pkg/backend/snapshot.go``, the file backend's
state writer). The program runs under the SDK's mocks with a monitor that answers each
registration with the engine's steps, so outputs a dependent consumes are the plugin's.

Rules replayed:

* One plugin process per command, configured with the whole stack config (the CLI starts its
  plugins per deployment; ``target.go:40-72`` sends every key to dynamic providers); the
  program sees the same config.
* New resource: Check(olds={}) then Create. Existing: Check(olds=old inputs), Diff(olds=old
  outputs, news=checked inputs); DIFF_NONE is a same step unless the old state is pending
  replacement (``step_generator.go:1952``); replace when Diff names replace keys
  (``1952-1953``), else Update. A replacement re-runs Check without olds (``2007``).
* ``--replace`` targets skip Diff: a replacement with DiffSome, create-before-delete unless
  the resource option says otherwise (``2890-2893``, ``2040-2046``).
* ``replace_on_changes`` matches only changed keys, which this host never reports: it acts
  only when Diff answers DIFF_UNKNOWN, where the engine diffs the inputs itself
  (``3170-3261``, ``2996-3006``).
* Delete-before-replace is the provider's Diff answer, overridden by the resource option
  (``2040-2046``). Its dependents whose Diff with unknown dependent properties says replace are
  deleted first, in reverse dependency order (``calculateDependentReplacements``,
  ``3268-3415``; ``2082-2130``); a deleted old resource stays in state marked pending
  replacement until its replacement is created (``step.go:761-785``, ``snapshot.go:538-540``),
  and a later deployment replaces it without a second delete (``step_generator.go:2142``).
* Create-before-delete: CreateReplacement, after whose success the old resource is a pending
  delete (``step.go:467-473``); the delete runs with the other deletes at the end
  (``step_generator.go:2159-2165``, ``2390-2423``).
* Pending deletes of earlier deployments run at the *end* of the next one, after its creates
  (``step_generator.go:2390-2423``; ``deployment_executor.go:486-553``).
* Deletes (resources gone from the program, replaced and pending ones) run after the program in
  reverse-dependency antichains (``step_generator.go:2723-2796``); a failed antichain stops the
  deployment (``step_executor.go:407-413``). ``protect`` fails a delete or a replacement
  (``step.go:647-649``, ``step_generator.go:1957-1972``); ``retain_on_delete`` (as recorded in
  the old state) skips the provider call (``step.go:661-662``); so does a ``deleted_with``
  target deleted in the same deployment (``step.go:663-664``).
* A failed step cancels the deployment: no further steps, no deletes
  (``step_executor.go:453-461``; ``deployment_executor.go:318-323``). A failed create records
  nothing, a failed update keeps the old state, a failed delete keeps the resource
  (``snapshot.go:449-544``).
* A create is a pending CREATE operation until it returns; if the CLI dies meanwhile, the
  operation stays in every later snapshot (``snapshot.go:763-772``), each ``up`` warns and
  creates again (``deployment_executor.go:90-114, 183-188``), and ``pulumi refresh
  --clear-pending-creates`` drops them (``pkg/cmd/pulumi/operations/refresh.go:318-328``).
* Preview calls Check, Diff and Read only; creates and updates show the checked inputs as their
  outputs (``provider_plugin.go:1430-1445, 1706-1721``), and the CLI displays each such step as
  the difference between the old outputs and those (``Outcome.shown``).
* Refresh reads every resource but those pending replacement (``step.go:1544-1557``), drops the
  ones read back with an empty ID, records returned inputs (``step.go:1616-1626``), then calls
  Diff with refreshed outputs as olds and the old inputs as news (``step.go:1683-1716``).
* ``Resource.get``/``opts.id``: Read with the requested ID and the program's inputs as
  properties; an empty ID back keeps the requested one (``step.go:1335-1374``).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from typing import Any

from google.protobuf import struct_pb2
from pulumi.output import Unknown
from pulumi.runtime import mocks, rpc
from pulumi.runtime.proto import resource_pb2
from pulumi.runtime.sync_await import _ensure_event_loop, _sync_await

from tests.support.launch import Launch
from tests.support.plugin import (
    DEFAULT_PROJECT,
    DEFAULT_STACK,
    PROVIDER_KEY,
    UNKNOWN,
    PluginCallError,
    PluginProcess,
)
from tests.support.program import run_program

PENDING_CREATES_WARNING = ("Attempting to deploy or update resources with {n} pending "
                           "operations from previous deployment.")


class DeploymentFailed(Exception):
    """The deployment stopped at a failed step (``error``); the snapshot is what it recorded."""

    def __init__(self, error: BaseException) -> None:
        super().__init__(str(error))
        self.error = error


class Interrupted(Exception):
    """The CLI died while a create was under way (a replayed Ctrl-C / kill)."""


@dataclass
class ResourceState:
    """One resource in the snapshot (the fields the replayed rules read)."""

    urn: str
    type: str
    id: str
    inputs: dict[str, Any]
    outputs: dict[str, Any]
    protect: bool = False
    retain_on_delete: bool = False
    deleted_with: str = ""
    dependencies: tuple[str, ...] = ()
    property_dependencies: dict[str, tuple[str, ...]] = field(default_factory=dict)
    replace_on_changes: tuple[str, ...] = ()
    #: A pending delete: the old side of a create-before-delete replacement.
    delete: bool = False
    #: Deleted by a delete-before-replace whose create has not happened yet.
    pending_replacement: bool = False
    #: Read by ID (``Resource.get``), not managed.
    external: bool = False

    @property
    def name(self) -> str:
        return self.urn.rsplit("::", 1)[1]

    @property
    def live(self) -> bool:
        """Managed and standing for a server object (not pending delete or replacement)."""
        return not (self.delete or self.pending_replacement or self.external)


@dataclass
class Goal:
    """A registration from the program: inputs (wire form) and resource options."""

    urn: str
    type: str
    inputs: dict[str, Any]
    protect: bool = False
    retain_on_delete: bool = False
    delete_before_replace: bool | None = None
    replace_on_changes: tuple[str, ...] = ()
    dependencies: tuple[str, ...] = ()
    property_dependencies: dict[str, tuple[str, ...]] = field(default_factory=dict)
    deleted_with: str = ""

    def state(self, rid: str, inputs: dict[str, Any], outputs: dict[str, Any]) -> ResourceState:
        return ResourceState(self.urn, self.type, rid, inputs, outputs, self.protect,
                             self.retain_on_delete, self.deleted_with, self.dependencies,
                             dict(self.property_dependencies), self.replace_on_changes)


@dataclass
class Snapshot:
    """The stack's state between deployments."""

    resources: list[ResourceState] = field(default_factory=list)
    pending_creates: list[ResourceState] = field(default_factory=list)

    def live(self) -> list[ResourceState]:
        return [r for r in self.resources if r.live]

    def pending_deletes(self) -> list[ResourceState]:
        return [r for r in self.resources if r.delete]

    def get(self, name: str) -> ResourceState:
        matches = [r for r in self.resources if r.name == name and not r.delete]
        if len(matches) != 1:
            raise KeyError(f"{len(matches)} resources named {name!r}")
        return matches[0]


@dataclass
class Outcome:
    """What one command did: plugin calls in order, warnings, refresh drift."""

    calls: list[tuple[str, str]] = field(default_factory=list)
    #: Calls that raised, as (method, urn).
    failed: list[tuple[str, str]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    drift: list[str] = field(default_factory=list)
    #: (type, id) of the resources whose provider Delete succeeded.
    deleted: list[tuple[str, str]] = field(default_factory=list)
    #: Preview: resource name -> (old outputs, planned outputs) of each create, update or
    #: replacement, the two sides the CLI displays.
    shown: dict[str, tuple[dict[str, Any], dict[str, Any]]] = field(default_factory=dict)
    error: BaseException | None = None

    def ops(self, method: str) -> list[str]:
        """Resource names of the calls of one method, in order."""
        return [urn.rsplit("::", 1)[1] for m, urn in self.calls if m == method]


def _wire_value(value: Any) -> Any:
    """Program-side values as the engine sends them: secrets unwrapped, unknowns a sentinel."""
    if isinstance(value, Unknown):
        return UNKNOWN
    if rpc.is_rpc_secret(value):
        return _wire_value(rpc.unwrap_rpc_secret(value))
    if isinstance(value, dict):
        return {k: _wire_value(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_wire_value(v) for v in value]
    return value


def _urns(values: Iterable[str]) -> tuple[str, ...]:
    return tuple(v for v in values if v)


class _NoMocks(mocks.Mocks):
    """The monitor below answers registrations itself; invokes are not used."""

    def new_resource(self, args: mocks.MockResourceArgs) -> tuple[str | None, dict]:
        raise NotImplementedError

    def call(self, args: mocks.MockCallArgs) -> tuple[dict, list[tuple[str, str]] | None]:
        return {}, []


class _EngineMonitor(mocks.MockMonitor):
    """A resource monitor whose registrations are answered by the replayed engine."""

    def __init__(self, deployment: _Deployment) -> None:
        super().__init__(_NoMocks())
        self.deployment = deployment

    def make_urn(self, parent: str, type_: str, name: str) -> str:
        """The engine leaves the root stack out of its children's URNs."""
        if parent.split("::")[2:3] == ["pulumi:pulumi:Stack"]:
            parent = ""
        return super().make_urn(parent, type_, name)

    def RegisterResource(self, request: Any) -> Any:  # noqa: N802 - gRPC method name
        urn = self.make_urn(request.parent, request.type, request.name)
        if request.type == "pulumi:pulumi:Stack":
            return resource_pb2.RegisterResourceResponse(urn=urn)
        _ensure_event_loop()
        inputs = _wire_value(rpc.deserialize_properties(request.object, keep_unknowns=True))
        goal = Goal(
            urn=urn, type=request.type, inputs=inputs, protect=bool(request.protect),
            retain_on_delete=bool(request.retainOnDelete),
            delete_before_replace=(bool(request.deleteBeforeReplace)
                                   if request.deleteBeforeReplaceDefined else None),
            replace_on_changes=tuple(request.replaceOnChanges),
            dependencies=_urns(request.dependencies),
            property_dependencies={k: _urns(v.urns)
                                   for k, v in request.propertyDependencies.items()},
            deleted_with=request.deletedWith)
        rid, outputs = self.deployment.register(goal)
        obj = _sync_await(rpc.serialize_properties(outputs, {}))
        return resource_pb2.RegisterResourceResponse(urn=urn, id=rid, object=obj)

    def ReadResource(self, request: Any) -> Any:  # noqa: N802 - gRPC method name
        urn = self.make_urn(request.parent, request.type, request.name)
        _ensure_event_loop()
        props = _wire_value(rpc.deserialize_properties(request.properties, keep_unknowns=True))
        outputs = self.deployment.read_resource(urn, request.type, request.id, props)
        obj = _sync_await(rpc.serialize_properties(outputs, {}))
        return resource_pb2.ReadResourceResponse(urn=urn, properties=obj)


class Stack:
    """A stack's snapshot and the engine's side of ``up``, ``preview``, ``refresh``,
    ``destroy`` against one emulator, with a fresh plugin process per command."""

    def __init__(self, config: Mapping[str, str], *, secret_keys: Iterable[str] = (),
                 project: str = DEFAULT_PROJECT, stack: str = DEFAULT_STACK,
                 launch: Callable[[], Launch] | None = None,
                 plugin_env: Mapping[str, str | None] | None = None,
                 parallel: int = 4) -> None:
        self.config = dict(config)
        self.secret_keys = [k for k in secret_keys if k in self.config]
        self.project = project
        self.stack = stack
        self.launch = launch
        self.plugin_env = dict(plugin_env or {})
        self.parallel = parallel
        self.snapshot = Snapshot()
        self.last: Outcome = Outcome()

    # -- one plugin per command ------------------------------------------------------------
    def _plugin(self) -> PluginProcess:
        proc = PluginProcess.start(env=self.plugin_env, project=self.project,
                                   launch=self.launch() if self.launch else None)
        try:
            proc.configure(self.config, secret_keys=self.secret_keys, stack=self.stack)
        except BaseException:
            proc.stop()
            raise
        return proc

    def _run(self, body: Callable[[_Deployment], None], preview: bool = False,
             replace_targets: Iterable[str] = (),
             interrupt: Callable[[str], bool] | None = None) -> Outcome:
        outcome = Outcome()
        self.last = outcome
        plugin = self._plugin()
        deployment = _Deployment(self, plugin, outcome, preview, set(replace_targets),
                                 interrupt)
        try:
            body(deployment)
        finally:
            if not deployment.plugin_killed:
                plugin.stop()
        if outcome.error is not None:
            if isinstance(outcome.error, Interrupted):
                raise outcome.error
            raise DeploymentFailed(outcome.error)
        return outcome

    # -- commands ----------------------------------------------------------------------------
    def up(self, program: Callable[[], Any], *, replace: Iterable[str] = (),
           interrupt: Callable[[str], bool] | None = None) -> Outcome:
        """``pulumi up``; ``replace`` holds ``--replace`` URNs (or resource names);
        ``interrupt(urn)`` True kills the CLI while that resource's create is under way."""
        targets = {self._urn_of(t) for t in replace}
        return self._run(lambda d: d.update(program), replace_targets=targets,
                         interrupt=interrupt)

    def preview(self, program: Callable[[], Any]) -> Outcome:
        """``pulumi preview``: Check, Diff and Read only; the snapshot is not changed."""
        saved = self.snapshot
        self.snapshot = _copy(saved)
        try:
            return self._run(lambda d: d.update(program), preview=True)
        finally:
            self.snapshot = saved

    def refresh(self, *, clear_pending_creates: bool = False) -> Outcome:
        """``pulumi refresh [--clear-pending-creates]``."""
        if clear_pending_creates:
            self.snapshot.pending_creates.clear()
        return self._run(lambda d: d.refresh())

    def destroy(self) -> Outcome:
        """``pulumi destroy``: every resource, dependents first."""
        return self._run(lambda d: d.destroy())

    def _urn_of(self, target: str) -> str:
        if target.startswith("urn:"):
            return target
        return self.snapshot.get(target).urn


def _copy(snapshot: Snapshot) -> Snapshot:
    return Snapshot([replace(r) for r in snapshot.resources],
                    [replace(r) for r in snapshot.pending_creates])


class _Deployment:
    """One command's steps over the stack's snapshot."""

    def __init__(self, stack: Stack, plugin: PluginProcess, outcome: Outcome, preview: bool,
                 replace_targets: set[str],
                 interrupt: Callable[[str], bool] | None) -> None:
        self.stack = stack
        self.snap = stack.snapshot
        self.plugin = plugin
        self.outcome = outcome
        self.preview = preview
        self.replace_targets = replace_targets
        self.interrupt = interrupt
        self.plugin_killed = False
        self.lock = threading.RLock()
        self.gate = threading.Semaphore(stack.parallel)
        self.cancelled = False
        # Pending deletes never match a registration (deployment.go:564-569).
        self.olds = {r.urn: r for r in self.snap.resources if not r.delete}
        self.registered: set[str] = set()
        self.dbr_deleted: set[int] = set()
        #: Registrations still being answered (the SDK calls the monitor from its threads).
        self.inflight = 0
        self.idle = threading.Condition(self.lock)

    # -- bookkeeping ------------------------------------------------------------------------
    def call(self, method: str, urn: str, fn: Callable[[], Any]) -> Any:
        with self.lock:
            if self.cancelled:
                raise DeploymentFailed(RuntimeError("deployment cancelled by an earlier failure"))
            self.outcome.calls.append((method, urn))
        try:
            return fn()
        except BaseException:
            with self.lock:
                self.outcome.failed.append((method, urn))
            raise

    def fail(self, error: BaseException) -> None:
        with self.lock:
            if self.outcome.error is None:
                self.outcome.error = error
            self.cancelled = True

    def _swap(self, old: ResourceState | None, new: ResourceState | None) -> None:
        with self.lock:
            if old is not None and old in self.snap.resources:
                index = self.snap.resources.index(old)
                if new is None:
                    del self.snap.resources[index]
                else:
                    self.snap.resources[index] = new
            elif new is not None:
                self.snap.resources.append(new)

    # -- update / preview -------------------------------------------------------------------
    def update(self, program: Callable[[], Any]) -> None:
        if self.snap.pending_creates and not self.preview:
            self.outcome.warnings.append(PENDING_CREATES_WARNING.format(
                n=len(self.snap.pending_creates)))
        try:
            run_program(program, project=self.stack.project, stack=self.stack.stack,
                        config=self.stack.config, secret_keys=tuple(self.stack.secret_keys),
                        preview=self.preview, monitor=_EngineMonitor(self))
        except BaseException as exc:  # noqa: BLE001 - the failed step is the error
            self.fail(exc if self.outcome.error is None else self.outcome.error)
        with self.idle:  # a failed program returns while other registrations still run
            self.idle.wait_for(lambda: self.inflight == 0, timeout=120)
        if self.outcome.error is None and not self.preview:
            self._post_steps()

    def register(self, goal: Goal) -> tuple[str, dict[str, Any]]:
        with self.idle:
            self.inflight += 1
        try:
            with self.gate:
                return self._steps(goal)
        except BaseException as exc:
            self.fail(exc)
            raise
        finally:
            with self.idle:
                self.inflight -= 1
                self.idle.notify_all()

    def _check(self, goal: Goal, olds: dict[str, Any] | None) -> dict[str, Any]:
        checked = self.call("check", goal.urn,
                            lambda: self.plugin.check(goal.urn, olds or {}, goal.inputs))
        if checked.failures:
            raise ValueError(f"resource {goal.urn} has check errors: {checked.failures}")
        return checked.inputs

    def _steps(self, goal: Goal) -> tuple[str, dict[str, Any]]:
        with self.lock:
            self.registered.add(goal.urn)
            old = self.olds.get(goal.urn)
        if old is None:
            return self._create(goal, self._check(goal, {}), None)
        checked = self._check(goal, old.inputs)
        if goal.urn in self.replace_targets:
            # --replace: no Diff, a replacement (step_generator.go:2890-2893).
            dbr = bool(goal.delete_before_replace)
            return self._replace(goal, old, checked, dbr, forced=True)
        diff = self.call("diff", goal.urn, lambda: self.plugin.diff(
            goal.urn, old.id, old.outputs, checked, old_inputs=old.inputs))
        changes, replaces = diff.changes, list(diff.replaces)
        if changes == "unknown":
            changed = sorted(k for k in {*old.inputs, *checked}
                             if old.inputs.get(k) != checked.get(k))
            changes = "some" if changed else "none"
            replaces += [k for k in changed if k in goal.replace_on_changes]
        if changes == "some" or old.pending_replacement:
            if replaces or old.pending_replacement:
                dbr = diff.delete_before_replace
                if goal.delete_before_replace is not None:
                    dbr = goal.delete_before_replace
                return self._replace(goal, old, checked, dbr, forced=False)
            return self._update(goal, old, checked)
        # A same step: new inputs, old outputs.
        self._swap(old, replace(goal.state(old.id, checked, old.outputs)))
        return old.id, old.outputs

    def _create(self, goal: Goal, inputs: dict[str, Any],
                old: ResourceState | None) -> tuple[str, dict[str, Any]]:
        if self.preview:
            self._show(goal, old.outputs if old is not None else {}, inputs)
            return "", dict(inputs)
        pending = goal.state("", inputs, {})
        with self.lock:
            self.snap.pending_creates.append(pending)
        if self.interrupt is not None and self.interrupt(goal.urn):
            try:
                self.call("create", goal.urn, lambda: self.plugin.create(goal.urn, inputs))
            finally:
                self.plugin_killed = True
                self.plugin.stop()
            raise Interrupted(goal.urn)
        try:
            rid, outputs = self.call("create", goal.urn,
                                     lambda: self.plugin.create(goal.urn, inputs))
        finally:
            with self.lock:
                self.snap.pending_creates.remove(pending)
        new = goal.state(rid, inputs, outputs)
        if old is None:
            self._swap(None, new)
        elif old.pending_replacement:
            self._swap(old, new)  # snapshot.go:466-470
        else:
            with self.lock:
                old.delete = True  # step.go:467-473: the old side is now a pending delete
                self.snap.resources.append(new)
        return rid, outputs

    def _update(self, goal: Goal, old: ResourceState,
                inputs: dict[str, Any]) -> tuple[str, dict[str, Any]]:
        if self.preview:
            self._show(goal, old.outputs, inputs)
            return old.id, dict(inputs)
        outputs = self.call("update", goal.urn, lambda: self.plugin.update(
            goal.urn, old.id, old.outputs, inputs, old_inputs=old.inputs))
        self._swap(old, goal.state(old.id, inputs, outputs))
        return old.id, outputs

    def _show(self, goal: Goal, olds: dict[str, Any], planned: dict[str, Any]) -> None:
        with self.lock:
            self.outcome.shown[goal.urn.rsplit("::", 1)[1]] = (dict(olds), dict(planned))

    def _replace(self, goal: Goal, old: ResourceState, inputs: dict[str, Any], dbr: bool,
                 forced: bool) -> tuple[str, dict[str, Any]]:
        if goal.protect and old.protect:
            raise RuntimeError(f"unable to replace resource {goal.urn!r} as it is currently "
                               "marked for protection")
        if not forced:
            inputs = self._check(goal, None)  # step_generator.go:2007
        if dbr and not self.preview:
            for dependent in reversed(self._dependents_to_replace(old)):
                with self.lock:
                    if id(dependent) in self.dbr_deleted:
                        continue
                    self.dbr_deleted.add(id(dependent))
                if not dependent.delete and dependent.protect:
                    raise RuntimeError(f"unable to replace resource {dependent.urn!r} as part "
                                       f"of replacing {goal.urn!r}: it is protected")
                self._delete(dependent, replacing=not dependent.delete, deleting=set())
            if not old.pending_replacement:
                with self.lock:
                    self.dbr_deleted.add(id(old))
                self._delete(old, replacing=True, deleting=set())
        return self._create(goal, inputs, old)

    def _dependents_to_replace(self, root: ResourceState) -> list[ResourceState]:
        """Dependents a delete-before-replace of ``root`` deletes first (3268-3415)."""
        replace_set = {root.urn}
        found: list[ResourceState] = []
        with self.lock:
            candidates = [r for r in self.snap.resources if r is not root
                          and r.urn not in self.registered and not r.external]
        for r in candidates:  # snapshot order is dependency order
            if r.deleted_with and r.deleted_with in replace_set:
                found.append(r)
                replace_set.add(r.urn)
                continue
            news = dict(r.inputs)
            touched = False
            for key, deps in r.property_dependencies.items():
                if key in news and any(d in replace_set for d in deps):
                    news[key] = UNKNOWN
                    touched = True
            if not touched:
                continue
            diff = self.call("diff", r.urn, lambda r=r, news=news: self.plugin.diff(
                r.urn, r.id, r.outputs, news, old_inputs=r.inputs))
            if diff.replaces:
                found.append(r)
                replace_set.add(r.urn)
        return found

    # -- deletes ----------------------------------------------------------------------------
    def _delete(self, r: ResourceState, *, replacing: bool, deleting: set[str]) -> None:
        """DeleteStep.Apply (step.go:647-665, 756-785)."""
        if not replacing and r.protect:
            raise RuntimeError(f"resource {r.urn!r} cannot be deleted because it is protected")
        skip = (r.external or r.retain_on_delete
                or (r.deleted_with and r.deleted_with in deleting))
        if not skip:
            self.call("delete", r.urn, lambda: self.plugin.delete(
                r.urn, r.id, r.outputs, old_inputs=r.inputs))
            with self.lock:
                self.outcome.deleted.append((r.type, r.id))
        if replacing and not r.delete:
            with self.lock:
                r.pending_replacement = True  # step.go:781-785
        else:
            self._swap(r, None)

    def _post_steps(self) -> None:
        """Deletes after the program: unseen, replaced and pending (2390-2433, 486-553)."""
        with self.lock:
            # A pending delete already deleted by a delete-before-replace chain is skipped;
            # any other resource the program did not register goes (2390-2433).
            doomed = [r for r in self.snap.resources
                      if (r.delete and id(r) not in self.dbr_deleted)
                      or (not r.delete and r.urn not in self.registered)]
        removable = [r for r in doomed if r.pending_replacement and not r.delete]
        for r in removable:  # RemovePendingReplaceStep: no provider call (step.go:883-885)
            self._swap(r, None)
        self._delete_all([r for r in doomed if r not in removable])

    def _delete_all(self, doomed: list[ResourceState]) -> None:
        deleting = {r.urn for r in doomed}
        for chain in _antichains(doomed):
            with ThreadPoolExecutor(max(1, self.stack.parallel)) as pool:
                futures = [pool.submit(self._delete, r, replacing=r.delete, deleting=deleting)
                           for r in chain]
            errors = [f.exception() for f in futures if f.exception() is not None]
            if errors:
                self.fail(errors[0])  # type: ignore[arg-type]
                return

    # -- refresh, destroy, reads ----------------------------------------------------------------
    def refresh(self) -> None:
        def one(r: ResourceState) -> None:
            read = self.call("read", r.urn, lambda: self.plugin.read(
                r.urn, r.id, r.outputs, inputs=r.inputs))
            if not read.id:
                self._swap(r, None)
                return
            inputs = read.inputs if read.inputs is not None else r.inputs
            refreshed = replace(r, id=read.id, outputs=read.outs, inputs=inputs)
            if not r.external:
                diff = self.call("diff", r.urn, lambda: self.plugin.diff(
                    r.urn, read.id, read.outs, r.inputs, old_inputs=inputs))
                if diff.changes != "none":
                    with self.lock:
                        self.outcome.drift.append(refreshed.name)
            self._swap(r, refreshed)

        targets = [r for r in self.snap.resources if not r.pending_replacement]
        with ThreadPoolExecutor(max(1, self.stack.parallel)) as pool:
            futures = [pool.submit(one, r) for r in targets]
        errors = [f.exception() for f in futures if f.exception() is not None]
        if errors:
            self.fail(errors[0])  # type: ignore[arg-type]

    def destroy(self) -> None:
        self._delete_all(list(self.snap.resources))

    def read_resource(self, urn: str, type_: str, rid: str,
                      props: dict[str, Any]) -> dict[str, Any]:
        with self.gate:
            try:
                read = self.call("read", urn, lambda: self.plugin.read(urn, rid, props,
                                                                        inputs=props))
            except BaseException as exc:
                self.fail(exc)
                raise
        state = ResourceState(urn, type_, read.id or rid, props, read.outs, external=True)
        with self.lock:
            old = next((r for r in self.snap.resources if r.urn == urn and r.external), None)
            self.registered.add(urn)
        self._swap(old, state)
        return read.outs


def _antichains(resources: list[ResourceState]) -> list[list[ResourceState]]:
    """Delete order: dependents before what they depend on (step_generator.go:2723-2796)."""
    urns = {r.urn for r in resources}
    remaining = list(resources)
    layers: list[list[ResourceState]] = []
    done: set[int] = set()
    while remaining:
        # A resource can go once nothing left in the set depends on it.
        layer = [r for r in remaining if not any(
            id(o) not in done and o is not r and _depends_on(o, r.urn) for o in remaining)]
        if not layer:  # a cycle cannot happen in a snapshot; keep going rather than hang
            layer = list(remaining)
        layers.append(layer)
        done.update(id(r) for r in layer)
        remaining = [r for r in remaining if id(r) not in done]
    del urns
    return layers


def _depends_on(r: ResourceState, urn: str) -> bool:
    if r.deleted_with == urn or urn in r.dependencies:
        return True
    return any(urn in deps for deps in r.property_dependencies.values())


__all__ = ["DeploymentFailed", "Goal", "Interrupted", "Outcome", "PROVIDER_KEY",
           "PluginCallError", "ResourceState", "Snapshot", "Stack", "struct_pb2"]
