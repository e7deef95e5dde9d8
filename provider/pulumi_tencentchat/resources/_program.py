"""Program-side helpers: early validation of plain inputs in the resource constructors.

Runs in the user's program. Values that are Outputs (known only later) are left to the
provider's ``check``; plain values are validated here so a typo fails before any plan.
"""

from __future__ import annotations

import inspect
import threading
import weakref
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import pulumi
import pulumi.dynamic
from pydantic import BaseModel

from ._base import BaseProvider
from ._fields import field_rule, required_of


def is_plain(value: object) -> bool:
    """True when ``value`` is known now (not an Output, awaitable, or a list or mapping
    holding one)."""
    if isinstance(value, pulumi.Output) or inspect.isawaitable(value):
        return False
    if isinstance(value, (list, tuple)):
        return all(is_plain(item) for item in value)
    if isinstance(value, Mapping):
        return all(is_plain(key) and is_plain(item) for key, item in value.items())
    return True


def validate_plain(kind: str, resource_name: str, model: type[BaseModel],
                   props: dict[str, Any]) -> dict[str, Any]:
    """Normalise the plain values of ``props`` with the model's field rules.

    Raises ``ValueError`` naming the resource, the field and the rule.
    """
    out = dict(props)
    for name, value in props.items():
        if name not in model.model_fields or value is None or not is_plain(value):
            continue
        try:
            out[name] = field_rule(model, name)(value)
        except (ValueError, TypeError) as exc:
            raise ValueError(f"tencentchat:{kind} {resource_name!r}: {name} {exc}") from None
    return out


def merge_args(args: Any, kwargs: dict[str, Any],
               defaults: dict[str, Any] | None = None) -> dict[str, Any]:
    """Combine an optional ``…Args`` object with keyword arguments.

    A keyword left at its default does not override a value the ``args`` object sets.
    """
    defaults = defaults or {}
    merged = {k: v for k, v in vars(args).items() if v is not None} if args is not None else {}
    for key, value in kwargs.items():
        if value is None or (key in merged and key in defaults and value == defaults[key]):
            continue
        merged[key] = value
    for key, value in defaults.items():
        merged.setdefault(key, value)
    return merged


def prepare(provider: BaseProvider, resource_name: str, props: dict[str, Any],
            required: tuple[str, ...]) -> dict[str, Any]:
    """Program-side checks of a resource's inputs, in the order ``check`` applies them.

    Required fields, then each plain value's rule (normalising it), then the rules spanning
    several fields over the values known now. Raises ``ValueError`` naming resource and field.
    """
    kind = provider.kind
    for name in required:
        if props.get(name) is None:
            raise ValueError(f"tencentchat:{kind} {resource_name!r}: {name} is required")
    props = validate_plain(kind, resource_name, provider.Inputs, props)
    known = {k: v for k, v in props.items() if v is not None and is_plain(v)}
    for name, reason in provider.cross_check(known):
        raise ValueError(f"tencentchat:{kind} {resource_name!r}: {name} {reason}")
    return props


def resolve_now_or_later(value: Any, fn: Callable[[Any], Any]) -> Any:
    """``fn(value)`` now for a plain value, or an Output of it once ``value`` resolves."""
    return fn(value) if is_plain(value) else pulumi.Output.from_input(value).apply(fn)


def _keyword_defaults(cls: type[Any]) -> dict[str, Any]:
    """The constructor's keyword defaults that are values (not None): a keyword left at one
    must not override what an ``…Args`` object sets."""
    params = inspect.signature(cls.__init__).parameters.values()
    return {p.name: p.default for p in params if p.kind is p.KEYWORD_ONLY
            and p.name != "opts" and p.default not in (None, inspect.Parameter.empty)}


def construct(resource: Any, provider: BaseProvider, resource_name: str, args: Any,
              given: dict[str, Any], opts: pulumi.ResourceOptions | None, *,
              fill: Callable[[dict[str, Any]], dict[str, Any]] | None = None,
              adjust: Callable[[dict[str, Any]], dict[str, Any]] | None = None,
              ) -> dict[str, Any]:
    """What every resource constructor does, from its provider's field declarations.

    Merges the ``…Args`` object with the keywords, lets ``fill`` add derived inputs (an
    auto-name), checks required fields and the rules of known values (a ``ValueError`` naming
    resource and field), lets ``adjust`` wrap inputs, registers the resource with its
    output-only and derived fields declared, and returns the checked program-side values.
    """
    props = merge_args(args, given, _keyword_defaults(type(resource)))
    if fill is not None:
        props = fill(props)
    props = prepare(provider, resource_name, props, required_of(provider.Inputs))
    if adjust is not None:
        props = adjust(props)
    registered = {name: provider.to_state(name, value) if value is not None and is_plain(value)
                  else value for name, value in props.items()}
    registered.update({name: None for name in (*provider.outputs_only, *provider.derived)})
    pulumi.dynamic.Resource.__init__(resource, provider, resource_name, registered, opts)
    return props


def warn_undefined_bits(resource: pulumi.Resource, permission: Any, flags: Any,
                        scope: str) -> None:
    """Warn (on the resource, in the CLI) about permission bits Tencent does not define."""
    from ..permissions import describe_bits, undefined_bits

    if isinstance(permission, int) and undefined_bits(permission, flags):
        pulumi.log.warn(f"permission {describe_bits(permission, flags)} sets bits that Tencent "
                        f"does not define for {scope}; they are sent as given", resource=resource)


def read_existing(cls: type[Any], provider: BaseProvider, resource_name: str,
                  id: pulumi.Input[str], opts: pulumi.ResourceOptions | None) -> Any:
    """``cls.get``: a resource read by ID, whose outputs are the object's current values.

    The engine reads it with the ID and the program's (empty) inputs; the provider's ``read``
    fails naming the ID when no such object exists. Nothing is created, changed or deleted.
    """
    resource = cls.__new__(cls)
    outputs = {name: None for name in cls.__annotations__}
    read_opts = pulumi.ResourceOptions.merge(opts, pulumi.ResourceOptions(id=id))
    pulumi.dynamic.Resource.__init__(resource, provider, resource_name, outputs, read_opts)
    return resource


# Accounts declared per permission group in this program, to refuse two member lists that
# share an account: removing it from one would remove it from the server while the other
# still lists it. Keyed by the program's root resource (one per program run).
_declared_members: weakref.WeakKeyDictionary[Any, dict[tuple[Any, ...], dict[str, str]]] = (
    weakref.WeakKeyDictionary())
# The member lists of each permission group: name -> exclusive. An exclusive list removes every
# account it does not list, so it must be the group's only one.
_member_lists: weakref.WeakKeyDictionary[Any, dict[tuple[Any, ...], dict[str, bool]]] = (
    weakref.WeakKeyDictionary())
_members_lock = threading.Lock()


def _group_key(value: Any) -> Any:
    """A plain ID as itself; an Output by identity (``mods.permission_group_id`` is one
    object however often it is read, so two lists of one group meet here before it resolves)."""
    return value if is_plain(value) else ("output", id(value))


def _claim_accounts(resource_name: str, key: tuple[Any, ...], accounts: list[str],
                    exclusive: bool = False) -> None:
    from ..validation import listed

    root = pulumi.runtime.get_root_resource()
    with _members_lock:
        table = _declared_members.setdefault(root, {}) if root is not None else {}
        owners = table.setdefault(key, {})
        lists = (_member_lists.setdefault(root, {}) if root is not None else {}).setdefault(
            key, {})
        others = sorted(name for name in lists if name != resource_name)
        exclusive_one = resource_name if exclusive else next(
            (name for name in others if lists[name]), None)
        if others and exclusive_one is not None:
            other = next(n for n in others if n != exclusive_one) if exclusive else (
                exclusive_one)
            raise ValueError(
                f"tencentchat:PermissionGroupMembers {resource_name!r}: PermissionGroupMembers "
                f"{other!r} manages members of the same permission group, and "
                f"{exclusive_one!r} is exclusive: it removes every account it does not list, "
                "so it must be the group's only member list. Merge the lists, or drop "
                "exclusive.")
        lists[resource_name] = exclusive
        clash = sorted(a for a in set(accounts) if owners.get(a, resource_name) != resource_name)
        if clash:
            other = owners[clash[0]]
            raise ValueError(
                f"tencentchat:PermissionGroupMembers {resource_name!r}: members lists "
                f"{listed(clash)}, already listed by PermissionGroupMembers {other!r} of the same "
                "permission group. Each account must have one owner: removing it from one list "
                "would remove it from the server while the other still lists it. Keep each "
                "account in one PermissionGroupMembers resource.")
        for account in accounts:
            owners[account] = resource_name


def claim_members(resource_name: str, group_id: Any, permission_group_id: Any,
                  members: Any, *, exclusive: bool = False) -> Any:
    """Refuse accounts another PermissionGroupMembers of this program lists for the same
    permission group, and a second list of a group whose list is ``exclusive``. Known values
    are checked now; when an ID or the list is an Output, the check runs once it resolves and
    the members input waits for it (so a clash fails before the resource is registered).
    Returns the members input to register."""
    key = (_group_key(group_id), _group_key(permission_group_id))
    if is_plain(members):
        _claim_accounts(resource_name, key, list(members), exclusive)
        if is_plain(group_id) and is_plain(permission_group_id):
            return members

    def resolved(values: list[Any]) -> Any:
        group, pg, accounts = values
        if not is_plain(members) or (group, pg) != key:
            _claim_accounts(resource_name, (group, pg), list(accounts or []), exclusive)
        return accounts

    return pulumi.Output.all(group_id, permission_group_id, members).apply(resolved)


# Topics declared per permission group in this program, by TopicPermission and TopicPermissions
# resources: two declarations of one topic overwrite each other's permission on every `up`,
# and an exclusive TopicPermissions removes every topic it does not list. Reported as
# warnings naming both resources. Keyed like the member lists above.
@dataclass
class _GroupTopics:
    owners: dict[str, set[tuple[str, str]]] = field(default_factory=dict)
    exclusive: dict[tuple[str, str], set[str]] = field(default_factory=dict)


@dataclass
class _ProgramTopics:
    groups: dict[tuple[Any, ...], _GroupTopics] = field(default_factory=dict)
    #: Conflicts already reported (a group is seen under its Output and its resolved ID).
    warned: set[tuple[Any, ...]] = field(default_factory=set)


_declared_topics: weakref.WeakKeyDictionary[Any, _ProgramTopics] = weakref.WeakKeyDictionary()


def _named(who: tuple[str, str]) -> str:
    return f"{who[0]} {who[1]!r}"


def _claim_topics(resource: pulumi.Resource, who: tuple[str, str], key: tuple[Any, ...],
                  topics: Iterable[str], exclusive: bool) -> None:
    topics = [t for t in topics if isinstance(t, str)]
    pg = f"permission group {key[1]}" if isinstance(key[1], str) else "one permission group"
    root = pulumi.runtime.get_root_resource()
    found: list[tuple[tuple[Any, ...], str]] = []
    with _members_lock:
        program = (_declared_topics.setdefault(root, _ProgramTopics()) if root is not None
                   else _ProgramTopics())
        table = program.groups.setdefault(key, _GroupTopics())
        for topic in topics:
            for other in sorted(table.owners.get(topic, set()) - {who}):
                found.append(((frozenset((who, other)), topic), (
                    f"{_named(other)} and {_named(who)} both declare topic {topic} of "
                    f"{pg}: each overwrites the other's permission on every "
                    "`pulumi up`. Declare each topic in one resource.")))
            table.owners.setdefault(topic, set()).add(who)
        if exclusive:
            table.exclusive[who] = set(topics)
        for owner, listed in table.exclusive.items():
            for topic, others in table.owners.items():
                for other in sorted(others - {owner}):
                    if topic not in listed and who in (owner, other):
                        found.append(((owner, other, topic), (
                            f"{_named(owner)} is exclusive: it removes the permission of every "
                            f"topic of {pg} it does not list, and "
                            f"{_named(other)} declares topic {topic} there. List the topic in "
                            f"{_named(owner)} or drop exclusive.")))
        new = [(mark, text) for mark, text in found if mark not in program.warned]
        program.warned.update(mark for mark, _ in new)
    for _mark, text in new:
        pulumi.log.warn(text, resource=resource)


def claim_topics(resource: pulumi.Resource, kind: str, resource_name: str, group_id: Any,
                 permission_group_id: Any, topics: Any, exclusive: Any = False) -> None:
    """Warn when another TopicPermission(s) of this program declares one of ``topics`` (a list
    or mapping of topic IDs, or an Output of one) for the same permission group, or when an
    exclusive TopicPermissions of that group does not list one. Known values are compared now;
    Outputs once they resolve."""
    who = (kind, resource_name)
    flag = exclusive is True
    if topics is None:
        return
    key = (_group_key(group_id), _group_key(permission_group_id))
    if is_plain(topics):
        listed = [topics] if isinstance(topics, str) else list(topics)
        _claim_topics(resource, who, key, listed, flag)
        if is_plain(group_id) and is_plain(permission_group_id):
            return

    def resolved(values: list[Any]) -> None:
        group, pg, declared = values
        listed = [declared] if isinstance(declared, str) else list(declared or [])
        _claim_topics(resource, who, (group, pg), listed, flag)

    pulumi.Output.all(group_id, permission_group_id, topics).apply(resolved)
