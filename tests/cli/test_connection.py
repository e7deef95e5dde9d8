"""The ``tencentchat`` command's connection settings: stack file, flags, environment, key file."""

from __future__ import annotations

import argparse
import subprocess
import sys
import types
from collections.abc import Iterator
from pathlib import Path

import pytest
from pulumi_tencentchat import cli
from pulumi_tencentchat.cli import connection
from pulumi_tencentchat.errors import TencentChatError

from tests.support.emulator import DEV_SDKAPPID, DEV_SECRET_KEY, EmulatorProcess

STACK = """\
config:
  tencentchat:sdkAppId: "1400000007"
  tencentchat:identifier: opsadmin
  tencentchat:region: singapore
  tencentchat:secretKey: plain-key-in-the-repository
  tencentchat:userSig:
    secure: AAABAKcipher
  other:thing: 1
"""


def parse(*argv: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    connection.add_connection_arguments(parser)
    return parser.parse_args(argv)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "Pulumi.dev.yaml").write_text(STACK)
    return tmp_path


def key_file(tmp_path: Path, text: str | bytes) -> Path:
    path = tmp_path / "key"
    path.write_bytes(text if isinstance(text, bytes) else text.encode())
    return path


def test_the_stack_file_gives_plain_settings_never_credentials(project: Path) -> None:
    assert connection.stack_settings("dev", project) == {
        "tencentchat:sdkAppId": "1400000007", "tencentchat:identifier": "opsadmin",
        "tencentchat:region": "singapore",
        "tencentchat:secretKey": "plain-key-in-the-repository"}
    args = parse("--stack", "dev", "--secret-key-file", str(key_file(project, "k1\n")))
    settings = connection.settings_from(args, {}, project)
    assert (settings.sdkappid, settings.identifier, settings.region) == (
        1400000007, "opsadmin", "singapore")
    # The key comes from the key file, never from the (committed) stack file.
    assert settings.secret_key is not None and settings.secret_key.get_secret_value() == "k1"
    with pytest.raises(Exception, match="exactly one of tencentchat:secretKey"):
        connection.settings_from(parse("--stack", "dev"), {}, project)


def test_flags_override_the_stack_and_the_environment_overrides_flags(project: Path) -> None:
    args = parse("--stack", "dev", "--sdkappid", "1400000008", "--endpoint",
                 "http://127.0.0.1:9")
    settings = connection.settings_from(args, {"TENCENTCHAT_SECRET_KEY": "env-key"}, project)
    assert settings.sdkappid == 1400000008
    assert (settings.region, settings.endpoint) == (None, "http://127.0.0.1:9")
    env = {"TENCENTCHAT_SECRET_KEY": "env-key", "TENCENTCHAT_SDKAPPID": "1400000009",
           "TENCENTCHAT_REGION": "frankfurt"}
    settings = connection.settings_from(args, env, project)
    assert (settings.sdkappid, settings.region, settings.endpoint) == (
        1400000009, "frankfurt", None)
    # An environment UserSig replaces the key file's key, as it replaces a configured key.
    args = parse("--sdkappid", "1400000008", "--region", "singapore", "--secret-key-file",
                 str(key_file(project, "file-key")))
    settings = connection.settings_from(args, {"TENCENTCHAT_USERSIG": "sig"}, project)
    assert settings.secret_key is None and settings.usersig is not None


@pytest.mark.parametrize(("content", "rule"), [
    (b"", "on one line"), (b"a\nb\n", "on one line"), (b"\xff\xfe", "not ASCII"),
    (b"k" * (connection.MAX_KEY_FILE_BYTES + 1), "larger than"),
])
def test_a_bad_key_file_is_named_and_its_content_is_not_shown(
        tmp_path: Path, content: bytes, rule: str) -> None:
    path = key_file(tmp_path, content)
    with pytest.raises(connection.UsageError, match=rule) as caught:
        connection.read_key_file(path)
    assert str(path) in str(caught.value)
    assert "kkkk" not in str(caught.value) and "a\nb" not in str(caught.value)
    with pytest.raises(connection.UsageError, match="cannot be read"):
        connection.read_key_file(tmp_path / "missing")


def test_a_missing_or_broken_stack_file_is_a_usage_error(tmp_path: Path) -> None:
    with pytest.raises(connection.UsageError, match="Pulumi.qa.yaml not found"):
        connection.stack_settings("qa", tmp_path)
    (tmp_path / "Pulumi.qa.yaml").write_text("config: [unclosed")
    with pytest.raises(connection.UsageError, match="not readable YAML"):
        connection.stack_settings("qa", tmp_path)


# -- the command ---------------------------------------------------------------------------


@pytest.fixture
def probe(monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, object]]:
    """A subcommand that records the client it was given, or raises what it is told to."""
    seen: dict[str, object] = {}
    module = types.ModuleType("pulumi_tencentchat.cli._probe")
    module.add_arguments = lambda parser: parser.add_argument("--fail", action="store_true")

    def run(args: argparse.Namespace, client: object) -> int:
        seen["client"] = client
        if args.fail:
            raise TencentChatError(10010, "group not found")
        return 0

    module.run = run
    monkeypatch.setitem(sys.modules, module.__name__, module)
    monkeypatch.setitem(cli.SUBCOMMANDS, "probe", ("_probe", "test subcommand"))
    yield seen


def test_the_command_connects_as_configured(probe: dict[str, object], tmp_path: Path,
                                            monkeypatch: pytest.MonkeyPatch,
                                            emulator: EmulatorProcess) -> None:
    monkeypatch.setenv("TENCENTCHAT_SECRET_KEY", DEV_SECRET_KEY)
    assert cli.main(["probe", "--sdkappid", str(DEV_SDKAPPID), "--endpoint",
                     emulator.url]) == 0
    client = probe["client"]
    assert client.sdkappid == DEV_SDKAPPID  # type: ignore[attr-defined]
    assert list(client.iter_appid_groups()) == []  # type: ignore[attr-defined]


def test_failures_print_one_line_without_the_secret(
        probe: dict[str, object], monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("TENCENTCHAT_SECRET_KEY", "do-not-print-me")
    base = ["probe", "--sdkappid", "1400000000", "--endpoint", "http://127.0.0.1:9"]
    assert cli.main([*base, "--fail"]) == cli.EXIT_FAILED
    err = capsys.readouterr().err
    assert err.startswith("tencentchat probe: ") and "10010" in err
    monkeypatch.delenv("TENCENTCHAT_SECRET_KEY")
    monkeypatch.delenv("TENCENTCHAT_USERSIG", raising=False)
    assert cli.main(base) == cli.EXIT_USAGE
    err = capsys.readouterr().err
    assert "exactly one of tencentchat:secretKey" in err and "--secret-key-file" in err
    assert "do-not-print-me" not in err


def test_the_command_runs_as_a_module_and_lists_its_subcommands() -> None:
    done = subprocess.run([sys.executable, "-m", "pulumi_tencentchat", "--help"],
                          capture_output=True, text=True, timeout=60, check=True)
    for name in cli.SUBCOMMANDS:
        assert name in done.stdout
    assert "--secret-key" not in done.stdout  # help of the command, not of a subcommand
