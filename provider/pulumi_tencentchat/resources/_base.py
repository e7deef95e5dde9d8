"""The shared base of the dynamic resources: dicts to typed models and back, check, diff, read.

A resource module declares its *Inputs* pydantic model (each field once, with its rule and diff
mode: see ``_fields``), its output-only fields, and create/update/delete plus how to read and
name its object. Everything that is the same for every resource (unknown values during
preview, floats from the wire, defaults, check failures naming the field, diff in both
directions, reads by ID, which objects this deployment holds, the error path) lives here once.
"""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable, Collection, Iterable
from typing import Any, ClassVar, Generic, TypeVar

from pulumi.dynamic import (
    CheckFailure,
    CheckResult,
    ConfigureRequest,
    DiffResult,
    ReadResult,
    ResourceProvider,
)
from pulumi.output import Unknown
from pulumi.runtime import rpc
from pydantic import BaseModel

from .. import validation as v
from . import _claims, _listings, _runtime
from ._fields import STORED, Derived, Mode, field_rule, fields_of, rule_of

A = TypeVar("A", bound=BaseModel)
R = TypeVar("R")


def is_unknown(value: object) -> bool:
    """True for a value the engine does not know yet (preview of computed inputs).

    The host hands ``check``/``diff`` ``Unknown`` objects; the wire form is a sentinel string.
    """
    return isinstance(value, Unknown) or (isinstance(value, str) and value == rpc.UNKNOWN)


def holds_unknown(value: object) -> bool:
    """True for an unknown value or a list or mapping with an unknown element."""
    if isinstance(value, (list, tuple)):
        return any(holds_unknown(item) for item in value)
    if isinstance(value, dict):
        return any(holds_unknown(item) for item in value.values())
    return is_unknown(value)


def code_of(exc: BaseException) -> int | None:
    """Tencent's error code of a client exception (None for network failures)."""
    return getattr(exc, "code", None)


class ProviderError(Exception):
    """An operation failed; the text names the resource and carries Tencent's code and advice."""


def _write(method: Callable[..., Any]) -> Callable[..., Any]:
    """``method`` (a write) run inside :func:`_listings.writing` while holding the write locks
    of the objects it touches; what it creates or updates is then held by a live resource of
    this deployment (see ``_claims``), and its outputs gain the derived values."""

    @functools.wraps(method)
    def write(self: Any, *args: Any, **kwargs: Any) -> Any:
        bags = [bag for bag in args if isinstance(bag, dict)]
        touched = [i for bag in bags for i in self.identities(bag)]
        with _claims.exclusive(touched), _listings.writing():
            result = method(self, *args, **kwargs)
            outs = getattr(result, "outs", None)
            if outs:
                _claims.hold(self.identities(outs))
                outs.update(self.derive(outs, stored=True))
        return result

    write.wraps_write = True  # type: ignore[attr-defined]
    return write


class BaseProvider(ResourceProvider, Generic[A]):
    """Common behaviour of every tencentchat dynamic provider.

    Subclasses set ``kind`` and ``Inputs`` (from whose field declarations ``replace_fields``,
    the identity, and ``update_fields`` are derived) and implement the CRUD methods, reads and
    IDs. Instances carry no
    state at all: they are pickled by reference into every resource's ``__provider``.
    Every subclass's create/update/delete drops the refresh listings (see ``_listings``), and
    what a create or update returns is held by this deployment (see ``_claims``).
    """

    kind: ClassVar[str]
    Inputs: ClassVar[type[BaseModel]]
    #: Output-only fields and their values before the server reports them.
    outputs_only: ClassVar[dict[str, Any]] = {}
    #: How an item of this resource is called in per-item error reports.
    item_noun: ClassVar[str] = "item"
    #: Required inputs the constructor derives when the program leaves them out (auto-names).
    program_filled: ClassVar[tuple[str, ...]] = ()
    #: Values computed from an input, in checked inputs and outputs, never diffed (``_fields``).
    derived: ClassVar[dict[str, Derived]] = {}
    replace_fields: ClassVar[tuple[str, ...]] = ()
    update_fields: ClassVar[tuple[str, ...]] = ()
    WRITES: ClassVar[tuple[str, ...]] = ("create", "update", "delete")

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if "Inputs" in cls.__dict__:
            cls.replace_fields = fields_of(cls.Inputs, Mode.REPLACE)
            cls.update_fields = fields_of(cls.Inputs, Mode.UPDATE, Mode.STATE)
        for name, found in cls.derived.items():
            if found.source not in cls.Inputs.model_fields or name in cls.Inputs.model_fields:
                raise TypeError(f"{cls.__name__}.derived[{name!r}]: the source must be an input "
                                "and the derived name must not be one")
        for name in cls.WRITES:
            method = cls.__dict__.get(name)
            if method is not None and not getattr(method, "wraps_write", False):
                setattr(cls, name, _write(method))

    # -- configuration -------------------------------------------------------------------
    def configure(self, req: ConfigureRequest) -> None:
        _runtime.configure(req.config.get)

    @staticmethod
    def client():
        return _runtime.client()

    # -- identity ----------------------------------------------------------------------------
    def identities(self, props: dict[str, Any]) -> list[_claims.Identity]:
        """The server objects a property bag names (none while any part is unknown).

        A resource's identity is its replace fields: changing one means another object.
        """
        values = [props.get(name) for name in self.replace_fields]
        if any(value is None or holds_unknown(value) for value in values):
            return []
        return [(self.kind, *values)]

    def _note_identities(self, olds: dict[str, Any], news: dict[str, Any]) -> None:
        """Learn from the engine's olds/news which objects this stack holds (see ``_claims``)."""
        before = self.identities(olds) if olds else []
        if not before:
            return
        _claims.recognise(before)
        after = set(self.identities(news))
        _claims.hold(identity for identity in before if identity in after)

    @staticmethod
    def held(identity: _claims.Identity) -> bool:
        """True when a live resource of this deployment keeps ``identity``: do not delete it."""
        if _claims.is_held(identity):
            print(f"tencentchat: not deleting {' '.join(map(str, identity))}: a resource of this "
                  "deployment holds it (a forced replacement, a pending delete or a rename)",
                  file=sys.stderr, flush=True)
            return True
        return False

    # -- check -----------------------------------------------------------------------------
    def check(self, olds: dict[str, Any], news: dict[str, Any]) -> CheckResult:
        values: dict[str, Any] = {}
        typed: dict[str, Any] = {}  # values that passed their rule, before to_state
        failures: list[CheckFailure] = []
        for name, info in self.Inputs.model_fields.items():
            raw = news.get(name)
            if holds_unknown(raw):
                values[name] = raw
                failures.extend(CheckFailure(name, f"{name} {reason}")
                                for reason in self.check_partial(name, raw))
                continue
            if raw is None:
                if info.is_required():
                    failures.append(CheckFailure(name, f"{name} is required"))
                    continue
                raw = info.get_default(call_default_factory=True)
            try:
                typed[name] = field_rule(self.Inputs, name)(raw)
                values[name] = self.to_state(name, typed[name])
            except (ValueError, TypeError) as exc:
                failures.append(CheckFailure(name, f"{name} {exc}"))
        known = {k: v for k, v in values.items() if not holds_unknown(v)}
        for name, reason in self.cross_check(known):
            failures.append(CheckFailure(name, f"{name} {reason}"))
        values.update(self.derive(values, typed))
        if not failures:
            self._note_identities(olds, values)
        return CheckResult(values, failures)

    def check_partial(self, name: str, raw: Any) -> list[str]:
        """Problems in the known parts of a value that is partly unknown (e.g. a list)."""
        return []

    def cross_check(self, known: dict[str, Any]) -> list[tuple[str, str]]:
        """Rules spanning several fields; ``known`` holds only the known, valid values."""
        return []

    def to_state(self, name: str, value: Any) -> Any:
        """How a validated value is kept in Pulumi inputs/state (override for special forms)."""
        return value

    # -- models ---------------------------------------------------------------------------
    def args(self, props: dict[str, Any]) -> A:
        """Typed inputs from a property bag (state or checked inputs)."""
        fields = {k: props.get(k) for k in self.Inputs.model_fields if props.get(k) is not None}
        return self.Inputs.model_validate(fields, context=STORED)  # type: ignore[return-value]

    def derive(self, props: dict[str, Any], typed: dict[str, Any] | None = None, *,
               stored: bool = False) -> dict[str, Any]:
        """The derived values of a property bag (checked inputs or outputs): unknown while
        their source is; left out when the source is absent (e.g. failed its rule). ``typed``
        holds sources that already passed their rule (check's), so it does not run twice;
        ``stored`` bags (outputs, what a read found) are parsed as state is, without the
        program's limits, which a server may exceed."""
        found: dict[str, Any] = {}
        for name, spec in self.derived.items():
            value = props.get(spec.source)
            if value is None:
                continue
            if holds_unknown(value):
                found[name] = rpc.UNKNOWN
                continue
            if typed is not None and spec.source in typed:
                found[name] = spec.of(typed[spec.source])
                continue
            try:
                found[name] = spec.of(field_rule(self.Inputs, spec.source, stored=stored)(value))
            except (ValueError, TypeError):
                continue
        return found

    def comparable(self, name: str, value: Any) -> Any:
        """The form in which a field's old and new values are compared: both sides are state
        or checked inputs, so a rule that coerces wire forms parses them as state is (no
        program limits to re-check); text keeps its full rule, so a value an older release
        kept in another form still compares equal."""
        if value is None or is_unknown(value):
            return value
        rule = rule_of(self.Inputs, name)
        try:
            if rule is None:
                return value
            return rule.rule(value) if rule.text else rule.stored(value)
        except (ValueError, TypeError):
            return value

    # -- read -----------------------------------------------------------------------------
    #: How this resource's ID is written, for messages (e.g. "<group_id>/<permission_group_id>").
    id_format: ClassVar[str] = ""

    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        """Refresh, or a read by ID (``Resource.get`` / ``opts.id``).

        On refresh ``props`` are the old outputs; a read by ID gets only the program's inputs
        (often nothing but the provider), so the ID the engine passes decides what is read.
        The engine keeps the requested ID when a read by ID answers an empty one
        (``pkg/resource/deploy/step.go:1366-1374``), so a missing object must fail loudly
        there, while on refresh an empty ID drops the resource (``step.go:1616-1620``).
        """
        by_id = any(props.get(name) is None for name in self.replace_fields)
        try:
            named = self.id_fields(id_)
        except ValueError as exc:
            if by_id:
                raise self.fail(repr(id_), "read", ValueError(
                    f"{exc}; a {self.kind} ID looks like {self.id_format}")) from None
            named = {}
        outs = self.current({**props, **named}, by_id)
        if outs is None:
            if by_id:
                raise self.fail(repr(id_), "read", LookupError(
                    f"no {self.kind} with ID {id_!r} exists")) from None
            return ReadResult("", {})
        outs = {**outs, **self.derive(outs, stored=True)}
        inputs = self.recorded_inputs(outs)
        return ReadResult(id_, outs, {**inputs, **self.derive(inputs, stored=True)})

    def id_fields(self, id_: str) -> dict[str, str]:
        """The identity fields an ID names; ``ValueError`` when it is not this resource's ID."""
        raise NotImplementedError

    def current(self, values: dict[str, Any], by_id: bool) -> dict[str, Any] | None:
        """The object's outputs as the server has it now, or None when it does not exist.

        ``values`` holds the identity fields (and, on refresh, the old outputs); ``by_id``
        is True for a read by ID, where nothing but the identity is known.
        """
        raise NotImplementedError

    def recorded_inputs(self, outs: dict[str, Any]) -> dict[str, Any]:
        """The inputs a refresh records, so the next diff compares against the server."""
        return {k: v for k, v in outs.items() if k in self.Inputs.model_fields}

    # -- diff -----------------------------------------------------------------------------
    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        """Compare old state with new inputs (or, during refresh, the reverse).

        Unknown new values count as changes; ``__provider`` is ignored, so upgrading the
        package never causes a diff.
        """
        changed = [name for name in (*self.replace_fields, *self.update_fields)
                   if self.differs(name, olds, news)]
        replaces = [name for name in self.replace_fields if name in changed]
        self._note_identities(olds, news)
        # Delete before replace: a create-before-delete replacement leaves the old object as a
        # pending delete if the deployment fails in between, and the engine runs pending
        # deletes at the end of the next deployment (step_generator.go:2390-2423), after any
        # create that reused the identity (a reverted change, a freed slot). Deleting first
        # never leaves one (step_generator.go:2047-2157).
        return DiffResult(changes=bool(changed), replaces=replaces,
                          delete_before_replace=bool(replaces))

    def differs(self, name: str, olds: dict[str, Any], news: dict[str, Any]) -> bool:
        new = news.get(name)
        if holds_unknown(new):
            return True
        default = self.Inputs.model_fields[name].get_default(call_default_factory=True)
        old_value = olds.get(name, default)
        new_value = default if new is None else new
        return self.comparable(name, old_value) != self.comparable(name, new_value)

    # -- errors: one path ----------------------------------------------------------------
    def fail(self, ident: str, action: str, exc: BaseException) -> ProviderError:
        """An error for the engine naming the resource; never chained (no secret can leak)."""
        return ProviderError(f"tencentchat:{self.kind} {ident}: {action} failed: {exc}")

    def call(self, ident: str, action: str, fn: Callable[[], R], *,
             gone: Collection[int] = ()) -> R | None:
        """Run one client call of ``action``; None when it fails with a code in ``gone`` (the
        object, or what holds it, no longer exists); any other failure raises :meth:`fail`."""
        from ..errors import ChatClientError

        try:
            return fn()
        except ChatClientError as exc:
            if code_of(exc) in gone:
                return None
            raise self.fail(ident, action, exc) from None

    def check_items(self, ident: str, action: str, items: Iterable[Any], *,
                    gone: Collection[int] = ()) -> None:
        """Raise :meth:`fail` for the first per-item result that neither succeeded nor has a
        code in ``gone``."""
        for item in items:
            if item.error_code not in (0, *gone):
                raise self.fail(ident, action, self.item_error(item.error_code,
                                                               item.error_info)) from None

    def item_error(self, code: int, info: str = "") -> Exception:
        """The typed error of a per-item result (code, meaning, what to do)."""
        from ..errors import error_for

        return error_for(code, info, f"{self.item_noun} item")


def topic_in_its_community(_provider: Any, known: dict[str, Any]) -> list[tuple[str, str]]:
    """``cross_check`` of a resource naming one topic: ``topic_id`` must be a topic of
    ``group_id`` (a topic ID starts with its community's ID), caught before any call."""
    topic, group = known.get("topic_id"), known.get("group_id")
    if topic and group:
        try:
            v.topic_in_group(topic, group)
        except ValueError as exc:
            return [("topic_id", str(exc))]
    return []


def group_part_fields(id_: str, tail: str, what: str) -> dict[str, str]:
    """The fields of an ID ``<group_id>/<permission_group_id>/<tail>`` (a part of one
    permission group kept as one resource); ``ValueError`` naming ``what`` otherwise."""
    base, sep, last = id_.rpartition("/")
    group, pg_sep, rest = base.partition("/" + v.PERMISSION_GROUP_ID_PREFIX)
    if last != tail or not sep or not pg_sep or not group or not rest:
        raise ValueError(f"{id_!r} names no permission group's {what}")
    return {"group_id": group, "permission_group_id": v.PERMISSION_GROUP_ID_PREFIX + rest}
