"""Groups and topics: create / destroy / read / modify a group with its permission-group
switch and community default (docs/tencent-api.md#712-create_group to
#715-modify_group_base_info), list the app's groups (docs/tencent-api.md#720-get_appid_group_list),
and create / read / modify / destroy topics (docs/tencent-api.md#716-create_topic to
#719-destroy_topic).

Each ``cmd_<command>`` takes the decoded JSON body and returns the response fields beyond the
envelope, or raises ChatError.
"""

from __future__ import annotations

import time
from typing import Any

from . import unverified as U
from ._fields import (
    SEQ_LIMIT,
    TGS_COMMUNITY_PREFIX,
    TGS_GENERATED,
    TOPIC_GENERATED_SEP,
    TOPIC_SEP,
    Body,
    Commands,
    fresh_id,
    get_from_account,
    get_int,
    get_limit,
    get_permission,
    get_str,
    get_strings,
    get_text,
    get_texts,
    group_id_ok,
    per_item,
    printable,
    split_page,
)
from .errors import ChatError, InvalidGroupId, InvalidParam
from .store import Community, Topic

# Optional profile text fields: (request field, Community / Topic attribute, byte limit).
_GROUP_TEXTS = (("Introduction", "introduction", U.GROUP_INTRODUCTION_MAX_BYTES),
                ("Notification", "notification", U.GROUP_NOTIFICATION_MAX_BYTES),
                ("FaceUrl", "face_url", U.GROUP_FACE_URL_MAX_BYTES))
_TOPIC_TEXTS = (("CustomString", "custom_string", U.CUSTOM_STRING_MAX_BYTES),
                ("FaceUrl", "face_url", U.TOPIC_FACE_URL_MAX_BYTES),
                ("Notification", "notification", U.TOPIC_NOTIFICATION_MAX_BYTES),
                ("Introduction", "introduction", U.TOPIC_INTRODUCTION_MAX_BYTES))


# --- the permission-group switch (docs/tencent-api.md#prerequisites) ----------------------

def _switch_fields(body: Body) -> tuple[int | None, int | None]:
    """EnablePermission (0/1) and DefaultPermission (unsigned 64-bit), each optional."""
    enable = get_int(body, "EnablePermission", required=False)
    if enable is not None and enable not in (0, 1):
        raise InvalidParam("EnablePermission must be 0 or 1")
    return enable, get_permission(body, "DefaultPermission", required=False)


def _check_switch(capable: bool, enable_now: int, enable: int | None,
                  default: int | None) -> None:
    """The rules of docs/tencent-api.md#712-create_group and #715-modify_group_base_info: both
    fields need a topic-enabled Community; DefaultPermission needs permission groups switched
    on."""
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


# --- answers -------------------------------------------------------------------------------

def _group_info_filter(body: Body) -> frozenset[str] | None:
    """The names in ResponseFilter.GroupBaseInfoFilter, or None when there is no filter."""
    rf = body.get("ResponseFilter")
    if rf is None:
        return None
    if not isinstance(rf, dict):
        raise InvalidParam("ResponseFilter must be an object")
    names = get_strings(rf, "GroupBaseInfoFilter", 10**9, required=False)
    return None if names is None else frozenset(names)


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


def _topic_fields(body: Body, *, create: bool) -> dict[str, Any]:
    """The topic profile fields present in ``body``, checked (Topic attribute names)."""
    out: dict[str, Any] = {}
    name = get_text(body, "TopicName", U.TOPIC_NAME_MAX_BYTES, required=create,
                    non_empty=True)
    if name is not None:
        out["name"] = name
    get_from_account(body)
    out.update(get_texts(body, _TOPIC_TEXTS))
    return out


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


class CommunityCommands(Commands):
    """One method per command word of docs/tencent-api.md#712-create_group to
    #720-get_appid_group_list."""

    # --- groups (7.12 - 7.15 and 7.20 of docs/tencent-api.md#7-endpoint-reference) --------

    def cmd_create_group(self, body: Body) -> Body:
        gtype = get_str(body, "Type")
        if gtype not in U.GROUP_TYPES:
            raise InvalidParam(f"unsupported group Type {gtype!r}")
        name = get_text(body, "Name", U.GROUP_NAME_MAX_BYTES, required=True, non_empty=True)
        assert name is not None
        owner = get_str(body, "Owner_Account", required=False) or ""
        support = get_int(body, "SupportTopic", required=False)
        if support is None:
            support = U.SUPPORT_TOPIC_DEFAULT
        if support not in (0, 1):
            raise InvalidParam("SupportTopic must be 0 or 1")
        texts = get_texts(body, _GROUP_TEXTS)
        community = gtype == "Community"
        enable, default = _switch_fields(body)
        _check_switch(community and support == 1, U.ENABLE_PERMISSION_DEFAULT, enable, default)
        gid = get_str(body, "GroupId", required=False)
        if gid is not None:
            bad = not group_id_ok(gid) or (
                not gid.startswith(TGS_COMMUNITY_PREFIX) if community
                else gid.startswith("@TGS#"))
            if bad or TOPIC_SEP in gid:
                raise InvalidGroupId(f"invalid custom GroupId {gid!r}")
            if self.store.get_community(gid) is not None:
                raise ChatError(U.DUPLICATE_GROUP_ID_CODE, f"GroupId {gid!r} already in use")
        else:
            gid = fresh_id(TGS_GENERATED if community else U.GENERATED_OTHER_GROUP_PREFIX,
                           lambda i: self.store.get_community(i) is not None)
        self.store.insert_community(Community(
            gid, name, gtype, community and support == 1, owner, **texts,
            enable_permission=U.ENABLE_PERMISSION_DEFAULT if enable is None else enable,
            default_permission=U.DEFAULT_PERMISSION_DEFAULT if default is None else default))
        return {"GroupId": gid}

    def cmd_destroy_group(self, body: Body) -> Body:
        c = self._group(body)
        self.store.delete_community(c.group_id)
        return {}

    def cmd_modify_group_base_info(self, body: Body) -> Body:
        c = self._group(body)
        changes: dict[str, Any] = {}
        name = get_text(body, "Name", U.GROUP_NAME_MAX_BYTES, non_empty=True)
        if name is not None:
            changes["name"] = name
        changes.update(get_texts(body, _GROUP_TEXTS))
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
        ids = get_strings(body, "GroupIdList", U.GROUP_INFO_MAX_IDS)
        assert ids is not None
        fields = _group_info_filter(body)
        return {"GroupInfo": per_item(
            ids, group_id_ok, self.store.get_community, lambda c: _group_info(c, fields),
            lambda gid, code, info: {"GroupId": gid, "ErrorCode": code, "ErrorInfo": info},
            (U.GROUP_INFO_INVALID_ITEM_CODE, "invalid GroupId"),
            (U.GROUP_INFO_UNKNOWN_ITEM_CODE, "group does not exist"))}

    def cmd_get_appid_group_list(self, body: Body) -> Body:
        limit = get_limit(body, U.APPID_GROUP_LIST_MAX_LIMIT, U.APPID_GROUP_LIST_MAX_LIMIT)
        after = get_int(body, "Next", required=False) or 0
        if not 0 <= after < 2**64:
            raise InvalidParam("Next must be an unsigned 64-bit integer")
        gtype = get_str(body, "GroupType", required=False)
        if gtype is not None and gtype not in U.GROUP_TYPES:
            raise InvalidParam(f"unsupported GroupType {gtype!r}")
        # A cursor past SQLite's INTEGER range is past every row.
        rows, more = split_page(
            self.store.list_groups(gtype, after, limit + 1) if after < SEQ_LIMIT else [], limit)
        return {"TotalCount": self.store.count_groups(gtype),
                "GroupIdList": [{"GroupId": gid} for _, gid in rows],
                "Next": rows[-1][0] if more else 0}

    # --- topics (docs/tencent-api.md#716-create_topic to #719-destroy_topic) --------------

    def cmd_create_topic(self, body: Body) -> Body:
        c = self._community(body, topics=True)
        fields = _topic_fields(body, create=True)
        tid = get_str(body, "TopicId", required=False)
        prefix = c.group_id + TOPIC_SEP
        if tid is not None:
            custom = tid[len(prefix):]
            if (not tid.startswith(prefix) or not custom or not printable(tid)
                    or len(tid) > U.TOPIC_ID_MAX_BYTES or TGS_COMMUNITY_PREFIX in custom
                    or custom.startswith("@TOPIC#") or TOPIC_GENERATED_SEP in tid):
                raise ChatError(U.INVALID_TOPIC_ID_CODE, f"invalid custom TopicId {tid!r}")
            if self.store.topic_group(tid) is not None:
                raise ChatError(U.DUPLICATE_TOPIC_ID_CODE, f"TopicId {tid!r} already in use")
        else:
            tid = fresh_id(c.group_id + TOPIC_GENERATED_SEP,
                           lambda i: self.store.topic_group(i) is not None)
        self.store.insert_topic(c.group_id, Topic(topic_id=tid, create_time=int(time.time()),
                                                  **fields))
        return {"TopicId": tid}

    def cmd_modify_topic(self, body: Body) -> Body:
        c = self._community(body, topics=True)
        tid = get_str(body, "TopicId")
        assert tid is not None
        if self.store.get_topic(c.group_id, tid) is None:
            raise ChatError(U.UNKNOWN_TOPIC_CODE, f"topic {tid!r} does not exist in this group")
        changes = _topic_fields(body, create=False)
        mute = get_str(body, "MuteAllMember", required=False)
        if mute is not None:
            if mute not in ("On", "Off"):
                raise InvalidParam('MuteAllMember must be "On" or "Off"')
            changes["shut_up_all"] = int(mute == "On")
        self.store.update_topic(c.group_id, tid, changes)
        return {}

    def cmd_get_topic(self, body: Body) -> Body:
        c = self._community(body, topics=True)
        get_from_account(body, required=U.GET_TOPIC_REQUIRES_FROM_ACCOUNT)
        ids = get_strings(body, "TopicIdList", 10**9, required=False)
        names = get_strings(body, "ResponseFilter", 10**9, required=False)
        keep = frozenset((*names, *U.GET_TOPIC_ALWAYS_FIELDS)) if names else None
        if not ids:
            return {"TopicAndSelfInfo": [_topic_item(c.group_id, t, keep)
                                         for t in self.store.list_topics(c.group_id)]}
        items: list[Body] = []
        for tid in ids:
            t = self.store.get_topic(c.group_id, tid)
            items.append(_topic_item(c.group_id, t, keep) if t else {
                "ErrorCode": U.UNKNOWN_TOPIC_CODE, "ErrorInfo": "topic does not exist",
                "TopicInfo": {"TopicId": tid}})
        return {"TopicAndSelfInfo": items}

    def cmd_destroy_topic(self, body: Body) -> Body:
        c = self._community(body, topics=True)
        ids = get_strings(body, "TopicIdList", 10**9)
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
