"""Connection settings shared by every ``tencentchat`` subcommand.

Sources, weakest first: the non-secret ``tencentchat:*`` keys of ``Pulumi.<stack>.yaml`` in the
current directory (``--stack``), then flags, then the provider's ``TENCENTCHAT_*`` environment
variables, which win as they do for the provider. Credentials come only from
``TENCENTCHAT_SECRET_KEY`` / ``TENCENTCHAT_USERSIG`` or ``--secret-key-file``: a flag value would
land in shell history and ``ps``. Encrypted (``secure:``) stack values are never read.
"""

from __future__ import annotations

import argparse
import os
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..client import TencentChatClient

#: The largest secret-key file read (a key is 64 hex characters; anything near this is not one).
MAX_KEY_FILE_BYTES = 4096
#: Flags that set a ``tencentchat:*`` setting, as (flag, setting).
FLAGS = (("--sdkappid", "sdkappid"), ("--identifier", "identifier"), ("--region", "region"),
         ("--endpoint", "endpoint"))


class UsageError(ValueError):
    """The command line or a file it names is wrong; the message says which and how."""


def add_connection_arguments(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group(
        "connection", "where and as whom to connect; TENCENTCHAT_* environment variables win "
        "over these, and the credential comes only from TENCENTCHAT_SECRET_KEY, "
        "TENCENTCHAT_USERSIG or --secret-key-file")
    group.add_argument("--stack", metavar="NAME",
                       help="read the non-secret tencentchat:* keys of Pulumi.NAME.yaml in the "
                            "current directory")
    group.add_argument("--sdkappid", metavar="ID", help="the application's SDKAppID")
    group.add_argument("--identifier", metavar="ADMIN",
                       help="the App admin UserID (default: administrator)")
    where = group.add_mutually_exclusive_group()
    where.add_argument("--region", metavar="REGION", help="a Chat region, e.g. singapore")
    where.add_argument("--endpoint", metavar="URL", help="an explicit API base URL")
    group.add_argument("--secret-key-file", metavar="PATH", type=Path,
                       help="a file holding the application's SecretKey")


def stack_settings(stack: str, directory: Path | None = None) -> dict[str, Any]:
    """The plain ``tencentchat:*`` values of ``Pulumi.<stack>.yaml`` (secure ones skipped)."""
    import yaml

    path = (directory or Path.cwd()) / f"Pulumi.{stack}.yaml"
    try:
        document = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except FileNotFoundError:
        raise UsageError(f"--stack {stack}: {path.name} not found in {path.parent}") from None
    except (OSError, yaml.YAMLError, UnicodeDecodeError) as exc:
        raise UsageError(f"--stack {stack}: {path.name} is not readable YAML "
                         f"({type(exc).__name__})") from None
    config = document.get("config") if isinstance(document, dict) else None
    if not isinstance(config, dict):
        return {}
    return {key: value for key, value in config.items()
            if isinstance(key, str) and key.startswith("tencentchat:")
            and not isinstance(value, (dict, list))}  # {secure: ...} is a dict: never read


def read_key_file(path: Path) -> str:
    """The SecretKey in ``path``: one line, surrounding whitespace dropped."""
    try:
        with path.open("rb") as handle:
            data = handle.read(MAX_KEY_FILE_BYTES + 1)
    except OSError as exc:
        raise UsageError(f"--secret-key-file {path}: cannot be read "
                         f"({exc.strerror or type(exc).__name__})") from None
    if len(data) > MAX_KEY_FILE_BYTES:
        raise UsageError(f"--secret-key-file {path}: larger than {MAX_KEY_FILE_BYTES} bytes, "
                         "so not a SecretKey")
    try:
        key = data.decode("ascii").strip()
    except UnicodeDecodeError:
        raise UsageError(f"--secret-key-file {path}: not ASCII text, so not a SecretKey") \
            from None
    if not key or "\n" in key:
        raise UsageError(f"--secret-key-file {path}: must hold the SecretKey on one line")
    return key


def settings_from(args: argparse.Namespace, environ: Mapping[str, str] = os.environ,
                  directory: Path | None = None):  # noqa: ANN201 (ClientSettings, imported lazily)
    """Validated :class:`~pulumi_tencentchat.config.ClientSettings` for ``args``."""
    from ..config import ClientSettings, full_key

    values: dict[str, Any] = stack_settings(args.stack, directory) if args.stack else {}
    given_where = args.region is not None or args.endpoint is not None
    if given_where:  # a flag's region replaces the stack's endpoint, and the other way round
        values.pop(full_key("region"), None)
        values.pop(full_key("endpoint"), None)
    for flag, setting in FLAGS:
        value = getattr(args, flag[2:].replace("-", "_"))
        if value is not None:
            values[full_key(setting)] = value
    for setting in ("secret_key", "usersig"):
        values.pop(full_key(setting), None)  # never from a file in the repository
    if args.secret_key_file is not None:
        values[full_key("secret_key")] = read_key_file(args.secret_key_file)
    return ClientSettings.from_config(values.get, environ)


def connect(args: argparse.Namespace,
            environ: Mapping[str, str] = os.environ) -> TencentChatClient:
    from ..client import TencentChatClient

    return TencentChatClient.from_settings(settings_from(args, environ))
