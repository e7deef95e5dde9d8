"""Tencent Chat's error codes, each named once: the constant, what it means and what to do,
and the sets the client sorts codes into.

Meanings and sources: ``docs/tencent-api.md#6-error-codes`` (Tencent's common REST, Chat and
group-service error tables). Which exception each code becomes: :mod:`pulumi_tencentchat.errors`.
"""

from __future__ import annotations

# ----------------------------------------------------------- common REST codes (60xxx)

HTTP_PARSE_ERROR = 60002
REQUEST_JSON_PARSE_ERROR = 60003
# Tencent documents 60004 and 60005 with the same meaning.
ACCOUNT_OR_SIGNATURE_ERROR = 60004
ACCOUNT_OR_SIGNATURE_ERROR_2 = 60005
INVALID_SDKAPPID = 60006
REST_FREQUENCY = 60007
SERVICE_TIMEOUT = 60008
REQUEST_RESOURCE_ERROR = 60009
ADMIN_REQUIRED = 60010
SDKAPPID_FREQUENCY = 60011
SDKAPPID_MISSING = 60012
RESPONSE_JSON_PARSE_ERROR = 60013
ACCOUNT_EXCHANGE_TIMEOUT = 60014
WRONG_ACCOUNT_TYPE = 60015
SDKAPPID_DISABLED = 60016
REQUEST_DISABLED = 60017
# Tencent documents 60018 and 60019 with the same meaning.
REQUEST_TOO_FREQUENT = 60018
REQUEST_TOO_FREQUENT_2 = 60019
PACKAGE_EXPIRED = 60020
IP_NOT_ALLOWED = 60021

# ----------------------------------------------------------- UserSig and account (70xxx)

USERSIG_EXPIRED = 70001
USERSIG_MALFORMED = 70003
USERSIG_VERIFICATION_FAILED = 70009
USERSIG_IDENTIFIER_MISMATCH = 70013
USERSIG_SDKAPPID_MISMATCH = 70014
USERSIG_KEY_NOT_FOUND = 70016
USERSIG_SDKAPPID_NOT_FOUND = 70020
USERSIG_FAILURE_RATE_EXCEEDED = 70050
ACCOUNT_BLACKLISTED = 70051
ACCOUNT_NOT_IMPORTED = 70107

# --------------------------------------------------------------- group service (1xxxx)

INTERNAL_ERROR = 10002
ILLEGAL_COMMAND = 10003
INVALID_PARAMETER = 10004
FREQUENCY_LIMIT = 10006
INSUFFICIENT_PERMISSION = 10007
GROUP_NOT_FOUND = 10010
BODY_PARSE_ERROR = 10011
ALREADY_MEMBER = 10013
INVALID_GROUP_ID = 10015
CALLBACK_REJECTED = 10016
RESPONSE_TOO_LARGE = 10018
ACCOUNT_NOT_FOUND = 10019
GROUP_ID_IN_USE = 10021
GROUP_ID_IN_USE_BY_OWNER = 10025
COMMAND_DISABLED = 10026
UNSUPPORTED = 11000

# ---------------------------------------------------------------- permission groups

PERMISSION_GROUP_NOT_FOUND = 110006
INVALID_PERMISSION_GROUP_ID = 110008
TOPIC_PERMISSION_NOT_FOUND = 110011

# ------------------------------------------------------------------------- catalogue

_KEY = (
    "check tencentchat:sdkAppId, tencentchat:identifier and the credential "
    "(tencentchat:secretKey or tencentchat:userSig, or TENCENTCHAT_SECRET_KEY / "
    "TENCENTCHAT_USERSIG)"
)
_RETRY = "the provider retries this automatically; if it persists, wait and run the command again"
_FREQ = (
    "lower tencentchat:requestsPerSecond (the 200/s cap is shared with your own app) "
    "or run pulumi with a lower --parallel; the provider already backs off and retries"
)
_REGION = "check tencentchat:region / tencentchat:endpoint matches the app's data centre"
_BUG = "this is a provider bug; report it with the command name"
_ADOPT = "choose another group ID or adopt the existing group"

#: code -> (meaning, what to do)
CATALOGUE: dict[int, tuple[str, str]] = {
    HTTP_PARSE_ERROR: ("HTTP parse error",
                       "check the endpoint URL; this is a provider bug if it persists"),
    REQUEST_JSON_PARSE_ERROR: ("JSON parse error in the request body", _BUG),
    ACCOUNT_OR_SIGNATURE_ERROR: ("account or signature error in URL or body", _KEY),
    ACCOUNT_OR_SIGNATURE_ERROR_2: ("account or signature error in URL or body", _KEY),
    INVALID_SDKAPPID: ("SDKAppID invalid", "check tencentchat:sdkAppId against the Chat console"),
    REST_FREQUENCY: ("REST call frequency over limit", _FREQ),
    SERVICE_TIMEOUT: ("service timeout or malformed HTTP request", _RETRY),
    REQUEST_RESOURCE_ERROR: ("request resource error",
                             "check tencentchat:endpoint / tencentchat:region"),
    ADMIN_REQUIRED: ("request requires App admin permission",
                     "set tencentchat:identifier to an App admin account (the console's "
                     "'administrator' by default)"),
    SDKAPPID_FREQUENCY: ("SDKAppID request frequency over limit", _FREQ),
    SDKAPPID_MISSING: ("SDKAppID missing from the URL", "check tencentchat:sdkAppId is set"),
    RESPONSE_JSON_PARSE_ERROR: ("JSON parse error in the HTTP response", _RETRY),
    ACCOUNT_EXCHANGE_TIMEOUT: ("account exchange timeout", _RETRY),
    WRONG_ACCOUNT_TYPE: ("wrong account type in body (must be a string)",
                         "pass user IDs as strings"),
    SDKAPPID_DISABLED: ("SDKAppID disabled", "re-enable the application in the Chat console"),
    REQUEST_DISABLED: ("request disabled",
                       "check the app's feature configuration in the Chat console"),
    REQUEST_TOO_FREQUENT: ("request too frequent", _FREQ),
    REQUEST_TOO_FREQUENT_2: ("request too frequent", _FREQ),
    PACKAGE_EXPIRED: ("paid package expired or suspended", "renew the Chat package in the console"),
    IP_NOT_ALLOWED: ("caller IP not allowed",
                     "add this machine's IP to the app's allow-list in the console"),
    USERSIG_EXPIRED: ("UserSig expired",
                      "regenerate the UserSig (the provider signs its own when "
                      "tencentchat:secretKey is set) and check this machine's clock"),
    USERSIG_MALFORMED: ("UserSig parse failure (malformed)",
                        "regenerate the UserSig, or set tencentchat:secretKey so the provider "
                        "signs its own"),
    USERSIG_VERIFICATION_FAILED: (
        "UserSig verification failed (wrong key or another SDKAppID's key)",
        "check tencentchat:secretKey (or TENCENTCHAT_SECRET_KEY) is this SDKAppID's key "
        "and that tencentchat:region matches the app"),
    USERSIG_IDENTIFIER_MISMATCH: (
        "UserID in request differs from the UserID the UserSig was generated for",
        "generate the UserSig for tencentchat:identifier, or set tencentchat:secretKey"),
    USERSIG_SDKAPPID_MISMATCH: (
        "SDKAppID in request differs from the SDKAppID in the UserSig",
        "generate the UserSig for tencentchat:sdkAppId, or set tencentchat:secretKey"),
    USERSIG_KEY_NOT_FOUND: ("key not found, UserSig check failed", _REGION),
    USERSIG_SDKAPPID_NOT_FOUND: ("SDKAppID does not exist, UserSig check failed",
                                 "check tencentchat:sdkAppId and " + _REGION),
    USERSIG_FAILURE_RATE_EXCEEDED: ("UserSig failed and verification rate exceeded",
                                    "fix the credential, then wait one minute before retrying"),
    ACCOUNT_BLACKLISTED: ("account blacklisted",
                          "use another admin identifier or contact Tencent support"),
    ACCOUNT_NOT_IMPORTED: ("requested account not imported into Chat",
                           "import the account first (tencentchat:identifier must exist in "
                           "Chat)"),
    INTERNAL_ERROR: ("internal server error", _RETRY),
    ILLEGAL_COMMAND: ("illegal command word", _BUG),
    INVALID_PARAMETER: ("invalid parameter",
                        "check the resource inputs (ID formats, name <= 150 bytes, custom "
                        "string <= 3000 bytes, list sizes)"),
    FREQUENCY_LIMIT: ("operation frequency limit", _FREQ),
    INSUFFICIENT_PERMISSION: ("insufficient operation permission",
                              "use an App admin identifier; make sure the group is a "
                              "Community you can manage"),
    GROUP_NOT_FOUND: ("group does not exist or was disbanded",
                      "check the community group ID; if it was deleted outside Pulumi, run "
                      "`pulumi refresh`"),
    BODY_PARSE_ERROR: ("JSON body parse failure", _BUG),
    ALREADY_MEMBER: ("user is already a member", "nothing to do: the member is already present"),
    INVALID_GROUP_ID: ("invalid group ID",
                       "check the group ID format (a Community ID starts with @TGS#_)"),
    CALLBACK_REJECTED: ("rejected by the app backend's third-party callback",
                        "check your app's callback server logic"),
    RESPONSE_TOO_LARGE: ("response packet over the maximum size (1 MB)",
                         "request fewer items per call"),
    ACCOUNT_NOT_FOUND: ("requested account does not exist",
                        "import the user into Chat before adding it"),
    GROUP_ID_IN_USE: ("group ID already in use", _ADOPT),
    GROUP_ID_IN_USE_BY_OWNER: ("group ID in use and the operator is its owner", _ADOPT),
    COMMAND_DISABLED: ("this command word is disabled for the SDKAppID",
                       "enable the feature in the Chat console"),
    UNSUPPORTED: ("SDKAppID does not support communities / topic-enabled communities",
                  "use an edition that includes Community and turn on the Community (and "
                  "topic) switches in the Chat console"),
    PERMISSION_GROUP_NOT_FOUND: ("permission group does not exist or was destroyed",
                                 "check the permission group ID; if it was deleted outside "
                                 "Pulumi, run `pulumi refresh`"),
    INVALID_PERMISSION_GROUP_ID: ("invalid permission group ID",
                                  "a custom permission group ID must start with @PMG#_ and "
                                  "must not start with @PMG#_@PMG#"),
    TOPIC_PERMISSION_NOT_FOUND: ("topic permission does not exist",
                                 "add the topic permission before modifying it (or run "
                                 "`pulumi refresh`)"),
}

# ------------------------------------------------------------------------- code sets

AUTH_CODES = frozenset({
    ACCOUNT_OR_SIGNATURE_ERROR, ACCOUNT_OR_SIGNATURE_ERROR_2, INVALID_SDKAPPID, SDKAPPID_MISSING,
    USERSIG_EXPIRED, USERSIG_MALFORMED, USERSIG_VERIFICATION_FAILED, USERSIG_IDENTIFIER_MISMATCH,
    USERSIG_SDKAPPID_MISMATCH, USERSIG_KEY_NOT_FOUND, USERSIG_SDKAPPID_NOT_FOUND,
    ACCOUNT_NOT_IMPORTED,
})
PERMISSION_CODES = frozenset({
    ADMIN_REQUIRED, INSUFFICIENT_PERMISSION, CALLBACK_REJECTED, SDKAPPID_DISABLED,
    REQUEST_DISABLED, PACKAGE_EXPIRED, IP_NOT_ALLOWED, ACCOUNT_BLACKLISTED,
})
#: Frequency codes the client retries (70050 asks for a one-minute pause: not retried).
RETRYABLE_FREQUENCY_CODES = frozenset({
    REST_FREQUENCY, SDKAPPID_FREQUENCY, REQUEST_TOO_FREQUENT, REQUEST_TOO_FREQUENT_2,
    FREQUENCY_LIMIT,
})
RATE_LIMIT_CODES = RETRYABLE_FREQUENCY_CODES | {USERSIG_FAILURE_RATE_EXCEEDED}
NOT_FOUND_CODES = frozenset({
    GROUP_NOT_FOUND, PERMISSION_GROUP_NOT_FOUND, TOPIC_PERMISSION_NOT_FOUND, ACCOUNT_NOT_FOUND,
})
INVALID_CODES = frozenset({
    INVALID_PARAMETER, INVALID_GROUP_ID, INVALID_PERMISSION_GROUP_ID, HTTP_PARSE_ERROR,
    REQUEST_JSON_PARSE_ERROR, REQUEST_RESOURCE_ERROR, WRONG_ACCOUNT_TYPE, ILLEGAL_COMMAND,
    BODY_PARSE_ERROR, RESPONSE_TOO_LARGE,
})
#: A create whose ID is taken. Documented for group IDs (create_group); assumed, unverified,
#: for custom permission-group IDs, whose duplicate code Tencent does not document.
ID_IN_USE = frozenset({GROUP_ID_IN_USE, GROUP_ID_IN_USE_BY_OWNER})
#: Codes after which a create with a custom permission-group ID looks at the server before
#: failing: ``ID_IN_USE`` (assumed, see above) and 10004, a guess at the code Tencent may use
#: for a duplicate custom permission-group ID (10004 is also its answer to any bad input,
#: which the look finds absent, so the create still fails with it).
CREATE_CONFLICT_CODES = ID_IN_USE | {INVALID_PARAMETER}
#: What :class:`~pulumi_tencentchat.errors.ConflictError` stands for: the object asked for
#: already exists. 10013 (already a member) is in it because that is its meaning as a
#: top-level code; per member, add_permission_group_member counts it as success.
CONFLICT_CODES = ID_IN_USE | {ALREADY_MEMBER}
SERVER_CODES = frozenset({
    INTERNAL_ERROR, SERVICE_TIMEOUT, RESPONSE_JSON_PARSE_ERROR, ACCOUNT_EXCHANGE_TIMEOUT,
})
#: Server codes the client retries.
RETRYABLE_SERVER_CODES = frozenset({INTERNAL_ERROR})
UNSUPPORTED_CODES = frozenset({UNSUPPORTED, COMMAND_DISABLED})
