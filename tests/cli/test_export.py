"""``tencentchat export`` against the emulator: stdout or --out, progress, failures, errors."""

from __future__ import annotations

import io
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from pulumi_tencentchat import cli
from pulumi_tencentchat.cli import export
from pulumi_tencentchat.client import TencentChatClient

from tests.cli.test_codegen import run_recorded, view_of_program
from tests.support.emulator import DEV_SDKAPPID, DEV_SECRET_KEY, Calls, EmulatorProcess

GROUP = "@TGS#_exp"
OTHER = "@TGS#_exp2"
GENERAL = f"{GROUP}@TOPIC#_general"
NEWS = f"{GROUP}@TOPIC#_news"
READS = {"get_group_info", "get_topic", "get_permission_group", "get_topic_permission_group",
         "get_permission_group_member_list", "get_appid_group_list"}

# What the community built below holds, in the terms of test_codegen.view_of_program.
EXPECTED = {
    "settings": {GROUP: (True, 64 | 256)},
    "topics": {(GROUP, GENERAL): ("General", "Talk here", "", "", ""),
               (GROUP, NEWS): ("News", "", "", "", "")},
    "groups": {(GROUP, "@PMG#_mods"): ("Moderators", 64 | 32, "tier=staff"),
               (GROUP, "@PMG#_readers"): ("Readers", 256, "")},
    "granted": {(GROUP, "@PMG#_mods", GENERAL): 8 | 64, (GROUP, "@PMG#_mods", NEWS): 8},
    "members": {(GROUP, "@PMG#_mods"): ["alice", "bob"]},
}


@pytest.fixture
def raw(emulator: EmulatorProcess) -> Iterator[TencentChatClient]:
    client = TencentChatClient(DEV_SDKAPPID, secret_key=DEV_SECRET_KEY, endpoint=emulator.url,
                               requests_per_second=200.0)
    yield client
    client.close()


@pytest.fixture
def community(raw: TencentChatClient) -> str:
    raw.create_group(name="Export", group_id=GROUP, support_topic=True)
    raw.modify_group_base_info(GROUP, enable_permission=True, default_permission=64 | 256)
    raw.create_topic(GROUP, "General", topic_id=GENERAL, introduction="Talk here")
    raw.create_topic(GROUP, "News", topic_id=NEWS)
    raw.create_permission_group(GROUP, "Moderators", permission=64 | 32,
                                permission_group_id="@PMG#_mods", custom_string="tier=staff")
    raw.create_permission_group(GROUP, "Readers", permission=256,
                                permission_group_id="@PMG#_readers")
    raw.add_topic_permissions(GROUP, "@PMG#_mods", {GENERAL: 8 | 64, NEWS: 8})
    raw.add_permission_group_members(GROUP, "@PMG#_mods", ["bob", "alice"])
    return GROUP


@pytest.fixture
def connected(emulator: EmulatorProcess, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The connection flags; the credential comes from the environment."""
    for name in ("TENCENTCHAT_SDKAPPID", "TENCENTCHAT_REGION", "TENCENTCHAT_ENDPOINT",
                 "TENCENTCHAT_USERSIG", "TENCENTCHAT_IDENTIFIER"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("TENCENTCHAT_SECRET_KEY", DEV_SECRET_KEY)
    return ["export", "--sdkappid", str(DEV_SDKAPPID), "--endpoint", emulator.url]


def test_the_program_goes_to_stdout_and_progress_to_stderr(
        community: str, connected: list[str], emulator: EmulatorProcess,
        capsys: pytest.CaptureFixture[str]) -> None:
    calls = Calls(emulator).mark()
    assert cli.main([*connected, "--group-id", GROUP]) == 0
    out, err = capsys.readouterr()
    assert set(calls.commands()) <= READS  # exporting never writes
    assert view_of_program(run_recorded(out)) == EXPECTED
    assert f"reading community {GROUP}" in err
    assert f"{GROUP}: 2/2 permission groups read" in err
    assert f"{GROUP}: 2 permission groups, 2 topics, 2 members" in err
    assert DEV_SECRET_KEY not in out + err


def test_out_writes_the_program_file_and_nothing_on_stdout(
        community: str, connected: list[str], tmp_path: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main([*connected, "--group-id", GROUP]) == 0
    printed = capsys.readouterr().out
    infra = tmp_path / "infra"  # created when missing
    assert cli.main([*connected, "--group-id", GROUP, "--out", str(infra)]) == 0
    out, err = capsys.readouterr()
    assert out == ""
    assert (infra / "__main__.py").read_text(encoding="utf-8") == printed
    assert sorted(p.name for p in infra.iterdir()) == ["__main__.py"]
    assert f"wrote {infra / '__main__.py'}" in err and "no Pulumi.yaml" in err


def test_every_community_of_the_app_and_each_only_once(
        community: str, raw: TencentChatClient, connected: list[str],
        capsys: pytest.CaptureFixture[str]) -> None:
    raw.create_group(name="Second", group_id=OTHER, support_topic=True)
    assert cli.main([*connected, "--group-id", OTHER, "--all-communities"]) == 0
    out, err = capsys.readouterr()
    settings = view_of_program(run_recorded(out))["settings"]
    assert settings == {GROUP: (True, 320), OTHER: (False, 0)}
    assert err.count(f"reading community {OTHER}") == 1


def fail_part_way(emulator: EmulatorProcess) -> None:
    """The second permission group's member list is refused (10007, not retried)."""
    emulator.set_faults(fail_next=1, error_code=10007,
                        commands=["get_permission_group_member_list"])


def test_a_failure_part_way_leaves_the_old_file_and_names_the_community(
        community: str, connected: list[str], emulator: EmulatorProcess, tmp_path: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    program = tmp_path / "__main__.py"
    program.write_text("# the team's program\n")
    fail_part_way(emulator)
    assert cli.main([*connected, "--group-id", GROUP, "--out", str(tmp_path)]) == cli.EXIT_FAILED
    out, err = capsys.readouterr()
    assert program.read_text() == "# the team's program\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["__main__.py"]  # no temporary left
    assert out == ""
    line = err.strip().splitlines()[-1]
    assert line.startswith(f"tencentchat export: community {GROUP}: ")
    assert "10007" in line and "What to do" in line and DEV_SECRET_KEY not in err


def test_an_interrupt_or_a_failed_write_leaves_no_partial_file(
        community: str, connected: list[str], tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    import pulumi_tencentchat.snapshot as snapshot

    program = tmp_path / "__main__.py"
    program.write_text("old\n")
    read = snapshot.read_community

    def ctrl_c(*_: object) -> None:
        raise KeyboardInterrupt

    def interrupted(*args: object, **kwargs: object) -> object:
        kwargs["progress"] = ctrl_c  # as the first permission group has been read
        return read(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(snapshot, "read_community", interrupted)
    assert cli.main([*connected, "--group-id", GROUP, "--out", str(tmp_path)]) == 130
    monkeypatch.setattr(snapshot, "read_community", read)

    def failing_replace(src: object, dst: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", failing_replace)
    assert cli.main([*connected, "--group-id", GROUP, "--out", str(tmp_path)]) == 1
    assert "cannot write" in capsys.readouterr().err
    assert program.read_text() == "old\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["__main__.py"]


def test_usage_errors_make_no_call(connected: list[str], emulator: EmulatorProcess,
                                   tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "f").write_text("a file, not a directory")
    calls = Calls(emulator).mark()
    for argv, needle in (([], "--group-id ID (repeatable) or --all-communities"),
                         (["--group-id", "general"], "--group-id 'general' must be a Community"),
                         (["--group-id", GROUP, "--out", str(tmp_path / "f" / "x")],
                          "cannot be used as a directory")):
        with pytest.raises(SystemExit) as caught:
            cli.main([*connected, *argv])
        assert caught.value.code == cli.EXIT_USAGE
        assert needle in capsys.readouterr().err
    assert calls.since() == 0


def test_an_unknown_community_is_named_with_tencents_code(
        connected: list[str], emulator: EmulatorProcess,
        capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main([*connected, "--group-id", "@TGS#_nowhere"]) == cli.EXIT_FAILED
    err = capsys.readouterr().err
    assert "community @TGS#_nowhere" in err and "10010" in err and "What to do" in err


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_is_a_bar_on_a_terminal_and_lines_elsewhere() -> None:
    tty = Terminal()
    bar = export.Progress(tty)
    bar.start("@TGS#_x")
    for done in range(1, 5):
        bar.update("permission groups", done, 4)
    bar.close()
    text = tty.getvalue()
    assert text.startswith("reading community @TGS#_x\n")
    assert f"\r  [{'#' * 15}{'-' * 15}] 2/4 permission groups" in text
    assert text.endswith(f"\r  [{'#' * 30}] 4/4 permission groups\n")

    plain = io.StringIO()
    lines = export.Progress(plain)
    lines.start("@TGS#_x")
    for done in range(1, 201):
        lines.update("permission groups", done, 200)
    body = plain.getvalue().splitlines()
    assert "\r" not in plain.getvalue()
    assert body[1:] == [f"  @TGS#_x: {n}/200 permission groups read" for n in range(20, 201, 20)]


def test_a_rejected_credential_is_named_by_code_and_never_shown(
        community: str, connected: list[str], monkeypatch: pytest.MonkeyPatch,
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    wrong = "wrong-key-5f3a9c1e7b2d4068aa11bb22cc33dd44"
    monkeypatch.delenv("TENCENTCHAT_SECRET_KEY")
    key_file = tmp_path / "key"
    key_file.write_text(wrong + "\n")
    argv = [*connected, "--secret-key-file", str(key_file), "--group-id", GROUP]
    assert cli.main(argv) == cli.EXIT_FAILED
    out, err = capsys.readouterr()
    assert out == "" and f"community {GROUP}" in err and "700" in err  # a UserSig code
    for fragment in (wrong, wrong[:16], wrong[-16:]):
        assert fragment not in err
