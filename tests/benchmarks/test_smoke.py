"""CI smoke run of the benchmarks: they still run end to end and print their summary lines.

Benchmarks are not timed tests: nothing here looks at a duration or a rate. What is checked is
that ``python -m benchmarks --smoke`` exits 0, that every section ends with a parsable
``<name> key=value ...`` line carrying its documented keys, and the figures that are counts, not
times (one REST call per create, update and delete).
"""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from benchmarks._common import _is_number, parse_summary
from tests.support.plugin import REPO_ROOT

PHASE_KEYS = ("s", "calls", "calls_per_op", "bound_s", "ratio", "load_s")
EXPECTED_KEYS = {
    "lifecycle": {"n", "ops", "latency_ms", "rate", "runs", "rtt_ms", "host_floor_s",
                  "host_floor_ratio",
                  *(f"{phase}_{key}" for phase in ("create", "update", "refresh", "delete")
                    for key in PHASE_KEYS),
                  "refresh_pg_calls", "refresh_pg_bound", "refresh_tp_calls", "refresh_tp_bound"},
    "matrix": {"groups", "topics", "latency_ms", "rate", "runs", "targets_met", "host_floor_s",
               "host_floor_ratio",
               *(f"rest_floor_{phase}_{key}" for phase in ("create", "update", "refresh", "delete")
                 for key in ("s", "calls", "ratio")),
               *(f"{form}_{phase}_{key}" for form in ("objects", "mapping")
                 for phase in ("create", "update", "refresh", "delete")
                 for key in ("s", "calls", "bound_s", "ratio")),
               *(f"{phase}_{key}" for phase in ("create", "update", "refresh", "delete")
                 for key in ("call_ratio", "speedup"))},
    "cold_start": {"runs", "latency_ms", "bare_s", "provider_s", "diff_s", "check_diff_s",
                   "create_diff_s"},
    "throughput": {"concurrency", "seconds", "runs", "get_rps", "modify_rps", "file_get_rps",
                   "file_modify_rps"},
    "export": {"groups", "topics", "members", "latency_ms", "runs", "rate", "calls",
               "expected_calls", "wall_default_rate_s", "bound_default_rate_s", "wall_s",
               "bound_s", "resources"},
}


def sections(output: str) -> dict[str, list[str]]:
    """Output lines per ``== name ==`` section, header excluded, blank lines dropped."""
    found: dict[str, list[str]] = {}
    current: list[str] | None = None
    for line in output.splitlines():
        if line.startswith("== ") and line.endswith(" =="):
            current = found.setdefault(line[3:-3], [])
        elif current is not None and line.strip():
            current.append(line)
    return found


@pytest.fixture(scope="module")
def smoke() -> dict[str, dict[str, str]]:
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT)}
    proc = subprocess.run([sys.executable, "-m", "benchmarks", "--smoke"], cwd=REPO_ROOT,
                          env=env, capture_output=True, text=True, timeout=240)
    assert proc.returncode == 0, f"stdout:\n{proc.stdout}\nstderr:\n{proc.stderr}"
    summaries = {}
    for name, lines in sections(proc.stdout).items():
        assert lines, f"section {name} printed nothing"
        summary_name, fields = parse_summary(lines[-1])
        assert summary_name == name, lines[-1]
        summaries[name] = fields
    return summaries


def test_every_section_ends_with_its_summary_line(smoke: dict[str, dict[str, str]]) -> None:
    assert set(smoke) == set(EXPECTED_KEYS)
    for name, keys in EXPECTED_KEYS.items():
        assert set(smoke[name]) == keys, name
        for key, value in smoke[name].items():
            assert _is_number(value), (name, key, value)


def test_lifecycle_counts_one_rest_call_per_write(smoke: dict[str, dict[str, str]]) -> None:
    fields = smoke["lifecycle"]
    ops = int(fields["ops"])
    assert ops == 2 * int(fields["n"])
    for phase in ("create", "update", "delete"):
        assert int(fields[f"{phase}_calls"]) == ops, phase
    assert int(fields["refresh_pg_calls"]) <= int(fields["refresh_pg_bound"])
    assert int(fields["refresh_tp_calls"]) <= int(fields["refresh_tp_bound"])


def test_matrix_counts_calls_per_form(smoke: dict[str, dict[str, str]]) -> None:
    fields = smoke["matrix"]
    groups, topics = int(fields["groups"]), int(fields["topics"])
    for phase in ("create", "update", "delete"):
        assert int(fields[f"objects_{phase}_calls"]) == groups * topics, phase
        # Up to 50 topics a call: one call per group.
        assert int(fields[f"mapping_{phase}_calls"]) == groups, phase
    assert int(fields["mapping_refresh_calls"]) == groups
    assert int(fields["mapping_refresh_calls"]) <= int(fields["objects_refresh_calls"])
    # The REST floor makes the mapping form's calls (one per group and phase), each checked
    # to have done its work, so it compares like with like.
    for phase in ("create", "update", "refresh", "delete"):
        assert int(fields[f"rest_floor_{phase}_calls"]) == groups, phase


def test_sections_can_be_chosen() -> None:
    from benchmarks.__main__ import build_parser, options

    args = build_parser().parse_args(["--only", "cold-start", "--smoke", "--n", "4"])
    opts = options(args)
    assert args.only == ["cold-start"]
    assert (opts.n, opts.runs, opts.cold_start_runs, opts.smoke) == (4, 1, 1, True)
    full = options(build_parser().parse_args([]))
    assert (full.n, full.latency_ms, full.runs, full.cold_start_runs) == (200, 50.0, 3, 7)


def test_declare_undoes_the_sdks_leaked_pickler_patch() -> None:
    """Each dynamic resource wraps the pickler once more; declare() must put it back."""
    import pickle

    from benchmarks import _common
    from tests.support import program
    from tests.support.trivial_provider import Trivial

    resources = _common.declare(lambda: [Trivial(f"t{i}", {"name": "t"}) for i in range(3)])
    assert len(resources) == 3
    original = program._PICKLER["_batch_setitems"]
    assert pickle._Pickler._batch_setitems is original  # type: ignore[attr-defined]


def test_export_reads_the_community_in_the_documented_number_of_calls(
        smoke: dict[str, dict[str, str]]) -> None:
    fields = smoke["export"]
    groups, topics = int(fields["groups"]), int(fields["topics"])
    # get_group_info + get_topic + ceil(groups / 20) listing pages + per group one
    # topic-permission read and one member page (50 members each).
    assert int(fields["calls"]) == 2 + -(-groups // 20) + 2 * groups == int(
        fields["expected_calls"])
    # settings, topics, groups, each group's rights in min(5, topics) topics, member lists.
    assert int(fields["resources"]) == 1 + topics + groups + groups * min(5, topics) + groups
