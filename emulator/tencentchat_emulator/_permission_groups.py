"""The eleven permission-group commands (docs/tencent-api.md#7-endpoint-reference): the groups
themselves (7.1 - 7.4), their topic permissions (7.5 - 7.8) and their members (7.9 - 7.11).

Each ``cmd_<command>`` takes the decoded JSON body and returns the response fields beyond the
envelope, or raises ChatError.
"""

from __future__ import annotations

from . import unverified as U
from ._fields import (
    PMG_GENERATED,
    Body,
    Commands,
    cursor_page,
    each_object,
    fresh_id,
    get_permission,
    get_str,
    get_strings,
    get_text,
    member_account_ok,
    nbytes,
    per_item,
    pg_id_ok,
)
from .errors import (
    ChatError,
    InvalidParam,
    InvalidPermissionGroupId,
    PermissionGroupNotFound,
)
from .store import Community, PermissionGroup

_INVALID_PG = (U.PER_ITEM_INVALID_PERMISSION_GROUP_ID_CODE, "invalid PermissionGroupId")
_UNKNOWN_PG = (U.PER_ITEM_UNKNOWN_PERMISSION_GROUP_CODE, "permission group does not exist")


def _name(body: Body, *, required: bool) -> str | None:
    name = get_str(body, "PermissionGroupName", required=required)
    if name is not None:
        if not name and not U.ALLOW_EMPTY_PERMISSION_GROUP_NAME:
            raise InvalidParam("PermissionGroupName must not be empty")
        if nbytes(name) > U.PERMISSION_GROUP_NAME_MAX_BYTES:
            raise ChatError(U.OVER_LIMIT_CODE, "PermissionGroupName is longer than "
                            f"{U.PERMISSION_GROUP_NAME_MAX_BYTES} bytes")
    return name


def _custom_string(body: Body) -> str | None:
    return get_text(body, "CustomString", U.CUSTOM_STRING_MAX_BYTES)


def _pg_item(pg_id: str, code: int, info: str) -> Body:
    return {"ErrorCode": code, "ErrorInfo": info, "PermissionGroupId": pg_id}


def _pg_info(pg: PermissionGroup) -> Body:
    return {"ErrorCode": 0, "ErrorInfo": "", "PermissionGroupId": pg.pg_id,
            "PermissionGroupName": pg.name, "CustomString": pg.custom_string,
            "Permission": pg.permission, "MemberCount": pg.member_count}


def _tp_item(topic_id: str, code: int = 0, info: str = "") -> Body:
    return {"ErrorCode": code, "ErrorInfo": info, "TopicId": topic_id}


def _missing_topic(topic_id: str) -> Body:
    return _tp_item(topic_id, U.TOPIC_NOT_FOUND_ITEM_CODE, U.TOPIC_NOT_FOUND_ITEM_INFO)


def _missing_perm(topic_id: str) -> Body:
    return _tp_item(topic_id, U.TOPIC_PERMISSION_MISSING_CODE,
                    "topic permission does not exist in this permission group")


def _topic_perm_list(body: Body) -> list[tuple[str, int]]:
    out = []
    for item in each_object(body, "TopicPermissionList", U.TOPIC_PERMISSION_LIST_MAX):
        tid = get_str(item, "TopicId")
        perm = get_permission(item)
        assert tid is not None and perm is not None
        out.append((tid, perm))
    return out


def _accounts(body: Body) -> list[str]:
    out = []
    for item in each_object(body, "MemberList", U.MEMBER_LIST_MAX):
        acc = get_str(item, "Member_Account")
        assert acc is not None
        if not member_account_ok(acc):
            raise ChatError(U.INVALID_MEMBER_ACCOUNT_CODE, f"invalid Member_Account {acc!r}")
        out.append(acc)
    return out


class PermissionGroupCommands(Commands):
    """One method per permission-group command word (docs/tencent-api.md#7-endpoint-reference)."""

    # --- lookups ------------------------------------------------------------------------

    def _pg_community(self, body: Body, *, topics: bool = False) -> Community:
        """The community of a permission-group call, with the switch choice
        (docs/tencent-api.md#prerequisites)."""
        c = self._community(body, topics=topics)
        if U.PERMISSION_GROUP_APIS_NEED_SWITCH and not c.enable_permission:
            raise ChatError(U.PERMISSION_GROUP_APIS_SWITCH_OFF_CODE,
                            "permission groups are not enabled in this community")
        return c

    def _existing_pg(self, c: Community, body: Body) -> str:
        pg_id = get_str(body, "PermissionGroupId")
        assert pg_id is not None
        if not pg_id_ok(pg_id):
            raise InvalidPermissionGroupId(f"invalid PermissionGroupId {pg_id!r}")
        if not self.store.pg_exists(c.group_id, pg_id):
            raise PermissionGroupNotFound(pg_id)
        return pg_id

    def _topic_in(self, c: Community, topic_id: str) -> bool:
        return self.store.topic_group(topic_id) == c.group_id

    # --- permission groups (7.1 - 7.4) --------------------------------------------------

    def cmd_create_permission_group(self, body: Body) -> Body:
        c = self._pg_community(body)
        custom = get_str(body, "PermissionGroupId", required=False)
        name = _name(body, required=True)
        permission = get_permission(body, required=False)
        cs = _custom_string(body)
        if custom is not None:
            if not pg_id_ok(custom) or custom.startswith(PMG_GENERATED):
                raise InvalidPermissionGroupId(f"invalid custom PermissionGroupId {custom!r}")
            if self.store.pg_exists(c.group_id, custom):
                raise ChatError(U.DUPLICATE_PERMISSION_GROUP_ID_CODE,
                                f"PermissionGroupId {custom!r} already in use")
            pg_id = custom
        else:
            pg_id = fresh_id(PMG_GENERATED, lambda i: self.store.pg_exists(c.group_id, i))
        assert name is not None
        self.store.insert_pg(c.group_id, pg_id, name,
                             U.CREATE_PERMISSION_DEFAULT if permission is None else permission,
                             cs or "")
        return {"PermissionGroupId": pg_id}

    def cmd_destroy_permission_group(self, body: Body) -> Body:
        c = self._pg_community(body)
        ids = get_strings(body, "PermissionGroupIdList", U.DESTROY_PERMISSION_GROUP_MAX)
        assert ids is not None
        return {"PermissionGroupResultList": per_item(
            ids, pg_id_ok, lambda i: i if self.store.delete_pg(c.group_id, i) else None,
            lambda i: _pg_item(i, 0, ""), _pg_item, _INVALID_PG, _UNKNOWN_PG)}

    def cmd_modify_permission_group(self, body: Body) -> Body:
        c = self._pg_community(body)
        pg_id = self._existing_pg(c, body)
        name = _name(body, required=False)
        permission = get_permission(body, required=False)
        cs = _custom_string(body)
        self.store.update_pg(c.group_id, pg_id, name, permission, cs)
        return {}

    def cmd_get_permission_group(self, body: Body) -> Body:
        c = self._pg_community(body)
        ids = get_strings(body, "PermissionGroupIdList", U.GET_PERMISSION_GROUP_MAX_IDS,
                          required=False)
        if ids:
            return {"PermissionGroupInfoList": per_item(
                ids, pg_id_ok, lambda i: self.store.get_pg(c.group_id, i), _pg_info, _pg_item,
                _INVALID_PG, _UNKNOWN_PG), "Next": ""}
        page, nxt = cursor_page(body, "pmg", U.GET_PERMISSION_GROUP_DEFAULT_LIMIT,
                                U.GET_PERMISSION_GROUP_MAX_LIMIT,
                                lambda after, n: self.store.list_pgs(c.group_id, after, n),
                                lambda pg: pg.seq)
        return {"PermissionGroupInfoList": [_pg_info(p) for p in page], "Next": nxt}

    # --- topic permissions (7.5 - 7.8) --------------------------------------------------

    def _write_topic_perms(self, body: Body, *, add: bool) -> Body:
        """add (the permission must be new) or set (it must exist), per topic."""
        c = self._pg_community(body, topics=True)
        pg_id = self._existing_pg(c, body)
        results = []
        for tid, perm in _topic_perm_list(body):
            if not self._topic_in(c, tid):
                results.append(_missing_topic(tid))
                continue
            present = self.store.get_topic_perm(c.group_id, pg_id, tid) is not None
            if add and present:
                results.append(_tp_item(tid, U.TOPIC_PERMISSION_EXISTS_CODE,
                                        U.TOPIC_PERMISSION_EXISTS_INFO))
            elif not add and not present:
                results.append(_missing_perm(tid))
            else:
                self.store.upsert_topic_perm(c.group_id, pg_id, tid, perm)
                results.append(_tp_item(tid))
        return {"TopicPermissionResultList": results}

    def cmd_add_topic_permission_group(self, body: Body) -> Body:
        return self._write_topic_perms(body, add=True)

    def cmd_set_topic_permission_group(self, body: Body) -> Body:
        return self._write_topic_perms(body, add=False)

    def cmd_delete_topic_permission_group(self, body: Body) -> Body:
        c = self._pg_community(body, topics=True)
        pg_id = self._existing_pg(c, body)
        ids = get_strings(body, "TopicIdList", U.TOPIC_PERMISSION_LIST_MAX)
        assert ids is not None
        results = []
        for tid in ids:
            if not self._topic_in(c, tid):
                results.append(_missing_topic(tid))
            elif not self.store.delete_topic_perm(c.group_id, pg_id, tid):
                results.append(_missing_perm(tid))
            else:
                results.append(_tp_item(tid))
        return {"TopicPermissionResultList": results}

    def cmd_get_topic_permission_group(self, body: Body) -> Body:
        c = self._pg_community(body, topics=True)
        pg_id = self._existing_pg(c, body)
        ids = get_strings(body, "TopicIdList", U.GET_TOPIC_PERMISSION_MAX_IDS, required=False)
        if not ids:
            return {"TopicPermissionResultList": [
                {**_tp_item(tid), "Permission": perm}
                for tid, perm in self.store.list_topic_perms(c.group_id, pg_id)]}
        results = []
        for tid in ids:
            perm = self.store.get_topic_perm(c.group_id, pg_id, tid)
            if perm is not None:
                results.append({**_tp_item(tid), "Permission": perm})
            elif not self._topic_in(c, tid):
                results.append(_missing_topic(tid))
            else:
                results.append(_missing_perm(tid))
        return {"TopicPermissionResultList": results}

    # --- members (7.9 - 7.11) -----------------------------------------------------------

    def cmd_add_permission_group_member(self, body: Body) -> Body:
        c = self._pg_community(body)
        pg_id = self._existing_pg(c, body)
        results = []
        for acc in _accounts(body):
            added = self.store.add_member(c.group_id, pg_id, acc)
            results.append({"Member_Account": acc, "Result": 0 if added
                            else U.MEMBER_ALREADY_PRESENT_RESULT})
        return {"MemberList": results}

    def cmd_delete_permission_group_member(self, body: Body) -> Body:
        c = self._pg_community(body)
        pg_id = self._existing_pg(c, body)
        for acc in _accounts(body):
            self.store.delete_member(c.group_id, pg_id, acc)
        return {}

    def cmd_get_permission_group_member_list(self, body: Body) -> Body:
        c = self._pg_community(body)
        pg_id = self._existing_pg(c, body)
        rows, nxt = cursor_page(
            body, "mem", U.MEMBER_LIST_DEFAULT_LIMIT, U.MEMBER_LIST_MAX_LIMIT,
            lambda after, n: self.store.list_members(c.group_id, pg_id, after, n),
            lambda row: row[0])
        return {"MemberList": [{"Member_Account": acc} for _, acc in rows], "Next": nxt}
