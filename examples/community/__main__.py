"""A community's permission setup as code: the default ("everyone") permission and the
permission-group switch, two topics, moderators, members and read-only groups with their
rights in each topic, and the moderator accounts.

The community ID comes from stack config (Pulumi.<stack>.yaml), so the same program runs
against the local emulator (dev) and a real Tencent Cloud Chat app (prod). Topics are created
here; their IDs are references, not config.
"""

import pulumi
from pulumi_tencentchat import (
    CommunityPermissionSettings,
    PermissionGroup,
    PermissionGroupMembers,
    Topic,
    TopicPermission,
)
from pulumi_tencentchat import GroupPermission as G
from pulumi_tencentchat import TopicPermissionBit as T

config = pulumi.Config()
community = config.require("groupId")
moderator_accounts = config.require_object("moderators")
# Deleting a topic destroys its messages: in production, pulumi refuses to.
protect = pulumi.ResourceOptions(protect=pulumi.get_stack() == "prod")

# Everyone may read the history; permission groups decide the rest.
CommunityPermissionSettings(
    "community-defaults",
    group_id=community,
    default_permission=G.GetGroupHistoryMessage,
    enable_permission_groups=True,
)

general_topic = Topic("general", group_id=community, topic_name="general",
                      introduction="Talk about anything", opts=protect)
announcements_topic = Topic("announcements", group_id=community, topic_name="announcements",
                            introduction="News from the team", opts=protect)
general = general_topic.topic_id
announcements = announcements_topic.topic_id

moderators = PermissionGroup(
    "moderators",
    group_id=community,
    name="Moderators",
    permission=G.SendGroupMessage | G.GroupAtAll | G.GetGroupHistoryMessage
    | G.GroupMuteMember | G.RevokeOtherMemberGroupMessage | G.BanMemberGroupMessage
    | G.ManageGroupMember,
    custom_string="tier=staff",
)

members = PermissionGroup(
    "members",
    group_id=community,
    name="Members",
    permission=["SendGroupMessage", "GetGroupHistoryMessage"],
)

read_only = PermissionGroup(
    "read-only",
    group_id=community,
    name="Read-only",
    permission=G.GetGroupHistoryMessage,
)

# Announcements: moderators post and @all, members and read-only accounts only read.
TopicPermission(
    "moderators-announcements",
    group_id=community,
    permission_group_id=moderators.permission_group_id,
    topic_id=announcements,
    permission=T.SendTopicMessage | T.TopicAtAll | T.GetTopicHistoryMessage | T.ManageTopicInfo,
)
TopicPermission(
    "members-announcements",
    group_id=community,
    permission_group_id=members.permission_group_id,
    topic_id=announcements,
    permission=T.GetTopicHistoryMessage,
)

# General: members talk, moderators also mute and recall, read-only accounts read.
TopicPermission(
    "moderators-general",
    group_id=community,
    permission_group_id=moderators.permission_group_id,
    topic_id=general,
    permission=T.SendTopicMessage | T.GetTopicHistoryMessage | T.TopicMuteMember
    | T.RevokeOtherMemberTopicMessage,
)
TopicPermission(
    "members-general",
    group_id=community,
    permission_group_id=members.permission_group_id,
    topic_id=general,
    permission=["SendTopicMessage", "GetTopicHistoryMessage"],
)
TopicPermission(
    "read-only-general",
    group_id=community,
    permission_group_id=read_only.permission_group_id,
    topic_id=general,
    permission=T.GetTopicHistoryMessage,
)

PermissionGroupMembers(
    "moderator-accounts",
    group_id=community,
    permission_group_id=moderators.permission_group_id,
    members=moderator_accounts,
)

pulumi.export("moderators_id", moderators.permission_group_id)
pulumi.export("members_id", members.permission_group_id)
pulumi.export("read_only_id", read_only.permission_group_id)
pulumi.export("moderator_count", moderators.member_count)
pulumi.export("general_topic_id", general)
pulumi.export("announcements_topic_id", announcements)
