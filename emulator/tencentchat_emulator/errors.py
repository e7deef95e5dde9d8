"""Tencent's documented error codes by name, and ChatError (one exception type) with
constructors for the codes the rules raise directly.

Which code answers a case Tencent leaves open is a choice, kept in unverified.py.
"""

from __future__ import annotations


class ChatError(Exception):
    """A Tencent Chat failure: `code` goes to ErrorCode, `info` to ErrorInfo."""

    def __init__(self, code: int, info: str) -> None:
        super().__init__(f"{code}: {info}")
        self.code = code
        self.info = info


# Gateway / query-string codes (docs/tencent-api.md#common-codes).
HTTP_PARSE = 60002
JSON_PARSE = 60003
SDKAPPID_INVALID = 60006
RATE_LIMITED = 60007
NOT_ADMIN = 60010
SDKAPPID_MISSING = 60012
SIG_EXPIRED = 70001
SIG_MALFORMED = 70003
SIG_MISMATCH = 70009
SIG_IDENTIFIER_MISMATCH = 70013
SIG_SDKAPPID_MISMATCH = 70014

# Group-service codes.
INTERNAL_ERROR = 10002
ILLEGAL_COMMAND = 10003
INVALID_PARAM = 10004
NO_PERMISSION = 10007
GROUP_NOT_FOUND = 10010
BODY_PARSE = 10011
INVALID_GROUP_ID = 10015
ID_IN_USE = 10021
NOT_SUPPORTED = 11000
PERMISSION_GROUP_NOT_FOUND = 110006
INVALID_PERMISSION_GROUP_ID = 110008
TOPIC_PERMISSION_NOT_FOUND = 110011


class InvalidParam(ChatError):
    """10004: a missing, mistyped or out-of-range request field."""

    def __init__(self, info: str) -> None:
        super().__init__(INVALID_PARAM, info)


class GroupNotFound(ChatError):
    """10010: the group does not exist or was disbanded."""

    def __init__(self, group_id: str) -> None:
        super().__init__(GROUP_NOT_FOUND, f"group {group_id!r} does not exist")


class InvalidGroupId(ChatError):
    """10015: a malformed group ID."""

    def __init__(self, info: str = "invalid GroupId") -> None:
        super().__init__(INVALID_GROUP_ID, info)


class PermissionGroupNotFound(ChatError):
    """110006: the permission group does not exist or was destroyed."""

    def __init__(self, pg_id: str) -> None:
        super().__init__(PERMISSION_GROUP_NOT_FOUND,
                         f"permission group {pg_id!r} does not exist")


class InvalidPermissionGroupId(ChatError):
    """110008: a malformed permission-group ID."""

    def __init__(self, info: str = "invalid PermissionGroupId") -> None:
        super().__init__(INVALID_PERMISSION_GROUP_ID, info)


class IllegalCommand(ChatError):
    """10003: unknown command word (or a command under the wrong service)."""

    def __init__(self, info: str = "illegal command word") -> None:
        super().__init__(ILLEGAL_COMMAND, info)
