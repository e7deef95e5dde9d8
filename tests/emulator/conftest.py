from __future__ import annotations

import pytest

from tests.emulator.client import Raw
from tests.support.emulator import EmulatorProcess


@pytest.fixture
def api(emulator: EmulatorProcess) -> Raw:
    """A raw client against the shared, freshly reset emulator."""
    return Raw(emulator)
