"""``tencentchat export``: write a Pulumi program that adopts live communities.

Reads each community whole (:mod:`..snapshot`), then writes the program (:mod:`..codegen`) to
stdout or to ``DIR/__main__.py``. Nothing is written until every community has been read, and
the file is replaced in one step (a temporary file in ``DIR``, then ``os.replace``), so a
failure or Ctrl-C part-way leaves the directory as it was. Progress goes to stderr: a bar when
stderr is a terminal, a line per tenth otherwise.
"""

from __future__ import annotations

import argparse
import os
import secrets
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from .connection import UsageError

if TYPE_CHECKING:
    from ..client import TencentChatClient
    from ..snapshot import CommunitySnapshot

HELP = "write a Pulumi program that adopts live communities"
#: Permission groups read at a time. The client's rate limit (tencentchat:requestsPerSecond)
#: holds for all of them: at the default 50/s the rate decides, above it the latency does.
WORKERS = 8
PROGRAM = "__main__.py"
BAR_WIDTH = 30


def add_arguments(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("export")
    group.add_argument("--group-id", metavar="ID", action="append", default=[],
                       dest="group_ids", help="a community to export (repeatable)")
    group.add_argument("--all-communities", action="store_true",
                       help="export every community of the app (get_appid_group_list)")
    group.add_argument("--out", metavar="DIR", type=Path,
                       help=f"write DIR/{PROGRAM} (created if missing) instead of printing "
                            "the program on stdout")


class Progress:
    """Reading progress on ``stream``: a redrawn bar on a terminal, else plain lines."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.tty = bool(getattr(stream, "isatty", lambda: False)())
        self.open_bar = False
        self.shown = 0

    def start(self, group_id: str) -> None:
        self.group_id, self.shown, self.started = group_id, 0, time.monotonic()
        self.line(f"reading community {group_id}")

    def update(self, what: str, done: int, total: int) -> None:
        if self.tty:
            filled = BAR_WIDTH * done // max(total, 1)
            bar = "#" * filled + "-" * (BAR_WIDTH - filled)
            self.stream.write(f"\r  [{bar}] {done}/{total} {what}")
            self.stream.flush()
            self.open_bar = True
            return
        tenth = 10 * done // max(total, 1)
        if tenth > self.shown or done == total:
            self.shown = tenth
            self.line(f"  {self.group_id}: {done}/{total} {what} read")

    def finish(self, snapshot: CommunitySnapshot) -> None:
        members = sum(len(g.members) for g in snapshot.permission_groups)
        self.line(f"  {snapshot.group_id}: {len(snapshot.permission_groups)} permission "
                  f"groups, {len(snapshot.topics)} topics, {members} members "
                  f"({time.monotonic() - self.started:.1f} s)")

    def line(self, text: str) -> None:
        self.close()
        print(text, file=self.stream, flush=True)

    def close(self) -> None:
        """End a bar that is being redrawn, so whatever follows starts on its own line."""
        if self.open_bar:
            self.stream.write("\n")
            self.stream.flush()
            self.open_bar = False


def communities(args: argparse.Namespace, client: TencentChatClient) -> list[str]:
    """The community IDs to export: the flags' in order, then the app's, each once."""
    from .. import validation as v

    chosen: list[str] = []
    for value in args.group_ids:
        try:
            chosen.append(v.group_id(value))
        except ValueError as exc:
            raise UsageError(f"--group-id {value!r} {exc}") from None
    if not chosen and not args.all_communities:
        raise UsageError("name the communities to export: --group-id ID (repeatable) or "
                         "--all-communities")
    if args.all_communities:
        chosen += client.iter_appid_groups()
    return list(dict.fromkeys(chosen))


def target(out: Path) -> Path:
    """``out``, created when missing; a usage error when it cannot hold the program."""
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UsageError(f"--out {out}: cannot be used as a directory "
                         f"({exc.strerror or type(exc).__name__})") from None
    if not os.access(out, os.W_OK):
        raise UsageError(f"--out {out}: not writable")
    return out


def write_atomically(path: Path, text: str) -> None:
    """``path`` holds ``text`` afterwards, or is unchanged: never a partial file."""
    temporary = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


def run(args: argparse.Namespace, client: TencentChatClient) -> int:
    from ..codegen import render
    from ..snapshot import read_community

    out = target(args.out) if args.out is not None else None
    progress = Progress(sys.stderr)
    try:
        group_ids = communities(args, client)
        if not group_ids:
            print("tencentchat export: the app has no communities to export", file=sys.stderr)
            return 1
        snapshots = []
        for group_id in group_ids:
            progress.start(group_id)
            snapshots.append(read_community(client, group_id, progress=progress.update,
                                            workers=WORKERS))
            progress.finish(snapshots[-1])
    finally:
        progress.close()
    program = render(snapshots)
    if out is None:
        sys.stdout.write(program)
        sys.stdout.flush()
        return 0
    path = out / PROGRAM
    try:
        write_atomically(path, program)
    except OSError as exc:
        print(f"tencentchat export: cannot write {path}: {exc.strerror or exc}",
              file=sys.stderr)
        return 1
    print(f"wrote {path} ({len(snapshots)} communities); run `pulumi up` there to adopt them",
          file=sys.stderr)
    if not (out / "Pulumi.yaml").exists():
        print(f"  {out} has no Pulumi.yaml yet: add one (name, runtime: python) and the "
              "stack's tencentchat:* settings (see README, 'Configure per stack')",
              file=sys.stderr)
    return 0
