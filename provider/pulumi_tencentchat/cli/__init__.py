"""The ``tencentchat`` command (also ``python -m pulumi_tencentchat``).

Each subcommand is a module of this package exposing ``HELP``, ``add_arguments(parser)`` and
``run(args, client) -> int``; it is imported only when chosen, so ``tencentchat --help`` stays
fast. Connection settings are shared (:mod:`.connection`).
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

#: subcommand -> (module, one-line help). A new subcommand is one module and one line here.
SUBCOMMANDS: dict[str, tuple[str, str]] = {
    "export": ("export", "write a Pulumi program that adopts live communities"),
    "matrix": ("matrix", "show who may do what in a community"),
}

#: Exit codes: 0 done, 1 the command failed (Tencent or connection error), 2 bad usage or
#: settings.
EXIT_FAILED = 1
EXIT_USAGE = 2


def build_parser() -> argparse.ArgumentParser:
    from .connection import add_connection_arguments

    parser = argparse.ArgumentParser(
        prog="tencentchat",
        description="Tencent Cloud Chat community permissions: export a live community as a "
                    "Pulumi program, show who may do what.")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for name, (module, summary) in SUBCOMMANDS.items():
        sub = commands.add_parser(name, help=summary, description=summary)
        add_connection_arguments(sub)
        sub.set_defaults(_module=module)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run one subcommand; errors print one line (never a secret) and return non-zero."""
    from ..errors import ChatClientError, ConfigError
    from .connection import UsageError, connect

    argv = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser()
    # Subcommand arguments are added only for the chosen subcommand (its module imports lazily).
    chosen = next((a for a in argv if a in SUBCOMMANDS), None)
    if chosen is not None:
        module = importlib.import_module(f".{SUBCOMMANDS[chosen][0]}", __name__)
        sub = parser._subparsers._group_actions[0].choices[chosen]  # type: ignore[union-attr]
        module.add_arguments(sub)
    args = parser.parse_args(argv)
    module = importlib.import_module(f".{args._module}", __name__)
    try:
        client = connect(args)
        return int(module.run(args, client))
    except UsageError as exc:
        parser.exit(EXIT_USAGE, f"tencentchat {args.command}: {exc}\n")
    except ConfigError as exc:
        print(f"tencentchat {args.command}: {exc}\n  (here: flags --sdkappid, --identifier, "
              "--region/--endpoint, --secret-key-file; --stack NAME for a stack's settings; "
              "or the TENCENTCHAT_* variables)", file=sys.stderr)
        return EXIT_USAGE
    except ChatClientError as exc:
        print(f"tencentchat {args.command}: {exc}", file=sys.stderr)
        return EXIT_FAILED
    except KeyboardInterrupt:
        print(f"tencentchat {args.command}: interrupted", file=sys.stderr)
        return 130
    return 0  # unreachable: parser.exit raises


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
