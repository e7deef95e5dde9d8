"""Python source fragments for generated programs, already in the layout ``ruff format`` gives.

Values read from a server can hold anything: quotes, backslashes, line breaks, terminal escapes,
bidi controls. :func:`string` writes a literal that evaluates to exactly the value and shows
every invisible or layout-changing character as an escape, with the quotes the formatter would
choose. Keyword arguments are laid out the way the formatter lays them out, so the generated
file passes ``ruff format --check`` and ``ruff check`` at the default line length.
"""

from __future__ import annotations

import unicodedata

#: The formatter's default line length (ruff and black).
LINE_LENGTH = 88
#: A text value whose one-line keyword argument is wider than this is split into ``+`` parts:
#: the margin keeps the choice clear of any disagreement about character widths.
SPLIT_ABOVE = LINE_LENGTH - 4
#: The widest literal of one part of a split text value.
PART_WIDTH = 70
INDENT = "    "
_ESCAPES = {"\\": "\\\\", "\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _visible(ch: str) -> bool:
    """True when ``ch`` may stay as itself: printable and not a combining mark (whose width
    tools disagree about)."""
    if ch.isascii():
        return ch.isprintable()
    return ch.isprintable() and not unicodedata.category(ch).startswith("M")


def _escape(ch: str) -> str:
    if ch in _ESCAPES:
        return _ESCAPES[ch]
    if _visible(ch):
        return ch
    code = ord(ch)
    if code < 0x100:
        return f"\\x{code:02x}"
    if code < 0x10000:
        return f"\\u{code:04x}"
    return f"\\U{code:08x}"


def string(value: str) -> str:
    """A string literal evaluating to exactly ``value``.

    Double quotes unless the value holds more double than single quotes (the formatter's
    rule); backslashes, line breaks, controls, bidi and zero-width characters and lone
    surrogates are escapes, so the literal shows what the value holds.
    """
    quote = "'" if value.count('"') > value.count("'") else '"'
    body = "".join(f"\\{ch}" if ch == quote else _escape(ch) for ch in value)
    return f"{quote}{body}{quote}"


def width(text: str) -> int:
    """Columns ``text`` takes in an editor (wide East Asian characters count two)."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _cost(ch: str) -> int:
    """Columns ``ch`` takes inside a literal at most (a quote may need a backslash)."""
    return width(_escape(ch)) + (1 if ch in "\"'" else 0)


def _parts(value: str) -> list[str]:
    """``value`` cut into pieces whose literals stay within :data:`PART_WIDTH`, preferably
    after a line break or a space."""
    parts: list[str] = []
    start = 0
    while start < len(value):
        end, used = start, 2  # the quotes
        while end < len(value) and (end == start or used + _cost(value[end]) <= PART_WIDTH):
            used += _cost(value[end])
            end += 1
        if end < len(value):
            window = value[start:end]
            cut = max(window.rfind("\n"), window.rfind(" "))
            if cut >= len(window) // 2:
                end = start + cut + 1
        parts.append(value[start:end])
        start = end
    return parts


def keyword(name: str, operands: list[str], operator: str = "|",
            indent: str = INDENT) -> list[str]:
    """``name=a | b | c,`` as the formatter lays out a binary expression: on one line when it
    fits; else in parentheses, the expression on a line of its own when that fits, else one
    operand a line."""
    return _binary(f"{name}=", operands, operator, indent)


def entry(key: str, operands: list[str], operator: str = "|",
          indent: str = INDENT * 2) -> list[str]:
    """``key: a | b | c,``: a mapping entry, laid out as :func:`keyword`."""
    return _binary(f"{key}: ", operands, operator, indent)


def _binary(head: str, operands: list[str], operator: str, indent: str) -> list[str]:
    joined = f" {operator} ".join(operands)
    line = f"{indent}{head}{joined},"
    if len(operands) == 1 or width(line) <= LINE_LENGTH:
        return [line]
    inner = indent + INDENT
    if width(inner + joined) <= LINE_LENGTH:
        return [f"{indent}{head}(", inner + joined, f"{indent}),"]
    return [f"{indent}{head}(", f"{inner}{operands[0]}",
            *(f"{inner}{operator} {operand}" for operand in operands[1:]), f"{indent}),"]


def text_keyword(name: str, value: str, indent: str = INDENT) -> list[str]:
    """``name="…",``; a value too wide for one line is joined from ``+`` parts."""
    line = f"{indent}{name}={string(value)},"
    if width(line) <= SPLIT_ABOVE:
        return [line]
    return keyword(name, [string(part) for part in _parts(value)], "+", indent)


def call(target: str | None, function: str, arguments: list[list[str]]) -> list[str]:
    """``target = function(`` with one argument (a list of lines) after another, each ending
    in a comma, so the formatter keeps one argument a line."""
    head = f"{target} = {function}(" if target else f"{function}("
    return [head, *(line for argument in arguments for line in argument), ")"]


def string_list(name: str, values: list[str], indent: str = INDENT) -> list[str]:
    """``name=[`` one literal a line ``],``."""
    inner = indent + INDENT
    return [f"{indent}{name}=[", *(f"{inner}{string(v)}," for v in values), f"{indent}],"]


def comment(text: str, indent: str = "") -> list[str]:
    """``text`` as comment lines within the line length (text is the generator's own words;
    values from the server go in through :func:`string`)."""
    words = text.split()
    lines: list[str] = []
    current = ""
    for word in words:
        candidate = f"{current} {word}" if current else word
        if current and width(f"{indent}# {candidate}") > LINE_LENGTH:
            lines.append(f"{indent}# {current}")
            current = word
        else:
            current = candidate
    if current:
        lines.append(f"{indent}# {current}")
    return lines
