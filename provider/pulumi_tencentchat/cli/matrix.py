"""``tencentchat matrix``: who may do what in a community (reads only, never writes).

Reads the community once (``snapshot.read_community``), builds the effective-permission model
(``pulumi_tencentchat.matrix``) and renders it: a table for the terminal, the documented JSON,
or a self-contained HTML page.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

if TYPE_CHECKING:
    from ..client import TencentChatClient

HELP = "show who may do what in a community"
EPILOG = (
    "Rows are the community default (every member but the owner) and each permission group; "
    "columns are the community-wide rights and each topic. A member's community-wide rights "
    "are the union of the default and their groups' community bits; their rights in a topic "
    "are the union of their groups' bits in that topic. Community-wide bits are never folded "
    "into topics: how they act inside a topic is not documented. Not shown: the owner (every "
    "right) and topic defaults (client SDKs only). Reads only: nothing is changed.")
FORMATS = ("table", "json", "html")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.epilog = EPILOG
    parser.add_argument("--group-id", required=True, metavar="ID",
                        help="the community, e.g. @TGS#_dev")
    parser.add_argument("--member", metavar="ACCOUNT",
                        help="that account's effective rights and where each comes from "
                             "(table), or the page's filter set to it (html)")
    parser.add_argument("--format", choices=FORMATS, default="table",
                        help="table (default, for a terminal), json or html (one "
                             "self-contained page)")
    parser.add_argument("--out", metavar="FILE", type=Path,
                        help="write to FILE instead of standard output")


def _checked(args: argparse.Namespace) -> None:
    from .. import validation as v
    from .connection import UsageError

    for flag, name, rule in (("--group-id", "group_id", v.group_id),
                             ("--member", "member", v.member_account)):
        value = getattr(args, name)
        if value is None:
            continue
        try:
            setattr(args, name, rule(value))
        except ValueError as exc:
            raise UsageError(f"{flag} {exc}") from None
    if args.member is not None and args.format == "json":
        raise UsageError("--member applies to the table and the html page; the JSON holds "
                         "every member under \"members\"")


def _progress(stream: TextIO):  # noqa: ANN202 - a snapshot.Progress or None
    if not stream.isatty():
        return None

    def show(what: str, done: int, total: int) -> None:
        end = "\n" if done == total else ""
        print(f"\rreading {what}: {done}/{total}", end=end, file=stream, flush=True)

    return show


def run(args: argparse.Namespace, client: TencentChatClient) -> int:
    from ..matrix import as_json, build
    from ..snapshot import read_community

    _checked(args)
    matrix = build(read_community(client, args.group_id, progress=_progress(sys.stderr)))
    if args.format == "json":
        text = json.dumps(as_json(matrix), ensure_ascii=False, indent=2) + "\n"
    elif args.format == "html":
        from ._matrix_html import render_html

        text = render_html(matrix, member=args.member)
    else:
        from ._matrix_table import Style, render_member, render_table

        stream = sys.stdout
        style = Style(colour=args.out is None and _colour(stream),
                      unicode=args.out is not None or _unicode(stream))
        text = (render_member(matrix, args.member, style) if args.member is not None
                else render_table(matrix, style))
    if args.out is None:
        sys.stdout.write(text)
        sys.stdout.flush()
    else:
        _write(args.out, text)
        print(f"tencentchat matrix: wrote {args.out}", file=sys.stderr)
    return 0


def _colour(stream: TextIO) -> bool:
    """Colour only on a terminal, and never when NO_COLOR is set or TERM is dumb."""
    return (stream.isatty() and not os.environ.get("NO_COLOR")
            and os.environ.get("TERM") != "dumb")


def _unicode(stream: TextIO) -> bool:
    return (getattr(stream, "encoding", "") or "").lower().replace("-", "") == "utf8"


def _write(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` whole or not at all (a temporary file renamed over it)."""
    from .connection import UsageError

    tmp = path.with_name(f".{path.name}.tmp{os.getpid()}")
    try:
        tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise UsageError(f"--out {path}: cannot be written "
                         f"({exc.strerror or type(exc).__name__})") from None
