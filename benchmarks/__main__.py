"""``python -m benchmarks``: run the benchmarks, each as a section ending in a summary line.

Each section starts with ``== <name> ==``; its last line is ``<name> key=value ...``.
"""

from __future__ import annotations

import argparse
import sys
import time
import traceback
from collections.abc import Callable, Sequence

from ._common import Options, summary_line

SECTIONS = ("lifecycle", "matrix", "cold-start", "throughput", "export")
SUMMARY_NAMES = {"lifecycle": "lifecycle", "matrix": "matrix", "cold-start": "cold_start",
                 "throughput": "throughput", "export": "export"}


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="scripts/bench",
        description="Run the benchmarks; each section ends in one key=value summary line.")
    p.add_argument("--n", type=int, default=None,
                   help="lifecycle: permission groups and topic permissions, each; export: "
                        "permission groups (n // 4 topics, 50 members each) (default 200; "
                        "--smoke 10)")
    p.add_argument("--latency-ms", type=float, default=None,
                   help="emulator latency per API answer (default 50; --smoke 5)")
    p.add_argument("--runs", type=int, default=None,
                   help="runs per figure, the median is reported (default 3; --smoke 1); "
                        "cold start uses max(runs, 7) (--smoke 1)")
    p.add_argument("--rate", type=float, default=200.0,
                   help="the provider's tencentchat:requestsPerSecond, and export's from a "
                        "stack file (default 200)")
    p.add_argument("--topics", type=int, default=20,
                   help="lifecycle: topics per community, i.e. topic permissions per "
                        "permission group (default 20)")
    p.add_argument("--groups", type=int, default=None,
                   help="matrix: permission groups (default 10; --smoke 2), each with "
                        "--topics topic permissions (--smoke 5)")
    p.add_argument("--seconds", type=float, default=None,
                   help="throughput: measuring time per figure (default 3; --smoke 0.3)")
    p.add_argument("--only", choices=SECTIONS, action="append", default=None,
                   help="run only this section (repeatable)")
    p.add_argument("--smoke", action="store_true",
                   help="tiny, quick settings that only prove the benchmarks still work (CI)")
    return p


def options(args: argparse.Namespace) -> Options:
    smoke = bool(args.smoke)

    def pick(value: object, normal: object, small: object) -> object:
        return value if value is not None else (small if smoke else normal)

    runs = int(pick(args.runs, 3, 1))  # type: ignore[arg-type]
    opts = Options(
        n=int(pick(args.n, 200, 10)),  # type: ignore[arg-type]
        latency_ms=float(pick(args.latency_ms, 50.0, 5.0)),  # type: ignore[arg-type]
        runs=runs,
        rate=float(args.rate),
        topics=int(args.topics),
        matrix_groups=int(pick(args.groups, 10, 2)),  # type: ignore[arg-type]
        matrix_topics=int(args.topics) if not smoke else min(int(args.topics), 5),
        cold_start_runs=runs if smoke else max(runs, 7),
        throughput_seconds=float(pick(args.seconds, 3.0, 0.3)),  # type: ignore[arg-type]
        smoke=smoke,
    )
    if (opts.n < 1 or opts.runs < 1 or opts.topics < 1 or opts.matrix_groups < 1
            or opts.latency_ms < 0):
        raise SystemExit("scripts/bench: --n, --runs, --topics and --groups must be >= 1, "
                         "--latency-ms >= 0")
    if not 0 < opts.rate <= 200:
        raise SystemExit("scripts/bench: --rate must be in (0, 200]")
    return opts


def _runner(section: str) -> Callable[[Options], dict[str, object]]:
    if section == "lifecycle":
        from . import lifecycle

        return lifecycle.run
    if section == "matrix":
        from . import matrix

        return matrix.run
    if section == "cold-start":
        from . import cold_start

        return cold_start.run
    if section == "export":
        from . import export

        return export.run
    from . import emulator_throughput

    return emulator_throughput.run


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    opts = options(args)
    failed = []
    for section in [s for s in SECTIONS if not args.only or s in args.only]:
        name = SUMMARY_NAMES[section]
        print(f"== {name} ==", flush=True)
        started = time.perf_counter()
        try:
            fields = _runner(section)(opts)
        except Exception:  # noqa: BLE001 - report, run the other sections, exit non-zero
            traceback.print_exc()
            print(f"{name} error=1", flush=True)
            failed.append(section)
            continue
        print(f"({time.perf_counter() - started:.1f} s)")
        print(summary_line(name, fields), flush=True)
    if failed:
        print(f"failed: {' '.join(failed)}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
