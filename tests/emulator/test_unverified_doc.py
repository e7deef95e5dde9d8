"""docs/tencent-api.md section 8 and the emulator's unverified.py stay in step.

Every top-level UPPER_CASE constant of unverified.py is listed in section 8 as
`unverified.NAME = value`, every value written there equals the module's, every
`unverified.NAME` / `routes.NAME` the document mentions exists, and no row that names a
constant still says its behaviour is "to be decided".
"""

from __future__ import annotations

import ast
import operator
import re
from pathlib import Path
from typing import Any

import pytest
from tencentchat_emulator import routes
from tencentchat_emulator import unverified as U

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs" / "tencent-api.md"
MODULE = Path(U.__file__)

_MENTION = re.compile(r"\bunverified\.([A-Z][A-Z0-9_]*)\b")
_ROUTES_MENTION = re.compile(r"`routes\.([A-Z][A-Z0-9_]*)`")
# `unverified.NAME = value` inside one pair of backticks.
_LISTED = re.compile(r"`unverified\.([A-Z][A-Z0-9_]*) = ([^`]+)`")

_BINOPS = {ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul,
           ast.Pow: operator.pow, ast.LShift: operator.lshift}


def module_constants() -> list[str]:
    """The names unverified.py assigns at top level in UPPER_CASE, in file order."""
    names = []
    for node in ast.parse(MODULE.read_text(encoding="utf-8")).body:
        targets = node.targets if isinstance(node, ast.Assign) else (
            [node.target] if isinstance(node, ast.AnnAssign) else [])
        names += [t.id for t in targets if isinstance(t, ast.Name) and t.id.isupper()]
    return names


def literal(text: str) -> Any:
    """The value of a Python expression made of literals, tuples and arithmetic only."""
    def ev(node: ast.AST) -> Any:
        if isinstance(node, ast.Constant):
            return node.value
        if isinstance(node, ast.Tuple):
            return tuple(ev(e) for e in node.elts)
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
            return -ev(node.operand)
        if isinstance(node, ast.BinOp) and type(node.op) in _BINOPS:
            return _BINOPS[type(node.op)](ev(node.left), ev(node.right))
        raise ValueError(f"not a plain value: {text!r}")
    return ev(ast.parse(text.strip(), mode="eval").body)


def same(a: Any, b: Any) -> bool:
    """Equal and of the same type all the way down (so ``1`` does not pass for ``True``)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, tuple):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b, strict=True))
    return bool(a == b)


def section_8(doc: str) -> str:
    start = doc.index("\n## 8 Unverified facts and chosen behaviour")
    end = doc.index("\n## ", start + 1)
    return doc[start:end]


@pytest.fixture(scope="module")
def doc() -> str:
    return DOC.read_text(encoding="utf-8")


def test_the_module_has_constants_to_check() -> None:
    names = module_constants()
    assert len(names) > 50 and "OVER_LIMIT_CODE" in names and "NORMALIZES_TEXT" in names
    assert all(hasattr(U, n) for n in names)


def test_every_constant_is_listed_with_its_value_in_section_8(doc: str) -> None:
    listed: dict[str, list[str]] = {}
    for name, value in _LISTED.findall(section_8(doc)):
        listed.setdefault(name, []).append(value)
    missing = [n for n in module_constants() if n not in listed]
    assert not missing, f"section 8 of {DOC.name} does not list: {missing}"
    wrong = {n: (vs, getattr(U, n)) for n, vs in listed.items() if n in vars(U)
             and not all(same(literal(v), getattr(U, n)) for v in vs)}
    assert not wrong, f"values in {DOC.name} differ from unverified.py: {wrong}"


def test_every_constant_the_doc_names_exists(doc: str) -> None:
    constants = set(module_constants())
    unknown = sorted(set(_MENTION.findall(doc)) - constants)
    assert not unknown, f"{DOC.name} names constants unverified.py lacks: {unknown}"
    unknown_routes = sorted(n for n in set(_ROUTES_MENTION.findall(doc))
                            if not hasattr(routes, n))
    assert not unknown_routes, f"{DOC.name} names routes.py names that do not exist: " \
                               f"{unknown_routes}"


def test_no_row_naming_a_constant_is_still_to_be_decided(doc: str) -> None:
    rows = [line for line in section_8(doc).splitlines()
            if line.startswith("|") and _MENTION.search(line)]
    assert rows
    undecided = [row[:60] for row in rows if "to be decided" in row.lower()]
    assert not undecided, undecided


@pytest.mark.parametrize("text, value", [
    ("4 * 1024 * 1024", 4 * 1024 * 1024), ("1 << 64", 1 << 64), ('"ok"', "ok"),
    ('("TopicId", "GroupID")', ("TopicId", "GroupID")), ("True", True), ("1.0", 1.0),
    ("-1", -1),
])
def test_literal_reads_the_values_the_doc_writes(text: str, value: Any) -> None:
    assert same(literal(text), value)


def test_same_tells_types_apart() -> None:
    assert not same(1, True) and not same(1, 1.0) and not same(("a",), ["a"])
    assert same(("a", 1), ("a", 1)) and not same(("a",), ("a", "b"))


@pytest.mark.parametrize("text", ["len('x')", "U.OVER_LIMIT_CODE", "4 MiB", "[1]"])
def test_literal_refuses_anything_but_plain_values(text: str) -> None:
    with pytest.raises((ValueError, SyntaxError)):
        literal(text)
