"""Which service word serves which command word: the emulator's URL table.

Like moto's ``urls.py``: the one place that says what ``/v4/{service}/{command}`` reaches. The
service names and their commands are documented (docs/tencent-api.md#services); what happens
when a command arrives under the other service is a choice, kept in ``unverified.py``.
"""

from __future__ import annotations

GROUP_SVC = "group_open_http_svc"
TOPIC_SVC = "million_group_open_http_svc"
SERVICES = (GROUP_SVC, TOPIC_SVC)

COMMAND_SERVICES: dict[str, str] = {
    # permission groups (7.1 - 7.11 of docs/tencent-api.md#7-endpoint-reference)
    "create_permission_group": GROUP_SVC,
    "destroy_permission_group": GROUP_SVC,
    "modify_permission_group": GROUP_SVC,
    "get_permission_group": GROUP_SVC,
    "add_topic_permission_group": GROUP_SVC,
    "set_topic_permission_group": GROUP_SVC,
    "delete_topic_permission_group": GROUP_SVC,
    "get_topic_permission_group": GROUP_SVC,
    "add_permission_group_member": GROUP_SVC,
    "delete_permission_group_member": GROUP_SVC,
    "get_permission_group_member_list": GROUP_SVC,
    # groups (7.12 - 7.15 and 7.20 of docs/tencent-api.md#7-endpoint-reference)
    "create_group": GROUP_SVC,
    "destroy_group": GROUP_SVC,
    "modify_group_base_info": GROUP_SVC,
    "get_group_info": GROUP_SVC,
    "get_appid_group_list": GROUP_SVC,
    # topics (docs/tencent-api.md#716-create_topic to #719-destroy_topic)
    "create_topic": TOPIC_SVC,
    "modify_topic": TOPIC_SVC,
    "get_topic": TOPIC_SVC,
    "destroy_topic": TOPIC_SVC,
}

# Documented caps that differ from the 200/s every other command has (requests per second).
COMMAND_RATE_LIMITS: dict[str, int] = {
    "get_appid_group_list": 1,  # docs/tencent-api.md#720-get_appid_group_list (269/1614)
}
