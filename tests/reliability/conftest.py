"""Fixtures shared with the plugin-protocol suite."""

from tests.protocol.conftest import plugin  # noqa: F401 - re-exported fixture
