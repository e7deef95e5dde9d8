"""The emulated Chat service: every command word's handler, over the Store. No HTTP here.

The rules live in the command modules (numbered as in docs/tencent-api.md#7-endpoint-reference):
``_permission_groups.py`` (7.1 - 7.11) and ``_community.py`` (groups and topics, 7.12 - 7.20),
with what they share (field readers, ID rules, cursors) in ``_fields.py``. Each
``cmd_<command>`` takes the decoded JSON body and returns the response fields beyond the
envelope, or raises ChatError; the caller owns the transaction. Which service word reaches which
command is ``routes.py``.
"""

from __future__ import annotations

from ._community import CommunityCommands
from ._fields import Body, Handler
from ._permission_groups import PermissionGroupCommands
from .store import Store

__all__ = ["Backend", "Body", "Handler"]


class Backend(PermissionGroupCommands, CommunityCommands):
    """One method per command word; ``handlers`` maps each command word to its method."""

    def __init__(self, store: Store) -> None:
        super().__init__(store)
        self.handlers: dict[str, Handler] = {
            name[4:]: getattr(self, name) for name in dir(self) if name.startswith("cmd_")
        }

    def seed(self, doc: Body) -> None:
        """Create the seed's groups and topics unless they already exist (idempotent).

        Groups hold create_group's request fields (EnablePermission / DefaultPermission
        included) plus ``Topics``, a list of create_topic request fields.
        """
        for g in doc.get("groups", []):
            fields = {k: v for k, v in g.items() if k != "Topics"}
            gid = fields.get("GroupId")
            if gid is None or self.store.get_community(gid) is None:
                gid = self.cmd_create_group(fields)["GroupId"]
            for t in g.get("Topics", []):
                tid = t.get("TopicId")
                if tid is not None and self.store.topic_group(tid) is not None:
                    continue
                self.cmd_create_topic({**t, "GroupId": gid})
