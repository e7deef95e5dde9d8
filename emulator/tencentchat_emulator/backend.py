"""Business rules of the emulated API, over the Store. No HTTP here.

Each `cmd_<command>` takes the decoded JSON body and returns the response fields beyond
the envelope, or raises ChatError. The caller owns the transaction.
"""

from __future__ import annotations

import base64
import binascii
import secrets
import string
import time
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
from .store import Community, PermissionGroup, Store, Topic

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


def _text(body: Body, key: str, limit: int, *, required: bool = False,
          non_empty: bool = False) -> str | None:
    """A string field of at most ``limit`` UTF-8 bytes (and not empty when ``non_empty``)."""
    v = _str(body, key, required=required)
    if v is not None:
        if non_empty and not v:
            raise InvalidParam(f"{key} must not be empty")
        if _nbytes(v) > limit:
            raise ChatError(U.OVER_LIMIT_CODE, f"{key} is longer than {limit} bytes")
    return v


def _custom_string(body: Body) -> str | None:
    return _text(body, "CustomString", U.CUSTOM_STRING_MAX_BYTES)


def _strings(body: Body, key: str, cap: int, *, required: bool = True) -> list[str] | None:
    """An array of strings (see `_list` for the empty / over-cap rules)."""
    v = _list(body, key, cap, required=required)
    if v is not None and not all(isinstance(i, str) for i in v):
        raise InvalidParam(f"{key} must hold strings")
    return v


def _from_account(body: Body, *, required: bool = False) -> str | None:
    acc = _str(body, "From_Account", required=required)
    if acc is not None and not member_account_ok(acc):
        raise InvalidParam(f"invalid From_Account {acc!r}")
    return acc


def _limit(body: Body, default: int, cap: int) -> int:
    limit = _int(body, "Limit", required=False)
    if limit is None:
        return default
    if not U.MIN_LIMIT <= limit <= cap:
        raise ChatError(U.OVER_LIMIT_CODE, f"Limit must be between {U.MIN_LIMIT} and {cap}")
    return limit


def _switch_fields(body: Body) -> tuple[int | None, int | None]:
    """EnablePermission (0/1) and DefaultPermission (unsigned 64-bit), each optional."""
    enable = _int(body, "EnablePermission", required=False)
    if enable is not None and enable not in (0, 1):
        raise InvalidParam("EnablePermission must be 0 or 1")
    return enable, _permission(body, "DefaultPermission", required=False)


def _check_switch(capable: bool, enable_now: int, enable: int | None,
                  default: int | None) -> None:
    """The spec 14.1 rules: both fields need a topic-enabled Community; DefaultPermission
    needs permission groups switched on."""
    if enable is None and default is None:
        return
    if not capable:
        raise ChatError(U.PERMISSION_FIELDS_UNSUPPORTED_CODE,
                        "EnablePermission and DefaultPermission need a Community with topics")
    switch = enable if enable is not None and U.DEFAULT_PERMISSION_CHECKS_NEW_SWITCH \
        else enable_now
    if default is not None and switch != 1:
        raise ChatError(U.DEFAULT_PERMISSION_WHILE_DISABLED_CODE,
                        "DefaultPermission can only be set while EnablePermission is 1")


def _topic_capable(c: Community) -> bool:
    return c.type == "Community" and c.support_topic


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

    def _pg_community(self, body: Body, *, topics: bool = False) -> Community:
        """The community of a permission-group call (spec §7), with the switch choice."""
        c = self._community(body, topics=topics)
        if U.PERMISSION_GROUP_APIS_NEED_SWITCH and not c.enable_permission:
            raise ChatError(U.PERMISSION_GROUP_APIS_SWITCH_OFF_CODE,
                            "permission groups are not enabled in this community")
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
        c = self._pg_community(body)
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
        c = self._pg_community(body)
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
        c = self._pg_community(body)
        pg_id = self._existing_pg(c, body)
        name = _name(body, required=False)
        permission = _permission(body, required=False)
        cs = _custom_string(body)
        self.store.update_pg(c.group_id, pg_id, name, permission, cs)
        return {}

    def cmd_get_permission_group(self, body: Body) -> Body:
        c = self._pg_community(body)
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

    @staticmethod
    def _topic_ids(body: Body, cap: int, *, required: bool = True) -> list[str] | None:
        return _strings(body, "TopicIdList", cap, required=required)

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
        c = self._pg_community(body, topics=True)
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
        c = self._pg_community(body, topics=True)
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
        c = self._pg_community(body, topics=True)
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
        c = self._pg_community(body, topics=True)
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
        c = self._pg_community(body)
        pg_id = self._existing_pg(c, body)
        results = []
        for acc in self._accounts(body):
            added = self.store.add_member(c.group_id, pg_id, acc)
            results.append({"Member_Account": acc, "Result": 0 if added else ALREADY_MEMBER})
        return {"MemberList": results}

    def cmd_delete_permission_group_member(self, body: Body) -> Body:
        c = self._pg_community(body)
        pg_id = self._existing_pg(c, body)
        for acc in self._accounts(body):
            self.store.delete_member(c.group_id, pg_id, acc)
        return {}

    def cmd_get_permission_group_member_list(self, body: Body) -> Body:
        c = self._pg_community(body)
        pg_id = self._existing_pg(c, body)
        limit = _limit(body, U.MEMBER_LIST_DEFAULT_LIMIT, U.MEMBER_LIST_MAX_LIMIT)
        after = decode_cursor("mem", _str(body, "Next", required=False) or "")
        rows = self.store.list_members(c.group_id, pg_id, after, limit + 1)
        more = len(rows) > limit
        rows = rows[:limit]
        return {"MemberList": [{"Member_Account": acc} for _, acc in rows],
                "Next": encode_cursor("mem", rows[-1][0]) if more else ""}

    # --- groups (§8.1, §8.2, §14.1, §14.3) ----------------------------------------------

    def cmd_create_group(self, body: Body) -> Body:
        gtype = _str(body, "Type")
        if gtype not in U.GROUP_TYPES:
            raise InvalidParam(f"unsupported group Type {gtype!r}")
        name = _text(body, "Name", U.GROUP_NAME_MAX_BYTES, required=True, non_empty=True)
        assert name is not None
        owner = _str(body, "Owner_Account", required=False) or ""
        support = _int(body, "SupportTopic", required=False)
        if support is None:
            support = U.SUPPORT_TOPIC_DEFAULT
        if support not in (0, 1):
            raise InvalidParam("SupportTopic must be 0 or 1")
        intro = _text(body, "Introduction", U.GROUP_INTRODUCTION_MAX_BYTES) or ""
        notification = _text(body, "Notification", U.GROUP_NOTIFICATION_MAX_BYTES) or ""
        face = _text(body, "FaceUrl", U.GROUP_FACE_URL_MAX_BYTES) or ""
        community = gtype == "Community"
        enable, default = _switch_fields(body)
        _check_switch(community and support == 1, U.ENABLE_PERMISSION_DEFAULT, enable, default)
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
        self.store.insert_community(Community(
            gid, name, gtype, community and support == 1, owner, intro, notification, face,
            U.ENABLE_PERMISSION_DEFAULT if enable is None else enable,
            U.DEFAULT_PERMISSION_DEFAULT if default is None else default))
        return {"GroupId": gid}

    def cmd_destroy_group(self, body: Body) -> Body:
        c = self._group(body)
        self.store.delete_community(c.group_id)
        return {}

    def cmd_modify_group_base_info(self, body: Body) -> Body:
        c = self._group(body)
        changes: dict[str, Any] = {}
        for key, attr, limit in (("Name", "name", U.GROUP_NAME_MAX_BYTES),
                                 ("Introduction", "introduction", U.GROUP_INTRODUCTION_MAX_BYTES),
                                 ("Notification", "notification", U.GROUP_NOTIFICATION_MAX_BYTES),
                                 ("FaceUrl", "face_url", U.GROUP_FACE_URL_MAX_BYTES)):
            value = _text(body, key, limit, non_empty=key == "Name")
            if value is not None:
                changes[attr] = value
        enable, default = _switch_fields(body)
        _check_switch(_topic_capable(c), c.enable_permission, enable, default)
        if enable is not None:
            changes["enable_permission"] = enable
            if enable == 0 and U.RESET_DEFAULT_PERMISSION_ON_DISABLE:
                changes["default_permission"] = U.DEFAULT_PERMISSION_DEFAULT
        if default is not None:
            changes["default_permission"] = default
        self.store.update_community(c.group_id, changes)
        return {}

    def cmd_get_group_info(self, body: Body) -> Body:
        ids = _strings(body, "GroupIdList", U.GROUP_INFO_MAX_IDS)
        assert ids is not None
        fields = self._group_info_filter(body)
        items: list[Body] = []
        for gid in ids:
            c = self.store.get_community(gid) if group_id_ok(gid) else None
            if c is not None:
                items.append(self._group_info(c, fields))
            elif not group_id_ok(gid):
                items.append({"GroupId": gid, "ErrorCode": U.GROUP_INFO_INVALID_ITEM_CODE,
                              "ErrorInfo": "invalid GroupId"})
            else:
                items.append({"GroupId": gid, "ErrorCode": U.GROUP_INFO_UNKNOWN_ITEM_CODE,
                              "ErrorInfo": "group does not exist"})
        return {"GroupInfo": items}

    @staticmethod
    def _group_info_filter(body: Body) -> frozenset[str] | None:
        """The names in ResponseFilter.GroupBaseInfoFilter, or None when there is no filter."""
        rf = body.get("ResponseFilter")
        if rf is None:
            return None
        if not isinstance(rf, dict):
            raise InvalidParam("ResponseFilter must be an object")
        names = _strings(rf, "GroupBaseInfoFilter", 10**9, required=False)
        return None if names is None else frozenset(names)

    @staticmethod
    def _group_info(c: Community, fields: frozenset[str] | None) -> Body:
        info: Body = {"GroupId": c.group_id, "Type": c.type, "Name": c.name,
                      "Introduction": c.introduction, "Notification": c.notification,
                      "FaceUrl": c.face_url, "Owner_Account": c.owner}
        switch = {"EnablePermission": c.enable_permission,
                  "DefaultPermission": c.default_permission}
        if _topic_capable(c) or U.GROUP_INFO_PERMISSION_FIELDS_FOR_ALL_GROUPS:
            if fields is not None or not U.GROUP_INFO_PERMISSION_FIELDS_NEED_FILTER:
                info.update(switch)
        if fields is not None:
            info = {k: v for k, v in info.items() if k == "GroupId" or k in fields}
        return {"ErrorCode": 0, "ErrorInfo": "", **info}

    def cmd_get_appid_group_list(self, body: Body) -> Body:
        limit = _limit(body, U.APPID_GROUP_LIST_MAX_LIMIT, U.APPID_GROUP_LIST_MAX_LIMIT)
        after = _int(body, "Next", required=False) or 0
        if not 0 <= after < 2**64:
            raise InvalidParam("Next must be an unsigned 64-bit integer")
        gtype = _str(body, "GroupType", required=False)
        if gtype is not None and gtype not in U.GROUP_TYPES:
            raise InvalidParam(f"unsupported GroupType {gtype!r}")
        # A cursor past SQLite's INTEGER range is past every row.
        rows = self.store.list_groups(gtype, after, limit + 1) if after < _SEQ_LIMIT else []
        more = len(rows) > limit
        rows = rows[:limit]
        return {"TotalCount": self.store.count_groups(gtype),
                "GroupIdList": [{"GroupId": gid} for _, gid in rows],
                "Next": rows[-1][0] if more else 0}

    # --- topics (§8.3 - §8.5, §14.2) ----------------------------------------------------

    @staticmethod
    def _topic_fields(body: Body, *, create: bool) -> dict[str, Any]:
        """The topic profile fields present in ``body``, checked (Topic attribute names)."""
        out: dict[str, Any] = {}
        name = _text(body, "TopicName", U.TOPIC_NAME_MAX_BYTES, required=create,
                     non_empty=True)
        if name is not None:
            out["name"] = name
        _from_account(body)
        for key, attr, limit in (("CustomString", "custom_string", U.CUSTOM_STRING_MAX_BYTES),
                                 ("FaceUrl", "face_url", U.TOPIC_FACE_URL_MAX_BYTES),
                                 ("Notification", "notification", U.TOPIC_NOTIFICATION_MAX_BYTES),
                                 ("Introduction", "introduction", U.TOPIC_INTRODUCTION_MAX_BYTES)):
            value = _text(body, key, limit)
            if value is not None:
                out[attr] = value
        return out

    def cmd_create_topic(self, body: Body) -> Body:
        c = self._community(body, topics=True)
        fields = self._topic_fields(body, create=True)
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
        self.store.insert_topic(c.group_id, Topic(topic_id=tid, create_time=int(time.time()),
                                                  **fields))
        return {"TopicId": tid}

    def cmd_modify_topic(self, body: Body) -> Body:
        c = self._community(body, topics=True)
        tid = _str(body, "TopicId")
        assert tid is not None
        if self.store.get_topic(c.group_id, tid) is None:
            raise ChatError(U.UNKNOWN_TOPIC_CODE, f"topic {tid!r} does not exist in this group")
        changes = self._topic_fields(body, create=False)
        mute = _str(body, "MuteAllMember", required=False)
        if mute is not None:
            if mute not in ("On", "Off"):
                raise InvalidParam('MuteAllMember must be "On" or "Off"')
            changes["shut_up_all"] = int(mute == "On")
        self.store.update_topic(c.group_id, tid, changes)
        return {}

    def cmd_get_topic(self, body: Body) -> Body:
        c = self._community(body, topics=True)
        _from_account(body, required=U.GET_TOPIC_REQUIRES_FROM_ACCOUNT)
        ids = self._topic_ids(body, 10**9, required=False)
        names = _strings(body, "ResponseFilter", 10**9, required=False)
        keep = frozenset((*names, *U.GET_TOPIC_ALWAYS_FIELDS)) if names else None
        if not ids:
            return {"TopicAndSelfInfo": [self._topic_item(c.group_id, t, keep)
                                         for t in self.store.list_topics(c.group_id)]}
        items: list[Body] = []
        for tid in ids:
            t = self.store.get_topic(c.group_id, tid)
            items.append(self._topic_item(c.group_id, t, keep) if t else {
                "ErrorCode": U.UNKNOWN_TOPIC_CODE, "ErrorInfo": "topic does not exist",
                "TopicInfo": {"TopicId": tid}})
        return {"TopicAndSelfInfo": items}

    @staticmethod
    def _topic_item(group_id: str, t: Topic, keep: frozenset[str] | None) -> Body:
        info: Body = {"TopicName": t.name, "GroupID": group_id, "FaceUrl": t.face_url,
                      "TopicId": t.topic_id, "NextMsgSeq": 1, "Notification": t.notification,
                      "Introduction": t.introduction, "CreateTime": t.create_time,
                      "LastMsgTime": 0, "ShutUpAllFlag": t.shut_up_all,
                      "CustomString": t.custom_string}
        if keep is not None:
            info = {k: v for k, v in info.items() if k in keep}
        return {"ErrorCode": 0, "ErrorInfo": U.TOPIC_OK_INFO, "TopicInfo": info,
                "SelfInfo": {"ShutUpTime": 0, "MsgSeq": 0, "MsgFlag": U.TOPIC_SELF_MSG_FLAG}}

    def cmd_destroy_topic(self, body: Body) -> Body:
        c = self._community(body, topics=True)
        ids = self._topic_ids(body, 10**9)
        assert ids is not None
        out = []
        for tid in ids:
            if self.store.get_topic(c.group_id, tid) is None:
                out.append({"ErrorCode": U.UNKNOWN_TOPIC_CODE,
                            "ErrorInfo": "topic does not exist", "TopicId": tid})
            else:
                self.store.delete_topic(c.group_id, tid)
                out.append({"ErrorCode": 0, "ErrorInfo": U.TOPIC_OK_INFO, "TopicId": tid})
        return {"DestroyResultItem": out}

    # --- seeding --------------------------------------------------------------------------

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
