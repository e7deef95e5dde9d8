"""Fixtures for the plugin-protocol lifecycle tests.

A real ``python -u -m pulumi.dynamic`` plugin per test module, configured the way the engine
configures a dynamic provider (the whole stack config, namespaced keys, secrets wrapped), and
pointed at the session's emulator. Resource inputs always come from a real program run under
mocks (``run_program``), so every ``__provider`` blob is the one the SDK itself produces; the
community and its topics are created with the raw client, never through the plugin.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

import pytest
from pulumi.output import Unknown
from pulumi_tencentchat.client import TencentChatClient

from tests.support.emulator import DEV_SDKAPPID, DEV_SECRET_KEY, Calls, EmulatorProcess
from tests.support.plugin import DEFAULT_PROJECT, DEFAULT_STACK, UNKNOWN, PluginProcess
from tests.support.program import RegisteredResources, StateFn, run_program

GROUP_ID = "@TGS#_proto"
TOPIC_GENERAL = f"{GROUP_ID}@TOPIC#_general"
TOPIC_NEWS = f"{GROUP_ID}@TOPIC#_news"
MISSING_GROUP_ID = "@TGS#_nowhere"

PG_TYPE = "pulumi-python:dynamic/tencentchat:PermissionGroup"
TP_TYPE = "pulumi-python:dynamic/tencentchat:TopicPermission"
MEMBERS_TYPE = "pulumi-python:dynamic/tencentchat:PermissionGroupMembers"

# Plugin and raw client share the emulator's 200 requests/s: half each keeps both clear of it.
RATE = "100"
SECRET_CONFIG_KEYS = ("tencentchat:secretKey",)
# Env vars the plugin would otherwise inherit from the developer's shell.
CLEAN_ENV: dict[str, str | None] = {
    name: None
    for name in (
        "TENCENTCHAT_SDKAPPID", "TENCENTCHAT_IDENTIFIER", "TENCENTCHAT_SECRET_KEY",
        "TENCENTCHAT_USERSIG", "TENCENTCHAT_REGION", "TENCENTCHAT_ENDPOINT",
    )
}


def stack_config(endpoint: str, **overrides: str | None) -> dict[str, str]:
    """The stack config as the engine sends it: every namespace, values as strings.

    An override of ``None`` removes the key (e.g. ``sdkAppId=None``).
    """
    config: dict[str, str | None] = {
        "tencentchat:sdkAppId": str(DEV_SDKAPPID),
        "tencentchat:secretKey": DEV_SECRET_KEY,
        "tencentchat:endpoint": endpoint,
        "tencentchat:requestsPerSecond": RATE,
        # Other namespaces arrive too (the program's own config) and must be ignored.
        f"{DEFAULT_PROJECT}:groupId": GROUP_ID,
    }
    for key, value in overrides.items():
        config[f"tencentchat:{key}"] = value
    return {k: v for k, v in config.items() if v is not None}


def start_plugin(config: Mapping[str, str],
                 env: Mapping[str, str | None] | None = None) -> PluginProcess:
    """Spawn and Configure a plugin; the caller stops it."""
    proc = PluginProcess.start(env={**CLEAN_ENV, **(env or {})})
    try:
        proc.configure(config, secret_keys=[k for k in SECRET_CONFIG_KEYS if k in config])
    except BaseException:
        proc.stop()
        raise
    return proc


@pytest.fixture(scope="module")
def plugin(emulator_process: EmulatorProcess) -> Iterator[PluginProcess]:
    """One configured plugin for the whole module, as one deployment's plugin process."""
    proc = start_plugin(stack_config(emulator_process.url))
    try:
        yield proc
    finally:
        proc.stop()


@pytest.fixture
def new_plugin(emulator: EmulatorProcess) -> Iterator[Callable[[], PluginProcess]]:
    """Start configured plugins, one per CLI command, as the CLI does (a process per
    deployment: the provider's record of what this deployment holds starts empty); all are
    stopped at the end."""
    started: list[PluginProcess] = []

    def start() -> PluginProcess:
        started.append(start_plugin(stack_config(emulator.url)))
        return started[-1]

    yield start
    for proc in started:
        proc.stop()


@pytest.fixture
def raw(emulator: EmulatorProcess) -> Iterator[TencentChatClient]:
    """An independent client for fixtures, out-of-band changes and checks of server state."""
    client = TencentChatClient(DEV_SDKAPPID, secret_key=DEV_SECRET_KEY, endpoint=emulator.url,
                               requests_per_second=float(RATE))
    yield client
    client.close()


@pytest.fixture
def community(raw: TencentChatClient) -> str:
    """A topic-enabled community with two topics (the emulator was reset for this test)."""
    raw.create_group(name="Protocol tests", group_id=GROUP_ID, support_topic=True)
    raw.create_topic(GROUP_ID, "general", topic_id=TOPIC_GENERAL)
    raw.create_topic(GROUP_ID, "news", topic_id=TOPIC_NEWS)
    return GROUP_ID





@pytest.fixture
def calls(emulator: EmulatorProcess, community: str) -> Calls:
    """A request counter, marked after the community was set up."""
    counter = Calls(emulator)
    counter.mark()
    return counter


# -- program runs ------------------------------------------------------------------------------


def _sentinels(value: Any) -> Any:
    """Program-side ``Unknown`` objects as the engine's wire sentinel."""
    if isinstance(value, Unknown):
        return UNKNOWN
    if isinstance(value, dict):
        return {k: _sentinels(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_sentinels(v) for v in value]
    return value


@dataclass(frozen=True)
class Declared:
    """One resource as a program run declared it: its URN and the inputs the engine sends."""

    urn: str
    type: str
    inputs: dict[str, Any]


def declare(program: Callable[[], Any], preview: bool = False,
            state_fn: StateFn | None = None) -> dict[str, Declared]:
    """Run ``program`` under mocks; its registrations by resource name.

    Inputs are secret-free (the host refuses secrets, so the engine strips them) and carry the
    real ``__provider`` blob.
    """
    registered: RegisteredResources = run_program(
        program, project=DEFAULT_PROJECT, stack=DEFAULT_STACK, preview=preview,
        state_fn=state_fn)
    return {r.name: Declared(r.urn, r.type, _sentinels(r.plain_inputs())) for r in registered}


def declare_one(program: Callable[[], Any], **kwargs: Any) -> Declared:
    resources = declare(program, **kwargs)
    assert len(resources) == 1, list(resources)
    return next(iter(resources.values()))


# -- engine steps ------------------------------------------------------------------------------


@dataclass
class State:
    """What the engine keeps for a resource after an operation: id, inputs, outputs."""

    urn: str
    id: str
    inputs: dict[str, Any]
    outs: dict[str, Any]


def up_create(plugin: PluginProcess, declared: Declared) -> State:
    """`pulumi up` for a new resource: Check(olds={}) then Create with the checked inputs."""
    checked = plugin.check(declared.urn, {}, declared.inputs)
    assert checked.failures == []
    rid, outs = plugin.create(declared.urn, checked.inputs)
    return State(declared.urn, rid, checked.inputs, outs)
