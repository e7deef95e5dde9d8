"""The shared base of the dynamic resources: dicts to typed models and back, check, diff.

A resource module declares an *Args* pydantic model (its inputs, each field carrying its
validation rule), the field tables below, and create/read/update/delete. Everything that is
the same for every resource (unknown values during preview, floats from the wire, defaults,
check failures naming the field, diff in both directions) lives here once.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, ClassVar, Generic, TypeVar

from pulumi.dynamic import (
    CheckFailure,
    CheckResult,
    ConfigureRequest,
    DiffResult,
    ResourceProvider,
)
from pulumi.output import Unknown
from pulumi.runtime import rpc
from pydantic import BaseModel
from pydantic.functional_validators import BeforeValidator

from . import _listings, _runtime

PROVIDER_KEY = "__provider"

# Tencent codes the resources act on (spec §2.5, §7).
GROUP_NOT_FOUND = 10010
ALREADY_MEMBER = 10013
PERMISSION_GROUP_NOT_FOUND = 110006
TOPIC_PERMISSION_NOT_FOUND = 110011
A = TypeVar("A", bound=BaseModel)


def is_unknown(value: object) -> bool:
    """True for a value the engine does not know yet (preview of computed inputs).

    The host hands ``check``/``diff`` ``Unknown`` objects; the wire form is a sentinel string.
    """
    return isinstance(value, Unknown) or (isinstance(value, str) and value == rpc.UNKNOWN)


def holds_unknown(value: object) -> bool:
    """True for an unknown value or a list with an unknown element."""
    if isinstance(value, (list, tuple)):
        return any(holds_unknown(item) for item in value)
    return is_unknown(value)


def field_rule(model: type[BaseModel], field: str):
    """The validation function attached to ``field`` of ``model`` (its BeforeValidator)."""
    for meta in model.model_fields[field].metadata:
        if isinstance(meta, BeforeValidator):
            return meta.func
    return lambda value: value


def code_of(exc: BaseException) -> int | None:
    """Tencent's error code of a client exception (None for network failures)."""
    return getattr(exc, "code", None)


class ProviderError(Exception):
    """An operation failed; the text names the resource and carries Tencent's code and advice."""


def _drops_listings(method: Callable[..., Any]) -> Callable[..., Any]:
    """``method`` (a write) run inside :func:`_listings.writing`."""

    @functools.wraps(method)
    def write(self: Any, *args: Any, **kwargs: Any) -> Any:
        with _listings.writing():
            return method(self, *args, **kwargs)

    write.drops_listings = True  # type: ignore[attr-defined]
    return write


class BaseProvider(ResourceProvider, Generic[A]):
    """Common behaviour of every tencentchat dynamic provider.

    Subclasses set ``kind``, ``Args``, ``replace_fields`` (identity: a change replaces),
    ``update_fields`` (changed in place) and implement the CRUD methods. Instances carry no
    state at all: they are pickled by reference into every resource's ``__provider``.
    Every subclass's create/update/delete drops the refresh listings (see ``_listings``).
    """

    kind: ClassVar[str]
    Args: ClassVar[type[BaseModel]]
    replace_fields: ClassVar[tuple[str, ...]] = ()
    update_fields: ClassVar[tuple[str, ...]] = ()
    WRITES: ClassVar[tuple[str, ...]] = ("create", "update", "delete")

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        for name in cls.WRITES:
            method = cls.__dict__.get(name)
            if method is not None and not getattr(method, "drops_listings", False):
                setattr(cls, name, _drops_listings(method))

    # -- configuration -------------------------------------------------------------------
    def configure(self, req: ConfigureRequest) -> None:
        _runtime.configure(req.config.get)

    @staticmethod
    def client():
        return _runtime.client()

    # -- check -----------------------------------------------------------------------------
    def check(self, _olds: dict[str, Any], news: dict[str, Any]) -> CheckResult:
        values: dict[str, Any] = {}
        failures: list[CheckFailure] = []
        for name, info in self.Args.model_fields.items():
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
                values[name] = self.to_wire(name, field_rule(self.Args, name)(raw))
            except (ValueError, TypeError) as exc:
                failures.append(CheckFailure(name, f"{name} {exc}"))
        known = {k: v for k, v in values.items() if not holds_unknown(v)}
        for name, reason in self.cross_check(known):
            failures.append(CheckFailure(name, f"{name} {reason}"))
        return CheckResult(values, failures)

    def check_partial(self, name: str, raw: Any) -> list[str]:
        """Problems in the known parts of a value that is partly unknown (e.g. a list)."""
        return []

    def cross_check(self, known: dict[str, Any]) -> list[tuple[str, str]]:
        """Rules spanning several fields; ``known`` holds only the known, valid values."""
        return []

    def to_wire(self, name: str, value: Any) -> Any:
        """How a validated value is stored in inputs/state (override for special forms)."""
        return value

    # -- models ---------------------------------------------------------------------------
    def args(self, props: dict[str, Any]) -> A:
        """Typed inputs from a property bag (state or checked inputs)."""
        fields = {k: props.get(k) for k in self.Args.model_fields if props.get(k) is not None}
        return self.Args.model_validate(fields)  # type: ignore[return-value]

    def comparable(self, name: str, value: Any) -> Any:
        """The form in which a field's old and new values are compared."""
        if value is None or is_unknown(value):
            return value
        try:
            return field_rule(self.Args, name)(value)
        except (ValueError, TypeError):
            return value

    # -- diff -----------------------------------------------------------------------------
    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        """Compare old state with new inputs (or, during refresh, the reverse).

        Unknown new values count as changes; ``__provider`` is ignored, so upgrading the
        package never causes a diff.
        """
        changed = [name for name in (*self.replace_fields, *self.update_fields)
                   if self.differs(name, olds, news)]
        replaces = [name for name in self.replace_fields if name in changed]
        return DiffResult(changes=bool(changed), replaces=replaces,
                          delete_before_replace=False)

    def differs(self, name: str, olds: dict[str, Any], news: dict[str, Any]) -> bool:
        new = news.get(name)
        if holds_unknown(new):
            return True
        default = self.Args.model_fields[name].get_default(call_default_factory=True)
        old_value = olds.get(name, default)
        new_value = default if new is None else new
        return self.comparable(name, old_value) != self.comparable(name, new_value)

    # -- errors ---------------------------------------------------------------------------
    def fail(self, ident: str, action: str, exc: BaseException) -> ProviderError:
        """An error for the engine naming the resource; never chained (no secret can leak)."""
        return ProviderError(f"tencentchat:{self.kind} {ident}: {action} failed: {exc}")


def known_inputs(model: BaseModel) -> dict[str, Any]:
    """A model as a property bag with Python (snake_case) names."""
    return model.model_dump()
