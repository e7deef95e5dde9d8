"""Every citation of docs/tencent-api.md in the repository's .py and .md files names a heading
that exists there, and the API reference is cited as the project's own document only.

Citations look like ``docs/tencent-api.md#714-get_group_info`` (also inside Markdown links, as
``tencent-api.md#envelope``); further anchors may follow a full citation bare
(``... to #74-get_permission_group``); the document links to itself with ``](#anchor)``.
Anchors follow GitHub's rules, so a link that passes here also works on GitHub.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DOC = ROOT / "docs" / "tencent-api.md"
SKIP_DIRS = {"build", "dist", "node_modules", "__pycache__"}

_HEADING = re.compile(r"^#{1,6}[ \t]+(.+?)[ \t]*#*[ \t]*$")
_FENCE = re.compile(r"^[ \t]*(```|~~~)")
_CITED = re.compile(r"tencent-api\.md#([\w-]+)")
# An anchor cited on its own after a full citation ("... to #74-get_permission_group"): a
# numbered one anywhere (it may start the next line), any other on the citation's own line.
_BARE_NUMBERED = re.compile(r"(?<![\w&/#.])#(\d+-[\w-]+)")
_BARE = re.compile(r"(?<![\w&/#.\]])#([a-z][\w-]*)")
_SELF = re.compile(r"\]\(#([\w-]+)\)")


def github_anchor(heading: str) -> str:
    """The anchor GitHub gives a heading: lowercase, punctuation other than '-' and '_' dropped,
    each space a '-'."""
    text = re.sub(r"`|\*\*|\[([^\]]*)\]\([^)]*\)", r"\1", heading.strip()).lower()
    return re.sub(r"[^\w\- ]", "", text).replace(" ", "-")


def doc_anchors(text: str) -> set[str]:
    """Every anchor the document's headings produce (a repeated heading gets -1, -2, ...)."""
    anchors: set[str] = set()
    seen: dict[str, int] = {}
    fenced = False
    for line in text.splitlines():
        if _FENCE.match(line):
            fenced = not fenced
            continue
        match = None if fenced else _HEADING.match(line)
        if match:
            base = github_anchor(match.group(1))
            count = seen.get(base, 0)
            seen[base] = count + 1
            anchors.add(base if count == 0 else f"{base}-{count}")
    return anchors


def repository_files() -> Iterator[Path]:
    """The project's .py and .md files: hidden directories (.venv, .git, ...) left out."""
    for path in sorted(ROOT.rglob("*")):
        parts = path.relative_to(ROOT).parts
        if any(p.startswith(".") or p in SKIP_DIRS or p.endswith(".egg-info") for p in parts):
            continue
        if path.suffix in {".py", ".md"} and path.is_file():
            yield path


def citations() -> list[tuple[str, int, str]]:
    """(file, line, anchor) for every anchor of docs/tencent-api.md cited in the repository."""
    found = []
    for path in repository_files():
        rel = path.relative_to(ROOT).as_posix()
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            anchors = _CITED.findall(line) + _BARE_NUMBERED.findall(line)
            if _CITED.search(line):
                anchors += _BARE.findall(_CITED.sub("", line))
            if path == DOC:
                anchors += _SELF.findall(line)
            found += [(rel, number, anchor) for anchor in dict.fromkeys(anchors)]
    return found


@pytest.mark.parametrize(("heading", "anchor"), [
    ("7.14 get_group_info", "714-get_group_info"),
    ("8 Unverified facts and chosen behaviour", "8-unverified-facts-and-chosen-behaviour"),
    ("Group-service codes", "group-service-codes"),
    ("How permissions combine", "how-permissions-combine"),
    ("`Envelope` (**unverified**)!", "envelope-unverified"),
])
def test_github_anchor_rules(heading: str, anchor: str) -> None:
    assert github_anchor(heading) == anchor


def test_repeated_headings_get_numbered_anchors() -> None:
    text = "# A\n## Notes\n```\n# not a heading\n```\n### Notes\n"
    assert doc_anchors(text) == {"a", "notes", "notes-1"}


def test_every_cited_anchor_is_a_heading_of_the_reference() -> None:
    anchors = doc_anchors(DOC.read_text(encoding="utf-8"))
    cited = citations()
    assert len({rel for rel, _, _ in cited}) > 1, "no citation of docs/tencent-api.md found"
    broken = [f"{rel}:{number}: #{anchor}" for rel, number, anchor in cited
              if anchor not in anchors]
    assert not broken, "anchors with no heading in docs/tencent-api.md:\n" + "\n".join(broken)


def test_the_api_reference_is_the_projects_own() -> None:
    """No file points at a reference outside the repository or cites it by section sign."""
    outside = re.compile("|".join((
        r"\.\./shared", "/work/" + "shared",  # paths outside the repository
        "\u00a7" + r"\s*\d", r"\bspec\s+(section\s+)?\d",  # old section numbers
        r"\bthe" + r" spec\b",  # the outside document by name
    )), re.IGNORECASE)
    hits = [f"{path.relative_to(ROOT).as_posix()}:{number}: {line.strip()}"
            for path in repository_files()
            for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
            if outside.search(line)]
    assert not hits, "cite docs/tencent-api.md instead:\n" + "\n".join(hits)
