"""A fixed community snapshot for the matrix tests, and the JSON it must give (written out)."""

from __future__ import annotations

from pulumi_tencentchat.snapshot import (
    CommunitySnapshot,
    PermissionGroupSnapshot,
    TopicSnapshot,
)

GROUP = "@TGS#_fix"
GENERAL = f"{GROUP}@TOPIC#_general"
NEWS = f"{GROUP}@TOPIC#_news"
GONE = f"{GROUP}@TOPIC#_gone"  # a topic permission whose topic the listing lacks

SNAPSHOT = CommunitySnapshot(
    group_id=GROUP, name="Fixture", enable_permission_groups=True,
    default_permission=256 | 64,  # GetGroupHistoryMessage | SendGroupMessage
    topics=(TopicSnapshot(GENERAL, "general"), TopicSnapshot(NEWS, "news")),
    permission_groups=(
        PermissionGroupSnapshot(
            "@PMG#_mods", "Moderators", permission=64 | 128 | 32 | (1 << 40),
            topics={GENERAL: 8 | 4, NEWS: 8 | 64}, members=("bob", "alice")),
        PermissionGroupSnapshot(
            "@PMG#_readers", "Readers", permission=256,
            topics={GENERAL: 16, GONE: 1 | (1 << 9)}, members=("carol", "bob")),
        PermissionGroupSnapshot("@PMG#_empty", "Empty", permission=0),
    ),
    taken_at="2025-03-04T05:06:07+00:00")

EXPECTED_JSON = {
    "group_id": GROUP,
    "enable_permission_groups": True,
    "topics": [{"topic_id": GENERAL, "topic_name": "general"},
               {"topic_id": NEWS, "topic_name": "news"},
               {"topic_id": GONE, "topic_name": ""}],
    "default": {"community": ["SendGroupMessage", "GetGroupHistoryMessage"]},
    "permission_groups": [
        {"permission_group_id": "@PMG#_mods", "name": "Moderators", "member_count": 2,
         "community": ["GroupMuteMember", "SendGroupMessage", "GroupAtAll", "bit40"],
         "topics": {GENERAL: ["TopicMuteMember", "SendTopicMessage"],
                    NEWS: ["SendTopicMessage", "TopicAtAll"], GONE: []}},
        {"permission_group_id": "@PMG#_readers", "name": "Readers", "member_count": 2,
         "community": ["GetGroupHistoryMessage"],
         "topics": {GENERAL: ["GetTopicHistoryMessage"], NEWS: [],
                    GONE: ["ManageTopicInfo", "bit9"]}},
        {"permission_group_id": "@PMG#_empty", "name": "Empty", "member_count": 0,
         "community": [], "topics": {GENERAL: [], NEWS: [], GONE: []}},
    ],
    "members": {
        "alice": {"permission_groups": ["@PMG#_mods"],
                  "community": ["GroupMuteMember", "SendGroupMessage", "GroupAtAll",
                                "GetGroupHistoryMessage", "bit40"],
                  "topics": {GENERAL: ["TopicMuteMember", "SendTopicMessage"],
                             NEWS: ["SendTopicMessage", "TopicAtAll"], GONE: []}},
        "bob": {"permission_groups": ["@PMG#_mods", "@PMG#_readers"],
                "community": ["GroupMuteMember", "SendGroupMessage", "GroupAtAll",
                              "GetGroupHistoryMessage", "bit40"],
                "topics": {GENERAL: ["TopicMuteMember", "SendTopicMessage",
                                     "GetTopicHistoryMessage"],
                           NEWS: ["SendTopicMessage", "TopicAtAll"],
                           GONE: ["ManageTopicInfo", "bit9"]}},
        "carol": {"permission_groups": ["@PMG#_readers"],
                  "community": ["SendGroupMessage", "GetGroupHistoryMessage"],
                  "topics": {GENERAL: ["GetTopicHistoryMessage"], NEWS: [],
                             GONE: ["ManageTopicInfo", "bit9"]}},
    },
}
