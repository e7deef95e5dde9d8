"""``tencentchat matrix`` in a terminal: the matrix pivoted to fit 80 columns, and one member's
effective rights with their sources.

The matrix has one row per right and one narrow column per source: ``all`` (the community
default) and a letter per permission group, explained in a legend. Groups beyond what fits the
width continue in another block. Colour (ANSI) only when asked for: the caller decides whether
the output is a terminal.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass

from ..matrix import (
    DEFAULT,
    NOT_FOLDED,
    Grant,
    GroupRow,
    Matrix,
    community_rights,
    topic_rights,
)

WIDTH = 80
#: Where a right's sources start in the member view (after the mark and the longest name).
SOURCES_AT = 35
DEFAULT_LABEL = "all"
SWITCHED_OFF = ("Permission groups are switched off in this community: neither the default "
                "nor the groups decide now (the classic group roles do).")
NOT_SHOWN = ("Not shown: the owner (who holds every right) and each topic's own default (set "
             "through the client SDKs only).")


@dataclass(frozen=True)
class Style:
    """Marks and colours of one output: plain ASCII for pipes, ANSI colour on a terminal."""

    colour: bool = False
    unicode: bool = True

    @property
    def yes_mark(self) -> str:
        return "✓" if self.unicode else "x"

    @property
    def no_mark(self) -> str:
        return "·" if self.unicode else "."

    @property
    def yes(self) -> str:
        return self._paint(self.yes_mark, "32;1")

    @property
    def no(self) -> str:
        return self._paint(self.no_mark, "2")

    @property
    def absent(self) -> str:
        return self._paint("-", "2")

    def bold(self, text: str) -> str:
        return self._paint(text, "1")

    def dim(self, text: str) -> str:
        return self._paint(text, "2")

    def _paint(self, text: str, code: str) -> str:
        return f"\x1b[{code}m{text}\x1b[0m" if self.colour else text


def labels(count: int) -> list[str]:
    """Column labels of ``count`` permission groups: A..Z, then AA, AB, ..."""
    letters = [chr(ord("A") + i) for i in range(26)]
    found = letters[:count]
    for first in letters:
        if len(found) >= count:
            break
        found.extend(first + second for second in letters[:count - len(found)])
    return found


def _fit(text: str, width: int) -> str:
    return text if len(text) <= width else text[:max(width - 1, 0)] + "…"


def _header(matrix: Matrix, style: Style, title: str) -> list[str]:
    name = f' "{matrix.community_name}"' if matrix.community_name else ""
    lines = [style.bold(_fit(f"{title} community {matrix.group_id}{name}", WIDTH)),
             f"read {matrix.taken_at}" if matrix.taken_at else ""]
    if not matrix.enable_permission_groups:
        lines += textwrap.wrap(SWITCHED_OFF, WIDTH)
    return [line for line in lines if line] + [""]


def render_table(matrix: Matrix, style: Style = Style()) -> str:
    """The whole matrix, every line at most 80 columns (IDs excepted when longer)."""
    rights = {"": community_rights(matrix)}
    rights.update({t.topic_id: topic_rights(matrix, t.topic_id) for t in matrix.topics})
    name_width = 2 + max(len(r) for rows in rights.values() for r in rows)
    per_block = max(1, (WIDTH - name_width - 1 - len(DEFAULT_LABEL)) // 3)
    names = labels(len(matrix.groups))
    lines = _header(matrix, style, "Who may do what in")
    lines += textwrap.wrap(f"Columns: {DEFAULT_LABEL} = the community default (every member "
                           "but the owner); letters = the permission groups listed below. "
                           f"{style.yes_mark} granted, {style.no_mark} not granted, - does not "
                           "apply.", WIDTH)
    groups = list(zip(names, matrix.groups, strict=True)) or [("", None)]
    for start in range(0, len(groups), per_block):
        block = [(label, g) for label, g in groups[start:start + per_block] if g is not None]
        lines.append("")
        lines += _scope(style, "Community-wide", "", rights[""], name_width, block,
                        matrix.default)
        for topic in matrix.topics:
            title = f"Topic {topic.topic_name}" if topic.topic_name else "Topic (not listed)"
            lines.append("")
            lines += _scope(style, title, topic.topic_id, rights[topic.topic_id], name_width,
                            block, None)
    lines += ["", style.bold("Permission groups")]
    for label, group in zip(names, matrix.groups, strict=True):
        count = f"{group.member_count} member{'' if group.member_count == 1 else 's'}"
        line = f"{label:<3}{group.name} ({count})  {group.permission_group_id}"
        if len(line) <= WIDTH:
            lines.append(line)
        else:  # the ID on a line of its own, the name cut to fit
            lines.append(f"{label:<3}{_fit(group.name, WIDTH - 6 - len(count))} ({count})")
            lines.append(f"   {group.permission_group_id}")
    if not matrix.groups:
        lines.append("none")
    lines.append("")
    lines += textwrap.wrap(NOT_FOLDED, WIDTH) + textwrap.wrap(NOT_SHOWN, WIDTH)
    return "\n".join(lines) + "\n"


def _scope(style: Style, title: str, topic_id: str, rights: tuple[str, ...], name_width: int,
           block: list[tuple[str, GroupRow]], default: tuple[str, ...] | None) -> list[str]:
    """One scope's rows: a title with the column labels, the topic ID, one line per right."""
    columns = f" {DEFAULT_LABEL}" + "".join(f" {label:>2}" for label, _ in block)
    if len(title) <= name_width:
        lines = [style.bold(f"{title:<{name_width}}") + columns.rstrip()]
    else:
        lines = [style.bold(_fit(title, WIDTH)), " " * name_width + columns.rstrip()]
    if topic_id:
        lines.append(style.dim(f"  {topic_id}"))
    for right in rights:
        own = (style.absent if default is None
               else style.yes if right in default else style.no)
        cells = "".join(f"  {style.yes if right in _granted(g, topic_id) else style.no}"
                        for _, g in block)
        lines.append(f"  {right:<{name_width - 2}}  {own} {cells}".rstrip())
    return lines


def _granted(group: GroupRow, topic_id: str) -> tuple[str, ...]:
    return group.topics.get(topic_id, ()) if topic_id else group.community


def render_member(matrix: Matrix, account: str, style: Style = Style()) -> str:
    """One account's effective rights per scope, each followed by where it comes from."""
    rights = matrix.rights(account)
    lines = _header(matrix, style, f"Rights of {account} in")
    if rights.permission_groups:
        shown = [f"{_source(matrix, g)} ({g})" for g in rights.permission_groups]
        lines += textwrap.wrap("Permission groups: " + ", ".join(shown), WIDTH,
                               subsequent_indent="  ")
    else:
        lines += textwrap.wrap("Permission groups: none. An account in no permission group "
                               "holds the default's rights (whether it is a member of the "
                               "community is not checked here).", WIDTH,
                               subsequent_indent="  ")
    lines.append("")
    lines += _grants(matrix, style, "Community-wide", "", rights.community)
    for topic in matrix.topics:
        title = f"Topic {topic.topic_name or '(not listed)'}"
        lines.append("")
        lines += _grants(matrix, style, title, topic.topic_id, rights.topics[topic.topic_id])
    lines.append("")
    lines += textwrap.wrap(NOT_FOLDED, WIDTH) + textwrap.wrap(NOT_SHOWN, WIDTH)
    return "\n".join(lines) + "\n"


def _grants(matrix: Matrix, style: Style, title: str, topic_id: str,
            grants: tuple[Grant, ...]) -> list[str]:
    lines = [style.bold(title) + (style.dim(f"  {topic_id}") if topic_id else "")]
    if not grants:
        lines.append(style.dim("  (no rights)"))
    for grant in grants:
        sources = "from " + ", ".join(_source(matrix, s) for s in grant.sources)
        parts = textwrap.wrap(sources, WIDTH - SOURCES_AT) or [""]
        lines.append(f"  {style.yes} {grant.right:<{SOURCES_AT - 5}} {parts[0]}")
        lines += [" " * SOURCES_AT + part for part in parts[1:]]
    return lines


def _source(matrix: Matrix, source: str) -> str:
    """A source as people name it: ``default`` or the permission group's name (with its ID
    when another group has the same name)."""
    if source == DEFAULT:
        return DEFAULT
    group = matrix.group(source)
    twins = sum(1 for g in matrix.groups if g.name == group.name)
    return group.name if twins == 1 and group.name else f"{group.name} ({source})"
