"""Process-wide provider runtime: the stack configuration and one shared, lazily built client.

Provider instances are pickled into Pulumi state, so they hold nothing: the configuration
arrives through ``configure`` and lives here, in the plugin process only. The host serves the
whole stack from 4 threads, so access is guarded by a lock and the client is shared.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..client import TencentChatClient
    from ..config import ClientSettings

_lock = threading.Lock()
_settings: ClientSettings | None = None
_client: TencentChatClient | None = None


def configure(get: Callable[[str], Any], environ: Mapping[str, str] | None = None) -> None:
    """Validate the stack configuration (environment variables win) and keep it."""
    from ..config import ClientSettings

    kwargs = {} if environ is None else {"environ": environ}
    settings = ClientSettings.from_config(get, **kwargs)
    global _settings, _client
    with _lock:
        if settings != _settings:
            _settings = settings
            _client = None


def client() -> TencentChatClient:
    """The shared client, built on first use from the configured settings (or the environment)."""
    global _settings, _client
    with _lock:
        if _client is None:
            from ..client import TencentChatClient
            from ..config import ClientSettings

            if _settings is None:
                _settings = ClientSettings.from_config(lambda _key: None)
            _client = TencentChatClient.from_settings(_settings)
        return _client


def reset() -> None:
    """Forget settings and client (tests)."""
    global _settings, _client
    with _lock:
        _settings = None
        _client = None
