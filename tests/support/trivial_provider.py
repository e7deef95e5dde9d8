"""A tiny dynamic provider used to test the protocol harness itself (and for cold-start timing).

It lives in an importable module, so dill pickles it by reference: the plugin process imports
`tests.support.trivial_provider` (the harness puts the repo root on PYTHONPATH). Never rename
or move these classes: stored blobs name them.

Behaviour, chosen so tests can observe what crossed the wire:
* `check` records the Python type of every input it received (`seen_types`), turns integral
  floats back into ints, and reports a failure for a negative `count`.
* `create` returns the id `<id_prefix>-<name>`, echoes the inputs, and adds the config it was
  configured with and the host thread that served it; `sleep` delays it, `fail` raises,
  `say` is printed to stdout and stderr (prefixed with the resource name), and `post`
  (``{"url": ..., "body": ...}``) is sent as one bare keep-alive HTTP POST whose answer is
  kept as the output `answer` (benchmarks: the cost of one REST call with no provider logic);
  its optional ``"update"``, ``"read"`` and ``"delete"`` entries, of the same form, are what
  those methods send.
* `read` returns the outputs unchanged (plus the inputs it derives); ids ending in `-gone`
  read as deleted.
* `diff` compares inputs; a changed or unknown `name` forces replacement.
"""

from __future__ import annotations

import sys
import threading
import time
from typing import Any

import pulumi
from pulumi.dynamic import (
    CheckFailure,
    CheckResult,
    ConfigureRequest,
    CreateResult,
    DiffResult,
    ReadResult,
    Resource,
    ResourceProvider,
    UpdateResult,
)
from pulumi.output import Unknown

TRIVIAL_TYPE = "pulumi-python:dynamic/trivial:Trivial"
INPUT_KEYS = ("name", "count", "labels", "sleep", "fail", "say", "post")
OUTPUT_ONLY_KEYS = ("seen_types", "configured", "thread", "updates", "answer")


def _coerce(value: Any) -> Any:
    """Undo the wire's int -> float widening, recursively."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, dict):
        return {k: _coerce(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_coerce(v) for v in value]
    return value


_connections = threading.local()


def _post(url: str, body: str) -> str:
    """One POST on this thread's keep-alive connection to ``url``'s host; the answer's text."""
    import http.client
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    pool = _connections.__dict__.setdefault("by_host", {})
    conn = pool.get((parts.hostname, parts.port))
    if conn is None:
        conn = pool[(parts.hostname, parts.port)] = http.client.HTTPConnection(
            parts.hostname, parts.port, timeout=30)
    conn.request("POST", f"{parts.path}?{parts.query}", body.encode(),
                 {"Content-Type": "application/json"})
    return conn.getresponse().read().decode()


def _send(props: dict[str, Any], method: str, outs: dict[str, Any] | None = None) -> None:
    """Send ``method``'s POST of ``props["post"]``, if it has one, keeping the answer in
    ``outs["answer"]``."""
    post = props.get("post")
    request = post if method == "create" else (post or {}).get(method)
    if request:
        answer = _post(request["url"], request["body"])
        if outs is not None:
            outs["answer"] = answer


def _inputs_of(props: dict[str, Any]) -> dict[str, Any]:
    return {k: props[k] for k in INPUT_KEYS if k in props}


class TrivialProvider(ResourceProvider):
    """Echo provider; `id_prefix` is its only pickled state."""

    def __init__(self, id_prefix: str = "triv") -> None:
        super().__init__()
        self.id_prefix = id_prefix

    def configure(self, req: ConfigureRequest) -> None:
        # Set in the plugin process after unpickling; never part of the blob.
        self._configured = {
            "app_id": req.config.get("tencentchat:sdkAppId"),
            "greeting": req.config.get("greeting"),  # no namespace: the project's
        }

    def check(self, _olds: dict[str, Any], news: dict[str, Any]) -> CheckResult:
        seen = {k: type(v).__name__ for k, v in news.items() if k != "__provider"}
        inputs = {k: v if isinstance(v, Unknown) else _coerce(v) for k, v in news.items()}
        inputs["seen_types"] = seen
        failures = []
        count = inputs.get("count")
        if isinstance(count, (int, float)) and count < 0:
            failures.append(CheckFailure("count", f"count must be >= 0, got {count}"))
        return CheckResult(inputs, failures)

    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        old_in, new_in = _inputs_of(olds), _inputs_of(news)
        changed = sorted(k for k in old_in.keys() | new_in.keys() if old_in.get(k) != new_in.get(k))
        replaces = ["name"] if "name" in changed else []
        return DiffResult(changes=bool(changed), replaces=replaces, delete_before_replace=False)

    def create(self, props: dict[str, Any]) -> CreateResult:
        if props.get("sleep"):
            time.sleep(float(props["sleep"]))
        if props.get("say"):
            line = f"[trivial {props.get('name')}] {props['say']}"
            print(line, flush=True)
            print(line, file=sys.stderr, flush=True)
        if props.get("fail"):
            raise RuntimeError(f"trivial create refused: {props['fail']}")
        outs = dict(props)
        _send(props, "create", outs)
        outs["configured"] = getattr(self, "_configured", None)
        outs["thread"] = threading.current_thread().name
        return CreateResult(f"{self.id_prefix}-{props.get('name', 'unnamed')}", outs)

    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        if id_.endswith("-gone"):
            return ReadResult(None, {})
        outs = dict(props)
        _send(props, "read", outs)
        return ReadResult(id_, outs, _inputs_of(props))

    def update(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        if news.get("fail"):
            raise RuntimeError(f"trivial update refused: {news['fail']}")
        outs = dict(news)
        outs["updates"] = int(olds.get("updates", 0)) + 1
        outs["thread"] = threading.current_thread().name
        _send(news, "update", outs)
        return UpdateResult(outs)

    def delete(self, _id: str, props: dict[str, Any]) -> None:
        _send(props, "delete")


class Trivial(Resource, module="trivial", name="Trivial"):
    """The program-side resource for `TrivialProvider` (type `TRIVIAL_TYPE`)."""

    seen_types: pulumi.Output[dict]
    configured: pulumi.Output[Any]
    thread: pulumi.Output[str]

    def __init__(
        self,
        resource_name: str,
        props: dict[str, Any],
        opts: pulumi.ResourceOptions | None = None,
        provider: TrivialProvider | None = None,
    ) -> None:
        all_props: dict[str, Any] = {k: None for k in OUTPUT_ONLY_KEYS}
        all_props.update(props)
        super().__init__(provider or TrivialProvider(), resource_name, all_props, opts)
