"""Fixtures for calling the dynamic providers' methods directly, as the plugin host does.

The runtime is configured against the session's emulator (reset before each test); the
community and its topics are created through the raw client, never through a provider.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from pulumi_tencentchat.client import TencentChatClient
from pulumi_tencentchat.resources import _claims, _runtime

from tests.resources.helpers import (
    GROUP_ID,
    OTHER_GROUP_ID,
    OTHER_TOPIC,
    TOPIC_GENERAL,
    TOPIC_NEWS,
)
from tests.support.emulator import DEV_SDKAPPID, DEV_SECRET_KEY, Calls, EmulatorProcess

# The API's per-second cap: keeps the suite fast (the limiter is process-wide).
RATE = 200.0


def config_getter(endpoint: str, secret_key: str = DEV_SECRET_KEY) -> Callable[[str], Any]:
    """A ``get`` over full config keys, like ``ConfigureRequest.config.get``."""
    values = {
        "tencentchat:sdkAppId": str(DEV_SDKAPPID),
        "tencentchat:secretKey": secret_key,
        "tencentchat:endpoint": endpoint,
        "tencentchat:requestsPerSecond": str(RATE),
    }
    return values.get


@pytest.fixture(autouse=True)
def deployment() -> Iterator[None]:
    """Each test starts as a new plugin process (a new deployment) does: nothing held."""
    _claims.forget_all()
    yield
    _claims.forget_all()


@pytest.fixture
def runtime(emulator: EmulatorProcess) -> Iterator[EmulatorProcess]:
    """The provider runtime configured against the emulator (environment ignored)."""
    _runtime.reset()
    _runtime.configure(config_getter(emulator.url), environ={})
    yield emulator
    _runtime.reset()


@pytest.fixture
def raw(emulator: EmulatorProcess) -> Iterator[TencentChatClient]:
    """A client of our own, independent of the provider runtime, for fixtures and checks."""
    client = TencentChatClient(DEV_SDKAPPID, secret_key=DEV_SECRET_KEY, endpoint=emulator.url,
                               requests_per_second=RATE)
    yield client
    client.close()


@dataclass
class Community:
    group_id: str
    topics: list[str]


@pytest.fixture
def quick(emulator: EmulatorProcess) -> Iterator[EmulatorProcess]:
    """The runtime with a 1.5 s operation deadline, so an endless fault gives up quickly."""
    base = config_getter(emulator.url)
    _runtime.reset()
    _runtime.configure(lambda key: "1.5" if key == "tencentchat:operationTimeout" else base(key),
                       environ={})
    yield emulator
    emulator.clear_faults()
    _runtime.reset()


@pytest.fixture
def community(raw: TencentChatClient, runtime: EmulatorProcess) -> Community:
    """A topic-enabled community with two topics, plus a second community with one topic."""
    raw.create_group(name="Dev", group_id=GROUP_ID, support_topic=True)
    raw.create_topic(GROUP_ID, "general", topic_id=TOPIC_GENERAL)
    raw.create_topic(GROUP_ID, "news", topic_id=TOPIC_NEWS)
    raw.create_group(name="Other", group_id=OTHER_GROUP_ID, support_topic=True)
    raw.create_topic(OTHER_GROUP_ID, "general", topic_id=OTHER_TOPIC)
    return Community(GROUP_ID, [TOPIC_GENERAL, TOPIC_NEWS])


@pytest.fixture
def calls(emulator: EmulatorProcess, community: Community) -> Calls:
    """Request counter, marked after the community fixtures were created."""
    counter = Calls(emulator)
    counter.mark()
    return counter
