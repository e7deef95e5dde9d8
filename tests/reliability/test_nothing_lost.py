"""Nothing lost under faults: a seeded random walk of deployments with a faulty API.

The real ``pulumi.dynamic`` plugin manages permission groups (auto-named and custom IDs), topic
permissions (one resource per topic, and one per group's mapping, exclusive or not) and member
lists (exclusive or not) in an emulated community while the emulator fails a large share of
requests: transient error codes (10002, and 60007 rate limiting in some steps), bare HTTP 502s
and dropped answers after the work was committed. Each step edits the program (create, update,
replace, delete), or refreshes; a step whose deployment fails is rerun as a user reruns
``pulumi up``, with the engine's recording rules (see ``walk.py``). After every step, and after
a final destroy, the recorded state is audited against the emulator with faults off. Steps
also force replacements (``--replace``), fail a replacement half-way and revert it, and move a
resource out of a slot that a new resource takes in the same deployment.

Figures are printed on one line. ``TENCENTCHAT_SOAK_OPS`` raises the number of plugin
operations (default 500) for a soak; ``TENCENTCHAT_WALK_SEED`` replays a walk (the default seed
is fixed for CI; a soak without a seed draws one, and prints it).
"""

from __future__ import annotations

import os
import random
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from pulumi_tencentchat.client import TencentChatClient

from tests.protocol.conftest import CLEAN_ENV, SECRET_CONFIG_KEYS, stack_config
from tests.support.emulator import DEV_SDKAPPID, DEV_SECRET_KEY, EmulatorProcess
from tests.support.engine import DeploymentFailed, ResourceState, Stack

from .walk import (
    PG_TYPE,
    TP_TYPE,
    Engine,
    Findings,
    PGSpec,
    Program,
    Server,
    Walker,
    audit,
)

GROUP_ID = "@TGS#_nothinglost"
TOPICS = tuple(f"{GROUP_ID}@TOPIC#_t{i}" for i in range(4))
ACCOUNTS = tuple(f"user{i:02d}" for i in range(12))
OTHER_ACCOUNTS = tuple(f"guest{i:02d}" for i in range(8))
#: The share of steps the second stack (``preview``, the same program's other stack) takes.
SECOND_STACK_SHARE = 0.3

SOAK_OPS = os.environ.get("TENCENTCHAT_SOAK_OPS")
TARGET_OPS = int(SOAK_OPS or 500)
_SEED = os.environ.get("TENCENTCHAT_WALK_SEED")
SEED = int(_SEED) if _SEED else (random.SystemRandom().randrange(10**6) if SOAK_OPS else 20260)
#: Concurrent steps per wave, like the engine's parallel steps (the plugin serves 4 at once).
PARALLEL = int(os.environ.get("TENCENTCHAT_WALK_PARALLEL", "1"))
RERUN_CAP = 25  # reruns of one step before the walk gives up on it (counted, must stay 0)
MIN_FAULT_RATE = 0.20

# Fault mixes (rates per API request). Most steps run under BASE; some answer 60007 instead of
# 10002 for their error share; a first attempt sometimes meets a STORM, so whole deployments
# fail and are rerun. A rerun runs under BASE, like a user who retries a little later.
BASE = {"error_rate": 0.10, "error_code": 10002, "http_502_rate": 0.08,
        "drop_response_rate": 0.10}
RATE_LIMITED = {"error_rate": 0.08, "error_code": 60007, "http_502_rate": 0.10,
                "drop_response_rate": 0.10}
STORM = {"error_rate": 0.25, "error_code": 10002, "http_502_rate": 0.20,
         "drop_response_rate": 0.30}
#: Fails the next create of one command with a code the client does not retry, so a
#: replacement stops after deleting the old object (replacements delete first).
def failing_create(command: str) -> dict[str, Any]:
    return {"fail_next": 1, "error_code": 10007, "commands": [command]}

# Short client deadlines: a faulted request is retried within a few seconds or the operation
# fails (and the step is rerun). A dropped answer is a connection reset, seen at once.
PLUGIN_CONFIG = {"requestsPerSecond": "200", "operationTimeout": "6", "connectTimeout": "1",
                 "readTimeout": "5"}

pytestmark = pytest.mark.timeout(max(300, TARGET_OPS))


@dataclass
class Ledger:
    """API requests and injected faults counted while faults were on (audits excluded)."""

    emulator: EmulatorProcess
    requests: int = 0
    faults: Counter[str] = field(default_factory=Counter)
    errors_by_code: Counter[int] = field(default_factory=Counter)

    def run(self, settings: dict[str, Any], seed: int, action: Callable[[], None]) -> None:
        """Run ``action`` with ``settings`` on (seeded), then turn faults off."""
        self.emulator.set_faults(seed=seed, **settings)
        before = self.emulator.stats()
        try:
            action()
        finally:
            after = self.emulator.stats()
            self.emulator.clear_faults()
            self.requests += after["total"] - before["total"]
            for kind, n in after["faults"].items():
                self.faults[kind] += n - before["faults"][kind]
            self.errors_by_code[settings["error_code"]] += (after["faults"]["error"]
                                                           - before["faults"]["error"])

    @property
    def faulted(self) -> int:
        return sum(self.faults.values())

    @property
    def rate(self) -> float:
        return self.faulted / self.requests if self.requests else 0.0


@dataclass
class Actor:
    """One stack of the shared community: its replayed engine, its user's edits, its program."""

    name: str
    engine: Engine
    walker: Walker
    program: Program

    def custom_ids(self) -> list[str]:
        return [s.pg_id for s in self.program.pgs.values() if s.pg_id]


@dataclass
class Run:
    """The walk's running totals."""

    actors: dict[str, Actor]
    ledger: Ledger
    raw: TencentChatClient
    rng: random.Random
    steps: Counter[str] = field(default_factory=Counter)
    reruns: int = 0
    #: Replace-then-revert steps whose first deployment failed as intended.
    reverted_failures: int = 0
    #: Creates refused because another stack's object held the ID, and the user's answers.
    refused: int = 0
    adopted: int = 0
    #: Topic permissions a failed mapping left behind (its undo failed too), which the user
    #: removed in the console as the error advises.
    cleaned: int = 0
    #: The community's settings before the walk (what must be back when nobody declares them).
    baseline: tuple[bool, int] = (False, 0)
    given_up: list[str] = field(default_factory=list)
    findings: Findings = field(default_factory=Findings)

    @property
    def total_ops(self) -> int:
        return sum(a.engine.total_ops for a in self.actors.values())

    def deploy(self, label: str, first: dict[str, Any], action: Callable[[], None],
               actor: Actor | None = None) -> None:
        """Run ``action`` until it succeeds, as a user reruns a failed ``pulumi up``; after an
        ownership refusal the user first renames (another stack's ID) or adopts (their own
        object whose create was lost beyond retries)."""
        seed = self.rng.randrange(2**31)
        for attempt in range(RERUN_CAP + 1):
            try:
                self.ledger.run(first if attempt == 0 else BASE, seed + attempt, action)
                return
            except DeploymentFailed as failed:
                self.reruns += 1
                if actor is not None:
                    self.answer(actor, str(failed.error))
        self.given_up.append(label)

    def answer(self, actor: Actor, text: str) -> None:
        if "nothing shows it belongs to this stack" not in text:
            return
        others = {i for a in self.actors.values() if a is not actor for i in a.custom_ids()}
        stolen = [i for i in others if f"permission group {i} already exists" in text]
        if stolen and actor.walker.renamed_after_refusal(actor.program, stolen[0]):
            self.refused += 1
        elif actor.walker.adopted_after_loss(actor.program, text):
            self.adopted += 1
        else:
            for pg, topic in actor.walker.leftovers(actor.program, text):
                self.raw.delete_topic_permissions(GROUP_ID, pg, [topic])
                self.cleaned += 1

    def attempt(self, settings: dict[str, Any], action: Callable[[], None]) -> bool:
        """Run ``action`` once; False when the deployment failed."""
        try:
            self.ledger.run(settings, self.rng.randrange(2**31), action)
        except DeploymentFailed:
            return False
        return True

    def audit(self, label: str, **kwargs: Any) -> None:
        pairs = [(a.engine, a.program) for a in self.actors.values()]
        found = audit(pairs, server=Server.read(self.raw, GROUP_ID, TOPICS),
                      baseline=self.baseline, **kwargs)
        for bucket in ("duplicates", "orphans", "mismatches"):
            getattr(self.findings, bucket).extend(
                f"after {label}: {text}" for text in getattr(found, bucket))


@pytest.fixture
def raw(emulator: EmulatorProcess) -> Iterator[TencentChatClient]:
    client = TencentChatClient(DEV_SDKAPPID, secret_key=DEV_SECRET_KEY, endpoint=emulator.url,
                               requests_per_second=100.0)
    client.create_group(name="Nothing lost", group_id=GROUP_ID, support_topic=True)
    for topic in TOPICS:
        client.create_topic(GROUP_ID, topic.rsplit("_", 1)[1], topic_id=topic)
    yield client
    client.close()


def make_stack(emulator: EmulatorProcess, name: str) -> Stack:
    return Stack(stack_config(emulator.url, **PLUGIN_CONFIG), secret_keys=SECRET_CONFIG_KEYS,
                 stack=name, plugin_env=CLEAN_ENV, parallel=PARALLEL)


@pytest.fixture
def stacks(emulator: EmulatorProcess) -> Iterator[dict[str, Stack]]:
    """Two stacks of one program sharing the community, as dev and a preview stack do."""
    yield {name: make_stack(emulator, name) for name in ("dev", "preview")}
    emulator.clear_faults()


def test_nothing_lost_under_faults(emulator: EmulatorProcess, raw: TencentChatClient,
                                   stacks: dict[str, Stack],
                                   capsys: pytest.CaptureFixture) -> None:
    rng = random.Random(SEED)
    actors: dict[str, Actor] = {}
    for name, stack in stacks.items():
        walker = Walker(random.Random(rng.randrange(2**31)), GROUP_ID, TOPICS,
                        ACCOUNTS if name == "dev" else OTHER_ACCOUNTS, stack=name,
                        pg_names=tuple(f"{'' if name == 'dev' else 'b'}pg{i}" for i in range(7)),
                        manages_settings=name == "dev")
        actors[name] = Actor(name, Engine(stack), walker, Program(GROUP_ID))
    actors["preview"].walker.others = actors["dev"].custom_ids
    run = Run(actors, Ledger(emulator), raw, rng,
              baseline=Server.read(raw, GROUP_ID, TOPICS).settings)
    step = 0
    while run.total_ops < TARGET_OPS:
        step += 1
        actor = actors["preview"] if rng.random() < SECOND_STACK_SHARE else actors["dev"]
        engine, walker, program = actor.engine, actor.walker, actor.program
        roll = rng.random()
        first = STORM if roll < 0.12 else RATE_LIMITED if roll < 0.22 else BASE
        special = rng.random()
        tag = f"step {step} {actor.name}"
        if program.pgs and special < 0.1:
            label = f"{tag} (refresh)"
            run.steps["refresh"] += 1
            run.deploy(label, first, engine.refresh, actor)
            run.audit(label, member_counts=engine)
            continue
        if program.pgs and special < 0.17:
            # pulumi up --replace: the engine replaces without asking Diff, create first.
            target = walker.forced_target(program)
            label = f"{tag} (forced_replace {target})"
            run.steps["forced_replace"] += 1
            run.deploy(label, first, lambda p=program, t=target, e=engine: e.up(p, replace=[t]),
                       actor)
            run.audit(label)
            continue
        if program.pgs and special < 0.24:
            # A replacement whose create fails after the old object was deleted, then the
            # user reverts the change: the next up must bring the object back.
            changed = program.copy()
            walker.begin_step()
            command = walker.identity_change(changed)
            if command is not None:
                label = f"{tag} (replace_then_revert {command})"
                run.steps["replace_then_revert"] += 1
                if not run.attempt(failing_create(command), lambda c=changed, e=engine: e.up(c)):
                    run.reverted_failures += 1
                run.deploy(label, first, lambda p=program, e=engine: e.up(p), actor)
                run.audit(label)
                continue
        program = actor.program = program.copy()
        walker.begin_step()
        if actor.name == "preview" and special < 0.45 and walker.steal(program):
            changes = ["steal"]
        else:
            changes = [walker.mutate(program) for _ in range(rng.randint(1, 3))]
        run.steps.update(changes)
        label = f"{tag} ({', '.join(changes)})"
        run.deploy(label, first, lambda p=program, e=engine: e.up(p), actor)
        run.audit(label)

    for actor in actors.values():
        run.steps["destroy"] += 1
        run.deploy(f"destroy {actor.name}", BASE, actor.engine.destroy)
        actor.program = Program(GROUP_ID)
        run.audit(f"destroy {actor.name}")
    leftover = Server.read(raw, GROUP_ID, TOPICS)

    ledger, f = run.ledger, run.findings
    faults = ledger.faults
    codes = " ".join(f"{code}:{n}" for code, n in sorted(ledger.errors_by_code.items()))
    failed_ops = sum(sum(a.engine.failed_ops.values()) for a in actors.values())
    line = (f"nothing lost: seed={SEED} stacks=2 steps={step} ops={run.total_ops} "
            f"(failed {failed_ops}) requests={ledger.requests} "
            f"faults={ledger.faulted} ({ledger.rate:.1%}: error={faults['error']} [{codes}] "
            f"http_502={faults['http_502']} drop_response={faults['drop_response']}) "
            f"forced_replace={run.steps['forced_replace']} "
            f"replace_then_revert={run.steps['replace_then_revert']} "
            f"(failed first {run.reverted_failures}) slot_reuse={run.steps['slot_reuse']} "
            f"steal={run.steps['steal']} (refused {run.refused}) adopted_own={run.adopted} "
            f"cleaned_own={run.cleaned} "
            f"reruns={run.reruns} gave_up={len(run.given_up)} duplicates={len(f.duplicates)} "
            f"orphans={len(f.orphans)} mismatches={len(f.mismatches)}")
    with capsys.disabled():  # the headline figure belongs in the CI log, pass or fail
        print(f"\n{line}")

    assert run.total_ops >= TARGET_OPS
    assert run.refused == run.steps["steal"] > 0, line  # every steal was refused
    assert ledger.rate >= MIN_FAULT_RATE, line
    assert all(faults[kind] > 0 for kind in ("error", "http_502", "drop_response")), line
    assert ledger.errors_by_code[10002] > 0 and ledger.errors_by_code[60007] > 0, line
    assert run.reruns > 0, line  # deployments really failed and were rerun
    assert run.reverted_failures > 0, line  # replacements really failed half-way
    assert not run.given_up, run.given_up[:10]
    assert f.duplicates == [], f.duplicates[:10]
    assert f.orphans == [], f.orphans[:10]
    assert f.mismatches == [], f.mismatches[:10]
    assert not leftover.pgs and not leftover.tps and not leftover.members
    assert not leftover.topics and leftover.settings == run.baseline
    # Every kind of change happened.
    for kind in ("pg_create", "pg_update", "pg_replace", "pg_delete", "tp_create", "tp_update",
                 "tp_replace", "tp_delete", "members_create", "members_update",
                 "members_replace", "members_delete", "refresh", "forced_replace",
                 "replace_then_revert", "slot_reuse", "steal", "topic_create", "topic_update",
                 "topic_replace", "topic_delete", "settings_set", "settings_delete",
                 "tps_create", "tps_update", "tps_exclusive", "tps_replace", "tps_delete",
                 "members_exclusive"):
        assert run.steps[kind] > 0, (kind, dict(run.steps))


def test_the_audit_sees_duplicates_orphans_and_mismatches(raw: TencentChatClient) -> None:
    # Guard against a vacuous audit: plant each kind of problem next to a recorded resource.
    spec = PGSpec("pg0", "@PMG#_audited", "Audited", 64, "")
    program = Program(GROUP_ID, pgs={"pg0": spec})
    engine = Engine(Stack({}))  # the audit never starts a plugin
    outs = {"group_id": GROUP_ID, "permission_group_id": spec.pg_id, "name": "Audited",
            "permission": 64.0, "custom_string": "", "adopt_existing": False,
            "member_count": 0.0}
    urn = f"urn:pulumi:dev::tencentchat-test::{PG_TYPE}::pg0"
    engine.stack.snapshot.resources.append(
        ResourceState(urn, PG_TYPE, f"{GROUP_ID}/{spec.pg_id}", outs, outs))
    raw.create_permission_group(GROUP_ID, "Audited", permission=64,
                                permission_group_id=spec.pg_id)
    assert not audit(engine, program, Server.read(raw, GROUP_ID, TOPICS))

    raw.create_permission_group(GROUP_ID, "Audited", permission=64,
                                permission_group_id="@PMG#_twin")
    raw.create_permission_group(GROUP_ID, "Stray", permission_group_id="@PMG#_stray")
    raw.add_topic_permissions(GROUP_ID, spec.pg_id, {TOPICS[0]: 8})
    raw.add_permission_group_members(GROUP_ID, spec.pg_id, ["nobody"])
    raw.create_permission_group(GROUP_ID, "Gone", permission_group_id="@PMG#_gone")
    engine.deleted.add((PG_TYPE, f"{GROUP_ID}/@PMG#_gone"))
    engine.deleted.add((TP_TYPE, f"{spec.pg_id}/{TOPICS[1]}"))
    raw.add_topic_permissions(GROUP_ID, spec.pg_id, {TOPICS[1]: 8})
    raw.modify_permission_group(GROUP_ID, spec.pg_id, permission=65)
    found = audit(engine, program, Server.read(raw, GROUP_ID, TOPICS))
    assert [t.split(" ", 3)[2] for t in found.duplicates] == ["@PMG#_twin"]
    assert len(found.orphans) == 3, found.orphans
    for planted in ("@PMG#_stray", f"{spec.pg_id}/{TOPICS[0]}", "member nobody"):
        assert any(planted in text for text in found.orphans), (planted, found.orphans)
    assert len(found.mismatches) == 3, found.mismatches
    for planted in ("server has ('Audited', 65, '')", "@PMG#_gone is still",
                    f"{spec.pg_id}/{TOPICS[1]} is still"):
        assert any(planted in text for text in found.mismatches), (planted, found.mismatches)


def test_the_audit_sees_an_object_two_stacks_record(raw: TencentChatClient) -> None:
    spec = PGSpec("pg0", "@PMG#_shared", "Shared", 64, "")
    outs = {"group_id": GROUP_ID, "permission_group_id": spec.pg_id, "name": "Shared",
            "permission": 64.0, "custom_string": "", "adopt_existing": False,
            "member_count": 0.0}
    pairs = []
    for stack in ("dev", "preview"):
        engine = Engine(Stack({}, stack=stack))
        urn = f"urn:pulumi:{stack}::tencentchat-test::{PG_TYPE}::pg0"
        engine.stack.snapshot.resources.append(
            ResourceState(urn, PG_TYPE, f"{GROUP_ID}/{spec.pg_id}", outs, outs))
        pairs.append((engine, Program(GROUP_ID, pgs={"pg0": spec})))
    raw.create_permission_group(GROUP_ID, "Shared", permission=64,
                                permission_group_id=spec.pg_id)
    assert not audit(pairs[:1], server=Server.read(raw, GROUP_ID, TOPICS))
    found = audit(pairs, server=Server.read(raw, GROUP_ID, TOPICS))
    assert len(found.duplicates) == 1 and "recorded by both" in found.duplicates[0]
