"""Every choice Tencent's pages leave open or docs/tencent-api.md marks "(unverified)", and the
documented limits the rules apply, in one place.

Each constant carries a one-line note: why it is unverified and why this value (or
"documented"). Correct a value here once the real service's behaviour is known; nothing else
should hard-code these. docs/tencent-api.md section 8 lists every constant with its value
(tests/emulator/test_unverified_doc.py keeps the two in step).
"""

from __future__ import annotations

# --- Routing (the command -> service table itself is routes.py) ------------------------

# Unverified: whether the gateway accepts a known command under the other service is
# undocumented. True -> 10003 "illegal command word"; False serves it under either service.
ENFORCE_COMMAND_SERVICE = True
WRONG_SERVICE_CODE = 10003

# --- Query-string checks (docs/tencent-api.md#request-url, #common-codes) ----------------

# Unverified: a non-numeric sdkappid is treated like a wrong one (60006) not a missing one.
NON_NUMERIC_SDKAPPID_CODE = 60006
# Unverified: a missing identifier is "not an App admin" (60010).
MISSING_IDENTIFIER_CODE = 60010
# Unverified: a missing usersig is "UserSig parse failure" (70003), like an undecodable one.
MISSING_USERSIG_CODE = 70003
# Unverified: contenttype other than "json" (missing included) -> 60002 "HTTP parse error".
REQUIRE_CONTENTTYPE_JSON = True
CONTENTTYPE_CODE = 60002
# Unverified: random is optional; when present it must be a uint32, else 60002.
RANDOM_REQUIRED = False
RANDOM_CODE = 60002
# Unverified: a non-POST request to an API path -> 60002 (Tencent only says "POST only":
# docs/tencent-api.md#request-url).
NON_POST_CODE = 60002
# Unverified: an empty body is a JSON parse error (60003); Tencent says send {}
# (docs/tencent-api.md#request-body).
EMPTY_BODY_CODE = 60003
# Unverified: a body that is valid JSON but not an object -> 10011 (group-service JSON
# body parse failure) rather than 60003 (gateway parse error) or 10004.
NON_OBJECT_BODY_CODE = 10011

# Unverified: a path that is not /v4/{service}/{command} (nor an /_emulator route), e.g. an
# empty command word, -> 60009 "request resource error, check the URL" with HTTP 200; it is
# counted in the stats under the empty command word.
UNKNOWN_PATH_CODE = 60009

# Unverified: request bodies are plain JSON; a Content-Encoding header (gzip, br, ...) is not
# interpreted, so an encoded body is a JSON parse error (60003), never an HTTP-layer 400.

# Unverified: no documented body-size limit or code (U8 in
# docs/tencent-api.md#8-unverified-facts-and-chosen-behaviour); we cap bodies at 4 MiB and
# answer 10004 (HTTP 200) rather than HTTP 413.
MAX_BODY_BYTES = 4 * 1024 * 1024
BODY_TOO_LARGE_CODE = 10004

# --- Rate limit (docs/tencent-api.md#rate-limits) ----------------------------------------

RATE_LIMIT_PER_SECOND = 200  # documented value
# Unverified: the scope is per command word (per SDKAppID is implied: one app per emulator).
# Window: sliding one-second log (the doc only says "per second").
RATE_LIMIT_WINDOW_SECONDS = 1.0
RATE_LIMIT_CODE = 60007  # "REST call frequency over limit"; 60011/10006 also plausible
# get_appid_group_list's own documented cap is 1/s (routes.COMMAND_RATE_LIMITS).
# Unverified: its page names no code for exceeding it; the same 60007 as the 200/s cap
# (10006 "group-service operation frequency" is the alternative).
APPID_GROUP_LIST_RATE_LIMIT_CODE = 60007
# Choice: `--rate-limit 0` lifts every cap, this 1/s one included (the flag exists to measure
# raw capacity); any N > 0 is the default per-command cap and leaves documented caps alone.

# --- Group type / topic support ---------------------------------------------------------

# Unverified: error for a non-Community group on the permission-group and topic APIs;
# 10007 "insufficient operation permission" chosen over 10004 (the usual answer when a group
# type does not support an operation).
NON_COMMUNITY_CODE = 10007
# Unverified: a Community without topic support on topic(-permission) APIs; 11000's text is
# "does not support ... topic-enabled communities".
NO_TOPIC_SUPPORT_CODE = 11000

# --- IDs --------------------------------------------------------------------------------

# Documented: general custom group IDs < 48 bytes. We apply 47 bytes to every GroupId.
GROUP_ID_MAX_BYTES = 47
# Unverified: custom PermissionGroupId max length, mirroring group IDs (< 48 bytes).
PERMISSION_GROUP_ID_MAX_BYTES = 47
TOPIC_ID_MAX_BYTES = 96  # documented
MEMBER_ACCOUNT_MAX_BYTES = 32  # documented
# Unverified: duplicate custom PermissionGroupId at create -> 10021 "ID already in use".
DUPLICATE_PERMISSION_GROUP_ID_CODE = 10021
DUPLICATE_GROUP_ID_CODE = 10021  # unverified, 10021 or 10025: docs/tencent-api.md#712-create_group
DUPLICATE_TOPIC_ID_CODE = 10021  # unverified; mirrors group IDs
# Unverified: a malformed custom TopicId at create_topic -> 10015 "invalid group ID"
# (a topic is a group-like object); 10004 is the alternative.
INVALID_TOPIC_ID_CODE = 10015
# Length of the random suffix of generated IDs (samples show 12 characters for groups and
# topics, 3 for permission groups; we use 12 everywhere, unverified).
GENERATED_SUFFIX_LEN = 12
# Unverified: generated non-Community group IDs look like "@TGS#" + suffix.
GENERATED_OTHER_GROUP_PREFIX = "@TGS#"

# --- Groups (7.12 - 7.15 and 7.20 of docs/tencent-api.md#7-endpoint-reference) ------------

GROUP_TYPES = ("Private", "Work", "Public", "ChatRoom", "Meeting", "AVChatRoom", "Community")
GROUP_NAME_MAX_BYTES = 30  # documented
GROUP_INTRODUCTION_MAX_BYTES = 240  # documented
GROUP_NOTIFICATION_MAX_BYTES = 300  # documented
GROUP_FACE_URL_MAX_BYTES = 100  # documented
# Unverified: SupportTopic defaults to 0 when omitted (the field is optional).
SUPPORT_TOPIC_DEFAULT = 0
# Unverified: EnablePermission of a new topic community when create_group omits it; 0 because
# the client SDKs' enablePermissionGroup starts false (permission groups are opt-in).
ENABLE_PERMISSION_DEFAULT = 0
# Unverified: DefaultPermission of a new community when omitted; no figure is published, 0
# (no right beyond what permission groups grant) is the conservative reading.
DEFAULT_PERMISSION_DEFAULT = 0
# Unverified (docs/tencent-api.md#712-create_group: "10004 or 10007 are plausible"):
# EnablePermission/DefaultPermission on a group that is not a topic-enabled Community. 10004:
# the field is invalid for that group; 10007 speaks of the caller's rights, and the caller is
# the App admin.
PERMISSION_FIELDS_UNSUPPORTED_CODE = 10004
# Unverified (same): DefaultPermission while EnablePermission is 0 -> 10004, for the reason above.
DEFAULT_PERMISSION_WHILE_DISABLED_CODE = 10004
# Unverified: the switch is checked as the call leaves it, so one call may set
# EnablePermission=1 and DefaultPermission together (and EnablePermission=0 with a
# DefaultPermission fails); create_group follows the same rule.
DEFAULT_PERMISSION_CHECKS_NEW_SWITCH = True
# Unverified: turning EnablePermission off keeps the stored DefaultPermission (it applies
# again when switched back on) rather than resetting it.
RESET_DEFAULT_PERMISSION_ON_DISABLE = False
# Unverified (docs/tencent-api.md#prerequisites): the permission-group APIs work while
# EnablePermission is 0. The client docs say the switch decides whether permission groups
# *take effect*, not whether they may be managed; so a deployment can define them before
# switching on, in any order.
PERMISSION_GROUP_APIS_NEED_SWITCH = False
PERMISSION_GROUP_APIS_SWITCH_OFF_CODE = 10007  # used only if the switch above is flipped
# Unverified: modify_group_base_info leaves omitted fields unchanged, and one naming no field
# beyond GroupId is a successful no-op (mirroring modify_permission_group below).
GROUP_INFO_MAX_IDS = 50  # documented (get_group_info GroupIdList)
# Unverified (docs/tencent-api.md#714-get_group_info): whether ResponseFilter.GroupBaseInfoFilter
# must name EnablePermission/DefaultPermission for them to be returned. False: a filter selects
# fields, so they come back when there is no filter or when it names them, like any base field.
GROUP_INFO_PERMISSION_FIELDS_NEED_FILTER = False
# Unverified: GroupInfo of a group that cannot carry the switch (not a topic-enabled
# Community) omits EnablePermission/DefaultPermission rather than reporting 0.
GROUP_INFO_PERMISSION_FIELDS_FOR_ALL_GROUPS = False
# Unverified: per-item code for an unknown (or malformed) GroupId in get_group_info; the
# whole request still succeeds (docs/tencent-api.md#batch-results). 10010 / 10015 as for
# single calls.
GROUP_INFO_UNKNOWN_ITEM_CODE = 10010
GROUP_INFO_INVALID_ITEM_CODE = 10015
APPID_GROUP_LIST_MAX_LIMIT = 10000  # documented (Limit <= 10000, default 10000)
# Unverified: GroupType other than a known type -> 10004 (the page lists the types only).

# --- Topics (docs/tencent-api.md#716-create_topic to #719-destroy_topic) -------------------

TOPIC_NAME_MAX_BYTES = 30  # documented (docs/tencent-api.md#field-limits)
TOPIC_INTRODUCTION_MAX_BYTES = 240  # documented
TOPIC_NOTIFICATION_MAX_BYTES = 300  # documented
TOPIC_FACE_URL_MAX_BYTES = 100  # documented
# TOPIC CustomString: <= 3000 bytes, documented, the same figure as CUSTOM_STRING_MAX_BYTES.
# Unverified: get_topic's From_Account is required, as the samples show.
GET_TOPIC_REQUIRES_FROM_ACCOUNT = True
# Tencent's samples show "ok" as ErrorInfo on topic API items (docs/tencent-api.md#envelope).
TOPIC_OK_INFO = "ok"
# Unverified (docs/tencent-api.md#717-get_topic to #719-destroy_topic): the code for an unknown
# topic: modify_topic's whole answer and the per-item code of get_topic/destroy_topic. 10010: a
# topic is addressed like a group.
UNKNOWN_TOPIC_CODE = 10010
# Unverified: a failed get_topic item carries TopicInfo with only TopicId (so it can be told
# apart) and no SelfInfo.
# Unverified: get_topic's ResponseFilter names TopicInfo fields; these come back regardless.
GET_TOPIC_ALWAYS_FIELDS = ("TopicId", "GroupID")
# Unverified (docs/tencent-api.md#718-modify_topic): modify_topic leaves omitted fields unchanged.
# Unverified: MsgFlag in SelfInfo; the group-member default message flag.
TOPIC_SELF_MSG_FLAG = "AcceptAndNotify"
# The emulator keeps no messages: NextMsgSeq 1, LastMsgTime 0, SelfInfo MsgSeq/ShutUpTime 0.

# --- Permission groups ------------------------------------------------------------------

PERMISSION_GROUP_NAME_MAX_BYTES = 150  # documented
CUSTOM_STRING_MAX_BYTES = 3000  # documented
PERMISSION_LIMIT = 1 << 64  # documented "64-bit"; unsigned range chosen (unverified)
# Unverified: Permission is Required on the CN page but the SDK lets it be omitted -> 0.
CREATE_PERMISSION_DEFAULT = 0
# Unverified: an empty PermissionGroupName is rejected with 10004.
ALLOW_EMPTY_PERMISSION_GROUP_NAME = False
# Unverified: whether Tencent normalises Unicode (NFC/NFKC) or trims PermissionGroupName and
# CustomString, or refuses control, bidi or zero-width characters in them, is undocumented.
# The emulator stores and returns both exactly as sent (within the byte limits); the provider
# refuses those characters itself and compares names exactly (provider validation.name).
NORMALIZES_TEXT = False
# Unverified (docs/tencent-api.md#list-caps-and-page-sizes, U20): oversize fields and over-cap
# lists -> 10004.
OVER_LIMIT_CODE = 10004
# Unverified: empty request lists (destroy IDs, topic lists, member lists) -> 10004.
REJECT_EMPTY_LISTS = True
# Fixed by the product owner: get_permission_group Limit is optional, default 20.
GET_PERMISSION_GROUP_DEFAULT_LIMIT = 20
GET_PERMISSION_GROUP_MAX_LIMIT = 20  # documented
# Unverified: cap on PermissionGroupIdList in lookup mode (mirrors the page size).
GET_PERMISSION_GROUP_MAX_IDS = 20
DESTROY_PERMISSION_GROUP_MAX = 20  # documented
TOPIC_PERMISSION_LIST_MAX = 50  # documented (add/set; delete on the CN page)
# Unverified: get_topic_permission_group's TopicIdList cap mirrors delete's 50.
GET_TOPIC_PERMISSION_MAX_IDS = 50
MEMBER_LIST_MAX = 100  # documented
# Unverified: default page size of get_permission_group_member_list is the maximum, 50.
MEMBER_LIST_DEFAULT_LIMIT = 50
MEMBER_LIST_MAX_LIMIT = 50  # documented
# Unverified: Limit must be >= 1 (0 or negative -> 10004).
MIN_LIMIT = 1
# Unverified: an invalid or foreign paging cursor -> 10004.
INVALID_CURSOR_CODE = 10004
# Unverified: per-item code when add_topic_permission_group finds the permission present.
TOPIC_PERMISSION_EXISTS_CODE = 10004
TOPIC_PERMISSION_EXISTS_INFO = "topic permission already exists in this permission group"
# Unverified: per-item code for a topic that does not exist or belongs to another community.
TOPIC_NOT_FOUND_ITEM_CODE = 10010
TOPIC_NOT_FOUND_ITEM_INFO = "topic does not exist in this community"
# Unverified (docs/tencent-api.md#77-delete_topic_permission_group and
# #78-get_topic_permission_group): per-item 110011 for a topic permission that does not exist.
TOPIC_PERMISSION_MISSING_CODE = 110011
# Unverified (docs/tencent-api.md#72-destroy_permission_group and #74-get_permission_group):
# unknown/malformed IDs in batch lists are reported per item.
PER_ITEM_UNKNOWN_PERMISSION_GROUP_CODE = 110006
PER_ITEM_INVALID_PERMISSION_GROUP_ID_CODE = 110008
# Fixed by the product owner: permission-group members need not be community members. The
# emulator keeps no community member list, so no code consults this; True is not modelled.
REQUIRE_COMMUNITY_MEMBERSHIP = False
# Unverified: a malformed Member_Account fails the whole request (10004), not one item.
INVALID_MEMBER_ACCOUNT_CODE = 10004
MEMBER_ALREADY_PRESENT_RESULT = 10013  # documented per-item Result
# Unverified: delete_permission_group_member answers with the envelope only.
# Unverified: MemberCount is always included in get_permission_group items.
# Unverified: omitted optional fields of modify_permission_group are left unchanged, and a
# modify with none of them is a successful no-op.
