"""Which service word serves which command word: the emulator's URL table.

Like moto's ``urls.py``: the one place that says what ``/v4/{service}/{command}`` reaches. The
service names and their commands are documented (spec §2.1, §8, §14); what happens when a
command arrives under the other service is a choice, kept in ``unverified.py``.
"""

from __future__ import annotations

GROUP_SVC = "group_open_http_svc"
TOPIC_SVC = "million_group_open_http_svc"
SERVICES = (GROUP_SVC, TOPIC_SVC)

COMMAND_SERVICES: dict[str, str] = {
    # permission groups (spec §7)
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
    # groups (spec §8.1, §8.2, §14.1, §14.3)
    "create_group": GROUP_SVC,
    "destroy_group": GROUP_SVC,
    "modify_group_base_info": GROUP_SVC,
    "get_group_info": GROUP_SVC,
    "get_appid_group_list": GROUP_SVC,
    # topics (spec §8.3 - §8.5, §14.2)
    "create_topic": TOPIC_SVC,
    "modify_topic": TOPIC_SVC,
    "get_topic": TOPIC_SVC,
    "destroy_topic": TOPIC_SVC,
}

# Documented caps that differ from the 200/s every other command has (requests per second).
COMMAND_RATE_LIMITS: dict[str, int] = {
    "get_appid_group_list": 1,  # spec §14.3 (269/1614)
}
