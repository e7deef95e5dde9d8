from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from pulumi_tencentchat.client import TencentChatClient
from pulumi_tencentchat.ratelimit import TokenBucket
from pulumi_tencentchat.retry import RetryPolicy

from .scripted_server import ScriptedServer

SECRET = "client-tests-secret-key-0123456789abcdef"
SDKAPPID = 1400000001


def fast_policy(**overrides: Any) -> RetryPolicy:
    """Real retry behaviour with short delays so the suite stays quick."""
    values: dict[str, Any] = {
        "max_attempts": 6,
        "deadline": 10.0,
        "base_delay": 0.01,
        "max_delay": 0.05,
        "frequency_floor": 0.05,
        "connect_timeout": 1.0,
        "read_timeout": 2.0,
    }
    values.update(overrides)
    return RetryPolicy(**values)


@pytest.fixture
def client(emulator) -> TencentChatClient:
    """A client of the session's emulator as its admin, with quick retries."""
    return TencentChatClient(
        emulator.sdkappid,
        identifier=emulator.admin,
        secret_key=emulator.secret_key,
        endpoint=emulator.url,
        retry_policy=fast_policy(),
        limiter=TokenBucket(150),
    )


@pytest.fixture
def scripted() -> Iterator[Callable[..., ScriptedServer]]:
    servers: list[ScriptedServer] = []

    def make(*script: tuple[str, Any], **kwargs: Any) -> ScriptedServer:
        server = ScriptedServer(list(script), **kwargs).start()
        servers.append(server)
        return server

    yield make
    for server in servers:
        server.stop()


@pytest.fixture
def make_client() -> Callable[..., TencentChatClient]:
    def make(endpoint: str, **kwargs: Any) -> TencentChatClient:
        kwargs.setdefault("secret_key", SECRET)
        kwargs.setdefault("retry_policy", fast_policy())
        kwargs.setdefault("limiter", TokenBucket(200))
        return TencentChatClient(kwargs.pop("sdkappid", SDKAPPID), endpoint=endpoint, **kwargs)

    return make
