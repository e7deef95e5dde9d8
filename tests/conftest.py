from __future__ import annotations

import pytest

from tests.support.emulator import EmulatorProcess


@pytest.fixture(scope="session")
def emulator_process():
    """One emulator process for the whole session (in-memory state)."""
    emu = EmulatorProcess().start()
    yield emu
    emu.stop()


@pytest.fixture
def emulator(emulator_process: EmulatorProcess) -> EmulatorProcess:
    """The shared emulator, emptied before each test."""
    emulator_process.reset()
    return emulator_process
