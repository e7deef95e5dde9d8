"""The README's main job as the CLI runs it: this repository's Pulumi project, launched with the
engine's rules (``tests/support/launch.py``), against the emulator seeded like ``scripts/demo``.
"""

from __future__ import annotations

import os
import runpy
from collections.abc import Iterator
from pathlib import Path

import pytest
from pulumi_tencentchat.client import TencentChatClient

from tests.support.emulator import DEV_SDKAPPID, DEV_SECRET_KEY, EmulatorProcess
from tests.support.engine import Stack
from tests.support.launch import LaunchError, Project, project_launch
from tests.support.plugin import REPO_ROOT

SEED = REPO_ROOT / "examples" / "community" / "emulator-seed.json"
PROJECT = Project.load(REPO_ROOT)


def run_project_program() -> None:
    """What the language host runs: the project's program file in the project's directory."""
    runpy.run_path(str(PROJECT.pwd / "__main__.py"), run_name="__main__")


@pytest.fixture
def seeded() -> Iterator[EmulatorProcess]:
    emulator = EmulatorProcess(args=["--seed", str(SEED)]).start()
    yield emulator
    emulator.stop()


def test_the_project_runs_program_and_provider_from_the_root() -> None:
    assert PROJECT.main == "" and PROJECT.pwd == REPO_ROOT
    launch = project_launch(REPO_ROOT, base_env={"PATH": os.environ.get("PATH", "")})
    assert launch.cwd == REPO_ROOT
    assert launch.argv[0] == f"{REPO_ROOT}/.venv/bin/python"
    assert launch.argv[1:4] == ["-u", "-m", "pulumi.dynamic"]
    assert launch.env["PULUMI_RUNTIME_VIRTUALENV"] == ".venv"
    assert launch.env["PULUMI_PROJECT"] == "tencentchat-community"


def test_the_dev_stack_deploys_through_the_cli_launch(seeded: EmulatorProcess) -> None:
    stack = Stack(PROJECT.stack_config("dev"), project=PROJECT.name,
                  launch=lambda: project_launch(REPO_ROOT),
                  plugin_env={"TENCENTCHAT_SECRET_KEY": DEV_SECRET_KEY,
                              "TENCENTCHAT_ENDPOINT": seeded.url})
    stack.up(run_project_program)
    raw = TencentChatClient(DEV_SDKAPPID, secret_key=DEV_SECRET_KEY, endpoint=seeded.url)
    groups = {g.name: g for g in raw.iter_permission_groups("@TGS#_dev")}
    assert set(groups) == {"Moderators", "Members", "Read-only"}
    assert sorted(t.topic_name for t in raw.get_topics("@TGS#_dev").items) == [
        "announcements", "general"]
    info = raw.get_group_info(["@TGS#_dev"]).items[0]
    assert (info.enable_permission, info.default_permission) == (1, 256)
    assert stack.up(run_project_program).ops("update") == []  # a second up changes nothing
    stack.destroy()
    assert list(raw.iter_permission_groups("@TGS#_dev")) == []
    assert list(raw.get_topics("@TGS#_dev").items) == []
    info = raw.get_group_info(["@TGS#_dev"]).items[0]
    assert (info.enable_permission, info.default_permission) == (0, 0)  # as it was before


def test_the_old_layout_could_not_start_the_provider(tmp_path: Path) -> None:
    # `main: examples/community` with `virtualenv: .venv`: the language host finds the venv at
    # the project root, the provider's launcher looks for it in the main directory.
    (tmp_path / "examples" / "community").mkdir(parents=True)
    (tmp_path / ".venv").symlink_to(REPO_ROOT / ".venv")
    (tmp_path / "Pulumi.yaml").write_text(
        "name: old-layout\nruntime:\n  name: python\n  options:\n    virtualenv: .venv\n"
        "main: examples/community\n")
    assert (tmp_path / ".venv" / "bin" / "python").is_file()  # the program would run
    with pytest.raises(LaunchError, match="doesn't exist") as failed:
        project_launch(tmp_path)
    assert f"{tmp_path}/examples/community/.venv" in str(failed.value)
