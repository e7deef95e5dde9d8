"""Small helpers shared by the provider-method tests."""

from __future__ import annotations

from typing import Any

from pulumi.dynamic import CheckResult, ResourceProvider
from pulumi_tencentchat.resources import _claims

GROUP_ID = "@TGS#_dev"
OTHER_GROUP_ID = "@TGS#_other"
TOPIC_GENERAL = f"{GROUP_ID}@TOPIC#_general"
TOPIC_NEWS = f"{GROUP_ID}@TOPIC#_news"
OTHER_TOPIC = f"{OTHER_GROUP_ID}@TOPIC#_general"
#: The largest permission the API stores (a uint64).
MAX = 2**64 - 1


def failures(result: CheckResult) -> dict[str, str]:
    """``{property: reason}`` of a check result."""
    return {f.property: f.reason for f in result.failures}


def checked(provider: ResourceProvider, news: dict[str, Any],
            olds: dict[str, Any] | None = None) -> dict[str, Any]:
    """Run ``check`` as the host does and return the inputs; fail the test on any failure."""
    result = provider.check(olds or {}, news)
    assert failures(result) == {}
    return dict(result.inputs)


def pg_news(**over: Any) -> dict[str, Any]:
    """Wire-form PermissionGroup inputs (what the engine hands to check)."""
    news: dict[str, Any] = {"group_id": GROUP_ID, "permission_group_id": "@PMG#_admins",
                            "name": "Admins", "permission": 39.0}
    news.update(over)
    return {k: v for k, v in news.items() if v is not None}


def next_deployment() -> None:
    """What starts a new ``pulumi`` command: a fresh plugin process knows no held objects.

    Within one deployment the engine never deletes an object a live resource created or
    kept, and the provider skips such deletes; tests that create and then delete the same
    object replay two deployments.
    """
    _claims.forget_all()
