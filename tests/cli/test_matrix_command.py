"""``tencentchat matrix`` against the emulator: the JSON contract, what it reads (and that it
never writes), the terminal forms, the page file and the usage errors."""

from __future__ import annotations

import json
import os
import pty
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pulumi_tencentchat import cli
from pulumi_tencentchat.client import TencentChatClient

from tests.cli.matrix_data import EXPECTED_JSON, GENERAL, GONE, GROUP, NEWS
from tests.support.emulator import DEV_SDKAPPID, DEV_SECRET_KEY, Calls, EmulatorProcess

GROUPS = (("@PMG#_mods", "Moderators", 64 | 128 | 32 | (1 << 40), {GENERAL: 12, NEWS: 72},
           ["bob", "alice"]),
          ("@PMG#_readers", "Readers", 256, {GENERAL: 16}, ["carol", "bob"]),
          ("@PMG#_empty", "Empty", 0, {}, []))


def without_gone(value: Any) -> Any:
    """EXPECTED_JSON less the topic the emulator cannot hold (a permission of a missing topic)."""
    if isinstance(value, dict):
        return {k: without_gone(v) for k, v in value.items() if k != GONE}
    if isinstance(value, list):
        return [without_gone(v) for v in value if not (isinstance(v, dict)
                                                        and v.get("topic_id") == GONE)]
    return value


@pytest.fixture
def community(emulator: EmulatorProcess, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """The fixed data of ``matrix_data`` built on the server with plain client calls."""
    monkeypatch.setenv("TENCENTCHAT_SECRET_KEY", DEV_SECRET_KEY)
    for name in ("TENCENTCHAT_USERSIG", "TENCENTCHAT_ENDPOINT", "TENCENTCHAT_REGION",
                 "TENCENTCHAT_SDKAPPID", "NO_COLOR"):
        monkeypatch.delenv(name, raising=False)
    raw = TencentChatClient(DEV_SDKAPPID, secret_key=DEV_SECRET_KEY, endpoint=emulator.url)
    raw.create_group(name="Fixture", group_id=GROUP, support_topic=True)
    raw.modify_group_base_info(GROUP, enable_permission=True, default_permission=256 | 64)
    raw.create_topic(GROUP, "general", topic_id=GENERAL)
    raw.create_topic(GROUP, "news", topic_id=NEWS)
    for pg, name, permission, topics, members in GROUPS:
        raw.create_permission_group(GROUP, name, permission=permission, permission_group_id=pg)
        if topics:
            raw.add_topic_permissions(GROUP, pg, topics)
        if members:
            raw.add_permission_group_members(GROUP, pg, members)
    raw.close()
    yield emulator.url


def matrix(url: str, *extra: str) -> int:
    return cli.main(["matrix", "--sdkappid", str(DEV_SDKAPPID), "--endpoint", url,
                     "--group-id", GROUP, *extra])


def test_the_json_is_the_contract_and_costs_only_the_documented_reads(
        community: str, emulator: EmulatorProcess, tmp_path: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    calls = Calls(emulator).mark()
    out = tmp_path / "matrix.json"
    assert matrix(community, "--format", "json", "--out", str(out)) == 0
    assert json.loads(out.read_text(encoding="utf-8")) == without_gone(EXPECTED_JSON)
    assert capsys.readouterr().err == f"tencentchat matrix: wrote {out}\n"
    # One listing of groups, one topic-permission read per group, member pages, the settings
    # and the topics; nothing else, and never a write.
    assert calls.commands() == {"get_group_info": 1, "get_topic": 1, "get_permission_group": 1,
                                "get_topic_permission_group": 3,
                                "get_permission_group_member_list": 3}
    assert calls.writes() == {}
    # The same JSON on standard output.
    assert matrix(community, "--format", "json") == 0
    assert json.loads(capsys.readouterr().out) == without_gone(EXPECTED_JSON)


def test_the_table_and_the_member_view_on_a_pipe(
        community: str, emulator: EmulatorProcess, capsys: pytest.CaptureFixture[str]) -> None:
    calls = Calls(emulator).mark()
    assert matrix(community) == 0
    table = capsys.readouterr().out
    assert "\x1b[" not in table  # no colour off a terminal
    assert "  GroupAtAll                     ·   ✓  ·  ·" in table.splitlines()
    assert matrix(community, "--member", "bob") == 0
    view = capsys.readouterr().out.splitlines()
    assert "  ✓ GetGroupHistoryMessage         from default, Readers" in view
    assert calls.writes() == {}


def test_colour_and_marks_on_a_terminal(community: str) -> None:
    def on_a_terminal(**env: str) -> str:
        leader, follower = pty.openpty()
        argv = [sys.executable, "-m", "pulumi_tencentchat", "matrix", "--sdkappid",
                str(DEV_SDKAPPID), "--endpoint", community, "--group-id", GROUP]
        done = subprocess.run(argv, stdout=follower, stderr=subprocess.PIPE, timeout=60,
                              env={**os.environ, "PYTHONIOENCODING": "utf-8", "TERM": "xterm",
                                   **env}, check=False)
        os.close(follower)
        chunks = []
        while True:
            try:
                chunk = os.read(leader, 65536)
            except OSError:  # the terminal closed: everything was read
                break
            if not chunk:
                break
            chunks.append(chunk)
        os.close(leader)
        assert done.returncode == 0, done.stderr
        return b"".join(chunks).decode("utf-8")

    coloured = on_a_terminal()
    assert "\x1b[32;1m✓\x1b[0m" in coloured and "\x1b[1mTopic general" in coloured
    assert "\x1b[" not in on_a_terminal(NO_COLOR="1")


def test_the_page_is_written_where_asked(community: str, tmp_path: Path,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "matrix.html"
    assert matrix(community, "--format", "html", "--member", "carol", "--out", str(out)) == 0
    page = out.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and f"<code>{GROUP}</code>" in page
    assert '<option value="carol" selected>' in page
    assert not list(tmp_path.glob(".*tmp*"))  # written through a temporary file, renamed


@pytest.mark.parametrize(("argv", "message"), [
    (["--group-id", "dev"], "--group-id must be a Community group ID"),
    (["--member", "x" * 33], "--member account IDs must be at most 32 bytes"),
    (["--member", "bob", "--format", "json"], "--member applies to the table"),
    (["--format", "html", "--out", "/nonexistent-dir/x.html"], "--out /nonexistent-dir/x.html: "
     "cannot be written"),
])
def test_usage_errors_name_the_flag(community: str, emulator: EmulatorProcess,
                                    capsys: pytest.CaptureFixture[str], argv: list[str],
                                    message: str) -> None:
    calls = Calls(emulator).mark()
    with pytest.raises(SystemExit) as exited:
        matrix(community, *argv)
    assert exited.value.code == cli.EXIT_USAGE
    err = capsys.readouterr().err
    assert err.startswith("tencentchat matrix: ") and message in err
    assert calls.writes() == {}


def test_a_missing_community_fails_in_one_line_with_its_code(
        community: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["matrix", "--sdkappid", str(DEV_SDKAPPID), "--endpoint", community,
                     "--group-id", "@TGS#_nowhere"]) == cli.EXIT_FAILED
    err = capsys.readouterr().err
    assert err.startswith("tencentchat matrix: community @TGS#_nowhere: ") and "10010" in err
    assert err.count("\n") == 1 and DEV_SECRET_KEY not in err


def test_the_help_says_community_bits_are_not_folded_into_topics() -> None:
    done = subprocess.run([sys.executable, "-m", "pulumi_tencentchat", "matrix", "--help"],
                          capture_output=True, text=True, timeout=60, check=True)
    text = " ".join(done.stdout.split())
    assert "never folded into topics" in text and "not documented" in text
    assert "--member ACCOUNT" in text and "{table,json,html}" in text


def test_an_ascii_pipe_gets_ascii_marks(community: str) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "pulumi_tencentchat", "matrix", "--sdkappid", str(DEV_SDKAPPID),
         "--endpoint", community, "--group-id", GROUP], capture_output=True, timeout=60,
        env={**os.environ, "PYTHONIOENCODING": "ascii"}, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.isascii()
    assert b"  GroupAtAll                     .   x  .  ." in done.stdout.splitlines()
