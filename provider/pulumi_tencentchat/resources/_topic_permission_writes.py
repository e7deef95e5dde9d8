"""Writes to one permission group's topic permissions, 50 topics a call, each logged so that a
change that fails part-way can be undone.

A call whose answer was lost after the retries ran out may have been applied: one read of the
group's topic permissions settles it (the call counts as done when the server shows its intent)
before anything is reported as failed. The undo log then holds exactly what this operation
changed, so taking it back never touches a topic permission that was there before unless this
operation changed it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from .. import validation as v
from ..codes import TOPIC_PERMISSION_NOT_FOUND
from ._topic_permission_plan import Plan, plan
from .topic_permission import GONE_ITEM_CODES

if TYPE_CHECKING:
    from ..client import TencentChatClient

#: Whether a topic that already had a permission is this resource's to take over:
#: (topic, its current value, the declared value, whether an earlier attempt's answer was lost).
Owned = Callable[[str, int, int, bool], bool]
#: How each logged write is described when its undo failed.
_LEFT = {"added": "added and still there", "set": "changed and not restored",
         "deleted": "removed and not restored"}


def _joined(texts: list[str]) -> str:
    """``texts`` for a message: the first ``LISTED_MAX``, then how many more."""
    more = len(texts) - v.LISTED_MAX
    return "; ".join(texts[:v.LISTED_MAX]) + (f"; and {more} more" if more > 0 else "")


class Refused(ValueError):
    """Topics already hold a permission that nothing shows to be this resource's."""


class Writes:
    """The writes of one operation on ``permission_group_id``'s topic permissions."""

    def __init__(self, client: TencentChatClient, group_id: str, permission_group_id: str,
                 item_error: Callable[[int, str], Exception]) -> None:
        self.client = client
        self.group = group_id
        self.pg = permission_group_id
        self.item_error = item_error
        #: (write, topic, value before) in the order done: write is added, set or deleted.
        self.log: list[tuple[str, str, int | None]] = []
        #: Topics whose add may or may not have been applied (a lost answer, unsettled).
        self.uncertain: list[str] = []
        #: Whether an undo left a permission this operation may have added (the state will
        #: not record it, so the next run would refuse it as another's).
        self.stray = False

    # -- reads ----------------------------------------------------------------------------
    def current(self) -> dict[str, int]:
        """Every topic permission of the group, in one call."""
        result = self.client.get_topic_permissions(self.group, self.pg)
        return {i.topic_id: int(i.permission or 0) for i in result.items if i.ok}

    def _send(self, write: str, fn: Callable[[], Any], intent: Mapping[str, int | None],
              before: Mapping[str, int | None]) -> Any:
        """Make one call and return its result, or None when its answer was lost and a read
        shows it applied (then its writes are logged). Otherwise the call's error is raised,
        after logging what the read showed applied (or, if the read failed, what may have
        been). ``intent``: topic -> value wanted (None: gone); ``before``: values to undo to."""
        from ..errors import ChatClientError, certainly_not_applied, is_transient

        try:
            return fn()
        except ChatClientError as exc:
            if not is_transient(exc) or certainly_not_applied(exc):
                raise
            try:
                now = self.current()
            except ChatClientError:
                if write == "added":  # it may have found another's permission: not undone
                    self.uncertain += list(intent)
                else:  # undoing a set or a delete that did not happen is harmless
                    self._note(write, before)
                raise exc from None
            applied = {t for t, value in intent.items()
                       if (t not in now if value is None else now.get(t) == value)}
            self._note(write, {t: before[t] for t in intent
                               if t in applied or write != "added"})
            if applied == set(intent):
                return None
            raise

    def _note(self, write: str, before: Mapping[str, int | None]) -> None:
        self.log += [(write, topic, value) for topic, value in before.items()]

    # -- writes ---------------------------------------------------------------------------
    def delete(self, topics: Mapping[str, int | None]) -> None:
        """Remove these topics' permissions (``topics`` maps each to its value before)."""
        from .._endpoints import TOPIC_ID_CHUNK
        from ..models import chunked

        for part in chunked(list(topics), TOPIC_ID_CHUNK):
            result = self._send("deleted", lambda p=part: (
                self.client.delete_topic_permissions(self.group, self.pg, p)),
                {t: None for t in part}, {t: topics[t] for t in part})
            if result is None:
                continue
            for item in result.items:
                if item.error_code == 0:
                    self._note("deleted", {item.topic_id: topics.get(item.topic_id)})
                elif item.error_code not in GONE_ITEM_CODES:
                    raise self.item_error(item.error_code, f"{item.topic_id}: {item.error_info}")

    def set(self, changes: Mapping[str, tuple[int, int]]) -> None:
        """Overwrite permissions: topic -> (value before, value after). A permission removed
        outside Pulumi meanwhile is added back with the value after."""
        from .._endpoints import TOPIC_PERMISSION_CHUNK
        from ..models import chunked

        for part in chunked(list(changes), TOPIC_PERMISSION_CHUNK):
            values = {t: changes[t][1] for t in part}
            result = self._send("set", lambda vs=values: (
                self.client.set_topic_permissions(self.group, self.pg, vs)), values,
                {t: changes[t][0] for t in part})
            if result is None:
                continue
            missing: dict[str, int] = {}
            for item in result.items:
                if item.error_code == 0:
                    self._note("set", {item.topic_id: changes[item.topic_id][0]})
                elif item.error_code == TOPIC_PERMISSION_NOT_FOUND:
                    missing[item.topic_id] = values[item.topic_id]
                else:
                    raise self.item_error(item.error_code, f"{item.topic_id}: {item.error_info}")
            for topic, (code, _doubtful) in self.add(missing).items():
                raise self.item_error(code, f"{topic}: changed outside Pulumi during this update")

    def add(self, values: Mapping[str, int]) -> dict[str, tuple[int, bool]]:
        """Add permissions; the topics the server refused, as topic -> (per-item code, whether
        an earlier attempt's answer was lost): most often a permission already there."""
        from .._endpoints import TOPIC_PERMISSION_CHUNK
        from ..models import chunked

        refused: dict[str, tuple[int, bool]] = {}
        for part in chunked(list(values), TOPIC_PERMISSION_CHUNK):
            chunk = {t: values[t] for t in part}
            result = self._send("added", lambda c=chunk: (
                self.client.add_topic_permissions(self.group, self.pg, c)), chunk,
                {t: None for t in part})
            if result is None:
                continue
            for item in result.items:
                if item.error_code == 0:
                    self._note("added", {item.topic_id: None})
                else:
                    refused[item.topic_id] = (item.error_code, result.doubtful)
        return refused

    def claim(self, values: Mapping[str, int], refused: Mapping[str, tuple[int, bool]],
              owned: Owned) -> dict[str, int]:
        """Settle the topics ``add`` refused, with one read: those holding a permission that
        ``owned`` accepts, with their current values; any other raises."""
        from ..permissions import TopicPermissionBit, describe_bits

        now = self.current()
        taken: dict[str, int] = {}
        foreign: list[str] = []
        for topic, (code, doubtful) in refused.items():
            if topic not in now:  # not there after all: the add failed for its own reason
                raise self.item_error(code, topic)
            if owned(topic, now[topic], values[topic], doubtful):
                taken[topic] = now[topic]
            else:
                foreign.append(f"topic {topic}: {describe_bits(now[topic], TopicPermissionBit)} "
                               f"(declared: {describe_bits(values[topic], TopicPermissionBit)})")
        if foreign:
            raise Refused(
                f"permission group {self.pg} already has a permission for "
                f"{_joined(foreign)}, and nothing shows it belongs to this stack: another "
                "stack or the console may own it. If another resource of this stack leaves "
                "the topic in the same update, make this one wait for it "
                "(opts=pulumi.ResourceOptions(depends_on=[...])); if it was left by an earlier "
                "failed run of this resource, remove it in the console; to take the listed "
                "topics over, set adopt_existing=True, or to manage every topic permission of "
                "the group here, exclusive=True (the declared permissions then replace what "
                "is there).")
        return taken

    def run(self, p: Plan, owned: Owned) -> None:
        """Removals and reductions, then grants and additions; a topic that already had a
        permission and is this resource's is then brought to its declared value the same way."""
        self.delete(p.deletes)
        self.set(p.reductions)
        self.set(p.grants)
        refused = self.add(p.adds)
        if refused:
            taken = self.claim(p.adds, refused, owned)
            take = plan(taken, {t: p.adds[t] for t in taken})
            self.set(take.reductions)
            self.set(take.grants)

    # -- undo -----------------------------------------------------------------------------
    def undo(self) -> list[str]:
        """Take back every logged write, newest first; what could not be taken back."""
        from ..errors import ChatClientError

        runs: list[tuple[str, list[tuple[str, int | None]]]] = []
        for write, topic, before in reversed(self.log):
            if runs and runs[-1][0] == write:
                runs[-1][1].append((topic, before))
            else:
                runs.append((write, [(topic, before)]))
        self.log = []
        left: list[str] = []
        for write, entries in runs:
            restore = {t: b for t, b in entries if b is not None}
            topics = list(dict.fromkeys(t for t, _ in entries))
            try:
                if write == "added":
                    self.client.delete_topic_permissions(self.group, self.pg, topics)
                elif write == "set" and restore:
                    self.client.set_topic_permissions(self.group, self.pg, restore)
                elif write == "deleted" and restore:
                    self.client.add_topic_permissions(self.group, self.pg, restore)
            except ChatClientError as exc:
                left.append(f"{len(topics)} topic permission(s) {_LEFT[write]}: "
                            f"{v.listed(topics)} (the undo failed: {exc})")
                self.stray = self.stray or write == "added"
        if self.uncertain:
            self.stray = True
            left.append(f"{len(self.uncertain)} topic permission(s) whose add may have been "
                        f"applied: {v.listed(self.uncertain)}")
            self.uncertain = []
        return left

    def failed(self, exc: BaseException) -> Exception:
        """The error to report for ``exc``, after undoing what this operation did."""
        from ..errors import ChatClientError

        done = len(self.log)
        left = self.undo()
        if left:
            advice = ("Run `pulumi refresh` and `pulumi up` to settle them" if not self.stray else
                      "Remove the topic permissions it added in the console (or set "
                      "exclusive=True), then run `pulumi refresh` and `pulumi up`: this stack's "
                      "state does not record them, so the next run would not take them over")
            return ChatClientError(f"{exc}. Not undone: {'; '.join(left)}. {advice}")
        if done:
            return ChatClientError(f"{exc} (the {done} topic permission change(s) made before it "
                                   "were undone)")
        return exc if isinstance(exc, Exception) else ChatClientError(str(exc))
