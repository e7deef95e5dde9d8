"""Business rules of the emulated API, over the Store. No HTTP here.

Each `cmd_<command>` takes the decoded JSON body and returns the response fields beyond
the envelope, or raises ChatError. The caller owns the transaction.
"""

from __future__ import annotations

import base64
import binascii
import secrets
import string
from collections.abc import Callable
from typing import Any

from . import unverified as U
from .errors import (
    ALREADY_MEMBER,
    ChatError,
    GroupNotFound,
    InvalidGroupId,
    InvalidParam,
    InvalidPermissionGroupId,
    PermissionGroupNotFound,
)
from .store import Community, PermissionGroup, Store

Body = dict[str, Any]
Handler = Callable[[Body], Body]

PMG_PREFIX = "@PMG#_"
PMG_GENERATED = "@PMG#_@PMG#"
TGS_COMMUNITY_PREFIX = "@TGS#_"
TGS_GENERATED = "@TGS#_@TGS#"
TOPIC_SEP = "@TOPIC#_"
TOPIC_GENERATED_SEP = "@TOPIC#_@TOPIC#"
_SUFFIX_ALPHABET = string.ascii_letters + string.digits
_SEQ_LIMIT = 2**63  # row sequence numbers are SQLite INTEGERs


def _suffix() -> str:
    return "".join(secrets.choice(_SUFFIX_ALPHABET) for _ in range(U.GENERATED_SUFFIX_LEN))


def _printable(s: str) -> bool:
    return all(" " <= ch <= "~" for ch in s)


def _nbytes(s: str) -> int:
    return len(s.encode("utf-8"))


# --- field readers (wrong JSON types -> 10004) ---------------------------------------------

def _str(body: Body, key: str, *, required: bool = True) -> str | None:
    v = body.get(key)
    if v is None:
        if required:
            raise InvalidParam(f"{key} is required")
        return None
    if not isinstance(v, str):
        raise InvalidParam(f"{key} must be a string")
    return v


def _int(body: Body, key: str, *, required: bool = True) -> int | None:
    v = body.get(key)
    if v is None:
        if required:
            raise InvalidParam(f"{key} is required")
        return None
    if isinstance(v, bool) or not isinstance(v, int):
        raise InvalidParam(f"{key} must be an integer")
    return v


def _list(body: Body, key: str, cap: int, *, required: bool = True) -> list[Any] | None:
    v = body.get(key)
    if v is None:
        if required:
            raise InvalidParam(f"{key} is required")
        return None
    if not isinstance(v, list):
        raise InvalidParam(f"{key} must be an array")
    if U.REJECT_EMPTY_LISTS and required and not v:
        raise ChatError(U.OVER_LIMIT_CODE, f"{key} must not be empty")
    if len(v) > cap:
        raise ChatError(U.OVER_LIMIT_CODE, f"{key} has {len(v)} entries; at most {cap}")
    return v


def _permission(body: Body, key: str = "Permission", *, required: bool = True) -> int | None:
    p = _int(body, key, required=required)
    if p is not None and not 0 <= p < U.PERMISSION_LIMIT:
        raise InvalidParam(f"{key} must be an unsigned 64-bit integer")
    return p


def _name(body: Body, *, required: bool) -> str | None:
    name = _str(body, "PermissionGroupName", required=required)
    if name is not None:
        if not name and not U.ALLOW_EMPTY_PERMISSION_GROUP_NAME:
            raise InvalidParam("PermissionGroupName must not be empty")
        if _nbytes(name) > U.PERMISSION_GROUP_NAME_MAX_BYTES:
            raise ChatError(U.OVER_LIMIT_CODE, "PermissionGroupName is longer than "
                            f"{U.PERMISSION_GROUP_NAME_MAX_BYTES} bytes")
    return name


def _custom_string(body: Body) -> str | None:
    cs = _str(body, "CustomString", required=False)
    if cs is not None and _nbytes(cs) > U.CUSTOM_STRING_MAX_BYTES:
        raise ChatError(U.OVER_LIMIT_CODE,
                        f"CustomString is longer than {U.CUSTOM_STRING_MAX_BYTES} bytes")
    return cs


def _limit(body: Body, default: int, cap: int) -> int:
    limit = _int(body, "Limit", required=False)
    if limit is None:
        return default
    if not U.MIN_LIMIT <= limit <= cap:
        raise ChatError(U.OVER_LIMIT_CODE, f"Limit must be between {U.MIN_LIMIT} and {cap}")
    return limit


# --- ID rules (spec §4) ---------------------------------------------------------------------

def group_id_ok(gid: str) -> bool:
    return bool(gid) and _printable(gid) and len(gid) <= U.GROUP_ID_MAX_BYTES


def pg_id_ok(pg_id: str) -> bool:
    """Well-formed for reference: `@PMG#_` prefix, something after it, printable, short."""
    return (pg_id.startswith(PMG_PREFIX) and len(pg_id) > len(PMG_PREFIX)
            and _printable(pg_id) and len(pg_id) <= U.PERMISSION_GROUP_ID_MAX_BYTES)


def member_account_ok(acc: str) -> bool:
    return bool(acc) and _printable(acc) and len(acc) <= U.MEMBER_ACCOUNT_MAX_BYTES


# --- cursors ------------------------------------------------------------------------------

def encode_cursor(kind: str, seq: int) -> str:
    """An opaque paging cursor naming the listing kind and the last returned sequence."""
    return "TGS" + base64.urlsafe_b64encode(f"{kind}:{seq}".encode()).decode().rstrip("=")


def decode_cursor(kind: str, cursor: str) -> int:
    if cursor == "":
        return 0
    try:
        if not cursor.startswith("TGS"):
            raise ValueError
        raw = cursor[3:]
        text = base64.urlsafe_b64decode(raw + "=" * (-len(raw) % 4)).decode()
        k, _, seq = text.partition(":")
        # ASCII digits of a value SQLite's signed 64-bit INTEGER can bind.
        if k != kind or not (seq.isascii() and seq.isdigit()) or int(seq) >= _SEQ_LIMIT:
            raise ValueError
        return int(seq)
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raise ChatError(U.INVALID_CURSOR_CODE, "invalid Next cursor") from None


class Backend:
    """The emulated Chat service: one method per command word."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.handlers: dict[str, Handler] = {
            name[4:]: getattr(self, name) for name in dir(self) if name.startswith("cmd_")
        }

    # --- shared lookups -----------------------------------------------------------------

    def _group(self, body: Body) -> Community:
        gid = _str(body, "GroupId")
        assert gid is not None
        if not group_id_ok(gid):
            raise InvalidGroupId(f"invalid GroupId {gid!r}")
        c = self.store.get_community(gid)
        if c is None:
            raise GroupNotFound(gid)
        return c

    def _community(self, body: Body, *, topics: bool = False) -> Community:
        c = self._group(body)
        if c.type != "Community":
            raise ChatError(U.NON_COMMUNITY_CODE,
                            f"group type {c.type} does not support this operation")
        if topics and not c.support_topic:
            raise ChatError(U.NO_TOPIC_SUPPORT_CODE, "this community does not support topics")
        return c

    def _pg_id(self, body: Body) -> str:
        pg_id = _str(body, "PermissionGroupId")
        assert pg_id is not None
        if not pg_id_ok(pg_id):
            raise InvalidPermissionGroupId(f"invalid PermissionGroupId {pg_id!r}")
        return pg_id

    def _existing_pg(self, c: Community, body: Body) -> str:
        pg_id = self._pg_id(body)
        if not self.store.pg_exists(c.group_id, pg_id):
            raise PermissionGroupNotFound(pg_id)
        return pg_id

    @staticmethod
    def _pg_info(pg: PermissionGroup) -> Body:
        return {"ErrorCode": 0, "ErrorInfo": "", "PermissionGroupId": pg.pg_id,
                "PermissionGroupName": pg.name, "CustomString": pg.custom_string,
                "Permission": pg.permission, "MemberCount": pg.member_count}

    # --- permission groups (7.1 - 7.4) --------------------------------------------------

    def cmd_create_permission_group(self, body: Body) -> Body:
        c = self._community(body)
        custom = _str(body, "PermissionGroupId", required=False)
        name = _name(body, required=True)
        permission = _permission(body, required=False)
        cs = _custom_string(body)
        if custom is not None:
            if not pg_id_ok(custom) or custom.startswith(PMG_GENERATED):
                raise InvalidPermissionGroupId(f"invalid custom PermissionGroupId {custom!r}")
            if self.store.pg_exists(c.group_id, custom):
                raise ChatError(U.DUPLICATE_PERMISSION_GROUP_ID_CODE,
                                f"PermissionGroupId {custom!r} already in use")
            pg_id = custom
        else:
            pg_id = PMG_GENERATED + _suffix()
            while self.store.pg_exists(c.group_id, pg_id):
                pg_id = PMG_GENERATED + _suffix()
        assert name is not None
        self.store.insert_pg(c.group_id, pg_id, name,
                             U.CREATE_PERMISSION_DEFAULT if permission is None else permission,
                             cs or "")
        return {"PermissionGroupId": pg_id}

    def cmd_destroy_permission_group(self, body: Body) -> Body:
        c = self._community(body)
        ids = _list(body, "PermissionGroupIdList", U.DESTROY_PERMISSION_GROUP_MAX)
        assert ids is not None
        if not all(isinstance(i, str) for i in ids):
            raise InvalidParam("PermissionGroupIdList must hold strings")
        results = []
        for pg_id in ids:
            if not pg_id_ok(pg_id):
                item = (U.PER_ITEM_INVALID_PERMISSION_GROUP_ID_CODE, "invalid PermissionGroupId")
            elif not self.store.delete_pg(c.group_id, pg_id):
                item = (U.PER_ITEM_UNKNOWN_PERMISSION_GROUP_CODE,
                        "permission group does not exist")
            else:
                item = (0, "")
            results.append({"ErrorCode": item[0], "ErrorInfo": item[1],
                            "PermissionGroupId": pg_id})
        return {"PermissionGroupResultList": results}

    def cmd_modify_permission_group(self, body: Body) -> Body:
        c = self._community(body)
        pg_id = self._existing_pg(c, body)
        name = _name(body, required=False)
        permission = _permission(body, required=False)
        cs = _custom_string(body)
        self.store.update_pg(c.group_id, pg_id, name, permission, cs)
        return {}

    def cmd_get_permission_group(self, body: Body) -> Body:
        c = self._community(body)
        ids = _list(body, "PermissionGroupIdList", U.GET_PERMISSION_GROUP_MAX_IDS,
                    required=False)
        if ids:
            if not all(isinstance(i, str) for i in ids):
                raise InvalidParam("PermissionGroupIdList must hold strings")
            items = []
            for pg_id in ids:
                pg = self.store.get_pg(c.group_id, pg_id) if pg_id_ok(pg_id) else None
                if pg is not None:
                    items.append(self._pg_info(pg))
                elif not pg_id_ok(pg_id):
                    items.append({"ErrorCode": U.PER_ITEM_INVALID_PERMISSION_GROUP_ID_CODE,
                                  "ErrorInfo": "invalid PermissionGroupId",
                                  "PermissionGroupId": pg_id})
                else:
                    items.append({"ErrorCode": U.PER_ITEM_UNKNOWN_PERMISSION_GROUP_CODE,
                                  "ErrorInfo": "permission group does not exist",
                                  "PermissionGroupId": pg_id})
            return {"PermissionGroupInfoList": items, "Next": ""}
        limit = _limit(body, U.GET_PERMISSION_GROUP_DEFAULT_LIMIT,
                       U.GET_PERMISSION_GROUP_MAX_LIMIT)
        after = decode_cursor("pmg", _str(body, "Next", required=False) or "")
        page = self.store.list_pgs(c.group_id, after, limit + 1)
        more = len(page) > limit
        page = page[:limit]
        nxt = encode_cursor("pmg", page[-1].seq) if more else ""
        return {"PermissionGroupInfoList": [self._pg_info(p) for p in page], "Next": nxt}

    # --- topic permissions (7.5 - 7.8) --------------------------------------------------

    def _topic_perm_list(self, body: Body) -> list[tuple[str, int]]:
        raw = _list(body, "TopicPermissionList", U.TOPIC_PERMISSION_LIST_MAX)
        assert raw is not None
        out = []
        for item in raw:
            if not isinstance(item, dict):
                raise InvalidParam("TopicPermissionList items must be objects")
            tid = _str(item, "TopicId")
            perm = _permission(item)
            assert tid is not None and perm is not None
            out.append((tid, perm))
        return out

    def _topic_ids(self, body: Body, cap: int, *, required: bool = True) -> list[str] | None:
        ids = _list(body, "TopicIdList", cap, required=required)
        if ids is not None and not all(isinstance(i, str) for i in ids):
            raise InvalidParam("TopicIdList must hold strings")
        return ids

    def _topic_in(self, c: Community, topic_id: str) -> bool:
        return self.store.topic_group(topic_id) == c.group_id

    @staticmethod
    def _tp_item(topic_id: str, code: int = 0, info: str = "") -> Body:
        return {"ErrorCode": code, "ErrorInfo": info, "TopicId": topic_id}

    def _missing_topic(self, topic_id: str) -> Body:
        return self._tp_item(topic_id, U.TOPIC_NOT_FOUND_ITEM_CODE, U.TOPIC_NOT_FOUND_ITEM_INFO)

    def _missing_perm(self, topic_id: str) -> Body:
        return self._tp_item(topic_id, U.TOPIC_PERMISSION_MISSING_CODE,
                             "topic permission does not exist in this permission group")

    def cmd_add_topic_permission_group(self, body: Body) -> Body:
        c = self._community(body, topics=True)
        pg_id = self._existing_pg(c, body)
        results = []
        for tid, perm in self._topic_perm_list(body):
            if not self._topic_in(c, tid):
                results.append(self._missing_topic(tid))
            elif self.store.get_topic_perm(c.group_id, pg_id, tid) is not None:
                results.append(self._tp_item(tid, U.TOPIC_PERMISSION_EXISTS_CODE,
                                             U.TOPIC_PERMISSION_EXISTS_INFO))
            else:
                self.store.upsert_topic_perm(c.group_id, pg_id, tid, perm)
                results.append(self._tp_item(tid))
        return {"TopicPermissionResultList": results}

    def cmd_set_topic_permission_group(self, body: Body) -> Body:
        c = self._community(body, topics=True)
        pg_id = self._existing_pg(c, body)
        results = []
        for tid, perm in self._topic_perm_list(body):
            if not self._topic_in(c, tid):
                results.append(self._missing_topic(tid))
            elif self.store.get_topic_perm(c.group_id, pg_id, tid) is None:
                results.append(self._missing_perm(tid))
            else:
                self.store.upsert_topic_perm(c.group_id, pg_id, tid, perm)
                results.append(self._tp_item(tid))
        return {"TopicPermissionResultList": results}

    def cmd_delete_topic_permission_group(self, body: Body) -> Body:
        c = self._community(body, topics=True)
        pg_id = self._existing_pg(c, body)
        ids = self._topic_ids(body, U.TOPIC_PERMISSION_LIST_MAX)
        assert ids is not None
        results = []
        for tid in ids:
            if not self._topic_in(c, tid):
                results.append(self._missing_topic(tid))
            elif not self.store.delete_topic_perm(c.group_id, pg_id, tid):
                results.append(self._missing_perm(tid))
            else:
                results.append(self._tp_item(tid))
        return {"TopicPermissionResultList": results}

    def cmd_get_topic_permission_group(self, body: Body) -> Body:
        c = self._community(body, topics=True)
        pg_id = self._existing_pg(c, body)
        ids = self._topic_ids(body, U.GET_TOPIC_PERMISSION_MAX_IDS, required=False)
        if not ids:
            return {"TopicPermissionResultList": [
                {**self._tp_item(tid), "Permission": perm}
                for tid, perm in self.store.list_topic_perms(c.group_id, pg_id)]}
        results = []
        for tid in ids:
            perm = self.store.get_topic_perm(c.group_id, pg_id, tid)
            if perm is not None:
                results.append({**self._tp_item(tid), "Permission": perm})
            elif not self._topic_in(c, tid):
                results.append(self._missing_topic(tid))
            else:
                results.append(self._missing_perm(tid))
        return {"TopicPermissionResultList": results}

    # --- members (7.9 - 7.11) -----------------------------------------------------------

    def _accounts(self, body: Body) -> list[str]:
        raw = _list(body, "MemberList", U.MEMBER_LIST_MAX)
        assert raw is not None
        out = []
        for item in raw:
            if not isinstance(item, dict):
                raise InvalidParam("MemberList items must be objects")
            acc = _str(item, "Member_Account")
            assert acc is not None
            if not member_account_ok(acc):
                raise ChatError(U.INVALID_MEMBER_ACCOUNT_CODE,
                                f"invalid Member_Account {acc!r}")
            out.append(acc)
        return out

    def cmd_add_permission_group_member(self, body: Body) -> Body:
        c = self._community(body)
        pg_id = self._existing_pg(c, body)
        results = []
        for acc in self._accounts(body):
            added = self.store.add_member(c.group_id, pg_id, acc)
            results.append({"Member_Account": acc, "Result": 0 if added else ALREADY_MEMBER})
        return {"MemberList": results}

    def cmd_delete_permission_group_member(self, body: Body) -> Body:
        c = self._community(body)
        pg_id = self._existing_pg(c, body)
        for acc in self._accounts(body):
            self.store.delete_member(c.group_id, pg_id, acc)
        return {}

    def cmd_get_permission_group_member_list(self, body: Body) -> Body:
        c = self._community(body)
        pg_id = self._existing_pg(c, body)
        limit = _limit(body, U.MEMBER_LIST_DEFAULT_LIMIT, U.MEMBER_LIST_MAX_LIMIT)
        after = decode_cursor("mem", _str(body, "Next", required=False) or "")
        rows = self.store.list_members(c.group_id, pg_id, after, limit + 1)
        more = len(rows) > limit
        rows = rows[:limit]
        return {"MemberList": [{"Member_Account": acc} for _, acc in rows],
                "Next": encode_cursor("mem", rows[-1][0]) if more else ""}

    # --- fixtures: groups and topics (§8) -----------------------------------------------

    def cmd_create_group(self, body: Body) -> Body:
        gtype = _str(body, "Type")
        if gtype not in U.GROUP_TYPES:
            raise InvalidParam(f"unsupported group Type {gtype!r}")
        name = _str(body, "Name")
        assert name is not None
        if not name:
            raise InvalidParam("Name must not be empty")
        if _nbytes(name) > U.GROUP_NAME_MAX_BYTES:
            raise ChatError(U.OVER_LIMIT_CODE,
                            f"Name is longer than {U.GROUP_NAME_MAX_BYTES} bytes")
        owner = _str(body, "Owner_Account", required=False) or ""
        support = _int(body, "SupportTopic", required=False)
        if support is None:
            support = U.SUPPORT_TOPIC_DEFAULT
        if support not in (0, 1):
            raise InvalidParam("SupportTopic must be 0 or 1")
        community = gtype == "Community"
        gid = _str(body, "GroupId", required=False)
        if gid is not None:
            bad = not group_id_ok(gid) or (
                not gid.startswith(TGS_COMMUNITY_PREFIX) if community
                else gid.startswith("@TGS#"))
            if bad or TOPIC_SEP in gid:
                raise InvalidGroupId(f"invalid custom GroupId {gid!r}")
            if self.store.get_community(gid) is not None:
                raise ChatError(U.DUPLICATE_GROUP_ID_CODE, f"GroupId {gid!r} already in use")
        else:
            prefix = TGS_GENERATED if community else U.GENERATED_OTHER_GROUP_PREFIX
            gid = prefix + _suffix()
            while self.store.get_community(gid) is not None:
                gid = prefix + _suffix()
        self.store.insert_community(Community(gid, name, gtype, community and support == 1,
                                              owner))
        return {"GroupId": gid}

    def cmd_destroy_group(self, body: Body) -> Body:
        c = self._group(body)
        self.store.delete_community(c.group_id)
        return {}

    def cmd_create_topic(self, body: Body) -> Body:
        c = self._community(body, topics=True)
        name = _str(body, "TopicName")
        assert name is not None
        if not name:
            raise InvalidParam("TopicName must not be empty")
        if _nbytes(name) > U.TOPIC_NAME_MAX_BYTES:
            raise ChatError(U.OVER_LIMIT_CODE,
                            f"TopicName is longer than {U.TOPIC_NAME_MAX_BYTES} bytes")
        tid = _str(body, "TopicId", required=False)
        prefix = c.group_id + TOPIC_SEP
        if tid is not None:
            custom = tid[len(prefix):]
            if (not tid.startswith(prefix) or not custom or not _printable(tid)
                    or len(tid) > U.TOPIC_ID_MAX_BYTES or TGS_COMMUNITY_PREFIX in custom
                    or custom.startswith("@TOPIC#") or TOPIC_GENERATED_SEP in tid):
                raise ChatError(U.INVALID_TOPIC_ID_CODE, f"invalid custom TopicId {tid!r}")
            if self.store.topic_group(tid) is not None:
                raise ChatError(U.DUPLICATE_TOPIC_ID_CODE, f"TopicId {tid!r} already in use")
        else:
            tid = c.group_id + TOPIC_GENERATED_SEP + _suffix()
            while self.store.topic_group(tid) is not None:
                tid = c.group_id + TOPIC_GENERATED_SEP + _suffix()
        self.store.insert_topic(c.group_id, tid, name)
        return {U.CREATE_TOPIC_ID_FIELD: tid}

    def cmd_get_topic(self, body: Body) -> Body:
        c = self._community(body, topics=True)
        _str(body, "From_Account", required=U.GET_TOPIC_REQUIRES_FROM_ACCOUNT)
        ids = self._topic_ids(body, 10**9, required=False)
        items: list[Body] = []
        if not ids:
            topics = self.store.list_topics(c.group_id)
            items = [self._topic_item(t) for t in topics]
        else:
            for tid in ids:
                t = self.store.get_topic(c.group_id, tid)
                items.append(self._topic_item(t) if t else {
                    U.GET_TOPIC_ITEM_FIELD: {"TopicId": tid},
                    "ErrorCode": U.UNKNOWN_TOPIC_ITEM_CODE, "ErrorInfo": "topic does not exist"})
        return {U.GET_TOPIC_LIST_FIELD: items}

    @staticmethod
    def _topic_item(t: tuple[str, str]) -> Body:
        return {U.GET_TOPIC_ITEM_FIELD: {"TopicId": t[0], "TopicName": t[1]},
                "ErrorCode": 0, "ErrorInfo": U.TOPIC_OK_INFO}

    def cmd_destroy_topic(self, body: Body) -> Body:
        c = self._community(body, topics=True)
        ids = self._topic_ids(body, 10**9)
        assert ids is not None
        out = []
        for tid in ids:
            if self.store.get_topic(c.group_id, tid) is None:
                out.append({"ErrorCode": U.UNKNOWN_TOPIC_ITEM_CODE,
                            "ErrorInfo": "topic does not exist", "TopicId": tid})
            else:
                self.store.delete_topic(c.group_id, tid)
                out.append({"ErrorCode": 0, "ErrorInfo": U.TOPIC_OK_INFO, "TopicId": tid})
        return {"DestroyResultItem": out}

    # --- seeding --------------------------------------------------------------------------

    def seed(self, doc: Body) -> None:
        """Create the seed's groups and topics unless they already exist (idempotent)."""
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
