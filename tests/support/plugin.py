"""A protocol client for the Python dynamic-provider plugin (`python -u -m pulumi.dynamic`).

This is a *client*, not an engine: each method sends one gRPC request shaped the way the Pulumi
engine shapes it for this plugin, and hands back plain Python values. Tests decide the order of
calls (the engine's is Configure, then Check -> Create, Check -> Diff -> Update, Read, Delete).

What the engine does for this host, and this client copies:

* `Configure` carries the *whole* stack config for dynamic providers, keys kept with their
  namespace (`tencentchat:sdkAppId`), values as strings; secret values are secret-wrapped in
  `args` and plain in the deprecated `variables` map (keyed `pulumi-python:config:<key>`).
* The host answers `acceptSecrets=False`, so the engine strips secrets from every resource
  call: property maps sent here are secret-free (`__provider` arrives as a plain string).
* Unknown values (preview) travel as the string `rpc.UNKNOWN`; only Check and Diff see them.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, Literal

import grpc
from google.protobuf import empty_pb2, struct_pb2
from pulumi.output import Unknown
from pulumi.runtime import rpc
from pulumi.runtime.proto import provider_pb2, provider_pb2_grpc

from tests.support.launch import ENGINE_ADDRESS, Launch

REPO_ROOT = Path(__file__).resolve().parents[2]

UNKNOWN: str = rpc.UNKNOWN
"""The engine's wire encoding of an unknown (preview) value, for inputs and comparisons."""

PROVIDER_KEY = "__provider"
DYNAMIC_PROVIDER_PACKAGE = "pulumi-python"
DEFAULT_STACK = "dev"
DEFAULT_PROJECT = "tencentchat-test"

DiffChanges = Literal["some", "none", "unknown"]

_CHANGES: dict[int, DiffChanges] = {
    provider_pb2.DiffResponse.DIFF_SOME: "some",
    provider_pb2.DiffResponse.DIFF_NONE: "none",
    provider_pb2.DiffResponse.DIFF_UNKNOWN: "unknown",
}


# --------------------------------------------------------------------------------------------
# Values and URNs
# --------------------------------------------------------------------------------------------


def urn(
    type_token: str,
    name: str,
    project: str = DEFAULT_PROJECT,
    stack: str = DEFAULT_STACK,
    parent_type: str | None = None,
) -> str:
    """Build an engine-style URN: `urn:pulumi:<stack>::<project>::[<parent>$]<type>::<name>`."""
    qualified = f"{parent_type}${type_token}" if parent_type else type_token
    return f"urn:pulumi:{stack}::{project}::{qualified}::{name}"


def urn_name(urn_: str) -> str:
    """The resource name part of a URN."""
    return urn_.split("::", 3)[3]


def urn_type(urn_: str) -> str:
    """The resource type part of a URN (without parent types)."""
    return urn_.split("::", 3)[2].split("$")[-1]


def secret(value: Any) -> dict[str, Any]:
    """Mark a value secret the way the SDK's RPC layer does (used for Configure args)."""
    return rpc.wrap_rpc_secret(value)


def strip_secrets(value: Any) -> Any:
    """Remove secret wrappers recursively, as the engine does for a plugin that refuses secrets."""
    if rpc.is_rpc_secret(value):
        return strip_secrets(rpc.unwrap_rpc_secret(value))
    if isinstance(value, Mapping):
        return {k: strip_secrets(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [strip_secrets(v) for v in value]
    return value


def _unknowns_to_sentinel(value: Any) -> Any:
    if isinstance(value, Unknown):
        return UNKNOWN
    if isinstance(value, dict):
        return {k: _unknowns_to_sentinel(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_unknowns_to_sentinel(v) for v in value]
    return value


def encode_properties(props: Mapping[str, Any] | None) -> struct_pb2.Struct:
    """Serialize a plain dict with the SDK's own `serialize_properties` (in a private loop)."""
    loop = asyncio.new_event_loop()
    try:
        return loop.run_until_complete(rpc.serialize_properties(dict(props or {}), {}))
    finally:
        loop.close()


def decode_properties(struct: struct_pb2.Struct) -> dict[str, Any]:
    """Deserialize with `deserialize_properties(keep_unknowns=True)`; unknowns become `UNKNOWN`."""
    return _unknowns_to_sentinel(rpc.deserialize_properties(struct, keep_unknowns=True))


def _wire(props: Mapping[str, Any] | None) -> struct_pb2.Struct:
    """A resource-call property map: secrets stripped (acceptSecrets=False), then serialized."""
    return encode_properties(strip_secrets(dict(props or {})))


# --------------------------------------------------------------------------------------------
# Results and errors
# --------------------------------------------------------------------------------------------


class PluginCallError(Exception):
    """A gRPC call failed; `details` holds the host's text (a traceback for provider errors)."""

    def __init__(self, method: str, code: grpc.StatusCode, details: str) -> None:
        super().__init__(f"{method} failed with {code.name}: {details}")
        self.method = method
        self.code = code
        self.details = details


@dataclass(frozen=True)
class ConfigureOutcome:
    accept_secrets: bool
    accept_resources: bool
    supports_preview: bool
    accept_outputs: bool


@dataclass(frozen=True)
class CheckFailure:
    property: str
    reason: str


@dataclass(frozen=True)
class CheckOutcome:
    inputs: dict[str, Any]
    failures: list[CheckFailure] = field(default_factory=list)


@dataclass(frozen=True)
class DiffOutcome:
    changes: DiffChanges
    replaces: list[str] = field(default_factory=list)
    delete_before_replace: bool = False


@dataclass(frozen=True)
class ReadOutcome:
    id: str
    """Empty when the provider reports the resource gone."""
    outs: dict[str, Any]
    inputs: dict[str, Any] | None
    """Inputs the provider returned for later diffs, or None if it returned none."""


# --------------------------------------------------------------------------------------------
# The plugin process
# --------------------------------------------------------------------------------------------


class _Drain:
    """Reads a pipe line by line into a buffer until EOF, so the child never blocks on it."""

    def __init__(self, pipe: IO[bytes], name: str, first_line: threading.Event | None) -> None:
        self._pipe = pipe
        self._lines: list[str] = []
        self._lock = threading.Lock()
        self._first_line = first_line
        self.first: str | None = None
        self.thread = threading.Thread(target=self._run, name=f"plugin-{name}", daemon=True)
        self.thread.start()

    def _run(self) -> None:
        for raw in iter(self._pipe.readline, b""):
            line = raw.decode("utf-8", errors="replace")
            with self._lock:
                self._lines.append(line)
            if self._first_line is not None and self.first is None:
                self.first = line
                self._first_line.set()
        if self._first_line is not None:
            self._first_line.set()  # EOF: wake the reader even without a line.

    def text(self) -> str:
        with self._lock:
            return "".join(self._lines)


class PluginProcess:
    """A running dynamic-provider plugin and a thread-safe gRPC client for it."""

    def __init__(
        self,
        proc: subprocess.Popen[bytes],
        port: int,
        stdout: _Drain,
        stderr: _Drain,
        project: str,
        call_timeout: float,
    ) -> None:
        self.proc = proc
        self.port = port
        self.project = project
        self.call_timeout = call_timeout
        self._stdout = stdout
        self._stderr = stderr
        self.channel = grpc.insecure_channel(f"127.0.0.1:{port}")
        self.stub = provider_pb2_grpc.ResourceProviderStub(self.channel)

    # -- lifecycle -----------------------------------------------------------------------

    @classmethod
    def start(
        cls,
        env: Mapping[str, str | None] | None = None,
        project: str = DEFAULT_PROJECT,
        cwd: str | os.PathLike[str] | None = None,
        timeout: float = 30.0,
        call_timeout: float = 60.0,
        launch: Launch | None = None,
    ) -> PluginProcess:
        """Spawn the plugin as the CLI does and connect to its port.

        With ``launch`` (see ``tests.support.launch.project_launch``) the command, working
        directory and environment are exactly the CLI's for a project. Without it, this
        interpreter runs ``-u -m pulumi.dynamic`` with the engine's variables
        (``PULUMI_PROJECT`` = ``project``, ``PULUMI_CONFIG`` = ``{}``) and the repo root leading
        ``PYTHONPATH`` (test providers live in ``tests``). ``env`` entries override the
        environment (a None value removes a variable).
        """
        if launch is None:
            base = dict(os.environ)
            pythonpath = [str(REPO_ROOT)]
            if base.get("PYTHONPATH"):
                pythonpath.append(base["PYTHONPATH"])
            base["PYTHONPATH"] = os.pathsep.join(pythonpath)
            base.update(PULUMI_PROJECT=project, PULUMI_CONFIG="{}")
            base.pop("PULUMI_STACK", None)
            launch = Launch([sys.executable, "-u", "-m", "pulumi.dynamic", ENGINE_ADDRESS],
                            Path(cwd or REPO_ROOT), base)
        child_env = dict(launch.env)
        project = child_env.get("PULUMI_PROJECT", project)
        for key, value in (env or {}).items():
            if value is None:
                child_env.pop(key, None)
            else:
                child_env[key] = value

        proc = subprocess.Popen(
            launch.argv,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=child_env,
            cwd=str(launch.cwd),
        )
        assert proc.stdout is not None and proc.stderr is not None
        got_line = threading.Event()
        out = _Drain(proc.stdout, "stdout", got_line)
        err = _Drain(proc.stderr, "stderr", None)

        def fail(reason: str) -> PluginProcess:
            _terminate(proc)
            err.thread.join(timeout=5)
            raise RuntimeError(
                f"dynamic provider plugin {reason}; exit={proc.returncode}\n"
                f"stdout:\n{out.text()}\nstderr:\n{err.text()}"
            )

        if not got_line.wait(timeout):
            return fail(f"printed no port within {timeout}s")
        first = (out.first or "").strip()
        if not first.isdigit():
            return fail(f"did not print a port (first line {first!r})")

        plugin = cls(proc, int(first), out, err, project, call_timeout)
        try:
            grpc.channel_ready_future(plugin.channel).result(timeout=timeout)
        except grpc.FutureTimeoutError:
            plugin.channel.close()
            return fail(f"port {first} did not accept a gRPC connection")
        return plugin

    def stop(self, timeout: float = 10.0) -> int | None:
        """Close the channel and terminate the process; returns its exit code."""
        self.channel.close()
        _terminate(self.proc, timeout)
        self._stdout.thread.join(timeout=timeout)
        self._stderr.thread.join(timeout=timeout)
        return self.proc.returncode

    def __enter__(self) -> PluginProcess:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def alive(self) -> bool:
        return self.proc.poll() is None

    def stdout_text(self) -> str:
        """Everything the plugin wrote to stdout so far (the first line is its port)."""
        return self._stdout.text()

    def stderr_text(self) -> str:
        """Everything the plugin wrote to stderr so far."""
        return self._stderr.text()

    # -- calls ---------------------------------------------------------------------------

    def _call(self, method: str, request: Any, timeout: float | None = None) -> Any:
        try:
            return getattr(self.stub, method)(request, timeout=timeout or self.call_timeout)
        except grpc.RpcError as exc:
            code = exc.code() if hasattr(exc, "code") else grpc.StatusCode.UNKNOWN
            details = exc.details() if hasattr(exc, "details") else str(exc)
            raise PluginCallError(method, code, details or "") from None

    def plugin_info(self) -> str:
        """GetPluginInfo: the host's version string."""
        return self._call("GetPluginInfo", empty_pb2.Empty()).version

    def handshake(self) -> Any:
        """Handshake, the engine's first call; this host leaves it unimplemented."""
        req = provider_pb2.ProviderHandshakeRequest(
            engine_address="127.0.0.1:0", configure_with_urn=True
        )
        return self._call("Handshake", req)

    def configure(
        self,
        config: Mapping[str, str],
        secret_keys: Iterable[str] = (),
        stack: str = DEFAULT_STACK,
    ) -> ConfigureOutcome:
        """Configure with the stack config, as the engine does for a dynamic provider.

        Keys are full (`namespace:key`) and values strings; keys in `secret_keys` are
        secret-wrapped in `args` (the engine marshals Configure args with secrets kept).
        """
        secrets = set(secret_keys)
        variables: dict[str, str] = {}
        args: dict[str, Any] = {}
        for key, value in config.items():
            if ":" not in key:
                raise ValueError(
                    f"config key {key!r} needs its namespace, e.g. 'tencentchat:{key}'"
                )
            if not isinstance(value, str):
                raise TypeError(f"config value for {key!r} must be a string (JSON for structures)")
            variables[f"{DYNAMIC_PROVIDER_PACKAGE}:config:{key}"] = value
            args[key] = secret(value) if key in secrets else value
        provider_type = f"pulumi:providers:{DYNAMIC_PROVIDER_PACKAGE}"
        req = provider_pb2.ConfigureRequest(
            variables=variables,
            args=encode_properties(args),
            acceptSecrets=True,
            acceptResources=True,
            sends_old_inputs=True,
            sends_old_inputs_to_delete=True,
            urn=urn(provider_type, "default", self.project, stack),
            name="default",
            type=provider_type,
        )
        resp = self._call("Configure", req)
        return ConfigureOutcome(
            accept_secrets=resp.acceptSecrets,
            accept_resources=resp.acceptResources,
            supports_preview=resp.supportsPreview,
            accept_outputs=resp.acceptOutputs,
        )

    def check(
        self, urn: str, olds: Mapping[str, Any] | None, news: Mapping[str, Any]
    ) -> CheckOutcome:
        """Check(olds=old inputs, news=new inputs); olds is empty for a new resource."""
        req = provider_pb2.CheckRequest(
            urn=urn, name=urn_name(urn), type=urn_type(urn), olds=_wire(olds), news=_wire(news)
        )
        resp = self._call("Check", req)
        return CheckOutcome(
            inputs=decode_properties(resp.inputs),
            failures=[CheckFailure(f.property, f.reason) for f in resp.failures],
        )

    def diff(
        self,
        urn: str,
        id: str,
        olds: Mapping[str, Any],
        news: Mapping[str, Any],
        old_inputs: Mapping[str, Any] | None = None,
        ignore_changes: Iterable[str] = (),
    ) -> DiffOutcome:
        """Diff(olds=old outputs, news=new checked inputs, old_inputs=old inputs)."""
        req = provider_pb2.DiffRequest(
            id=id,
            urn=urn,
            name=urn_name(urn),
            type=urn_type(urn),
            olds=_wire(olds),
            news=_wire(news),
            old_inputs=_wire(old_inputs if old_inputs is not None else olds),
            ignoreChanges=list(ignore_changes),
        )
        resp = self._call("Diff", req)
        return DiffOutcome(
            changes=_CHANGES[resp.changes],
            replaces=list(resp.replaces),
            delete_before_replace=resp.deleteBeforeReplace,
        )

    def create(
        self, urn: str, props: Mapping[str, Any], preview: bool = False, timeout: float = 0
    ) -> tuple[str, dict[str, Any]]:
        """Create(properties=checked inputs) -> (id, outputs).

        The engine never sends a preview Create to this host (it does not report
        supportsPreview); the host ignores the flag, so `preview=True` really creates.
        """
        req = provider_pb2.CreateRequest(
            urn=urn,
            name=urn_name(urn),
            type=urn_type(urn),
            properties=_wire(props),
            preview=preview,
            timeout=timeout,
        )
        resp = self._call("Create", req)
        return resp.id, decode_properties(resp.properties)

    def read(
        self,
        urn: str,
        id: str,
        props: Mapping[str, Any],
        inputs: Mapping[str, Any] | None = None,
    ) -> ReadOutcome:
        """Read as on refresh: properties=old outputs, inputs=old inputs."""
        req = provider_pb2.ReadRequest(
            id=id,
            urn=urn,
            name=urn_name(urn),
            type=urn_type(urn),
            properties=_wire(props),
        )
        if inputs is not None:
            req.inputs.CopyFrom(_wire(inputs))
        resp = self._call("Read", req)
        return ReadOutcome(
            id=resp.id,
            outs=decode_properties(resp.properties),
            inputs=decode_properties(resp.inputs) if resp.HasField("inputs") else None,
        )

    def update(
        self,
        urn: str,
        id: str,
        olds: Mapping[str, Any],
        news: Mapping[str, Any],
        preview: bool = False,
        old_inputs: Mapping[str, Any] | None = None,
        timeout: float = 0,
    ) -> dict[str, Any]:
        """Update(olds=old outputs, news=new checked inputs) -> outputs; `preview` is ignored."""
        req = provider_pb2.UpdateRequest(
            id=id,
            urn=urn,
            name=urn_name(urn),
            type=urn_type(urn),
            olds=_wire(olds),
            news=_wire(news),
            old_inputs=_wire(old_inputs if old_inputs is not None else olds),
            preview=preview,
            timeout=timeout,
        )
        resp = self._call("Update", req)
        return decode_properties(resp.properties)

    def delete(
        self,
        urn: str,
        id: str,
        props: Mapping[str, Any],
        old_inputs: Mapping[str, Any] | None = None,
        timeout: float = 0,
    ) -> None:
        """Delete(properties=old outputs, old_inputs=old inputs)."""
        req = provider_pb2.DeleteRequest(
            id=id,
            urn=urn,
            name=urn_name(urn),
            type=urn_type(urn),
            properties=_wire(props),
            old_inputs=_wire(old_inputs if old_inputs is not None else props),
            timeout=timeout,
        )
        self._call("Delete", req)


def _terminate(proc: subprocess.Popen[bytes], timeout: float = 10.0) -> None:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=timeout)
