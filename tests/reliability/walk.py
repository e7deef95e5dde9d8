"""The reliability walk's stack, a user who reruns ``pulumi up`` after a failure, and an auditor.

Used by ``test_nothing_lost.py``. Deployments go through the engine-ordered replay in
``tests/support/engine.py`` (a fresh plugin process per command, the engine's step order,
pending deletes at the end of the next deployment, delete-before-replace with dependents,
forced replacements without Diff); ``Engine`` here only counts what the replay did.

The auditor lists the emulator's real objects with faults off and compares them with the
recorded state and with the program: duplicates (two server objects for one resource),
orphans (server objects no recorded resource owns) and mismatches (values differing between
state, program and server; deleted objects still present; recorded objects missing; pending
deletes or replacements left after a deployment succeeded).
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from typing import Any

import pulumi
from pulumi_tencentchat import (
    CommunityPermissionSettings,
    PermissionGroup,
    PermissionGroupMembers,
    Topic,
    TopicPermission,
    TopicPermissions,
)
from pulumi_tencentchat.client import TencentChatClient
from pulumi_tencentchat.naming import auto_name, auto_topic_id

from tests.protocol.conftest import MEMBERS_TYPE, PG_TYPE, TP_TYPE
from tests.support.engine import DeploymentFailed, Outcome, ResourceState, Stack
from tests.support.plugin import DEFAULT_PROJECT, DEFAULT_STACK, PluginCallError

TOPIC_TYPE = "pulumi-python:dynamic/tencentchat:Topic"
TPS_TYPE = "pulumi-python:dynamic/tencentchat:TopicPermissions"
SETTINGS_TYPE = "pulumi-python:dynamic/tencentchat:CommunityPermissionSettings"

# -- the program ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class PGSpec:
    """A declared PermissionGroup; ``pg_id`` None means auto-named by the program."""

    name: str
    pg_id: str | None
    title: str
    permission: int
    custom_string: str
    #: ``adopt_existing``: set by the user after a create of theirs was lost beyond retries.
    adopt: bool = False
    stack: str = DEFAULT_STACK

    @property
    def resolved_id(self) -> str:
        return self.pg_id or auto_name(DEFAULT_PROJECT, self.stack, self.name)


@dataclass(frozen=True)
class TPSpec:
    """A declared TopicPermission of the permission group resource ``pg``."""

    name: str
    pg: str
    topic_id: str
    permission: int
    #: A resource leaving this slot in the same deployment: this one waits for it, as the
    #: README advises (the engine orders independent resources as it likes, and a slot still
    #: held by another stack's object is refused, not taken).
    after: str | None = None
    adopt: bool = False


@dataclass(frozen=True)
class TPSSpec:
    """A declared TopicPermissions of the permission group resource ``pg``: (topic, bits)
    pairs. An exclusive one is its group's only topic-permission resource."""

    name: str
    pg: str
    permissions: tuple[tuple[str, int], ...]
    exclusive: bool = False

    @property
    def topics(self) -> set[str]:
        return {t for t, _ in self.permissions}


@dataclass(frozen=True)
class MembersSpec:
    """A declared PermissionGroupMembers of the permission group resource ``pg``."""

    name: str
    pg: str
    members: tuple[str, ...]
    exclusive: bool = False


@dataclass(frozen=True)
class TopicSpec:
    """A declared Topic; ``topic_id`` None means auto-named by the program."""

    name: str
    topic_id: str | None
    topic_name: str
    introduction: str
    stack: str = DEFAULT_STACK

    def resolved_id(self, group_id: str) -> str:
        return self.topic_id or auto_topic_id(group_id, DEFAULT_PROJECT, self.stack, self.name)


@dataclass(frozen=True)
class SettingsSpec:
    """The declared CommunityPermissionSettings of the community."""

    name: str
    default_permission: int
    enable: bool


Spec = PGSpec | TPSpec | TPSSpec | MembersSpec | TopicSpec | SettingsSpec


@dataclass
class Program:
    """What the user's program declares: permission groups first, then what refers to them."""

    group_id: str
    pgs: dict[str, PGSpec] = field(default_factory=dict)
    tps: dict[str, TPSpec] = field(default_factory=dict)
    members: dict[str, MembersSpec] = field(default_factory=dict)
    topics: dict[str, TopicSpec] = field(default_factory=dict)
    settings: SettingsSpec | None = None
    tpss: dict[str, TPSSpec] = field(default_factory=dict)

    def copy(self) -> Program:
        return Program(self.group_id, dict(self.pgs), dict(self.tps), dict(self.members),
                       dict(self.topics), self.settings, dict(self.tpss))

    def specs(self) -> list[Spec]:
        return [*self.pgs.values(), *self.tps.values(), *self.tpss.values(),
                *self.members.values(), *self.topics.values(),
                *([self.settings] if self.settings else [])]

    def run(self) -> None:
        """The Pulumi program: dependents take their permission group's output ID."""
        if self.settings is not None:
            CommunityPermissionSettings(
                self.settings.name, group_id=self.group_id,
                default_permission=self.settings.default_permission,
                enable_permission_groups=self.settings.enable)
        for t in self.topics.values():
            Topic(t.name, group_id=self.group_id, topic_id=t.topic_id, topic_name=t.topic_name,
                  introduction=t.introduction)
        made: dict[str, PermissionGroup] = {}
        for s in self.pgs.values():
            made[s.name] = PermissionGroup(
                s.name, group_id=self.group_id, permission_group_id=s.pg_id, name=s.title,
                permission=s.permission, custom_string=s.custom_string or None,
                adopt_existing=s.adopt)
        tps: dict[str, TopicPermission] = {}
        for t in self.tps.values():
            waits = [tps[t.after]] if t.after in tps else []
            tps[t.name] = TopicPermission(
                t.name, group_id=self.group_id, permission_group_id=made[t.pg].permission_group_id,
                topic_id=t.topic_id, permission=t.permission, adopt_existing=t.adopt,
                opts=pulumi.ResourceOptions(depends_on=waits) if waits else None)
        for s in self.tpss.values():
            TopicPermissions(s.name, group_id=self.group_id,
                             permission_group_id=made[s.pg].permission_group_id,
                             permissions=dict(s.permissions), exclusive=s.exclusive)
        for m in self.members.values():
            PermissionGroupMembers(m.name, group_id=self.group_id,
                                   permission_group_id=made[m.pg].permission_group_id,
                                   members=list(m.members), exclusive=m.exclusive)


# -- the engine -----------------------------------------------------------------------------------


class CheckRejected(AssertionError):
    """A deployment failed for a reason other than a provider call (a bug in the walk)."""


@dataclass
class Engine:
    """The walk's stack: the replayed engine plus counts of what it did."""

    stack: Stack
    ops: Counter[str] = field(default_factory=Counter)
    failed_ops: Counter[str] = field(default_factory=Counter)
    #: (type, id) of objects a successful provider Delete removed (since any create).
    deleted: set[tuple[str, str]] = field(default_factory=set)
    #: Refresh Diffs that reported a change although nothing changed out of band.
    drift: list[str] = field(default_factory=list)

    def _run(self, command: Callable[[], Outcome]) -> Outcome:
        try:
            outcome = command()
        except DeploymentFailed as failed:
            self._count(self.stack.last)
            if not isinstance(failed.error, (PluginCallError, DeploymentFailed)):
                raise CheckRejected(str(failed.error)) from failed
            raise
        self._count(outcome)
        return outcome

    def _count(self, outcome: Outcome) -> None:
        self.ops.update(m for m, _urn in outcome.calls if m in OPS)
        self.failed_ops.update(m for m, _urn in outcome.failed if m in OPS)
        for kind, rid in outcome.deleted:
            self.deleted.add((kind, rid))
        for r in self.stack.snapshot.live():
            self.deleted.discard((r.type, r.id))

    def up(self, program: Program, replace: Iterable[str] = ()) -> None:
        """One ``pulumi up``; raises DeploymentFailed when a step failed (state as recorded)."""
        self._run(lambda: self.stack.up(program.run, replace=replace))

    def refresh(self) -> None:
        outcome = self._run(self.stack.refresh)
        self.drift += [f"refresh of {name} reported drift with no change"
                       for name in outcome.drift]

    def destroy(self) -> None:
        self._run(self.stack.destroy)

    @property
    def state(self) -> dict[str, ResourceState]:
        return {r.urn: r for r in self.stack.snapshot.live()}

    @property
    def pending(self) -> list[ResourceState]:
        return [r for r in self.stack.snapshot.resources if r.delete or r.pending_replacement]

    @property
    def total_ops(self) -> int:
        return sum(self.ops.values())


OPS = ("create", "update", "delete", "read")
UNSEEN_BOOST = 4


# -- the random walk ------------------------------------------------------------------------------


@dataclass
class Walker:
    """Seeded changes to the program, as a user editing it between deployments would make."""

    rng: random.Random
    group_id: str
    topics: tuple[str, ...]
    accounts: tuple[str, ...]
    pg_names: tuple[str, ...] = tuple(f"pg{i}" for i in range(7))
    max_pgs: int = 5
    stack: str = DEFAULT_STACK
    #: Custom IDs another stack uses now (``steal`` declares one of them here).
    others: Callable[[], list[str]] = lambda: []
    #: Whether this stack declares the community's settings (one stack may).
    manages_settings: bool = False
    topic_names: tuple[str, ...] = ("lounge", "help", "dev")
    _serial: int = 0
    #: Topic-permission slots (pg, topic) left in the current step. Only a ``slot_reuse``
    #: newcomer, which waits for the resource leaving, takes one in the same deployment.
    _freed: set[tuple[str, str]] = field(default_factory=set)
    #: Changes made so far: one not made yet weighs ``UNSEEN_BOOST`` times more, so every kind
    #: shows up in a short walk whatever the seed.
    seen: Counter[str] = field(default_factory=Counter)

    def _next(self) -> int:
        self._serial += 1
        return self._serial

    def _members(self) -> tuple[str, ...]:
        return tuple(self.rng.sample(self.accounts, self.rng.randint(1, 4)))

    def _custom_id(self, name: str) -> str:
        prefix = "" if self.stack == DEFAULT_STACK else f"{self.stack}_"
        return f"@PMG#_{prefix}{name}_v{self._next()}"

    def begin_step(self) -> None:
        """Start a new deployment's worth of changes."""
        self._freed.clear()

    def _free_pairs(self, p: Program) -> list[tuple[str, str]]:
        """Slots a TopicPermission may take now (none in a group with an exclusive mapping)."""
        used = ({(t.pg, t.topic_id) for t in p.tps.values()} | self._freed
                | {(s.pg, t) for s in p.tpss.values() for t in s.topics})
        closed = {s.pg for s in p.tpss.values() if s.exclusive}
        return [(pg, topic) for pg in p.pgs if pg not in closed for topic in self.topics
                if (pg, topic) not in used]

    def _free_topics(self, p: Program, pg: str, spec: TPSSpec | None = None) -> list[str]:
        """Topics of ``pg`` that ``spec`` (or a new TopicPermissions) may add now."""
        used = ({t.topic_id for t in p.tps.values() if t.pg == pg}
                | {t for g, t in self._freed if g == pg}
                | {t for s in p.tpss.values() if s.pg == pg for t in s.topics})
        return [t for t in self.topics if t not in used]

    def _may_be_exclusive(self, p: Program, pg: str) -> bool:
        """No TopicPermission uses ``pg``, nor leaves it in this step."""
        return not any(t.pg == pg for t in p.tps.values()) and not any(
            g == pg for g, _ in self._freed)

    def _pgs_for_tps(self, p: Program, exclusive: bool = False) -> list[str]:
        """Permission groups a new TopicPermissions may map (one mapping per group)."""
        taken = {s.pg for s in p.tpss.values()}
        return [pg for pg in p.pgs if pg not in taken and self._free_topics(p, pg)
                and (not exclusive or self._may_be_exclusive(p, pg))]

    def _leave(self, p: Program, gone: Iterable[TPSpec]) -> None:
        """TPs removed from the program: their slots are freed, and a newcomer that waited
        for one of them is dropped too (deletes run at the end of a deployment: a newcomer
        cannot wait for them; a user splits that into two deployments)."""
        names = set()
        for t in gone:
            self._freed.add((t.pg, t.topic_id))
            names.add(t.name)
        waiting = [t for t in p.tps.values() if t.after in names]
        for t in waiting:
            del p.tps[t.name]
        if waiting:
            self._leave(p, waiting)

    def _pgs_without_members(self, p: Program) -> list[str]:
        taken = {m.pg for m in p.members.values()}
        return [pg for pg in p.pgs if pg not in taken]

    def mutate(self, p: Program) -> str:
        """Apply one random change to ``p``; return its name."""
        r = self.rng
        free_names = [n for n in self.pg_names if n not in p.pgs]
        choices: list[tuple[str, int]] = []
        if len(p.pgs) < self.max_pgs and free_names:
            choices.append(("pg_create", 6 if len(p.pgs) < 3 else 3))
        if p.pgs:
            choices += [("pg_update", 4), ("pg_replace", 2), ("pg_delete", 2)]
        if self._free_pairs(p):
            choices.append(("tp_create", 4))
        if p.tps:
            choices += [("tp_update", 3), ("tp_replace", 2), ("tp_delete", 2)]
        if self._pgs_without_members(p):
            choices.append(("members_create", 3))
        if p.members:
            choices += [("members_update", 4), ("members_delete", 1)]
            if self._pgs_without_members(p):
                choices += [("members_replace", 1), ("slot_reuse", 1)]
        if p.tps and self._free_pairs(p):
            choices.append(("slot_reuse", 2))
        if self._pgs_for_tps(p):
            choices.append(("tps_create", 4))
        if p.tpss:
            choices += [("tps_update", 4), ("tps_replace", 1), ("tps_delete", 1)]
            if any(s.exclusive or self._may_be_exclusive(p, s.pg) for s in p.tpss.values()):
                choices.append(("tps_exclusive", 2))
        if p.members:
            choices.append(("members_exclusive", 1))
        if len(p.topics) < len(self.topic_names):
            choices.append(("topic_create", 1))
        if p.topics:
            choices += [("topic_update", 1), ("topic_replace", 1), ("topic_delete", 1)]
        if self.manages_settings:
            choices.append(("settings_set", 1))
            if p.settings is not None:
                choices.append(("settings_delete", 1))
        kinds, weights = zip(*[(k, w * (UNSEEN_BOOST if not self.seen[k] else 1))
                               for k, w in choices], strict=True)
        kind = r.choices(kinds, weights)[0]
        self.seen[kind] += 1
        getattr(self, kind)(p)
        return kind

    # permission groups
    def pg_create(self, p: Program) -> None:
        name = self.rng.choice([n for n in self.pg_names if n not in p.pgs])
        custom = self._custom_id(name) if self.rng.random() < 0.5 else None
        p.pgs[name] = PGSpec(name, custom, f"{name} team {self._next()}",
                             self.rng.randrange(2048), self.rng.choice(["", f"cs{self._next()}"]),
                             stack=self.stack)

    def pg_update(self, p: Program) -> None:
        s = p.pgs[self.rng.choice(list(p.pgs))]
        fields = self.rng.sample(["title", "permission", "custom_string"], self.rng.randint(1, 3))
        new = {"title": f"{s.name} renamed {self._next()}",
               "permission": self.rng.randrange(2048),
               "custom_string": self.rng.choice(["", f"cs{self._next()}"])}
        p.pgs[s.name] = replace(s, **{f: new[f] for f in fields})

    def pg_replace(self, p: Program) -> None:
        s = p.pgs[self.rng.choice(list(p.pgs))]
        new_id = None if s.pg_id and self.rng.random() < 0.3 else self._custom_id(s.name)
        p.pgs[s.name] = replace(s, pg_id=new_id)

    def pg_delete(self, p: Program) -> None:
        name = self.rng.choice(list(p.pgs))
        del p.pgs[name]
        gone = [t for t in p.tps.values() if t.pg == name]
        p.tps = {k: t for k, t in p.tps.items() if t.pg != name}
        self._leave(p, gone)
        p.members = {k: m for k, m in p.members.items() if m.pg != name}
        for spec in [s for s in p.tpss.values() if s.pg == name]:
            self._freed.update((name, t) for t in spec.topics)
            del p.tpss[spec.name]

    # topic permissions
    def tp_create(self, p: Program) -> None:
        pg, topic = self.rng.choice(self._free_pairs(p))
        name = f"tp{self._next()}"
        p.tps[name] = TPSpec(name, pg, topic, self.rng.randrange(128))

    def tp_update(self, p: Program) -> None:
        t = p.tps[self.rng.choice(list(p.tps))]
        p.tps[t.name] = replace(t, permission=(t.permission + self.rng.randrange(1, 128)) % 128)

    def tp_replace(self, p: Program) -> None:
        t = p.tps[self.rng.choice(list(p.tps))]
        pairs = self._free_pairs(p)
        if not pairs:
            return
        pg, topic = self.rng.choice(pairs)
        self._freed.add((t.pg, t.topic_id))
        p.tps[t.name] = replace(t, pg=pg, topic_id=topic)

    def tp_delete(self, p: Program) -> None:
        self._leave(p, [p.tps.pop(self.rng.choice(list(p.tps)))])

    # topic permissions as one mapping per group
    def _bits(self, topics: Iterable[str]) -> tuple[tuple[str, int], ...]:
        return tuple((t, self.rng.randrange(128)) for t in topics)

    def tps_create(self, p: Program) -> None:
        exclusive = self.rng.random() < 0.4 and bool(self._pgs_for_tps(p, exclusive=True))
        pg = self.rng.choice(self._pgs_for_tps(p, exclusive))
        free = self._free_topics(p, pg)
        name = f"tps{self._next()}"
        p.tpss[name] = TPSSpec(name, pg, self._bits(
            self.rng.sample(free, self.rng.randint(1, len(free)))), exclusive)

    def tps_update(self, p: Program) -> None:
        """Bits up and down in some topics, maybe a topic more or less."""
        s = p.tpss[self.rng.choice(list(p.tpss))]
        perms = dict(s.permissions)
        for topic in perms:
            if self.rng.random() < 0.7:
                perms[topic] = self.rng.randrange(128)
        free = self._free_topics(p, s.pg)
        if free and self.rng.random() < 0.4:
            perms[self.rng.choice(free)] = self.rng.randrange(128)
        if len(perms) > 1 and self.rng.random() < 0.3:
            gone = self.rng.choice(list(perms))
            del perms[gone]
            self._freed.add((s.pg, gone))
        if perms == dict(s.permissions):
            topic = self.rng.choice(list(perms))
            perms[topic] = (perms[topic] + self.rng.randrange(1, 128)) % 128
        p.tpss[s.name] = replace(s, permissions=tuple(perms.items()))

    def tps_exclusive(self, p: Program) -> None:
        s = p.tpss[self.rng.choice([n for n, s in p.tpss.items()
                                    if s.exclusive or self._may_be_exclusive(p, s.pg)])]
        p.tpss[s.name] = replace(s, exclusive=not s.exclusive)

    def tps_replace(self, p: Program) -> None:
        """To another permission group (a replacement)."""
        s = p.tpss[self.rng.choice(list(p.tpss))]
        targets = self._pgs_for_tps(p, s.exclusive)
        if not targets:
            return
        pg = self.rng.choice(targets)
        free = self._free_topics(p, pg)
        self._freed.update((s.pg, t) for t in s.topics)
        p.tpss[s.name] = replace(s, pg=pg, permissions=self._bits(
            self.rng.sample(free, self.rng.randint(1, len(free)))))

    def tps_delete(self, p: Program) -> None:
        s = p.tpss.pop(self.rng.choice(list(p.tpss)))
        self._freed.update((s.pg, t) for t in s.topics)

    # members
    def members_exclusive(self, p: Program) -> None:
        m = p.members[self.rng.choice(list(p.members))]
        p.members[m.name] = replace(m, exclusive=not m.exclusive)

    def members_create(self, p: Program) -> None:
        pg = self.rng.choice(self._pgs_without_members(p))
        name = f"members{self._next()}"
        p.members[name] = MembersSpec(name, pg, self._members())

    def members_update(self, p: Program) -> None:
        m = p.members[self.rng.choice(list(p.members))]
        kept = [a for a in m.members if self.rng.random() < 0.6]
        added = [a for a in self.rng.sample(self.accounts, 3) if a not in m.members]
        members = tuple(kept + added) or self._members()
        p.members[m.name] = replace(m, members=members)

    def members_replace(self, p: Program) -> None:
        m = p.members[self.rng.choice(list(p.members))]
        p.members[m.name] = replace(m, pg=self.rng.choice(self._pgs_without_members(p)))

    def members_delete(self, p: Program) -> None:
        p.members.pop(self.rng.choice(list(p.members)))

    # managed topics and the community's settings
    def _topic_id(self, name: str) -> str | None:
        if self.rng.random() < 0.5:
            return None
        return f"{self.group_id}@TOPIC#_{self.stack}_{name}_v{self._next()}"

    def topic_create(self, p: Program) -> None:
        name = self.rng.choice([n for n in self.topic_names if n not in p.topics])
        p.topics[name] = TopicSpec(name, self._topic_id(name), f"{name} {self._next()}"[:30],
                                   f"about {name}", stack=self.stack)

    def topic_update(self, p: Program) -> None:
        t = p.topics[self.rng.choice(list(p.topics))]
        if self.rng.random() < 0.5:
            p.topics[t.name] = replace(t, introduction=f"about {t.name} {self._next()}")
        else:
            p.topics[t.name] = replace(t, topic_name=f"{t.name} {self._next()}"[:30])

    def topic_replace(self, p: Program) -> None:
        t = p.topics[self.rng.choice(list(p.topics))]
        p.topics[t.name] = replace(t, topic_id=self._topic_id(t.name) if t.topic_id is None
                                   else None)

    def topic_delete(self, p: Program) -> None:
        del p.topics[self.rng.choice(list(p.topics))]

    def settings_set(self, p: Program) -> None:
        enable = self.rng.random() < 0.8
        p.settings = SettingsSpec("community-settings",
                                  self.rng.randrange(2048) if enable else 0, enable)

    def settings_delete(self, p: Program) -> None:
        p.settings = None

    # reuse of a freed slot in the same deployment
    def slot_reuse(self, p: Program) -> None:
        """One resource leaves its object's slot and a new resource takes it, in one ``up``.

        The engine deletes the leaving resource's object (delete-before-replace) while it
        creates the newcomer's, in either order; the newcomer must end up owning the object.
        """
        pairs = self._free_pairs(p)
        members_can = bool(p.members and self._pgs_without_members(p))
        if p.tps and pairs and (not members_can or self.rng.random() < 0.6):
            t = p.tps[self.rng.choice(list(p.tps))]
            pg, topic = self.rng.choice(pairs)
            p.tps[t.name] = replace(t, pg=pg, topic_id=topic)
            name = f"tp{self._next()}"
            p.tps[name] = TPSpec(name, t.pg, t.topic_id, self.rng.randrange(128), after=t.name)
            return
        m = p.members[self.rng.choice(list(p.members))]
        p.members[m.name] = replace(m, pg=self.rng.choice(self._pgs_without_members(p)))
        name = f"members{self._next()}"
        # Without repeats, in a fixed order: a set's order follows the string hash seed, and
        # ``members_update`` draws for each account in this order, so a seed (the walk's
        # replay key) would not replay the same walk in another process.
        p.members[name] = MembersSpec(name, m.pg, tuple(
            dict.fromkeys([*m.members[:1], *self.rng.sample(self.accounts, 2)])))

    def identity_change(self, p: Program) -> str | None:
        """Change one resource's identity (a replacement); the command that creates the new
        object, or None when nothing can change."""
        if p.pgs and (not p.tps or not self._free_pairs(p) or self.rng.random() < 0.5):
            self.pg_replace(p)
            return "create_permission_group"
        if p.tps and self._free_pairs(p):
            self.tp_replace(p)
            return "add_topic_permission_group"
        return None

    def steal(self, p: Program) -> bool:
        """Declare a permission group with a custom ID another stack uses (same program, two
        stacks): the create must be refused, the other stack's group untouched."""
        victims = [i for i in self.others() if i not in {s.pg_id for s in p.pgs.values()}]
        free = [n for n in self.pg_names if n not in p.pgs]
        if not victims or not free or len(p.pgs) >= self.max_pgs:
            return False
        name = self.rng.choice(free)
        p.pgs[name] = PGSpec(name, self.rng.choice(victims), f"{name} thief {self._next()}",
                             self.rng.randrange(2048), "", stack=self.stack)
        return True

    def renamed_after_refusal(self, p: Program, pg_id: str) -> bool:
        """The user's answer to "another stack may own it" for an ID that is not theirs: pick
        another ID (never adopt someone else's object)."""
        for s in list(p.pgs.values()):
            if s.pg_id == pg_id:
                p.pgs[s.name] = replace(s, pg_id=self._custom_id(s.name))
                return True
        return False

    def adopted_after_loss(self, p: Program, text: str) -> bool:
        """The user's answer to "another stack may own it" for their own object whose create
        was lost beyond retries (the walk knows its own IDs): adopt it."""
        for s in list(p.pgs.values()):
            if s.pg_id and f"permission group {s.pg_id} already exists" in text:
                p.pgs[s.name] = replace(s, adopt=True)
                return True
        for t in list(p.tps.values()):
            pg = p.pgs[t.pg].resolved_id
            if f"permission group {pg} already has a permission for topic {t.topic_id}" in text:
                p.tps[t.name] = replace(t, adopt=True)
                return True
        for s in list(p.tpss.values()):
            pg = p.pgs[s.pg].resolved_id
            if any(f"permission group {pg} already has a permission for topic {t}" in text
                   for t in s.topics) and self._may_be_exclusive(p, s.pg):
                p.tpss[s.name] = replace(s, exclusive=True)  # owns the group's topics
                return True
        return False

    def leftovers(self, p: Program, text: str) -> list[tuple[str, str]]:
        """The user's answer to "already has a permission" for their own topics, left by a
        failed run of a mapping that cannot become exclusive: (group, topic) to remove in the
        console, as the error advises."""
        for s in p.tpss.values():
            pg = p.pgs[s.pg].resolved_id
            if f"permission group {pg} already has a permission for " in text:
                return [(pg, t) for t in s.topics if f"topic {t}:" in text]
        return []

    def forced_target(self, p: Program) -> str:
        """A resource to replace with ``pulumi up --replace``."""
        return self.rng.choice([s.name for s in p.specs()])


# -- the audit ------------------------------------------------------------------------------------


@dataclass
class Findings:
    duplicates: list[str] = field(default_factory=list)
    orphans: list[str] = field(default_factory=list)
    mismatches: list[str] = field(default_factory=list)

    def extend(self, other: Findings) -> None:
        self.duplicates += other.duplicates
        self.orphans += other.orphans
        self.mismatches += other.mismatches

    def __bool__(self) -> bool:
        return bool(self.duplicates or self.orphans or self.mismatches)


def _int(value: Any) -> int:
    """A permission as stored in state (a float, or a decimal string above 2**53)."""
    return int(value) if isinstance(value, str) else int(float(value))


def _repeated(values: Iterable[str]) -> list[str]:
    return sorted(k for k, n in Counter(values).items() if n > 1)


@dataclass
class Server:
    """The emulator's real objects in one community, listed with faults off."""

    pgs: dict[str, Any]
    tps: dict[tuple[str, str], int]
    members: set[tuple[str, str]]
    repeats: list[str]
    #: Topics the program may manage (fixture topics left out): ID -> (name, introduction).
    topics: dict[str, tuple[str, str]] = field(default_factory=dict)
    #: The community's (switch, default permission).
    settings: tuple[bool, int] = (False, 0)

    @classmethod
    def read(cls, raw: TencentChatClient, group_id: str,
             fixtures: Iterable[str] = ()) -> Server:
        listing = [p for p in raw.iter_permission_groups(group_id) if p.ok]
        repeats = [f"permission group {i} listed twice"
                   for i in _repeated(p.permission_group_id for p in listing)]
        pgs = {p.permission_group_id: p for p in listing}
        tps: dict[tuple[str, str], int] = {}
        members: set[tuple[str, str]] = set()
        for pg_id in pgs:
            items = [i for i in raw.get_topic_permissions(group_id, pg_id).items if i.ok]
            repeats += [f"topic permission {pg_id}/{t} listed twice"
                        for t in _repeated(i.topic_id for i in items)]
            tps.update({(pg_id, i.topic_id): int(i.permission or 0) for i in items})
            accounts = list(raw.iter_permission_group_members(group_id, pg_id))
            repeats += [f"member {a} of {pg_id} listed twice" for a in _repeated(accounts)]
            members.update((pg_id, a) for a in accounts)
        fixed = set(fixtures)
        topics = {t.topic_id: (t.topic_name, t.introduction)
                  for t in raw.get_topics(group_id).items if t.ok and t.topic_id not in fixed}
        info = raw.get_group_info([group_id]).items[0]
        settings = (info.enable_permission == 1, int(info.default_permission or 0))
        return cls(pgs, tps, members, repeats, topics, settings)


def audit(engine: Engine | list[tuple[Engine, Program]], program: Program | None = None,
          server: Server | None = None, *, member_counts: bool | Engine = False,
          baseline: tuple[bool, int] = (False, 0)) -> Findings:
    """Compare recorded state with the server, and with the program the last ``up`` applied.

    ``engine`` may be a list of (engine, program) pairs: stacks sharing the community, whose
    states together must account for every server object, none of them twice.
    ``member_counts``: also compare each group's recorded ``member_count`` (right after a
    refresh, when it was just read; an Engine: only that stack's, the one refreshed).
    ``baseline``: the community's settings before any stack managed them (what must be back
    when no stack declares them).
    """
    stacks = engine if isinstance(engine, list) else [(engine, program)]
    counted = {id(r) for one, _prog in stacks for r in one.state.values()
               if member_counts is True or member_counts is one}
    assert server is not None
    f = Findings(duplicates=list(server.repeats))
    for one, _prog in stacks:
        f.mismatches += one.drift
        one.drift.clear()
        f.mismatches += [f"{r.urn} ({r.id}) still pending deletion" for r in one.pending]

    rec_pgs: dict[str, ResourceState] = {}
    rec_tps: dict[tuple[str, str], ResourceState] = {}
    rec_tp_bits: dict[tuple[str, str], Any] = {}
    rec_members: dict[tuple[str, str], ResourceState] = {}
    rec_topics: dict[str, ResourceState] = {}
    rec_settings: dict[str, ResourceState] = {}
    deleted = set().union(*(one.deleted for one, _prog in stacks))
    for r in [r for one, _prog in stacks for r in one.state.values()]:
        o = r.outputs
        if r.type in (TOPIC_TYPE, SETTINGS_TYPE):
            owners = rec_topics if r.type == TOPIC_TYPE else rec_settings
            keys = [o.get("topic_id") if r.type == TOPIC_TYPE else o.get("group_id")]
        elif r.type == PG_TYPE:
            key: Any = o.get("permission_group_id")
            owners: dict[Any, ResourceState] = rec_pgs
            keys = [key]
        elif r.type == TP_TYPE:
            keys = [(o.get("permission_group_id"), o.get("topic_id"))]
            owners = rec_tps
            rec_tp_bits[keys[0]] = o.get("permission")
        elif r.type == TPS_TYPE:
            mapping = o.get("permissions") or {}
            keys = [(o.get("permission_group_id"), t) for t in mapping]
            owners = rec_tps
            rec_tp_bits.update({(o.get("permission_group_id"), t): b for t, b in mapping.items()})
        else:
            keys = [(o.get("permission_group_id"), a) for a in o.get("members") or []]
            owners = rec_members
        for key in keys:
            if key in owners:
                f.duplicates.append(f"{key} recorded by both {owners[key].urn} and {r.urn}")
            owners[key] = r

    # Recorded resources against the server.
    for pg_id, r in rec_pgs.items():
        item = server.pgs.get(pg_id)
        if item is None:
            f.mismatches.append(f"{r.urn}: recorded {pg_id} is not on the server")
            continue
        got = (item.name, item.permission, item.custom_string or "")
        want = (r.outputs.get("name"), _int(r.outputs.get("permission")),
                r.outputs.get("custom_string") or "")
        if got != want:
            f.mismatches.append(f"{r.urn}: recorded {want}, server has {got}")
        if id(r) in counted and _int(r.outputs.get("member_count") or 0) != (
                item.member_count or 0):
            f.mismatches.append(f"{r.urn}: recorded member_count {r.outputs.get('member_count')}, "
                                f"server has {item.member_count}")
    for key, r in rec_tps.items():
        if key not in server.tps:
            f.mismatches.append(f"{r.urn}: recorded topic permission {key} is not on the server")
        elif server.tps[key] != _int(rec_tp_bits[key]):
            f.mismatches.append(f"{r.urn}: recorded permission {rec_tp_bits[key]} for {key}, "
                                f"server has {server.tps[key]}")
    for key, r in rec_members.items():
        if key not in server.members:
            f.mismatches.append(f"{r.urn}: recorded member {key} is not on the server")
    for topic_id, r in rec_topics.items():
        want_topic = (r.outputs.get("topic_name"), r.outputs.get("introduction") or "")
        if server.topics.get(topic_id) != want_topic:
            f.mismatches.append(f"{r.urn}: recorded topic {topic_id} {want_topic}, server has "
                                f"{server.topics.get(topic_id)}")
    for topic_id, got_topic in server.topics.items():
        if topic_id not in rec_topics:
            f.orphans.append(f"topic {topic_id} {got_topic} is owned by no resource")
    for r in rec_settings.values():
        enabled = bool(r.outputs.get("enable_permission_groups"))
        want_settings = (enabled, _int(r.outputs.get("default_permission")))
        if enabled and server.settings != want_settings or server.settings[0] != enabled:
            f.mismatches.append(f"{r.urn}: recorded settings {want_settings}, server has "
                                f"{server.settings}")
    if not rec_settings and server.settings != baseline:
        f.mismatches.append(f"no stack declares the settings, yet they are {server.settings}, "
                            f"not the {baseline} they were before")

    # Server objects nobody records.
    declared_pg_values = {(s.title, s.permission, s.custom_string)
                          for _one, prog in stacks for s in prog.pgs.values()}
    group_id = stacks[0][1].group_id
    for pg_id, item in server.pgs.items():
        if pg_id in rec_pgs:
            continue
        if (PG_TYPE, f"{group_id}/{pg_id}") in deleted:
            f.mismatches.append(f"deleted permission group {pg_id} is still on the server")
        elif (item.name, item.permission, item.custom_string or "") in declared_pg_values:
            f.duplicates.append(f"permission group {pg_id} duplicates a declared one")
        else:
            f.orphans.append(f"permission group {pg_id} ({item.name!r}) is owned by no resource")
    for (pg_id, topic), bits in server.tps.items():
        if (pg_id, topic) in rec_tps:
            continue
        if (TP_TYPE, f"{pg_id}/{topic}") in deleted:
            f.mismatches.append(f"deleted topic permission {pg_id}/{topic} is still on the server")
        else:
            f.orphans.append(f"topic permission {pg_id}/{topic} ({bits}) is owned by no resource")
    for pg_id, account in sorted(server.members - set(rec_members)):
        f.orphans.append(f"member {account} of {pg_id} is owned by no resource")

    # Each state is what its program declared (outputs echo the declared inputs).
    for one, prog in stacks:
        f.mismatches += _program_vs_state(one, prog)
    return f


def _program_vs_state(engine: Engine, program: Program) -> list[str]:
    problems: list[str] = []
    by_name = {r.urn.rsplit("::", 1)[1]: r for r in engine.state.values()}
    names = {s.name for s in program.specs()}
    problems += [f"{r.urn} is recorded but not declared" for n, r in by_name.items()
                 if n not in names]
    for s in program.specs():
        r = by_name.get(s.name)
        if r is None:
            problems.append(f"{s.name} is declared but not recorded")
            continue
        o = r.outputs
        if isinstance(s, PGSpec):
            got: tuple[Any, ...] = (o.get("permission_group_id"), o.get("name"),
                                    _int(o.get("permission")), o.get("custom_string") or "")
            want: tuple[Any, ...] = (s.resolved_id, s.title, s.permission, s.custom_string)
        elif isinstance(s, TPSpec):
            got = (o.get("permission_group_id"), o.get("topic_id"), _int(o.get("permission")))
            want = (program.pgs[s.pg].resolved_id, s.topic_id, s.permission)
        elif isinstance(s, TPSSpec):
            got = (o.get("permission_group_id"), bool(o.get("exclusive")), frozenset(
                (t, _int(b)) for t, b in (o.get("permissions") or {}).items()))
            want = (program.pgs[s.pg].resolved_id, s.exclusive, frozenset(s.permissions))
        elif isinstance(s, MembersSpec):
            got = (o.get("permission_group_id"), frozenset(o.get("members") or []),
                   bool(o.get("exclusive")))
            want = (program.pgs[s.pg].resolved_id, frozenset(s.members), s.exclusive)
        elif isinstance(s, TopicSpec):
            got = (o.get("topic_id"), o.get("topic_name"), o.get("introduction"))
            want = (s.resolved_id(program.group_id), s.topic_name, s.introduction)
        else:
            got = (bool(o.get("enable_permission_groups")), _int(o.get("default_permission")))
            want = (s.enable, s.default_permission)
        if got != want:
            problems.append(f"{r.urn}: state {got} differs from the program {want}")
    return problems


__all__ = ["MEMBERS_TYPE", "PG_TYPE", "TPS_TYPE", "TP_TYPE", "CheckRejected", "Engine", "Findings",
           "PGSpec", "Program", "Server", "Walker", "audit"]
