"""The dynamic resources. Provider classes are pickled by reference: never move or rename them.

``RESOURCES`` is the one list of them, read by the package's public names and by the tests:
public class name -> (module in this package, provider class name). The resource's ``…Args``
class is ``<name>Args`` in the same module. Importing this package imports none of them.
"""

RESOURCES: dict[str, tuple[str, str]] = {
    "PermissionGroup": ("permission_group", "PermissionGroupProvider"),
    "TopicPermission": ("topic_permission", "TopicPermissionProvider"),
    "TopicPermissions": ("topic_permissions", "TopicPermissionsProvider"),
    "PermissionGroupMembers": ("permission_group_members", "PermissionGroupMembersProvider"),
    "Topic": ("topic", "TopicProvider"),
    "CommunityPermissionSettings": ("community_permission_settings",
                                    "CommunityPermissionSettingsProvider"),
}
