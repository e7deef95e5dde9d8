"""Run a Pulumi program function under `pulumi.runtime.set_mocks` and record what it registers.

Each run happens on its own thread, in an empty `contextvars.Context` and with its own event
loop, so runs never share the SDK's ambient settings, root stack resource or config.
The inputs recorded are exactly what the SDK sends to the engine's RegisterResource, decoded by
the mock monitor: a dynamic resource's `__provider` is the real blob from the SDK's serializer,
wrapped as a secret (`RegisteredResource.provider_blob` unwraps it).
"""

from __future__ import annotations

import asyncio
import contextvars
import gc
import pickle
import sys
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import pulumi
from pulumi.dynamic import ResourceProvider
from pulumi.dynamic.dynamic import serialize_provider
from pulumi.runtime import mocks, rpc, settings
from pulumi.runtime.config import set_all_config
from pulumi.runtime.stack import run_pulumi_func
from pulumi.runtime.sync_await import _sync_await

PROVIDER_KEY = "__provider"

StateFn = Callable[[mocks.MockResourceArgs], "tuple[str | None, dict[str, Any]] | None"]


def provider_blob(provider: ResourceProvider) -> str:
    """The `__provider` string `pulumi.dynamic.Resource` stores for this provider instance."""
    # Resource.__init__ runs serialize_provider under _serialize(allow_secrets=True, ...).
    from pulumi.runtime._serialization import _serialize

    blob, _contains_secrets = _serialize(True, serialize_provider, provider)
    return blob


@dataclass
class RegisteredResource:
    """One RegisterResource call seen by the mock monitor."""

    type: str
    name: str
    urn: str
    inputs: dict[str, Any]
    """As the monitor decoded them: secret values stay wrapped (see `rpc.is_rpc_secret`)."""
    id: str | None
    state: dict[str, Any]
    """What the mock returned as outputs."""
    custom: bool
    provider: str | None

    @property
    def provider_blob(self) -> str | None:
        """The dynamic provider blob, unwrapped from its secret marker."""
        value = self.inputs.get(PROVIDER_KEY)
        return None if value is None else rpc.unwrap_rpc_secret(value)

    @property
    def secret_keys(self) -> set[str]:
        """Top-level input keys the SDK sent as secrets."""
        return {k for k, v in self.inputs.items() if rpc.is_rpc_secret(v)}

    def plain_inputs(self) -> dict[str, Any]:
        """Inputs with top-level secret markers removed (what a secret-refusing plugin sees)."""
        return {k: rpc.unwrap_rpc_secret(v) for k, v in self.inputs.items()}


class RegisteredResources(list[RegisteredResource]):
    """The registrations of one run, in arrival order (not the program's: they are concurrent).

    `result` is the program's awaited return value.
    """

    result: Any = None

    def by_name(self, name: str) -> RegisteredResource:
        matches = [r for r in self if r.name == name]
        if len(matches) != 1:
            raise KeyError(f"{len(matches)} resources named {name!r}: {[r.name for r in self]}")
        return matches[0]

    def of_type(self, type_token: str) -> list[RegisteredResource]:
        return [r for r in self if r.type == type_token]


@dataclass
class _RecordingMocks(mocks.Mocks):
    state_fn: StateFn | None = None
    registered: RegisteredResources = field(default_factory=RegisteredResources)
    lock: threading.Lock = field(default_factory=threading.Lock)
    project: str = "proj"
    stack: str = "dev"

    def new_resource(self, args: mocks.MockResourceArgs) -> tuple[str | None, dict]:
        custom_result = self.state_fn(args) if self.state_fn else None
        if custom_result is None:
            rid, state = f"{args.name}-id", dict(args.inputs)
        else:
            rid, state = custom_result
        with self.lock:
            self.registered.append(
                RegisteredResource(
                    type=args.typ,
                    name=args.name,
                    urn=f"urn:pulumi:{self.stack}::{self.project}::{args.typ}::{args.name}",
                    inputs=dict(args.inputs),
                    id=rid,
                    state=dict(state),
                    custom=bool(args.custom),
                    provider=args.provider or None,
                )
            )
        return rid, state

    def call(self, args: mocks.MockCallArgs) -> tuple[dict, list[tuple[str, str]] | None]:
        return {}, []


def run_program(
    fn: Callable[[], Any],
    project: str = "proj",
    stack: str = "dev",
    config: Mapping[str, str] | None = None,
    secret_keys: tuple[str, ...] = (),
    preview: bool = False,
    state_fn: StateFn | None = None,
    timeout: float = 60.0,
    monitor: mocks.MockMonitor | None = None,
) -> RegisteredResources:
    """Run `fn` as a Pulumi program under mocks and return every resource it registered.

    `config` uses full keys (`tencentchat:sdkAppId`). `state_fn(args)` may return
    `(id, state)` to override the default mock (id = name + "-id", state = inputs) or None.
    Whatever `fn` returns (Outputs allowed) is awaited and stored in `.result`.
    The URN recorded is top-level (parents are not reflected). A ``monitor`` replaces the
    mock monitor (the engine replay answers registrations with real steps).
    """
    recorder = _RecordingMocks(state_fn=state_fn, project=project, stack=stack)
    outcome: dict[str, Any] = {}

    def body() -> None:
        loop = asyncio.new_event_loop()
        # A failed program's error is raised to the caller; the SDK's futures that carried it
        # would otherwise be reported again by asyncio whenever they are collected, formatting
        # a traceback (which runs ast.parse on CPython 3.11) in whatever thread collects them,
        # racing the main thread's compiler (python/cpython#106905).
        loop.set_exception_handler(lambda _loop, _context: None)
        asyncio.set_event_loop(loop)
        try:
            set_all_config(dict(config or {}), list(secret_keys))
            mocks.set_mocks(recorder, project=project, stack=stack, preview=preview,
                            monitor=monitor)
            # MockSettings leaves the SDK's set of outstanding output tasks at its shared
            # default: a program that failed would leave tasks of a closed loop there.
            settings.SETTINGS.outputs = type(settings.SETTINGS.outputs)()  # set or deque
            settings.SETTINGS.lock = threading.Lock()

            def program() -> None:
                # Synchronous, like a program's __main__: older SDKs call it without awaiting.
                value = fn()
                if value is not None:
                    pulumi.Output.from_input(value).apply(
                        lambda result: outcome.__setitem__("result", result))

            _sync_await(run_pulumi_func(program))
        except BaseException as exc:  # noqa: BLE001 - re-raised on the caller's thread
            outcome["error"] = exc
        finally:
            asyncio.set_event_loop(None)
            loop.close()

    thread = threading.Thread(
        target=lambda: contextvars.Context().run(body), name="pulumi-program", daemon=True
    )
    thread.start()
    thread.join(timeout)
    if thread.is_alive():
        raise TimeoutError(f"program did not finish within {timeout}s")
    if "error" in outcome:
        raise outcome["error"]
    recorder.registered.result = outcome.get("result")
    return recorder.registered


# -- leftovers of many program runs in one process ------------------------------------------

# The pure-Python pickler's methods before the SDK first wraps them (see restore_pickler).
_PICKLER = {name: getattr(pickle._Pickler, name)  # type: ignore[attr-defined]
            for name in ("_batch_setitems", "save_dict")}


def restore_pickler() -> None:
    """Put back the pickler methods the SDK's ``serialize_provider`` leaves patched.

    Every dynamic resource constructed wraps ``pickle._Pickler._batch_setitems`` in one more
    sorting wrapper, never undone; after ~1000 resources in one process, pickling a provider
    that has instance state exceeds the recursion limit. This package's providers are
    stateless, so their blobs never reach that code; the trivial test provider's do.
    """
    for name, method in _PICKLER.items():
        setattr(pickle._Pickler, name, method)  # type: ignore[attr-defined]


def collect_mock_loops() -> None:
    """Collect the event loops the SDK's mock monitor leaves unclosed in its worker threads.

    When the collector frees such a loop after its self-pipe socket, ``BaseEventLoop.__del__``
    fails on the closed socket and prints a harmless traceback (at exit if not earlier). Collect
    now and drop exactly that report; anything else still reaches the usual hook.
    """
    previous = sys.unraisablehook

    def hook(report: Any) -> None:
        if not (isinstance(report.exc_value, ValueError)
                and getattr(report.object, "__qualname__", "") == "BaseEventLoop.__del__"):
            previous(report)

    sys.unraisablehook = hook
    try:
        gc.collect()
    finally:
        sys.unraisablehook = previous
