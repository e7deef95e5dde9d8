"""Input fields declared once: each field's rule and diff mode live in its annotation.

A resource's inputs model is the single declaration of its inputs::

    group_id: Annotated[str, Replace(v.group_id)]
    name: Annotated[str, Update(v.permission_group_name)]
    adopt_existing: Annotated[bool, StateOnly(v.flag)] = False

Values computed from an input are declared beside it on the provider, one line each
(:class:`Derived`), e.g. ``derived = {"permission_names": permission_names("permission",
GroupPermission)}``.

From it the base derives which fields replace the object (its identity), which are updated in
place, which only change what is recorded, the fields the program must set and their
defaults. The same rule runs in the program, in ``check`` and when state is parsed.
"""

from __future__ import annotations

import enum
import functools
from collections.abc import Callable
from typing import Any

from pydantic import BaseModel
from pydantic_core import core_schema

#: Validation context of values read back from state or from the server, not from a program.
STORED = {"stored": True}


class Mode(enum.Enum):
    """What a change of the field does to the server object."""

    REPLACE = "replace"  # another object: delete the old one, create the new one
    UPDATE = "update"  # the same object, changed in place by an API call
    STATE = "state"  # nothing on the server: only how the provider behaves (recorded)


class FieldRule:
    """Pydantic metadata carrying a field's input rule and its diff mode.

    The rule takes a raw value and returns it normalised, or raises ``ValueError`` stating the
    rule. Inputs get it in full. Values parsed with the ``STORED`` context (state written by an
    older release, or text changed in the console) may break a rule added since; refresh and
    delete must still read them, so text (or a list of texts) is then taken as it is, unless
    ``text`` is False (rules that coerce wire forms, such as permissions, always run).
    """

    mode: Mode

    def __init__(self, rule: Callable[[Any], Any], *, text: bool = True) -> None:
        self.rule = rule
        self.text = text

    def __get_pydantic_core_schema__(self, source: Any, handler: Any) -> Any:
        return core_schema.with_info_before_validator_function(self._validate, handler(source))

    def _validate(self, value: Any, info: core_schema.ValidationInfo) -> Any:
        return self.stored(value) if info.context == STORED else self.rule(value)

    def stored(self, value: Any) -> Any:
        """A value read back from state or the server, normalised as the model parses it."""
        if self.text and (isinstance(value, str) or (
                isinstance(value, list) and all(isinstance(item, str) for item in value))):
            return value
        return self.rule(value)

    def __repr__(self) -> str:
        return f"{type(self).__name__}({getattr(self.rule, '__name__', self.rule)})"


class Replace(FieldRule):
    """A field of the object's identity: a change means another object."""

    mode = Mode.REPLACE


class Update(FieldRule):
    """A field changed in place."""

    mode = Mode.UPDATE


class StateOnly(FieldRule):
    """A field that changes only what the provider does, recorded in state."""

    mode = Mode.STATE


def rule_of(model: type[BaseModel], name: str) -> FieldRule | None:
    for meta in model.model_fields[name].metadata:
        if isinstance(meta, FieldRule):
            return meta
    return None


def field_rule(model: type[BaseModel], name: str, *,
               stored: bool = False) -> Callable[[Any], Any]:
    """The input rule of ``name`` (as the program and ``check`` apply it); with ``stored``,
    its parse of a value read back from state or the server."""
    found = rule_of(model, name)
    if found is None:
        return lambda value: value
    return found.stored if stored else found.rule


def fields_of(model: type[BaseModel], *modes: Mode) -> tuple[str, ...]:
    """The fields of ``model`` whose diff mode is one of ``modes``, in declaration order."""
    return tuple(name for name in model.model_fields
                 if (found := rule_of(model, name)) is not None and found.mode in modes)


def required_of(model: type[BaseModel]) -> tuple[str, ...]:
    """The fields a program must set (those without a default)."""
    return tuple(name for name, info in model.model_fields.items() if info.is_required())


class Derived:
    """A value computed from one input, e.g. the names of a permission's bits.

    It travels in the checked inputs, so a preview shows it beside its source (``+
    "GroupAtAll"`` instead of two integers), and in the outputs. Diff never compares it (its
    source decides), so state written before it existed reads and diffs as before. With
    ``each=True`` the source is a mapping and ``compute`` runs on each of its values.
    """

    def __init__(self, source: str, compute: Callable[[Any], Any], *, each: bool = False) -> None:
        self.source = source
        self.compute = compute
        self.each = each

    def of(self, value: Any) -> Any:
        """The derived value of a source value that passed its field's rule."""
        if self.each:
            return {key: self.compute(item) for key, item in value.items()}
        return self.compute(value)

    def __repr__(self) -> str:
        return f"Derived({self.source!r}{', each=True' if self.each else ''})"


def permission_names(source: str, flags: type[enum.IntFlag], *, each: bool = False) -> Derived:
    """The bit names of the permission input ``source`` (of each value, for a mapping)."""
    from ..permissions import bit_names

    return Derived(source, functools.partial(bit_names, flags=flags), each=each)
